"""Step 5 through its services: each action's happy path and its refusals (message, status,
nothing written, an audit event on success)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from PIL import Image

from linli.audit.models import AuditEvent
from linli.core.errors import ScopeError, ServiceError
from linli.implementation import selectors, services
from linli.implementation.models import (
    ChangeOrder,
    ContractPayment,
    Milestone,
    PatrolRecord,
    Photo,
    Procurement,
    Quote,
    Signoff,
    SiteLog,
    Ticket,
)
from linli.projects.models import Stage
from linli.projects.services import project_change_stage
from tests.factories import make_user
from tests.implementation.conftest import (
    TODAY,
    closed_meeting,
    finish_milestones,
    jpeg_with_gps,
    not_an_image,
    review_supervise_entries,
    sign_all,
)

pytestmark = pytest.mark.django_db


def _audited(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# ---------------------------------------------------------------- procurement


def test_direct_purchase_above_threshold_is_refused(impl):
    with pytest.raises(ServiceError, match="不能直接采购"):
        services.procurement_create(
            actor=impl.staff,
            project=impl.project,
            title="施工",
            method="direct",
            budget_fen=8_400_000,
        )
    assert not Procurement.objects.exists()


@pytest.mark.parametrize("amount", [0, -5, 10_000_000_001, 1.5, True])
def test_quote_amount_out_of_bounds_is_refused(impl, amount):
    p = services.procurement_create(
        actor=impl.staff, project=impl.project, title="施工", method="compare", budget_fen=8_400_000
    )
    with pytest.raises(ServiceError):
        services.quote_add(
            actor=impl.staff, procurement=p, company=impl.companies[0], amount_fen=amount
        )
    assert not Quote.objects.exists()


def test_quote_from_a_company_of_another_street_is_refused(impl, world):
    other = services.company_add(
        actor=world.users.district, street=world.street_b, name="外街道公司", builds=True
    )
    p = services.procurement_create(
        actor=impl.staff, project=impl.project, title="施工", method="compare", budget_fen=8_400_000
    )
    with pytest.raises(ServiceError, match="不在本街道的资质企业名单"):
        services.quote_add(actor=impl.staff, procurement=p, company=other, amount_fen=8_000_000)


def test_compare_needs_three_quotes_and_an_approving_meeting(impl, world):
    p = services.procurement_create(
        actor=impl.staff, project=impl.project, title="架空层施工", method="compare",
        budget_fen=8_400_000,
    )  # fmt: skip
    q1 = services.quote_add(
        actor=impl.staff, procurement=p, company=impl.companies[0], amount_fen=8_100_000
    )
    services.quote_add(
        actor=impl.staff, procurement=p, company=impl.companies[1], amount_fen=8_300_000
    )
    meeting = closed_meeting(world, impl.project)
    with pytest.raises(ServiceError, match="至少需要3家报价，目前只有2家") as exc:
        services.procurement_decide(
            actor=impl.staff, procurement=p, quote=q1, reason="价低质优", meeting=meeting
        )
    assert exc.value.status == 409
    services.quote_add(
        actor=impl.staff, procurement=p, company=impl.companies[2], amount_fen=8_390_000
    )
    with pytest.raises(ServiceError, match="请关联批准该结果的会议或表决"):
        services.procurement_decide(actor=impl.staff, procurement=p, quote=q1, reason="价低")
    other_meeting = closed_meeting(world, None)
    with pytest.raises(ServiceError, match="所选会议不属于本项目"):
        services.procurement_decide(
            actor=impl.staff, procurement=p, quote=q1, reason="价低", meeting=other_meeting
        )
    p.refresh_from_db()
    assert p.status == "open" and p.chosen is None
    before = _audited("implementation.procurement_decide")
    services.procurement_decide(
        actor=impl.staff, procurement=p, quote=q1, reason="三家比价最低且资质齐全", meeting=meeting
    )
    p.refresh_from_db()
    assert p.status == "decided" and p.chosen == q1 and p.meeting == meeting
    assert _audited("implementation.procurement_decide") == before + 1


def test_contractor_cannot_register_procurement(impl):
    with pytest.raises(ScopeError):
        services.procurement_create(
            actor=impl.contractor, project=impl.project, title="x", method="direct", budget_fen=100
        )


# ---------------------------------------------------------------- contracts and payments


def _contract(impl, amount=8_000_000):
    return services.contract_create(
        actor=impl.staff,
        project=impl.project,
        title="架空层改造施工合同",
        party="上海邻家建设有限公司",
        amount_fen=amount,
        signed_on=TODAY() - datetime.timedelta(days=20),
    )


def _spend(impl, amount):
    from linli.funding import services as fs
    from linli.funding.models import CostItem

    item = CostItem.objects.filter(plan=impl.books.plan).first()
    entry = fs.spending_record(
        actor=impl.books.accountant,
        item=item,
        source=impl.books.residents,
        amount_fen=amount,
        memo="支付施工进度款",
    )
    fs.entry_confirm(actor=impl.books.cashier, entry=entry)
    return entry


def test_payment_above_the_contract_needs_an_approved_change(impl):
    contract = _contract(impl, amount=3_000_000)
    first = _spend(impl, 2_000_000)
    services.payment_link(actor=impl.staff, contract=contract, entry=first)
    second = _spend(impl, 1_500_000)
    with pytest.raises(ServiceError, match="将超过合同金额 30,000.00 元") as exc:
        services.payment_link(actor=impl.staff, contract=contract, entry=second)
    assert exc.value.status == 409
    assert ContractPayment.objects.count() == 1

    change = services.change_propose(
        actor=impl.contractor, contract=contract, reason="增加防水层", delta_fen=500_000
    )
    # not yet approved: still refused
    with pytest.raises(ServiceError, match="超过合同金额"):
        services.payment_link(actor=impl.staff, contract=contract, entry=second)
    # the contractor cannot approve a change
    with pytest.raises(ScopeError):
        services.change_decide(actor=impl.contractor, change=change, approve=True)
    services.change_decide(actor=impl.rep, change=change, approve=True, note="经工作组讨论同意")
    assert ChangeOrder.objects.get().status == "approved"
    payment = services.payment_link(actor=impl.staff, contract=contract, entry=second)
    assert payment.amount_fen == 1_500_000
    assert services.contract_paid_fen(contract) == 3_500_000


def test_the_same_voucher_cannot_pay_twice_and_receipts_are_not_payments(impl):
    from linli.funding.models import JournalEntry

    contract = _contract(impl)
    entry = _spend(impl, 100_000)
    services.payment_link(actor=impl.staff, contract=contract, entry=entry)
    with pytest.raises(ServiceError, match="已登记为合同付款"):
        services.payment_link(actor=impl.staff, contract=contract, entry=entry)
    receipt = JournalEntry.objects.filter(plan=impl.books.plan, kind="receipt").first()
    with pytest.raises(ServiceError, match="只能关联支出凭证"):
        services.payment_link(actor=impl.staff, contract=contract, entry=receipt)


def test_change_proposer_cannot_approve_own_change(impl):
    contract = _contract(impl)
    change = services.change_propose(
        actor=impl.rep if False else impl.staff, contract=contract, reason="减项", delta_fen=-1000
    )
    services.group_add(
        actor=impl.staff, project=impl.project, user=impl.oc, role="owners_committee"
    )
    services.change_decide(actor=impl.oc, change=change, approve=False, note="理由不足")
    assert ChangeOrder.objects.get().status == "rejected"


def test_instalments_cannot_exceed_the_contract(impl):
    contract = _contract(impl, amount=1_000_000)
    services.instalment_add(
        actor=impl.staff, contract=contract, label="预付款", due_on=TODAY(), amount_fen=600_000
    )
    with pytest.raises(ServiceError, match="将超过合同金额"):
        services.instalment_add(
            actor=impl.staff, contract=contract, label="尾款", due_on=TODAY(), amount_fen=500_000
        )
    with pytest.raises(ServiceError, match="不能早于合同签订日期"):
        services.instalment_add(
            actor=impl.staff, contract=contract, label="x",
            due_on=contract.signed_on - datetime.timedelta(days=1), amount_fen=1,
        )  # fmt: skip


# ---------------------------------------------------------------- working group


def test_contractor_contact_sees_and_acts_on_this_project_only(impl, world):
    from linli.projects.services import project_create

    assert list(selectors.projects_visible_to(impl.contractor)) == [impl.project]
    other = project_create(actor=impl.staff, committee=world.committee_a, title="另一个项目")
    m = services.milestone_add(
        actor=impl.staff, project=other, title="x", planned_start=TODAY(), planned_end=TODAY()
    )
    with pytest.raises(ScopeError):
        services.milestone_progress(actor=impl.contractor, milestone=m, actual_start=TODAY())


def test_group_roles_need_the_matching_identity(impl, world):
    stranger = make_user(None, None, name="路人")
    with pytest.raises(ServiceError, match="没有相应的身份"):
        services.group_add(actor=impl.staff, project=impl.project, user=stranger, role="planner")
    with pytest.raises(ServiceError, match="已在工作组中"):
        services.group_add(
            actor=impl.staff, project=impl.project, user=impl.contractor, role="contractor"
        )


# ---------------------------------------------------------------- schedule and site


def test_milestone_dates_out_of_order_are_refused(impl):
    with pytest.raises(ServiceError, match="计划完成日期不能早于计划开始日期"):
        services.milestone_add(
            actor=impl.staff, project=impl.project, title="拆除",
            planned_start=TODAY(), planned_end=TODAY() - datetime.timedelta(days=1),
        )  # fmt: skip
    m = services.milestone_add(
        actor=impl.staff, project=impl.project, title="拆除",
        planned_start=TODAY() - datetime.timedelta(days=5), planned_end=TODAY(),
    )  # fmt: skip
    with pytest.raises(ServiceError, match="实际完成日期不能早于实际开始日期"):
        services.milestone_progress(
            actor=impl.contractor, milestone=m, actual_start=TODAY(),
            actual_end=TODAY() - datetime.timedelta(days=2),
        )  # fmt: skip
    with pytest.raises(ServiceError, match="不能晚于今天"):
        services.milestone_progress(
            actor=impl.contractor, milestone=m, actual_start=TODAY() + datetime.timedelta(days=1)
        )
    m.refresh_from_db()
    assert m.actual_start is None and m.actual_end is None
    services.milestone_progress(actor=impl.contractor, milestone=m, actual_start=TODAY())
    services.milestone_progress(actor=impl.contractor, milestone=m, actual_end=TODAY())
    assert Milestone.objects.get().done


def test_site_log_photos_lose_their_exif_and_non_images_are_refused(impl, settings):
    with pytest.raises(ServiceError, match="不是有效的图片"):
        services.site_log_add(
            actor=impl.contractor, project=impl.project, date=TODAY(), work_done="拆除旧吊顶",
            photos=[not_an_image()],
        )  # fmt: skip
    assert not SiteLog.objects.exists() and not Photo.objects.exists()
    log = services.site_log_add(
        actor=impl.contractor, project=impl.project, date=TODAY(), work_done="拆除旧吊顶",
        issues="发现一根水管老化", photos=[jpeg_with_gps()],
    )  # fmt: skip
    photo = log.photos.get()
    with Image.open(photo.image.path) as img:
        exif = img.getexif()
        assert not exif.get_ifd(0x8825) and 0x0110 not in exif
    with pytest.raises(ServiceError, match="不能晚于今天"):
        services.site_log_add(
            actor=impl.contractor, project=impl.project,
            date=TODAY() + datetime.timedelta(days=1), work_done="x",
        )  # fmt: skip
    with pytest.raises(ScopeError):
        services.site_log_add(
            actor=make_user(None, None), project=impl.project, date=TODAY(), work_done="x"
        )


def test_feedback_answered_by_the_group_not_by_the_contractor(impl, world):
    fb = services.feedback_submit(
        actor=world.users.leader_a, project=impl.project, text="施工噪音太早", channel="qr"
    )
    with pytest.raises(ScopeError):
        services.feedback_submit(actor=world.users.resident_b, project=impl.project, text="x")
    with pytest.raises(ScopeError):
        services.feedback_answer(actor=impl.contractor, feedback=fb, answer="好")
    services.feedback_answer(actor=impl.rep, feedback=fb, answer="已要求8点后开工")
    with pytest.raises(ServiceError, match="已答复"):
        services.feedback_answer(actor=impl.staff, feedback=fb, answer="再答")


# ---------------------------------------------------------------- acceptance and guards


def _to_acceptance(impl):
    finish_milestones(impl)
    return project_change_stage(actor=impl.staff, project=impl.project, to_stage=Stage.ACCEPTANCE)


def test_entering_acceptance_needs_every_milestone_done(impl):
    with pytest.raises(ServiceError, match="尚未编排施工进度节点") as exc:
        project_change_stage(actor=impl.staff, project=impl.project, to_stage=Stage.ACCEPTANCE)
    assert exc.value.status == 409
    services.milestone_add(
        actor=impl.staff, project=impl.project, title="家具进场",
        planned_start=TODAY(), planned_end=TODAY(),
    )  # fmt: skip
    with pytest.raises(ServiceError, match="《家具进场》尚未完成"):
        project_change_stage(actor=impl.staff, project=impl.project, to_stage=Stage.ACCEPTANCE)
    Milestone.objects.all().delete()
    project = _to_acceptance(impl)
    assert project.stage == Stage.ACCEPTANCE


def test_signing_without_the_role_is_refused(impl, world):
    project = _to_acceptance(impl)
    with pytest.raises(ScopeError, match="不能以居委会名义签署"):
        services.signoff_sign(
            actor=world.users.resident_a, project=project, party="committee", opinion="同意"
        )
    with pytest.raises(ScopeError, match="施工单位"):
        services.signoff_sign(
            actor=impl.planner, project=project, party="contractor", opinion="同意"
        )
    assert not Signoff.objects.exists()
    services.signoff_sign(
        actor=impl.contractor, project=project, party="contractor", opinion="完工"
    )
    with pytest.raises(ServiceError, match="已经签署过") as exc:
        services.signoff_sign(
            actor=impl.contractor, project=project, party="contractor", opinion="再签"
        )
    assert exc.value.status == 409


def test_signing_before_acceptance_stage_is_refused(impl):
    with pytest.raises(ServiceError, match="进入“验收与运维”阶段后"):
        services.signoff_sign(
            actor=impl.staff, project=impl.project, party="committee", opinion="同意"
        )


def test_owners_committee_signs_only_where_the_compound_has_one(impl, world):
    assert "owners_committee" in services.required_parties(impl.project)
    impl.project.compounds.clear()
    assert "owners_committee" not in services.required_parties(impl.project)


def test_leaving_acceptance_needs_signoffs_defects_ledger_and_arrangement(impl, world):
    project = _to_acceptance(impl)

    def refusal():
        with pytest.raises(ServiceError) as exc:
            project_change_stage(actor=impl.staff, project=project, to_stage=Stage.EVALUATION)
        assert exc.value.status == 409
        return exc.value.message

    assert "验收尚缺居委会、业委会、社区规划师、施工单位签署" in refusal()
    sign_all(impl, world)
    review = services.review_record(
        actor=impl.planner, project=project, reviewer="李工", organisation="杨浦区建设工程质量监督站",
        date=TODAY(), items_checked="结构、电气、消防通道",
        defects=[("插座未接地", TODAY() + datetime.timedelta(days=7))],
    )  # fmt: skip
    assert "“插座未接地”等1项尚未整改完成" in refusal()
    with pytest.raises(ScopeError):
        services.defect_close(actor=impl.contractor, defect=review.defects.get(), note="已整改")
    services.defect_close(actor=impl.staff, defect=review.defects.get(), note="已重新接地")
    assert "未入账或未经监事审核" in refusal()
    review_supervise_entries(impl)
    assert "尚未确定运维安排" in refusal()
    services.arrangement_set(
        actor=impl.staff, project=project, kind="volunteer",
        team=services.team_create(actor=impl.staff, committee=world.committee_a,
                                  name="5号楼楼道自治管理小组", kind="corridor", project=project),
        keeper="", money="自治金每年2000元",
    )  # fmt: skip
    project = project_change_stage(actor=impl.staff, project=project, to_stage=Stage.EVALUATION)
    assert project.stage == Stage.EVALUATION


def test_defect_deadline_before_the_review_is_refused(impl):
    with pytest.raises(ServiceError, match="整改期限不能早于评审日期"):
        services.review_record(
            actor=impl.planner, project=impl.project, reviewer="李工", organisation="质监站",
            date=TODAY(), items_checked="结构",
            defects=[("x", TODAY() - datetime.timedelta(days=1))],
        )  # fmt: skip
    from linli.implementation.models import AcceptanceReview

    assert not AcceptanceReview.objects.exists()


# ---------------------------------------------------------------- O&M


def _garage(impl, world):
    team = services.team_create(
        actor=impl.staff, committee=world.committee_a, name="车库巡保队", kind="garage",
        project=impl.project,
    )  # fmt: skip
    volunteer = world.users.leader_a
    member = services.team_member_add(actor=impl.staff, team=team, user=volunteer, is_leader=True)
    site = services.patrol_site_add(
        actor=impl.staff, project=impl.project, team=team, name="睦邻车库",
        checklist="车辆停放整齐\n充电设施无异常\n消防通道畅通",
    )  # fmt: skip
    return team, member, site, volunteer


def test_patrol_check_in_is_idempotent_and_keeps_the_checklist(impl, world):
    team, member, site, volunteer = _garage(impl, world)
    at = timezone.now().replace(hour=3)  # a morning in UTC is a morning in Shanghai too
    rec, created = services.patrol_check_in(
        actor=volunteer, site=site, checked=["车辆停放整齐", "消防通道畅通"],
        problem="3号充电桩指示灯不亮", photo=jpeg_with_gps("p.jpg"), at=at,
    )  # fmt: skip
    assert created and rec.checked == ["车辆停放整齐", "消防通道畅通"]
    again, created = services.patrol_check_in(actor=volunteer, site=site, checked=[], at=at)
    assert not created and again.pk == rec.pk
    assert PatrolRecord.objects.count() == 1
    assert AuditEvent.objects.filter(action="implementation.patrol").count() == 1
    with pytest.raises(ServiceError, match="不在该巡查点的清单中"):
        services.patrol_check_in(
            actor=volunteer, site=site, checked=["不存在的项目"], at=at.replace(hour=9)
        )


def test_patrol_for_another_committees_site_is_refused(impl, world):
    team, member, site, volunteer = _garage(impl, world)
    from linli.accounts.models import Role
    from linli.projects.services import project_create

    other_project = project_create(
        actor=world.users.staff_b, committee=world.committee_b, title="铁路新村车库"
    )
    other_team = services.team_create(
        actor=world.users.staff_b, committee=world.committee_b, name="铁路新村巡逻队", kind="garage"
    )
    other_site = services.patrol_site_add(
        actor=world.users.staff_b, project=other_project, team=other_team, name="B车库",
        checklist="整齐",
    )  # fmt: skip
    with pytest.raises(ScopeError, match="属于其他居委会"):
        services.patrol_check_in(actor=volunteer, site=other_site, checked=["整齐"])
    outsider = make_user(Role.RESIDENT, world.flat_a2, name="非队员")
    with pytest.raises(ScopeError, match="不是志愿巡查队员"):
        services.patrol_check_in(actor=outsider, site=site)
    assert not PatrolRecord.objects.exists()


def test_missed_patrols_are_to_dos_for_the_committee(impl, world):
    from linli.implementation.stage import implementation_todos

    team, member, site, volunteer = _garage(impl, world)
    yesterday = TODAY() - datetime.timedelta(days=1)
    services.rota_set(actor=volunteer, team=team, member=member, date=yesterday, shift="morning")
    services.rota_set(actor=volunteer, team=team, member=member, date=yesterday, shift="evening")
    at = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(8, 0)))
    services.patrol_check_in(actor=volunteer, site=site, checked=["车辆停放整齐"], at=at)
    missed = selectors.missed_patrols([team])
    assert [(m.date, m.shift) for m in missed] == [(yesterday, "晚班")]
    todos = implementation_todos(impl.staff)
    assert any(t.kind == "漏巡" and "晚班" in t.title for t in todos)
    with pytest.raises(ScopeError):
        services.rota_set(
            actor=world.users.resident_a, team=team, member=member, date=TODAY(), shift="morning"
        )


def test_adoption_one_household_per_plot(impl, world):
    a = services.adoption_add(actor=world.users.resident_a, project=impl.project, plot="月季花坛")
    assert a.household.flat == world.flat_a
    from linli.places.models import Household

    other = Household.objects.get(flat=world.flat_a2)
    with pytest.raises(ServiceError, match="已由"):
        services.adoption_add(
            actor=impl.staff, project=impl.project, plot="月季花坛", household=other
        )
    with pytest.raises(ServiceError, match="只能为自己的家庭认养"):
        services.adoption_add(
            actor=world.users.resident_a, project=impl.project, plot="绣球", household=other
        )


def test_adoption_uniqueness_is_a_database_constraint(impl, world):
    from django.db import IntegrityError, transaction

    from linli.implementation.models import Adoption
    from linli.places.models import Household

    h = Household.objects.get(flat=world.flat_a2)
    Adoption.objects.create(project=impl.project, plot="凉亭", household=h)
    with pytest.raises(IntegrityError), transaction.atomic():
        Adoption.objects.create(project=impl.project, plot="凉亭", household=h)


def test_ticket_flow_and_who_may_close(impl, world):
    from linli.accounts.models import Role

    resident = world.users.resident_a
    with pytest.raises(ServiceError, match="不是有效的图片"):
        services.ticket_report(
            actor=resident, project=impl.project, place="车库入口", description="闸机坏了",
            photo=not_an_image(),
        )  # fmt: skip
    assert not Ticket.objects.exists()
    ticket = services.ticket_report(
        actor=resident, project=impl.project, place="车库入口", description="闸机坏了",
        photo=jpeg_with_gps(), plan_x=30, plan_y=40,
    )  # fmt: skip
    assert ticket.route == "committee"  # no property company registered for the compound
    with pytest.raises(ScopeError):
        services.ticket_respond(actor=world.users.leader_a, ticket=ticket, note="我来")
    services.ticket_respond(actor=impl.staff, ticket=ticket, note="已联系维修")
    with pytest.raises(ServiceError, match="尚未处理完成"):
        services.ticket_close(actor=resident, ticket=ticket)
    services.ticket_resolve(actor=impl.staff, ticket=ticket, resolution="已更换闸机电机")
    with pytest.raises(ScopeError, match="只有报修人或处理人可以关闭工单"):
        services.ticket_close(actor=world.users.street_a, ticket=ticket)
    with pytest.raises(ServiceError, match="请等待报修人确认"):
        services.ticket_close(actor=impl.staff, ticket=ticket)
    ticket = services.ticket_close(actor=resident, ticket=ticket)
    assert ticket.status == "closed" and ticket.confirmed_by_reporter
    assert ticket.response_hours is not None
    # with a property company for the compound, new tickets go to it
    pc = make_user(Role.PROPERTY_COMPANY, world.compound_a, name="物业小李")
    t2 = services.ticket_report(
        actor=resident, project=impl.project, place="凉亭", description="灯不亮"
    )
    assert t2.route == "property"
    services.ticket_resolve(actor=pc, ticket=t2, resolution="换灯泡")
    later = timezone.now() + datetime.timedelta(days=8)
    t2 = services.ticket_close(actor=pc, ticket=t2, now=later)
    assert t2.status == "closed" and not t2.confirmed_by_reporter


def test_overdue_tickets_are_to_dos_for_handlers(impl, world):
    from linli.implementation.stage import implementation_todos

    t = services.ticket_report(
        actor=world.users.resident_a, project=impl.project, place="车库", description="漏水"
    )
    Ticket.objects.filter(pk=t.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    kinds = [x.kind for x in implementation_todos(impl.staff)]
    assert "报修超时" in kinds
    assert "报修超时" not in [x.kind for x in implementation_todos(world.users.resident_a)]
