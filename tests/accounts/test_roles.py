import pytest
from django.db import IntegrityError, transaction

from linli.accounts.models import Role, RoleAssignment
from linli.accounts.services import role_assign
from linli.core.errors import ScopeError, ServiceError
from linli.core.masking import mask_id_number, mask_mobile
from tests.factories import make_user


def test_masking():
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_id_number("310110195501011234") == "3101**********1234"
    assert mask_mobile("") == ""


def test_role_must_match_its_scope_level(world):
    user = make_user()
    with pytest.raises(ServiceError):
        role_assign(actor=None, user=user, role=Role.RESIDENT, scope=world.committee_a)


def test_database_refuses_a_role_with_two_scopes(world):
    user = make_user()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=user, role=Role.COMMITTEE_STAFF, committee=world.committee_a, street=world.street_a
        )


def test_staff_cannot_grant_roles_outside_their_committee(world):
    user = make_user()
    with pytest.raises(ScopeError):
        role_assign(actor=world.users.staff_a, user=user, role=Role.RESIDENT, scope=world.flat_b)
    assignment = role_assign(
        actor=world.users.staff_a, user=user, role=Role.RESIDENT, scope=world.flat_a2
    )
    assert assignment.flat == world.flat_a2


def test_street_staff_manage_all_committees_of_their_street_only(world):
    from linli.accounts.scopes import scopes_for

    s = scopes_for(world.users.street_a)
    assert world.committee_a.pk in s.managed_committee_ids
    assert world.committee_b.pk not in s.managed_committee_ids
    d = scopes_for(world.users.district)
    assert {world.committee_a.pk, world.committee_b.pk} <= d.managed_committee_ids
