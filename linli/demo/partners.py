"""Community partners 社区合伙人 and place-making activities 营造活动 of the demo street
(四平路街道, the six cases), made through linli.partners' and linli.activities' services.

* the street's partner organisation (1 secretariat, 5 committees, 3 teams) with a
  secretariat login (13800000060, 秘书长), the partner login 沈佳怡 (13800000010) in the
  planning committee, partners recommended by the cases' 居委会 and one online application
  from the resident login waiting in the secretariat's review queue;
* co-building units and contributions (hours, expertise, money, materials) linked to the
  cases' projects and activities;
* activities: a finished participatory-planning workshop at 安顺苑 with QR and staff
  sign-ins, a finished 共建沙龙, the “转角遇见”微更新设计赛 with entries, jury scores and an
  open public vote, and open ones to sign up for (小小景观设计师 at 鞍山四村, a charity market,
  a training for building leaders) — the resident login sees them in 等您参与.

Hooked into ``DemoBuilder.build`` with one statement; ``delete`` runs in ``demo_reset``.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.db import transaction
from django.utils import timezone

SECRETARY_MOBILE = "13800000060"
PARTNER_MOBILE = "13800000010"

# (name, profession, partner committee kind, case whose 居委会 recommends, skills)
RECOMMENDED = [
    ("顾文华", "doctor", "education", "anshun", "社区卫生服务中心全科医生，健康讲座"),
    ("邵明", "lawyer", "governance", "tielu", "物业纠纷调解、业主大会程序"),
    ("唐思远", "designer", "planning", "anshan", "景观设计，带领儿童设计小花园"),
    ("钱蕾", "teacher", "education", "shiguang", "小学美术老师，墙绘与儿童活动"),
    ("林志刚", "retiree", "governance", "mingfeng", "退休工程师，加装电梯协调"),
    ("许嘉", "media", "media", "liaoyuan", "社区公众号编辑，摄影"),
    ("戴红英", "retiree", "governance", "anshun", "楼组长，老年人走访"),
    ("陶一鸣", "planner", "planning", "tielu", "同济大学城市规划硕士"),
    ("蒋慧", "social_worker", "think_tank", "shiguang", "社会组织负责人，议事规则"),
    ("马骏", "entrepreneur", "think_tank", "mingfeng", "社区商户代表，公益市集"),
    ("孔晓燕", "teacher", "education", "anshan", "幼儿园老师，亲子自然课"),
    ("范伟", "engineer", "planning", "liaoyuan", "结构工程师，改造安全把关"),
]


def _login(logins, mobile):
    return next((x["user"] for x in logins if x["mobile"] == mobile), None)


def _secretary(builder, password_hash):
    from linli.accounts.models import User
    from linli.accounts.services import user_create

    user = User.objects.filter(mobile=SECRETARY_MOBILE).first()
    if user is None:
        user = user_create(actor=None, mobile=SECRETARY_MOBILE, name="何慧敏")
    user.password = password_hash
    user.save(update_fields=["password"])
    return user


def build(builder, logins: list[dict], projects: list) -> dict:
    """Partners and activities of the demo street; returns counts for the build summary."""
    from django.contrib.auth.hashers import make_password

    from linli.demo import data

    counts: Counter = Counter()
    street = builder.streets[data.DETAILED_STREET]
    cases = {
        k: refs for k, refs in builder.case_refs.items() if refs["committee"].street_id == street.pk
    }
    if "anshun" not in cases:
        return {}
    with transaction.atomic():
        ctx = _organisation(
            builder, logins, street, cases, make_password(data.DEMO_PASSWORD), counts
        )
    with transaction.atomic():
        _activities(builder, logins, projects, street, cases, ctx, counts)
    builder.log("社区合伙人与营造活动：" + "，".join(f"{k} {v}" for k, v in counts.items()))
    return dict(counts)


def _organisation(builder, logins, street, cases, password_hash, counts):
    from linli.accounts.models import Role
    from linli.partners import services
    from linli.partners.models import CommitteeKind

    street_staff = _login(logins, "13800000005")
    committee_staff = {
        x["scope"].pk: x["user"] for x in logins if x["role"] == Role.COMMITTEE_STAFF
    }
    org = services.organisation_create(
        actor=street_staff,
        street=street,
        name="四平“邻里合伙人”",
        intro="街道社区合伙人组织：1个秘书处、5个委员会和若干团队，汇聚医生、教师、律师、设计师和退休职工等在地人才，参与社区规划、营造活动和微更新。",
    )
    pcs = {c.kind: c for c in org.committees.all()}
    anshun = cases["anshun"]["committee"]
    # the secretariat: a retired community worker, recommended and approved by the street
    sec_user = _secretary(builder, password_hash)
    sec = services.partner_recommend(
        actor=street_staff,
        organisation=org,
        name=sec_user.name,
        mobile=sec_user.mobile,
        home_committee=anshun,
        profession="retiree",
        skills="退休社区工作者，熟悉议事协商流程",
        recommendation="长期参与安顺苑楼组自治，街道推荐担任秘书长",
    )
    sec = services.partner_approve(
        actor=street_staff, partner=sec, partner_committee=pcs[CommitteeKind.GOVERNANCE]
    )
    sec = services.partner_update(
        actor=street_staff,
        partner=sec,
        partner_committee=sec.partner_committee,
        in_secretariat=True,
        secretariat_title="秘书长",
    )
    secretary = sec.user
    counts["partners"] += 1
    # the partner login applies online and is approved into the planning committee
    shen = _login(logins, PARTNER_MOBILE)
    partners = {}
    if shen is not None:
        p = services.partner_apply(
            actor=shen,
            organisation=org,
            home_committee=anshun,
            profession="designer",
            skills="景观与室内设计，睦邻客厅方案",
            workplace="设计工作室",
            motivation="想把专业用在自己住的社区",
        )
        partners["沈佳怡"] = services.partner_approve(
            actor=secretary, partner=p, partner_committee=pcs[CommitteeKind.PLANNING]
        )
        counts["partners"] += 1
    from linli.places.models import Committee

    # partners live in the street's committees: the case's own when it lies in this street,
    # otherwise the street's other committees in turn
    others = list(Committee.objects.filter(street=street).order_by("id")[:12])
    for i, (name, profession, kind, case, skills) in enumerate(RECOMMENDED, 1):
        committee = cases[case]["committee"] if case in cases else others[i % len(others)]
        p = services.partner_recommend(
            actor=committee_staff.get(committee.pk, street_staff),
            organisation=org,
            name=name,
            mobile=f"1370000{i:04d}",
            home_committee=committee,
            profession=profession,
            skills=skills,
            recommendation=f"{committee.name}推荐：{skills}",
            birth_year=1950 + (i * 7) % 45,
        )
        if i <= len(RECOMMENDED) - 1:  # the last one waits in the review queue
            p = services.partner_approve(actor=secretary, partner=p, partner_committee=pcs[kind])
        partners[name] = p
        counts["partners"] += 1
    # the resident login applies online: pending in the secretariat's queue
    resident = _login(logins, "13800000002")
    if resident is not None:
        services.partner_apply(
            actor=resident,
            organisation=org,
            home_committee=anshun,
            profession="retiree",
            skills="退休会计，愿意帮楼组记账",
            motivation="睦邻客厅改好了，想出一份力",
        )
        counts["applications_pending"] += 1
    leaders = {
        CommitteeKind.PLANNING: "沈佳怡",
        CommitteeKind.EDUCATION: "钱蕾",
        CommitteeKind.GOVERNANCE: "邵明",
        CommitteeKind.MEDIA: "许嘉",
        CommitteeKind.THINK_TANK: "蒋慧",
    }
    for kind, name in leaders.items():
        if name in partners and partners[name].status == "active":
            services.committee_update(
                actor=secretary, committee=pcs[kind], leader=partners[name], duties=""
            )
    teams = {}
    for name, purpose, kind, leader, members in (
        (
            "安顺苑睦邻客厅营造队",
            "陪伴5号楼居民设计和维护睦邻客厅",
            "planning",
            "沈佳怡",
            ["戴红英", "范伟"],
        ),
        (
            "百草园花友队",
            "鞍山四村百草园的认养、养护和自然课",
            "education",
            "孔晓燕",
            ["唐思远", "顾文华"],
        ),
        ("四平小记者团", "记录社区营造活动，运营社区公众号", "media", "许嘉", ["钱蕾"]),
    ):
        if leader not in partners:
            continue
        team = services.team_create(
            actor=secretary,
            organisation=org,
            name=name,
            purpose=purpose,
            partner_committee=pcs[kind],
            leader=partners[leader],
        )
        for m in members:
            if m in partners and partners[m].status == "active":
                services.team_add_member(actor=secretary, team=team, partner=partners[m])
        teams[name] = team
        counts["teams"] += 1
    units = {}
    for name, kind, offers in (
        ("同济大学建筑与城市规划学院", "university", "社区规划师和学生志愿者，设计赛评审"),
        ("四平路街道社区卫生服务中心", "hospital", "健康讲座、义诊"),
        ("杨浦区社区基金会", "social_org", "公益市集和微更新小额资助"),
    ):
        units[name] = services.unit_add(
            actor=street_staff,
            street=street,
            name=name,
            kind=kind,
            offers=offers,
            signed_on=timezone.localdate() - datetime.timedelta(days=200),
        )
        counts["units"] += 1
    return {
        "org": org,
        "secretary": secretary,
        "street_staff": street_staff,
        "partners": partners,
        "teams": teams,
        "units": units,
        "pcs": pcs,
    }


def _project(projects, committee):
    return next((p for p in projects if p.committee_id == committee.pk), None)


def _activities(builder, logins, projects, street, cases, ctx, counts):
    from linli.activities import services as acts
    from linli.partners import services

    secretary = ctx["secretary"]
    pcs, teams, partners = ctx["pcs"], ctx["teams"], ctx["partners"]
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    anshun, anshan = cases["anshun"], cases.get("anshan")
    users = [x["user"] for x in logins if x["mobile"] in {
        "13800000002", "13800000003", "13800000008", "13800000016", "13800000017", "13800000018",
    }]  # fmt: skip

    def make(**kw):
        a = acts.activity_create(actor=secretary, street=street, **kw)
        counts["activities"] += 1
        return a

    # 1. a finished participatory-planning workshop at 安顺苑 (QR and staff sign-ins)
    start = now - datetime.timedelta(days=40, hours=5)
    workshop = make(
        kind="workshop",
        title="安顺苑“睦邻客厅”参与式设计工作坊",
        description="居民分组讨论5号楼架空层的使用需求，和设计师一起画出睦邻客厅的平面。",
        organiser="partner_committee",
        partner_committee=pcs["planning"],
        teams=[t for n, t in teams.items() if "睦邻客厅" in n],
        compound=anshun["compound"],
        place="5号楼底楼架空层",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=30,
        projects=[p for p in [_project(projects, anshun["committee"])] if p],
    )
    for u in users:
        acts.activity_signup(actor=u, activity=workshop, now=start - datetime.timedelta(days=3))
        counts["signups"] += 1
    token = acts.checkin_token(workshop)
    for i, u in enumerate(users[:4]):
        acts.activity_checkin(
            actor=u, activity=workshop, token=token, now=start + datetime.timedelta(minutes=5 + i)
        )
        counts["checkins_online"] += 1
    for i, (name, year) in enumerate((("王阿婆", 1941), ("陈老伯", 1946), ("赵阿姨", 1955))):
        acts.activity_sign_in_offline(
            actor=secretary,
            activity=workshop,
            name=name,
            birth_year=year,
            now=start + datetime.timedelta(minutes=8 + i),
        )
        counts["checkins_offline"] += 1
    acts.activity_finish(actor=secretary, activity=workshop)
    # 2. a finished 共建沙龙
    start = now - datetime.timedelta(days=25, hours=4)
    salon = make(
        kind="salon",
        title="“共创美好社区”共建沙龙",
        description="社区合伙人、共建单位和居民代表交流参与式规划的经验。",
        organiser="street",
        place="四平路街道党群服务中心",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=40,
    )
    for i, p in enumerate(p for p in partners.values() if p.status == "active" and p.user_id):
        acts.activity_signup(actor=p.user, activity=salon, now=start - datetime.timedelta(days=2))
        acts.activity_checkin(
            actor=p.user,
            activity=salon,
            token=acts.checkin_token(salon),
            now=start + datetime.timedelta(minutes=i),
        )
        counts["checkins_online"] += 1
    acts.activity_finish(actor=secretary, activity=salon)
    # 3. the design contest: entries, jurors, scores, public vote open
    start = now + datetime.timedelta(days=10)
    contest = make(
        kind="contest",
        title="“转角遇见”社区微更新设计赛",
        description="为街道的转角、围墙和口袋空间征集设计方案；评委打分，居民投票。",
        organiser="partner_committee",
        partner_committee=pcs["planning"],
        place="街道各居民区",
        starts_at=start,
        ends_at=start + datetime.timedelta(days=7),
        capacity=200,
    )
    entries = [
        acts.entry_add(actor=secretary, activity=contest, title=t, author=a, description=d)
        for t, a, d in (
            (
                "转角口袋花园",
                "同济大学学生设计组",
                "把铁路新村路口的废弃花坛改成可坐可玩的口袋花园。",
            ),
            ("彩虹围墙", "钱蕾和三年级小朋友", "辽源花苑围墙墙绘，画出居民记忆里的老四平。"),
            ("会呼吸的非机动车棚", "唐思远", "市光四村车棚顶加种植模块，雨水回收浇灌。"),
        )
    ]
    counts["contest_entries"] += len(entries)
    jurors = [u for u in (_login(logins, "13800000007"), _login(logins, PARTNER_MOBILE)) if u]
    for j in jurors:
        acts.juror_add(actor=secretary, activity=contest, user=j)
    for j, scores in zip(jurors, ((9, 8, 7), (8, 9, 8)), strict=False):
        for e, s in zip(entries, scores, strict=True):
            acts.jury_score(actor=j, entry=e, score=s)
            counts["jury_scores"] += 1
    acts.voting_set(actor=secretary, activity=contest, open=True)
    for i, u in enumerate(users[1:]):
        acts.public_vote(actor=u, activity=contest, entry=entries[i % 2 + 1])
        counts["public_votes"] += 1
    # 4–6. open activities to sign up for (the resident login sees them in 等您参与)
    start = now + datetime.timedelta(days=5, hours=2)
    if anshan is not None:
        make(
            kind="children",
            title="百草园“小小景观设计师”亲子活动",
            description="孩子们认识百草园的植物，画出自己心中的小花园，优秀作品将种进百草园。",
            audience="children",
            organiser="partner_committee",
            partner_committee=pcs["education"],
            teams=[t for n, t in teams.items() if "百草园" in n],
            compound=anshan["compound"],
            place="百草园",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            capacity=20,
            projects=[p for p in [_project(projects, anshan["committee"])] if p],
        )
    start = now + datetime.timedelta(days=12, hours=1)
    market = make(
        kind="market",
        title="“邻里好市”公益市集",
        description="旧物交换、义诊、法律咨询和手作摊位，收入捐给社区微更新基金。",
        organiser="street",
        place="四平路街道市民广场",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=4),
        capacity=300,
    )
    start = now + datetime.timedelta(days=8, hours=3)
    make(
        kind="training",
        title="楼组长议事协商培训",
        description="怎样开好楼组会议：议题征询、会议记录和公示。",
        audience="building_leaders",
        organiser="partner_committee",
        partner_committee=pcs["governance"],
        place="四平路街道社区学校",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=40,
    )
    # contributions: hours, expertise, money and materials, linked to projects and activities
    today = timezone.localdate()
    org = ctx["org"]
    rows = []
    if "沈佳怡" in partners:
        rows.append(
            dict(
                partner=partners["沈佳怡"],
                kind="hours",
                hours="6",
                description="工作坊主持与方案草图",
                activity=workshop,
                project=_project(projects, anshun["committee"]),
            )
        )
    if "顾文华" in partners and partners["顾文华"].status == "active":
        rows.append(
            dict(
                partner=partners["顾文华"],
                kind="expertise",
                description="公益市集义诊",
                activity=market,
            )
        )
    rows.append(
        dict(
            unit=ctx["units"]["杨浦区社区基金会"],
            kind="money",
            amount_fen=500_000,
            description="资助“邻里好市”公益市集",
            activity=market,
        )
    )
    rows.append(
        dict(
            unit=ctx["units"]["同济大学建筑与城市规划学院"],
            kind="expertise",
            description="设计赛评审与学生志愿者",
            activity=contest,
        )
    )
    if "戴红英" in partners:
        rows.append(
            dict(
                partner=partners["戴红英"],
                kind="materials",
                description="捐赠睦邻客厅绿植十盆",
                project=_project(projects, anshun["committee"]),
            )
        )
    for row in rows:
        services.contribution_record(actor=secretary, organisation=org, on_date=today, **row)
        counts["contributions"] += 1
    return counts


def delete(district, note) -> None:
    """``demo_district --reset``: remove the district's partner and activity rows before its
    projects, committees and streets (activities and partners protect them)."""
    from linli.activities.models import Activity
    from linli.partners.models import CoBuildingUnit, Contribution, PartnerOrganisation

    in_district = {"street__district": district}
    orgs = PartnerOrganisation.objects.filter(**in_district)
    note("partner_rows", Contribution.objects.filter(organisation__in=orgs).delete()[0])
    note("activity_rows", Activity.objects.filter(**in_district).delete()[0])
    note("partner_rows", CoBuildingUnit.objects.filter(**in_district).delete()[0])
    note("partner_rows", orgs.delete()[0])
