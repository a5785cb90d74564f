"""Setting up books through services: a project, its plan, and the three separated duties."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from linli.accounts.models import Role
from linli.funding import services
from linli.projects.models import Stage
from linli.projects.services import project_change_stage, project_create
from tests.factories import flat_with_people, make_user


def make_books(world, *, buildings=None, title="睦邻客厅改造"):
    staff = world.users.staff_a
    project = project_create(
        actor=staff,
        committee=world.committee_a,
        title=title,
        buildings=buildings if buildings is not None else [world.building_a],
    )
    plan = services.plan_open(actor=staff, project=project)
    accountant = make_user(Role.RESIDENT, world.flat_a, name="会计老李")
    cashier = make_user(Role.RESIDENT, world.flat_a2, name="出纳小张")
    supervisor = make_user(Role.RESIDENT, world.flat_a, name="监事老赵")
    for user, duty in (
        (accountant, "accountant"),
        (cashier, "cashier"),
        (supervisor, "supervisor"),
    ):
        services.duty_assign(actor=staff, user=user, project=project, duty=duty)
    return SimpleNamespace(
        staff=staff,
        project=project,
        plan=plan,
        accountant=accountant,
        cashier=cashier,
        supervisor=supervisor,
    )


def move_to_funding(staff, project):
    """Through 方案与决策 with the records seed 003 asks for (tests/process/helpers.decide)."""
    from tests.process.helpers import decide

    for stage in (Stage.DIAGNOSIS, Stage.DECISION):
        project = project_change_stage(actor=staff, project=project, to_stage=stage)
    if project.owners_rights == "none":
        decide(staff, project)
    return project_change_stage(actor=staff, project=project, to_stage=Stage.FUNDING)


def build_anshunyuan(world):
    """安顺苑 5号楼: 12 households on six floors."""
    from tests.factories import BuildingFactory

    building = BuildingFactory(compound=world.compound_a, number="安顺苑5号楼", floors=6)
    flats = []
    for floor in range(1, 7):
        for door in (1, 2):
            flats.append(
                flat_with_people(
                    building, f"{floor}0{door}", floor, "58.30", [f"住户{floor}0{door}"]
                )
            )
    return building, flats


def passed_owners_decision(world, project, *, matter="278-5", passed=True, closed=True):
    """A closed owners' vote with its signed result (set up directly: voting owns the flow)."""
    from linli.voting.models import Vote, VoteResult

    now = timezone.now()
    vote = Vote.objects.create(
        committee=world.committee_a,
        project=project,
        title="使用维修资金改造架空层",
        kind=Vote.Kind.OWNERS,
        matter=matter,
        opens_at=now - timedelta(days=10),
        closes_at=now - timedelta(days=1),
        status=Vote.Status.CLOSED if closed else Vote.Status.OPEN,
    )
    return VoteResult.objects.create(
        vote=vote,
        counts={},
        rule={},
        passed=passed,
        electorate_hash="x",
        ballots_hash="x",
        audit_hash="x",
        signature="x",
    )


def anshunyuan_case(world, *, pay=True):
    """The whole 安顺苑 case through the services: 12 × 4,000 yuan + street 1:1 = 96,000."""
    from linli.funding import services

    building, flats = build_anshunyuan(world)
    b = make_books(world, buildings=[building], title="安顺苑5号楼睦邻客厅")
    services.cost_item_add(actor=b.staff, plan=b.plan, name="架空层改造施工", amount_fen=8_400_000)
    b.item = services.cost_item_add(
        actor=b.staff, plan=b.plan, name="家具与灯具", amount_fen=1_200_000
    )
    b.residents = services.source_add(
        actor=b.staff,
        plan=b.plan,
        kind="residents",
        name="5号楼居民自筹",
        amount_fen=4_800_000,
        status="approved",
    )
    b.street = services.source_add(
        actor=b.staff,
        plan=b.plan,
        kind="street_matching",
        name="四平路街道配套",
        amount_fen=4_800_000,
        matches=b.residents,
        match_ratio=1,
        status="approved",
    )
    b.shares = services.contributions_split(actor=b.staff, source=b.residents, total_fen=4_800_000)
    b.building = building
    if pay:
        for c in b.shares:
            r = services.contribution_receive(
                actor=b.accountant, source=b.residents, household=c.household, amount_fen=400_000
            )
            services.entry_confirm(actor=b.cashier, entry=r.entry)
        e = services.receipt_record(actor=b.accountant, source=b.street, amount_fen=4_800_000)
        services.entry_confirm(actor=b.cashier, entry=e)
    return b
