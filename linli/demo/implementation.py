"""Step 5 of the demo cases (implementation and O&M), through linli.implementation's services.

- 市光四村 智能非机动车库 (BOT): the street's list of qualified companies, procurement of the
  operator by comparison of three quotes approved at the owners' representatives' meeting,
  the contract with its payment schedule, the working group, milestones done, the site log,
  acceptance reviewed and signed by every party, O&M by the operator (BOT) with the
  车库巡保队: members, a rota and a month of patrol records (two shifts missed last week),
  and a fault ticket reported, handled and closed by the reporter. The project moves to
  验收与运维 once its milestones are done; step 6 (linli/demo/evaluation.py) takes it on.
- 安顺苑 睦邻客厅: in 实施 — milestones (some done), the contract with its first payment
  linked to the ledger voucher, site-log entries with photos, residents' feedback answered.
- 明丰苑 馨丽园: residents built it themselves; acceptance signed, the 花友会 adopts the
  plots household by household; the project moves on to 评议.
- 铁路新村 中心花园: milestones, acceptance and O&M by the property company, so the project
  can leave 验收与运维 like the others.

Everything goes through the services (permissions, guards, audit events); a refusal is
logged and that case stops where it is.
"""

from __future__ import annotations

import datetime
import io
import random
from collections import Counter

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

# step 5's own demo accounts (step 6 uses 13800000051–55)
CONTRACTOR_MOBILES = {
    "shiguang": ("13800000061", "黄志强（邻智停车项目经理）"),
    "anshun": ("13800000062", "钱国栋（施工单位项目经理）"),
    "mingfeng": ("13800000063", "葛师傅（物业维修班长）"),
    "railway": ("13800000064", "严工（园林施工单位）"),
}
VOLUNTEER_MOBILES = ("13800000065", "13800000066", "13800000067", "13800000068")


