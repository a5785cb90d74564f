"""The demo district: counts, realism, case projects, logins for every role, idempotency."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from linli.accounts.models import Role, User
from linli.accounts.scopes import scopes_for
from linli.audit.models import AuditEvent
from linli.demo import data
from linli.demo.cases import PROJECTS
from linli.places.models import (
    Building,
    Committee,
    Compound,
    District,
    Facility,
    Flat,
    Household,
    MicroSpace,
    Ownership,
    Person,
    Residency,
    Street,
)
from linli.projects.models import Project, ProjectEvent

pytestmark = pytest.mark.django_db


def demo(*args) -> str:
    out = io.StringIO()
    call_command("demo_district", *args, stdout=out)
    return out.getvalue()


def registry_counts() -> dict:
    return {
        m.__name__: m.objects.count()
        for m in (
            District,
            Street,
            Committee,
            Compound,
            Building,
            Flat,
            Person,
            Household,
            Residency,
            Ownership,
            MicroSpace,
            Facility,
            Project,
            User,
        )
    }


def test_default_build_is_realistic():
    # How long the build takes is measured in docs/demo.md, not asserted here: these
    # machines are shared and a timed unit test fails on load, not on a regression.
    out = demo()
    assert "13800000001" in out and data.DEMO_PASSWORD in out

    district = District.objects.get(name="杨浦区")
    assert district.streets.count() == 12
    assert Committee.objects.filter(street__district=district).count() == 291
    siping = Street.objects.get(name=data.DETAILED_STREET)
    # every committee of the detailed street is built in detail
    assert not siping.committees.annotate(n=Count("compounds")).filter(n=0).exists()
    # the five other case committees too, and nothing else at the default scale
    # (高境镇's 32 居民区 are another district: linli/demo/gaojing.py)
    detailed = (
        Committee.objects.filter(street__district=district)
        .annotate(n=Count("compounds"))
        .filter(n__gt=0)
    )
    assert detailed.count() == siping.committees.count() + 4

    residents = Residency.objects.filter(
        household__flat__building__compound__committee__street__district=district
    ).count()  # 高境镇 (宝山区, linli/demo/gaojing.py) is counted in its own audit event
    assert 110_000 < residents < 150_000  # ≈ 30 committees × 4,261 (seeds: 1.24 M / 291)
    births = list(Residency.objects.values_list("person__birth_year", flat=True))
    over_60 = sum(1 for y in births if data.REF_YEAR - y >= 60) / len(births)
    assert 0.33 < over_60 < 0.40  # Shanghai is old: ~36 % over 60
    assert any(data.REF_YEAR - y < 6 for y in births)  # and has young children

    # flats: walk-ups and towers, realistic exclusive areas with two decimals
    assert Building.objects.filter(floors__in=[6, 7], has_elevator=False).exists()
    assert Building.objects.filter(floors=18, has_elevator=True).exists()
    areas = Flat.objects.values_list("area", flat=True)[:5000]
    assert all(Decimal("30") <= a <= Decimal("125") for a in areas)
    assert all(a == a.quantize(Decimal("0.01")) for a in areas)
    assert not Flat.objects.filter(floor__gt=18).exists()

    # owners: co-owned flats, owners of several flats, a developer holding unsold flats
    assert Ownership.objects.filter(share=Decimal("0.5")).exists()
    assert (
        Person.objects.annotate(n=Count("ownerships"))
        .filter(n__gt=1, is_organisation=False)
        .exists()
    )
    developer = Person.objects.filter(is_organisation=True).first()
    assert developer is not None and developer.ownerships.count() >= 4
    assert not developer.residencies.exists()
    assert Household.objects.filter(is_tenant=True).exists()

    # micro-spaces and facilities with WGS-84 coordinates inside Yangpu
    for model in (MicroSpace, Facility, Compound):
        rows = model.objects.all()
        if model is Compound:  # 高境镇's compounds lie in 宝山区 (linli/demo/gaojing.py)
            rows = rows.filter(committee__street__district__name="杨浦区")
        for lat, lng in rows.values_list("lat", "lng")[:2000]:
            assert Decimal("31.26") <= lat <= Decimal("31.33")
            assert Decimal("121.50") <= lng <= Decimal("121.56")
    kinds = set(MicroSpace.objects.values_list("kind", flat=True))
    assert {"garden", "bike_garage", "stilt", "stairwell", "pavilion"} <= kinds
    fkinds = set(Facility.objects.values_list("kind", flat=True))
    assert {
        "neighbourhood_centre",
        "elderly_care",
        "clinic",
        "kindergarten",
        "market",
        "bus_stop",
        "metro",
    } <= fkinds
    assert Facility.objects.filter(kind="neighbourhood_centre").count() == 60  # seeds: 60 睦邻中心

    event = AuditEvent.objects.get(action="demo.build")
    assert event.after["counts"]["residents"] == residents
    call_command("verify_audit", stdout=io.StringIO())


def test_case_projects_at_their_stages():
    demo("--scale", "small")
    for spec in PROJECTS:
        project = Project.objects.get(title=spec["title"])
        assert project.stage == spec["target"], project.title
        # The seed's story up to 实施 is on the timeline word for word; from 实施 on, a
        # project moves only when the step 5–6 records satisfy the guards, and those
        # builders write their own timeline entries.
        timeline = set(
            project.events.exclude(kind=ProjectEvent.Kind.CREATED).values_list("note", flat=True)
        )
        before_implementation = []
        for step in spec["steps"]:
            if step[0] == "stage" and step[1] == "implementation":
                break
            before_implementation.append(step[-1])
        assert set(before_implementation) <= timeline, project.title
        assert len(timeline) >= len(before_implementation)
        assert project.compounds.count() == 1
    # projects past 筹资 carry a funding plan whose approved sources cover the cost
    try:
        from linli.funding.selectors import plan_coverage
    except ImportError:  # funding app not installed
        plan_coverage = None
    if plan_coverage is not None:
        for spec in PROJECTS:
            if spec.get("funding"):
                plan = Project.objects.get(title=spec["title"]).funding_plan
                cov = plan_coverage(plan)
                assert cov.cost_fen == sum(y for _, y in spec["funding"]["items"]) * 100
                assert cov.approved_fen >= cov.cost_fen
    stages = {p.stage for p in Project.objects.all()}
    assert len(stages) == 8  # every stage of the loop is shown by some project

    anshun = Project.objects.get(title__contains="睦邻客厅")
    b5 = anshun.buildings.get()
    assert b5.number == "5号楼" and b5.compound.name == "安顺苑"
    assert b5.flats.count() == 12  # 12 households × 4,000 yuan, matched 1:1 = 96,000 yuan
    assert not b5.flats.filter(floor=1).exists()  # ground floor is the stilt space
    assert anshun.microspaces.get().kind == "stilt"
    assert anshun.events.filter(note__contains="9.6万元").exists()
    garage = Project.objects.get(title__contains="BOT")
    assert garage.committee.name == "市光四村第三居委会"
    assert garage.committee.street.name == "殷行街道"
    assert Project.objects.get(title__contains="馨丽园").committee.street.name == "大桥街道"
    assert Project.objects.get(title__contains="铁路新村").committee.street.name == "五角场街道"
    assert Project.objects.get(title__contains="一脉三园").committee.street.name == "江浦路街道"
    # projects were made by the committees' staff through the services (audited)
    # (every stage move on a timeline has its audit event, the step 5–6 builders' included)
    assert (
        AuditEvent.objects.filter(action="project.stage").count()
        == ProjectEvent.objects.filter(kind=ProjectEvent.Kind.STAGE).count()
    )
    call_command("verify_audit", stdout=io.StringIO())


EXPECTED_SCOPE = {
    Role.RESIDENT: lambda s: s.resident_flat_ids,
    Role.BUILDING_LEADER: lambda s: s.led_building_ids,
    Role.COMMITTEE_STAFF: lambda s: s.managed_committee_ids,
    Role.STREET_STAFF: lambda s: s.managed_street_ids,
    Role.DISTRICT_ADMIN: lambda s: s.managed_district_ids,
    Role.PLANNER: lambda s: s.planner_street_ids,
    Role.OWNERS_COMMITTEE: lambda s: s.owners_committee_compound_ids,
    Role.PROPERTY_COMPANY: lambda s: s.property_compound_ids,
    Role.PARTNER: lambda s: s.visible_committee_ids,
    Role.PARTY_ORG: lambda s: s.party_committee_ids,
}


def _demo_users():
    return list(User.objects.filter(mobile__startswith="1380000").order_by("mobile"))


def test_every_role_can_log_in(client):
    out = demo("--scale", "small")
    users = _demo_users()
    roles = {r.role for u in users for r in u.roles.all()}
    assert roles == set(Role.values)
    assert any(u.is_superuser and u.is_staff for u in users)
    for user in users:
        assert user.mobile in out
        assert client.login(mobile=user.mobile, password=data.DEMO_PASSWORD), user.mobile
        client.logout()
        scopes = scopes_for(user)
        for assignment in user.roles.all():
            assert EXPECTED_SCOPE[assignment.role](scopes), (user.name, assignment.role)
        if not user.roles.exists() and not user.is_superuser:
            # a project task without a community role (evaluator, auditor, contractor
            # contact, volunteer): the home page is that task's to-dos, never empty
            from linli.evaluation.models import AuditorAssignment, EvaluatorAssignment
            from linli.implementation.models import WorkingGroupMember
            from linli.projects.registry import todos_for

            assert (
                todos_for(user)
                or EvaluatorAssignment.objects.filter(user=user).exists()
                or AuditorAssignment.objects.filter(user=user).exists()
                or WorkingGroupMember.objects.filter(user=user).exists()
            ), user.mobile
            continue
        assert scopes.visible_committee_ids or scopes.is_superuser
    # residents are linked to the Person row of their flat
    resident = User.objects.get(mobile="13800000002")
    person = Person.objects.get(user=resident)
    flat = resident.roles.get(role=Role.RESIDENT).flat
    assert Residency.objects.filter(person=person, household__flat=flat).exists()
    assert person.name == resident.name
    leader = User.objects.get(mobile="13800000003")
    assert leader.roles.get(role=Role.BUILDING_LEADER).building.number == "5号楼"
    planner = User.objects.get(mobile="13800000007")
    assert scopes_for(planner).planner_street_ids == {
        Street.objects.get(name=data.DETAILED_STREET).pk
    }


HOME_TARGETS = [
    ("places:district", [1]),
    ("places:street", [1]),
    ("places:workbench", [1]),
    ("places:planner_home", []),
    ("places:my_home", []),
]


def test_home_page_for_every_demo_login(client):
    try:
        for name, args in HOME_TARGETS:
            reverse(name, args=args)
    except NoReverseMatch as exc:
        pytest.skip(f"role home pages not wired yet: {exc}")
    demo("--scale", "small")
    for user in _demo_users():
        client.login(mobile=user.mobile, password=data.DEMO_PASSWORD)
        response = client.get("/", follow=True)
        assert response.status_code == 200, (user.name, response.redirect_chain)
        client.logout()


def test_idempotent_and_reset_rebuilds_the_same_district():
    demo("--scale", "small")
    first = registry_counts()
    names = list(Person.objects.order_by("id").values_list("name", flat=True)[:200])
    out = demo("--scale", "small")
    assert "已存在" in out
    assert registry_counts() == first  # nothing duplicated
    demo("--scale", "small", "--reset")
    assert registry_counts() == first  # same seed, same district; demo users reused
    assert list(Person.objects.order_by("id").values_list("name", flat=True)[:200]) == names
    assert AuditEvent.objects.filter(action="demo.build").count() == 2
    assert AuditEvent.objects.filter(action="demo.reset").count() == 1
    call_command("verify_audit", stdout=io.StringIO())


def test_refuses_a_half_built_or_foreign_district():
    from django.core.management.base import CommandError

    District.objects.create(name="杨浦区")
    with pytest.raises(CommandError, match="--reset"):
        demo("--scale", "small")
