"""Events go to the chain of their committee; other events to the platform chain."""

import pytest
from django.core.management import call_command

from linli.audit.models import PLATFORM_CHAIN, AuditChainHead, AuditEvent, genesis_hash
from linli.audit.selectors import audit_chain_verify
from linli.audit.services import audit_record, chain_for
from linli.voting import services as voting
from linli.voting.models import Ballot
from tests.voting.conftest import estate, owners_vote  # noqa: F401  (fixtures)


def test_events_are_chained_per_committee(world):
    a, b = world.committee_a, world.committee_b
    audit_record(actor=None, action="test.a", obj=world.flat_a)  # flat → building → compound
    audit_record(actor=None, action="test.b", obj=world.compound_b)
    audit_record(actor=world.users.staff_a, action="test.a", obj=a)
    audit_record(actor=None, action="test.platform", obj=world.street_a)
    audit_record(actor=None, action="test.platform", object_type="x", object_id=1)

    def tests_of(chain):
        return list(
            AuditEvent.objects.filter(chain=chain, action__startswith="test.")
            .order_by("seq")
            .values_list("action", flat=True)
        )

    assert tests_of(f"committee:{a.pk}") == ["test.a", "test.a"]
    assert tests_of(f"committee:{b.pk}") == ["test.b"]
    assert tests_of(PLATFORM_CHAIN) == ["test.platform", "test.platform"]
    first_b = AuditEvent.objects.filter(chain=f"committee:{b.pk}").order_by("seq").first()
    assert first_b.seq == 1
    assert first_b.prev_hash == genesis_hash(f"committee:{b.pk}") != "0" * 64
    head_a = AuditChainHead.objects.get(chain=f"committee:{a.pk}")
    assert head_a.count == AuditEvent.objects.filter(chain=f"committee:{a.pk}").count()
    assert (
        head_a.last_hash == AuditEvent.objects.filter(chain=f"committee:{a.pk}").latest("seq").hash
    )
    report = audit_chain_verify()
    assert report.ok, report.reason
    assert report.checked == AuditEvent.objects.count()
    assert report.chains == 3


def test_a_ballot_goes_to_the_chain_of_its_votes_committee(estate, owners_vote):  # noqa: F811
    vote = owners_vote("278-9")
    voting.ballot_cast(
        actor=estate.users["A"], vote=vote, flat=estate.flats["F1"], choice="agree",
        idempotency_key="k1",
    )  # fmt: skip
    ballot = Ballot.objects.get(vote=vote)
    chain = f"committee:{estate.world.committee_a.pk}"
    assert chain_for(ballot) == chain
    cast = AuditEvent.objects.get(action="ballot.cast")
    assert cast.chain == chain
    assert set(
        AuditEvent.objects.filter(object_type="voting.vote").values_list("chain", flat=True)
    ) == {chain}


def test_moving_an_event_to_another_chain_is_detected(world):
    from django.db import connection

    from linli.audit import guard

    audit_record(actor=None, action="test.a", obj=world.compound_a)
    audit_record(actor=None, action="test.b", obj=world.compound_b)
    event = AuditEvent.objects.get(action="test.a")
    other = f"committee:{world.committee_b.pk}"
    end_of_b = AuditEvent.objects.filter(chain=other).count()
    with guard.lifted(connection):
        AuditEvent.objects.filter(pk=event.pk).update(chain=other, seq=end_of_b + 1)
    report = audit_chain_verify()
    assert not report.ok
    with pytest.raises(Exception, match="前序哈希|链头"):
        call_command("verify_audit")