def _photo(label: str, rgb=(120, 150, 110)) -> SimpleUploadedFile:
    """A small JPEG standing in for a phone photo (the service strips its EXIF)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (480, 320), rgb)
    draw = ImageDraw.Draw(img)
    for i in range(0, 480, 40):
        draw.line([(i, 320), (i + 120, 0)], fill=(rgb[0] // 2, rgb[1] // 2, rgb[2] // 2), width=3)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return SimpleUploadedFile(f"{label}.jpg", out.getvalue(), content_type="image/jpeg")


class _Ctx:
    def __init__(self, builder, logins, projects):
        from django.contrib.auth.hashers import make_password

        from linli.demo import data

        self.builder = builder
        self.logins = logins
        self.projects = projects
        self.counts: Counter = Counter()
        self.password_hash = make_password(data.DEMO_PASSWORD)

    def project(self, fragment):
        return next((p for p in self.projects if fragment in p.title), None)

    def staff(self, committee):
        from linli.accounts.models import Role

        return next(
            x["user"]
            for x in self.logins
            if x["role"] == Role.COMMITTEE_STAFF and getattr(x["scope"], "pk", None) == committee.pk
        )

    def account(self, mobile, name, *, role=None, scope=None):
        from linli.accounts.models import RoleAssignment, User
        from linli.accounts.services import role_assign, user_create

        user = User.objects.filter(mobile=mobile).first()
        if user is None:
            user = user_create(actor=None, mobile=mobile, name=name)
        user.password = self.password_hash
        user.save(update_fields=["password"])
        level = type(scope).__name__.lower() if scope is not None else None
        if (
            role
            and not RoleAssignment.objects.filter(user=user, role=role, **{level: scope}).exists()
        ):
            role_assign(actor=None, user=user, role=role, scope=scope)
        from linli.accounts.scopes import forget_scopes

        forget_scopes(user)
        return user

    def with_role(self, role, **scope):
        from linli.accounts.models import RoleAssignment

        ra = (
            RoleAssignment.objects.filter(role=role, **scope)
            .select_related("user")
            .order_by("id")
            .first()
        )
        return ra.user if ra else None

    def planner(self, project):
        from linli.accounts.models import Role

        street = project.committee.street
        user = self.with_role(Role.PLANNER, street=street)
        if user is None:
            user = self.account(
                "13800000069", "沈规划（社区规划师）", role=Role.PLANNER, scope=street
            )
        return user

    def move(self, staff, project, to_stage, note):
        from linli.core.errors import ServiceError
        from linli.projects.services import project_change_stage

        try:
            return project_change_stage(actor=staff, project=project, to_stage=to_stage, note=note)
        except ServiceError as exc:
            self.builder.log(f"  ！{project.title} 未能进入“{to_stage}”：{exc.message}")
            return None


def _companies(ctx, street, staff_actor, names):
    from linli.implementation import services as im
    from linli.implementation.models import QualifiedCompany

    out = []
    for name, builds, manages, qual in names:
        company = QualifiedCompany.objects.filter(street=street, name=name).first()
        if company is None:
            company = im.company_add(
                actor=staff_actor, street=street, name=name, builds=builds, manages=manages,
                qualification=qual,
            )  # fmt: skip
            ctx.counts["qualified_companies"] += 1
        out.append(company)
    return out


def _street_staff(ctx, street):
    from linli.accounts.models import Role

    return ctx.with_role(Role.STREET_STAFF, street=street) or ctx.with_role(
        Role.DISTRICT_ADMIN, district=street.district
    )


def _group(ctx, staff, project, members):
    from linli.implementation import services as im
    from linli.implementation.models import WorkingGroupMember

    for user, role, note in members:
        if user is None or WorkingGroupMember.objects.filter(project=project, user=user).exists():
            continue
        im.group_add(actor=staff, project=project, user=user, role=role, note=note)
        ctx.counts["working_group_members"] += 1


def _milestones(ctx, staff, contractor, project, rows, *, done_upto=None):
    """rows: (title, planned_start, planned_end, actual_start, actual_end or None)."""
    from linli.implementation import services as im

    out = []
    for title, ps, pe, as_, ae in rows:
        m = im.milestone_add(
            actor=staff, project=project, title=title, planned_start=ps, planned_end=pe
        )
        if as_:
            im.milestone_progress(actor=contractor, milestone=m, actual_start=as_, actual_end=ae)
        out.append(m)
        ctx.counts["milestones"] += 1
    return out


def _acceptance(ctx, staff, project, *, planner, contractor, oc, review, walk, defects=()):
    """Review (with defects closed), the resident walk and every required signature."""
    from linli.implementation import services as im
    from linli.implementation.models import Signoff

    r = im.review_record(
        actor=staff, project=project, photos=[_photo("review", (150, 150, 160))],
        defects=list(defects), **review,
    )  # fmt: skip
    ctx.counts["acceptance_reviews"] += 1
    for d in r.defects.all():
        im.defect_close(actor=staff, defect=d, note="已按评审意见整改，工作组复查合格")
        ctx.counts["defects_closed"] += 1
    im.walk_record(actor=staff, project=project, **walk)
    ctx.counts["acceptance_walks"] += 1
    signers = {"committee": staff, "owners_committee": oc, "planner": planner,
               "contractor": contractor}  # fmt: skip
    opinions = {"committee": "同意验收，移交运维", "owners_committee": "业委会同意验收",
                "planner": "按方案实施，质量合格", "contractor": "已按合同完工，申请验收"}  # fmt: skip
    for party in im.required_parties(project):
        if Signoff.objects.filter(project=project, party=party).exists():
            continue
        im.signoff_sign(actor=signers[party], project=project, party=party, opinion=opinions[party])
        ctx.counts["signoffs"] += 1


def _garage(ctx, rng) -> None:
    from linli.accounts.models import Role
    from linli.deliberation.models import Meeting
    from linli.implementation import services as im
    from linli.projects.models import Stage

    project = ctx.project("BOT")
    if project is None or project.stage != Stage.IMPLEMENTATION:
        return
    refs = ctx.builder.case_refs["shiguang"]
    staff = ctx.staff(project.committee)
    street = project.committee.street
    companies = _companies(ctx, street, _street_staff(ctx, street), [
        ("上海邻智停车服务有限公司", True, True, "建筑智能化工程专业承包二级；停车场运营管理"),
        ("上海杨城智慧停车科技有限公司", True, True, "电子与智能化工程二级"),
        ("上海安途非机动车库设备有限公司", True, False, "机电设备安装工程三级"),
    ])  # fmt: skip
    mobile, name = CONTRACTOR_MOBILES["shiguang"]
    contractor = ctx.account(mobile, name)
    planner = ctx.planner(project)
    oc = ctx.with_role(Role.OWNERS_COMMITTEE, compound=refs["compound"])
    _group(ctx, staff, project, [
        (contractor, "contractor", "上海邻智停车服务有限公司"),
        (planner, "planner", "跟进施工"),
        (oc, "owners_committee", "业委会代表"),
    ])  # fmt: skip

    proc = im.procurement_create(
        actor=staff, project=project, title="智能非机动车库建设运营方", method="compare",
        budget_fen=450_000 * 100,
    )  # fmt: skip
    quotes = [
        im.quote_add(actor=staff, procurement=proc, company=c, amount_fen=amount * 100, note=note)
        for c, amount, note in zip(companies, (450_000, 468_000, 472_000), (
            "BOT带资建设，前5年收费回本，后5年与业委会分成",
            "带资建设，分成比例30%",
            "仅建设，不含运营",
        ), strict=True)
    ]  # fmt: skip
    ctx.counts["quotes"] += len(quotes)
    meeting = (
        Meeting.objects.filter(project=project, status=Meeting.Status.CLOSED)
        .order_by("starts_at")
        .first()
    )
    if meeting is None:
        ctx.builder.log(f"  ！{project.title} 没有已结束的会议，采购结果未确定")
        return
    im.procurement_decide(
        actor=staff, procurement=proc, quote=quotes[0], meeting=meeting,
        reason="三家比价：邻智报价最低且唯一同意BOT带资建设并与业委会分成，"
        "建造和运营资质齐全；业主代表会议同意。",
    )  # fmt: skip
    ctx.counts["procurements"] += 1
    contract = im.contract_create(
        actor=staff, project=project, title="市光四村智能非机动车库BOT合同", procurement=proc,
        signed_on=datetime.date(2018, 9, 20),
    )  # fmt: skip
    for label, due, yuan in (("设备进场（企业带资）", datetime.date(2018, 10, 15), 0),):
        if yuan:
            im.instalment_add(actor=staff, contract=contract, label=label, due_on=due,
                              amount_fen=yuan * 100)  # fmt: skip
    im.instalment_add(
        actor=staff, contract=contract, label="街道引导资金拨付（验收后）",
        due_on=datetime.date(2019, 2, 28), amount_fen=120_000 * 100,
    )  # fmt: skip
    im.contract_attach(
        actor=staff, contract=contract,
        file=SimpleUploadedFile("BOT合同要点.pdf", _pdf("BOT contract"), content_type="application/pdf"),
    )  # fmt: skip
    ctx.counts["contracts"] += 1
    d = datetime.date
    _milestones(ctx, staff, contractor, project, [
        ("清理僵尸车、腾空车库", d(2018, 10, 8), d(2018, 10, 20), d(2018, 10, 8), d(2018, 10, 19)),
        ("地坪、照明与消防改造", d(2018, 10, 21), d(2018, 11, 30), d(2018, 10, 22), d(2018, 12, 3)),
        ("智能充电桩与门禁安装", d(2018, 12, 1), d(2018, 12, 31), d(2018, 12, 4), d(2018, 12, 29)),
        ("试运行", d(2019, 1, 2), d(2019, 1, 14), d(2019, 1, 2), d(2019, 1, 14)),
    ])  # fmt: skip
    for day, work, issue in (
        (d(2018, 10, 12), "清运僵尸车37辆（辖区企业“大米换僵尸车”）", ""),
        (d(2018, 11, 6), "地坪找平、环氧地坪施工；更换LED照明", "东侧排水沟堵塞，已疏通"),
        (d(2018, 12, 12), "安装智能充电桩40个、门禁与监控", "2号配电箱容量不足，需增容"),
    ):
        im.site_log_add(actor=contractor, project=project, date=day, work_done=work, issues=issue,
                        photos=[_photo("garage", (110, 120, 140))])  # fmt: skip
        ctx.counts["site_logs"] += 1
    residents = [
        ctx.account(VOLUNTEER_MOBILES[i], name, role=Role.RESIDENT, scope=flat)
        for i, (name, flat) in enumerate(_case_residents(refs, 3))
    ]
    fb = im.feedback_submit(
        actor=residents[0], project=project, channel="qr",
        text="施工期间车库关闭，电动车临时停哪里？",
    )  # fmt: skip
    im.feedback_answer(
        actor=staff, feedback=fb,
        answer="临时停放点设在3号楼南侧空地，物业安排夜间巡逻；12月底前恢复使用。",
    )  # fmt: skip
    ctx.counts["feedback"] += 1
    if ctx.move(staff, project, Stage.ACCEPTANCE, "2019年1月 车库建成，进入验收与运维") is None:
        return
    project.refresh_from_db()
    _acceptance(
        ctx, staff, project, planner=planner, contractor=contractor, oc=oc,
        review={"reviewer": "王建华", "organisation": "殷行街道社区规划师团队、区消防支队",
                "date": d(2019, 1, 16), "items_checked": "消防通道与喷淋；充电桩漏电保护；"
                "照明照度；门禁与监控；地坪排水",
                "conclusion": "总体合格，2项问题限期整改。"},
        defects=[("3号充电桩漏电保护未接地", d(2019, 1, 23)),
                 ("东侧消防通道标识缺失", d(2019, 1, 20))],
        walk={"date": d(2019, 1, 18), "participants": 26, "satisfied": True,
              "opinions": "居民代表、楼组长踏勘：车位整齐、充电安全，建议增加遮雨棚。"},
    )  # fmt: skip

    # O&M: the operator runs it (BOT), the 车库巡保队 patrols daily
    team = im.team_create(
        actor=staff, committee=project.committee, name="车库巡保队", kind="garage", project=project
    )
    members = [
        im.team_member_add(actor=staff, team=team, user=u, is_leader=(i == 0))
        for i, u in enumerate(residents)
    ]
    ctx.counts["team_members"] += len(members)
    im.arrangement_set(
        actor=staff, project=project, kind="contractor", keeper="上海邻智停车服务有限公司（BOT）",
        team=team, since=d(2019, 1, 15),
        money="停车费、充电费（BOT运营收入）；第6年起业委会分成40%委托物业管理，用于车库日常维护。",
    )  # fmt: skip
    site = im.patrol_site_add(
        actor=staff, project=project, team=team, name="睦邻车库",
        checklist="车辆停放整齐\n充电桩无异常、无飞线充电\n消防通道畅通\n地面清洁\n门禁与照明正常",
    )  # fmt: skip
    items = site.items
    today = timezone.localdate()
    missed = {(today - datetime.timedelta(days=3), "evening"), (today - datetime.timedelta(days=5), "morning")}  # fmt: skip
    problems = ["2号充电桩指示灯不亮，已报物业", "一辆电动车占用消防通道，已联系车主挪走",
                "东门感应灯损坏", "地面有积水"]  # fmt: skip
    for back in range(30, 0, -1):
        day = today - datetime.timedelta(days=back)
        for shift, hour in (("morning", 7), ("evening", 19)):
            member = members[(back + (shift == "evening")) % len(members)]
            im.rota_set(actor=staff, team=team, member=member, date=day, shift=shift)
            ctx.counts["rota_slots"] += 1
            if (day, shift) in missed:
                continue
            at = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(hour, rng.randint(0, 40)))
            )
            problem = problems[back % len(problems)] if rng.random() < 0.12 else ""
            checked = [i for i in items if rng.random() < 0.95]
            im.patrol_check_in(
                actor=member.user, site=site, checked=checked, problem=problem, at=at
            )
            ctx.counts["patrol_records"] += 1
    # a fault ticket, handled and closed by its reporter
    ticket = im.ticket_report(
        actor=residents[1], project=project, place="睦邻车库东门", description="门禁刷卡无反应，晚上进不去",
        photo=_photo("gate", (90, 90, 100)), plan_x=82, plan_y=35,
    )  # fmt: skip
    im.ticket_respond(actor=staff, ticket=ticket, note="已通知邻智停车维保人员")
    im.ticket_resolve(actor=staff, ticket=ticket, resolution="更换门禁读卡器，测试正常")
    im.ticket_close(actor=residents[1], ticket=ticket)
    ctx.counts["tickets"] += 1
    im.ticket_report(
        actor=residents[2], project=project, place="睦邻车库北侧充电区",
        description="5号充电桩充电中途断电", photo=_photo("charger", (80, 100, 90)),
    )  # fmt: skip
    ctx.counts["tickets"] += 1


def _pdf(_title: str) -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
        b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _case_residents(refs, n):
    """(name, flat) of the first ``n`` household heads of a case compound."""
    rows = []
    for addr, person in sorted(refs["heads"].items(), key=lambda kv: str(kv[0])):
        flat = refs["flats"].get(addr)
        if flat is not None:
            rows.append((person.name, flat))
        if len(rows) == n:
            break
    return rows


def _anshun(ctx) -> None:
    from linli.funding.models import JournalEntry
    from linli.implementation import services as im
    from linli.projects.models import Stage

    project = ctx.project("睦邻客厅")
    if project is None or project.stage != Stage.IMPLEMENTATION:
        return
    staff = ctx.staff(project.committee)
    street = project.committee.street
    companies = _companies(ctx, street, _street_staff(ctx, street), [
        ("上海四平建筑装饰工程有限公司", True, False, "建筑装修装饰工程专业承包二级"),
        ("上海同济绿城营造有限公司", True, False, "建筑装修装饰工程专业承包二级"),
        ("上海街坊社区营造工作室", True, False, "建筑装修装饰工程专业承包三级"),
    ])  # fmt: skip
    mobile, name = CONTRACTOR_MOBILES["anshun"]
    contractor = ctx.account(mobile, name)
    planner = ctx.planner(project)
    _group(ctx, staff, project, [
        (contractor, "contractor", "上海四平建筑装饰工程有限公司"),
        (planner, "planner", "方案设计与施工跟进"),
    ])  # fmt: skip
    proc = im.procurement_create(
        actor=staff,
        project=project,
        title="架空层改造施工",
        method="compare",
        budget_fen=84_000 * 100,
    )
    quotes = [
        im.quote_add(actor=staff, procurement=proc, company=c, amount_fen=y * 100)
        for c, y in zip(companies, (81_500, 83_800, 86_000), strict=True)
    ]
    ctx.counts["quotes"] += len(quotes)
    from linli.deliberation.models import Meeting

    meeting = Meeting.objects.filter(project=project, status=Meeting.Status.CLOSED).first()
    contract = None
    if meeting is not None:
        im.procurement_decide(
            actor=staff, procurement=proc, quote=quotes[0], meeting=meeting,
            reason="三家比价，四平装饰报价最低，楼组会议同意。",
        )  # fmt: skip
        ctx.counts["procurements"] += 1
        contract = im.contract_create(
            actor=staff, project=project, title="5号楼架空层“睦邻客厅”改造施工合同",
            procurement=proc, signed_on=datetime.date(2019, 9, 6),
        )  # fmt: skip
    else:
        contract = im.contract_create(
            actor=staff, project=project, title="5号楼架空层“睦邻客厅”改造施工合同",
            party=companies[0].name, amount_fen=81_500 * 100, signed_on=datetime.date(2019, 9, 6),
        )  # fmt: skip
    ctx.counts["contracts"] += 1
    d = datetime.date
    for label, due, yuan in (("首期工程款（三成）", d(2019, 9, 10), 24_450),
                             ("进度款（四成）", d(2019, 10, 15), 32_600),
                             ("尾款（验收后）", d(2019, 11, 30), 24_450)):  # fmt: skip
        im.instalment_add(
            actor=staff, contract=contract, label=label, due_on=due, amount_fen=yuan * 100
        )
    first = contract.instalments.order_by("due_on").first()
    pay = (
        JournalEntry.objects.filter(plan__project=project, kind=JournalEntry.Kind.SPENDING)
        .order_by("id")
        .first()
    )
    if pay is not None:
        try:
            im.payment_link(actor=staff, contract=contract, entry=pay, instalment=first)
            ctx.counts["contract_payments"] += 1
        except Exception as exc:  # noqa: BLE001 - shown in the build log, the case goes on
            ctx.builder.log(f"  ！{project.title} 付款未关联：{exc}")
    _milestones(ctx, staff, contractor, project, [
        ("拆除与清运", d(2019, 9, 9), d(2019, 9, 15), d(2019, 9, 9), d(2019, 9, 14)),
        ("水电改造与吊顶", d(2019, 9, 16), d(2019, 10, 10), d(2019, 9, 16), None),
        ("墙地面与灯具", d(2019, 10, 11), d(2019, 10, 31), None, None),
        ("家具进场、布置", d(2019, 11, 1), d(2019, 11, 15), None, None),
    ])  # fmt: skip
    for day, work, issue in (
        (d(2019, 9, 10), "进场围挡，张贴施工公示与扫码提意见二维码", ""),
        (
            d(2019, 9, 12),
            "拆除原有隔墙和杂物间，清运建筑垃圾6车",
            "发现1楼燃气表位置与图纸不符，已请规划师调整方案",
        ),
        (d(2019, 9, 20), "水电管线改造，预留适老插座8处", ""),
        (d(2019, 9, 27), "轻钢龙骨吊顶", "楼道自治管理小组监督：吊顶材料与合同品牌一致"),
    ):
        im.site_log_add(actor=contractor, project=project, date=day, work_done=work, issues=issue,
                        photos=[_photo("anshun", (170, 150, 120))])  # fmt: skip
        ctx.counts["site_logs"] += 1
    from linli.accounts.models import Role

    resident = ctx.with_role(Role.RESIDENT, flat__building__compound__committee=project.committee)
    if resident is not None:
        fb = im.feedback_submit(actor=resident, project=project, channel="qr",
                                text="施工时间请避开中午12点到1点半，楼里老人要午睡。")  # fmt: skip
        im.feedback_answer(
            actor=staff, feedback=fb, answer="已要求施工单位午间停工，电钻作业安排在上午。"
        )
        im.feedback_submit(actor=resident, project=project,
                           text="活动室能否留一面墙做居民照片墙？")  # fmt: skip
        ctx.counts["feedback"] += 2


def _accept_and_hand_over(ctx, project, *, key, staff, contractor_note, review, walk, arrangement,
                          milestones, target_note):  # fmt: skip
    """Milestones done, acceptance, O&M — for the cases the seeds tell little about."""
    from linli.accounts.models import Role
    from linli.implementation import services as im
    from linli.projects.models import Stage

    mobile, name = CONTRACTOR_MOBILES[key]
    contractor = ctx.account(mobile, name)
    planner = ctx.planner(project)
    oc = ctx.with_role(Role.OWNERS_COMMITTEE, compound__in=project.compounds.all())
    _group(ctx, staff, project, [(contractor, "contractor", contractor_note),
                                 (planner, "planner", "现场指导")])  # fmt: skip
    _milestones(ctx, staff, contractor, project, milestones)
    if ctx.move(staff, project, Stage.ACCEPTANCE, "施工完成，进入验收与运维") is None:
        return None
    project.refresh_from_db()
    _acceptance(ctx, staff, project, planner=planner, contractor=contractor, oc=oc,
                review=review, walk=walk)  # fmt: skip
    team = arrangement.pop("team", None)
    im.arrangement_set(actor=staff, project=project, team=team, **arrangement)
    return project


def _mingfeng(ctx) -> None:
    from linli.implementation import services as im
    from linli.projects.models import Stage

    project = ctx.project("馨丽园")
    if project is None or project.stage != Stage.IMPLEMENTATION:
        return
    staff = ctx.staff(project.committee)
    refs = ctx.builder.case_refs["mingfeng"]
    d = datetime.date
    team = im.team_create(
        actor=staff, committee=project.committee, name="绿缘花友会", kind="flowers", project=project
    )
    done = _accept_and_hand_over(
        ctx, project, key="mingfeng", staff=staff, contractor_note="物业维修班（材料与苗木）",
        milestones=[
            ("清除杂草、平整场地", d(2019, 9, 2), d(2019, 9, 8), d(2019, 9, 2), d(2019, 9, 7)),
            ("凉亭粉刷（居民动手）", d(2019, 9, 9), d(2019, 9, 15), d(2019, 9, 9), d(2019, 9, 15)),
            ("花草种植（居民动手）", d(2019, 9, 16), d(2019, 9, 30), d(2019, 9, 16), d(2019, 9, 29)),
        ],
        review={"reviewer": "徐敏", "organisation": "大桥街道社区规划师团队", "date": d(2019, 10, 8),
                "items_checked": "凉亭结构与油漆；步道；苗木成活；排水", "conclusion": "合格"},
        walk={"date": d(2019, 10, 9), "participants": 41, "satisfied": True,
              "opinions": "居民踏勘一致认可，建议在凉亭加装座椅靠背。"},
        arrangement={"kind": "volunteer", "keeper": "绿缘花友会", "team": team,
                     "money": "小区公共收益每年列支养护费3000元；花友会自备部分苗木。"},
        target_note="",
    )  # fmt: skip
    if done is None:
        return
    residents = _case_residents(refs, 6)
    from linli.accounts.models import Role

    plots = ["月季花坛", "绣球花境", "凉亭西侧香草园", "入口花箱", "南侧绿篱", "紫藤廊架"]
    for i, ((name, flat), plot) in enumerate(zip(residents, plots, strict=False)):
        user = ctx.account(f"1380000007{i}", name, role=Role.RESIDENT, scope=flat)
        im.team_member_add(actor=staff, team=team, user=user, is_leader=(i == 0))
        im.adoption_add(actor=user, project=project, plot=plot, team=team)
        ctx.counts["adoptions"] += 1
    ctx.move(staff, project, Stage.EVALUATION, "2019年12月 居民评议会")


def _railway(ctx) -> None:
    from linli.projects.models import Stage

    project = ctx.project("铁路新村中心花园")
    if project is None or project.stage != Stage.IMPLEMENTATION:
        return
    staff = ctx.staff(project.committee)
    d = datetime.date
    _accept_and_hand_over(
        ctx, project, key="railway", staff=staff, contractor_note="园林施工单位",
        milestones=[
            ("拆除与土方", d(2021, 3, 1), d(2021, 3, 20), d(2021, 3, 1), d(2021, 3, 18)),
            ("步道、座椅与照明", d(2021, 3, 21), d(2021, 5, 10), d(2021, 3, 22), d(2021, 5, 12)),
            ("绿化种植", d(2021, 5, 11), d(2021, 5, 31), d(2021, 5, 13), d(2021, 5, 30)),
        ],
        review={"reviewer": "陆工", "organisation": "区绿化市容局", "date": d(2021, 6, 8),
                "items_checked": "步道平整与防滑；照明；苗木；无障碍坡道", "conclusion": "合格"},
        walk={"date": d(2021, 6, 10), "participants": 35, "satisfied": True,
              "opinions": "居民认可，希望增加晾晒区。"},
        arrangement={"kind": "property", "keeper": "小区物业服务企业",
                     "money": "物业费中的绿化养护费"},
        target_note="",
    )  # fmt: skip


def build(builder, logins: list[dict], projects: list) -> dict:
    """Step 5 records of the cases; returns counts for the build summary."""
    ctx = _Ctx(builder, logins, projects)
    rng = random.Random(getattr(builder, "seed", 0) + 5)
    from linli.core.errors import ServiceError

    for label, step in (("市光四村", lambda: _garage(ctx, rng)), ("安顺苑", lambda: _anshun(ctx)),
                        ("明丰苑", lambda: _mingfeng(ctx)), ("铁路新村", lambda: _railway(ctx))):  # fmt: skip
        try:
            with transaction.atomic():
                step()
        except ServiceError as exc:  # a refusal stops that case only; the build goes on
            builder.log(f"  ！第5步 {label}：{exc.message}")
    builder.log("第5步（实施与运维）：" + "，".join(f"{k} {v}" for k, v in ctx.counts.items()))
    return dict(ctx.counts)
