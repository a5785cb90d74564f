"""宝山区 高境镇 2023 (seed 002): the town whose dashboard reproduces the seed's report.

The seed: in 2023 高境镇 found 93 community partners (网络招募/社区推荐), held 10+ place-
making activities, carried out 7 micro-renewal projects, reached 6,000+ participations
(人次), formed 44 planning proposals and 96 self-governance meetings, serving 32
residential areas. This module builds the records from which the town dashboard computes
those figures; nothing on the dashboard is typed in.

* Registry (bulk, like the Yangpu registry): 宝山区, 高境镇 (a town), 32 居民区 — the six
  the seed names (高境二村, 逸仙一村三居, 高境欣苑, 三花二居, 共和九村(紫竹苑), 逸景佳苑) and
  26 invented but plausible ones — each with one compound, a few walk-up buildings, flats,
  households and residents drawn like Yangpu's (same household templates, ≈36 % over 60).
* Through the services (audited): the town's staff login (13800000050), the partner
  organisation 境聚里 (1 secretariat + 5 committees) and its 93 partners (recommended by
  the town, approved with their 2023 join dates), 44 partner proposals (projects of origin
  社区合伙人提案), 7 of which — the seed's micro-renewal points — are taken on to 规划师把脉,
  96 self-governance meetings (3 per 居民区) closed after they were held, and 12 activities
  (设计赛, 沙龙, 公益市集, 工作坊, 小小园艺师 …) finished after they were held.
* Bulk (plain participation rows only): the sign-ins of those meetings (names from the
  sign-in sheets, entered by staff) and the check-ins of those activities (registry persons,
  with birth years) — several thousand rows that one service call each would make slow.
  One ``demo.gaojing`` audit event summarises them.

Services stamp "now"; the 2023 business dates are passed where a service takes them
(meeting and activity times, partners' join dates) and written afterwards onto the rows
that have none (projects' creation dates), so the 2023 dashboard counts them.
"""

from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

YEAR = 2023
DISTRICT = "宝山区"
TOWN = "高境镇"
STAFF_MOBILE = "13800000050"
PARTNER_MOBILE_PREFIX = "1391300"  # 1391300xxxx: the town's partners (demo accounts)

# (committee, compound): the seed names six; the others are invented
AREAS = [
    ("高境一村居民区", "高境一村"),
    ("高境二村居民区", "高境二村"),
    ("高境三村居民区", "高境三村"),
    ("高境四村居民区", "高境四村"),
    ("高境五村居民区", "高境五村"),
    ("高境六村居民区", "高境六村"),
    ("高境七村居民区", "高境七村"),
    ("逸仙一村一居", "逸仙一村（一居）"),
    ("逸仙一村二居", "逸仙一村（二居）"),
    ("逸仙一村三居", "逸仙一村（三居）"),
    ("逸仙二村居民区", "逸仙二村"),
    ("逸仙三村居民区", "逸仙三村"),
    ("三花一居", "三花现代城（一期）"),
    ("三花二居", "三花现代城（二期）"),
    ("三花三居", "三花现代城（三期）"),
    ("共和九村居民区", "紫竹苑"),
    ("高境欣苑居民区", "高境欣苑"),
    ("逸景佳苑居民区", "逸景佳苑"),
    ("高境新苑居民区", "高境新苑"),
    ("殷高西路居民区", "殷高西路小区"),
    ("江杨南路居民区", "江杨南路小区"),
    ("水产西路居民区", "水产西路小区"),
    ("高境佳苑居民区", "高境佳苑"),
    ("国权北路居民区", "国权北路小区"),
    ("三门路居民区", "三门路小区"),
    ("丰茂苑居民区", "丰茂苑"),
    ("锦绣华庭居民区", "锦绣华庭"),
    ("嘉骏苑居民区", "嘉骏苑"),
    ("佳宁花园居民区", "佳宁花园"),
    ("高境宝苑居民区", "高境宝苑"),
    ("富丽苑居民区", "富丽苑"),
    ("逸仙路居民区", "逸仙路小区"),
]

# The seven micro-renewal points (seed 002 names five, and the 一客一厅 of 逸景佳苑)
MICRO_RENEWAL = [
    ("高境二村居民区", "高境二村广场便民挂钩改造", "facility"),
    ("逸仙一村三居", "逸仙一村三居广场便民座椅", "facility"),
    ("高境欣苑居民区", "高境欣苑微花园", "garden"),
    ("三花二居", "三花二居宠物友好设施", "facility"),
    ("共和九村居民区", "共和九村紫竹苑凉亭与楼道改造", "corridor"),
    ("逸景佳苑居民区", "逸景佳苑“一客一厅”（站长工作室与逸致议事厅）", "living_room"),
    ("高境三村居民区", "高境三村社区门头与旧墙新颜", "path"),
]
PROPOSAL_THEMES = [
    ("口袋花园", "garden"),
    ("楼道微更新", "corridor"),
    ("健身步道", "path"),
    ("非机动车棚", "garage"),
    ("儿童游乐角", "playground"),
    ("适老扶手与座椅", "playground"),
    ("睦邻议事角", "living_room"),
    ("便民晾衣架", "facility"),
    ("垃圾箱房美化", "facility"),
    ("雨水花园", "garden"),
    ("入口门头", "path"),
]
PROFESSIONS = [
    ("retiree", 24),
    ("teacher", 12),
    ("doctor", 8),
    ("lawyer", 5),
    ("designer", 9),
    ("planner", 6),
    ("engineer", 6),
    ("media", 5),
    ("social_worker", 8),
    ("entrepreneur", 4),
    ("student", 6),
]  # 93 in all
ACTIVITIES = [
    # (kind, title, month, day, audience, capacity, check-ins, committee or None)
    ("salon", "“共创美好社区”合伙人沙龙", 3, 18, "partners", 120, 96, None),
    ("training", "参与式社区规划合伙人培训", 4, 8, "partners", 150, 118, None),
    ("contest", "“转角遇见”社区微更新设计赛（启动）", 4, 22, "residents", 600, 412, None),
    ("salon", "“境聚里”世界咖啡馆", 5, 20, "residents", 200, 163, None),
    (
        "workshop",
        "参与式社区规划工作坊（高境欣苑）",
        6,
        10,
        "residents",
        250,
        204,
        "高境欣苑居民区",
    ),
    ("children", "环保遇见微改造，小小园艺师", 7, 15, "children", 150, 118, "高境欣苑居民区"),
    (
        "workshop",
        "参与式社区规划工作坊（逸景佳苑）",
        7,
        29,
        "residents",
        250,
        186,
        "逸景佳苑居民区",
    ),
    ("contest", "“转角遇见”社区微更新设计赛（评审与公众投票）", 9, 9, "residents", 600, 468, None),
    ("market", "“境享好市”公益市集", 9, 23, "residents", 800, 641, None),
    ("wall_painting", "旧墙新颜：高境三村社区墙绘", 10, 21, "residents", 120, 88, "高境三村居民区"),
    ("other", "微更新点亮多元“金”技场", 11, 11, "residents", 300, 236, "三花二居"),
    ("salon", "年度合伙人分享会", 12, 16, "partners", 150, 112, None),
]  # 12 activities, 2,842 check-ins
MEETINGS_PER_AREA = 3  # 32 × 3 = 96 self-governance meetings
SIGNINS = (28, 44)  # names on each meeting's sign-in sheet


def _aware(month: int, day: int, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(YEAR, month, day, hour, 0))


# ---------------------------------------------------------------- registry (bulk)


def _registry(builder, rng: random.Random):
    from linli.demo.people import household_people as _household_people
    from linli.places.models import (
        Building,
        Committee,
        Compound,
        District,
        Flat,
        Household,
        Ownership,
        Person,
        Residency,
        Street,
    )

    district = District.objects.create(name=DISTRICT, code="310113", area_km2=Decimal("270.99"))
    town = Street.objects.create(district=district, name=TOWN, kind=Street.Kind.TOWN)
    committees = Committee.objects.bulk_create(
        [Committee(street=town, name=name, address=f"宝山区{TOWN}") for name, _ in AREAS]
    )
    compounds = Compound.objects.bulk_create(
        [
            Compound(
                committee=c,
                name=compound,
                address=f"宝山区{TOWN}{compound}",
                built_year=rng.choice([1988, 1992, 1996, 1999, 2003, 2008]),
                lat=Decimal(f"{31.318 + rng.uniform(0, 0.03):.6f}"),
                lng=Decimal(f"{121.478 + rng.uniform(0, 0.03):.6f}"),
            )
            for c, (_, compound) in zip(committees, AREAS, strict=True)
        ]
    )
    buildings = Building.objects.bulk_create(
        [
            Building(compound=cp, number=f"{n}号楼", floors=6, built_year=cp.built_year)
            for cp in compounds
            for n in range(1, 5)
        ]
    )
    flats = Flat.objects.bulk_create(
        [
            Flat(
                building=b,
                room=f"{floor}0{k}",
                floor=floor,
                area=Decimal(f"{rng.uniform(42, 88):.2f}"),
            )
            for b in buildings
            for floor in range(1, 7)
            for k in (1, 2)
        ]
    )
    households = Household.objects.bulk_create([Household(flat=f) for f in flats])
    people, relations = [], []
    for hh in households:
        for relation, (name, sex, birth, mobile, _org) in _household_people(rng, tenant=False):
            people.append(Person(name=name, sex=sex, birth_year=birth, mobile=mobile))
            relations.append((hh, relation))
    people = Person.objects.bulk_create(people)
    Residency.objects.bulk_create(
        [
            Residency(household=hh, person=p, relation=rel)
            for p, (hh, rel) in zip(people, relations, strict=True)
        ]
    )
    Ownership.objects.bulk_create(
        [
            Ownership(flat=hh.flat, person=p)
            for p, (hh, rel) in zip(people, relations, strict=True)
            if rel == "head"
        ]
    )
    by_committee: dict[int, list] = {}
    flat_committee = {}
    for cp in compounds:
        flat_committee[cp.pk] = cp.committee_id
    building_compound = {b.pk: b.compound_id for b in buildings}
    flat_of_hh = {hh.pk: hh.flat for hh in households}
    for p, (hh, _rel) in zip(people, relations, strict=True):
        flat = flat_of_hh[hh.pk]
        cid = flat_committee[building_compound[flat.building_id]]
        by_committee.setdefault(cid, []).append((p, f"{flat.building.number}{flat.room}室"))
    counts = {
        "committees": len(committees),
        "compounds": len(compounds),
        "buildings": len(buildings),
        "flats": len(flats),
        "households": len(households),
        "persons": len(people),
    }
    return district, town, committees, compounds, by_committee, counts


# ---------------------------------------------------------------- the town's records


def _staff(town):
    from linli.accounts.models import Role, User
    from linli.accounts.services import role_assign, user_create
    from linli.demo import data

    user = User.objects.filter(mobile=STAFF_MOBILE).first()
    if user is None:
        user = user_create(
            actor=None, mobile=STAFF_MOBILE, name="高境镇社区办小顾", password=data.DEMO_PASSWORD
        )
    role_assign(actor=None, user=user, role=Role.STREET_STAFF, scope=town, title="社区自治办")
    return user


def _partners(staff, town, committees, rng):
    from linli.partners import services as ps
    from linli.partners.models import PartnerCommittee

    org = ps.organisation_create(
        actor=staff,
        street=town,
        name="“境聚里”社区合伙人",
        intro="高境镇“境享·社区合伙人”计划：1个秘书处、5个委员会和n个团队（1+5+n）",
    )
    pcs = {pc.kind: pc for pc in PartnerCommittee.objects.filter(organisation=org)}
    kind_of = {
        "planner": "planning",
        "designer": "planning",
        "engineer": "planning",
        "lawyer": "governance",
        "social_worker": "governance",
        "retiree": "governance",
        "media": "media",
        "student": "media",
        "teacher": "education",
        "doctor": "think_tank",
        "entrepreneur": "think_tank",
    }
    from linli.demo.people import person_name as _name

    partners = []
    i = 0
    for profession, n in PROFESSIONS:
        for _ in range(n):
            committee = committees[i % len(committees)]
            sex = rng.choice("MF")
            age = (
                68 if profession == "retiree" else (21 if profession == "student" else 30 + i % 28)
            )
            p = ps.partner_recommend(
                actor=staff,
                organisation=org,
                name=_name(rng, sex),
                mobile=f"{PARTNER_MOBILE_PREFIX}{i + 1:04d}",
                home_committee=committee,
                profession=profession,
                recommendation=f"{committee.name}推荐：热心社区事务",
                birth_year=YEAR - age,
            )
            joined = datetime.date(YEAR, 2 + (i % 9), 1 + (i * 7) % 27)
            p = ps.partner_approve(
                actor=staff, partner=p, partner_committee=pcs[kind_of[profession]], on=joined
            )
            partners.append(p)
            i += 1
    return org, partners


def _projects(staff, by_name, rng):
    from linli.projects.models import Project, ProjectEvent
    from linli.projects.services import project_change_stage, project_create

    made = []
    micro_titles = set()
    for cname, title, kind in MICRO_RENEWAL:
        made.append(
            project_create(
                actor=staff,
                committee=by_name[cname],
                title=title,
                summary="社区合伙人在“转角遇见”设计赛中提出的微更新提案",
                kind=kind,
                origin="partner",
            )
        )
        micro_titles.add(title)
    names = list(by_name)
    k = 0
    while len(made) < 44:
        cname = names[(k * 5 + 3) % len(names)]
        theme, kind = PROPOSAL_THEMES[k % len(PROPOSAL_THEMES)]
        made.append(
            project_create(
                actor=staff,
                committee=by_name[cname],
                title=f"{cname.removesuffix('居民区')}{theme}提案",
                summary="社区合伙人提案（社区规划提案）",
                kind=kind,
                origin="partner",
            )
        )
        k += 1
    for p in made:
        if p.title in micro_titles:
            project_change_stage(
                actor=staff, project=p, to_stage="diagnosis", note="提案入选微更新点位，规划师把脉"
            )
    # the 2023 dates (services stamp the build time)
    for i, p in enumerate(made):
        when = _aware(3 + i % 9, 1 + (i * 3) % 27, 10)
        Project.objects.filter(pk=p.pk).update(created_at=when, stage_changed_at=when)
        ProjectEvent.objects.filter(project=p).update(at=when)
    return made


def _meetings(staff, committees, by_committee, projects_by_committee, rng):
    from linli.deliberation import services as ds
    from linli.deliberation.models import Attendance, Meeting

    plan = []
    for i, c in enumerate(committees):
        project = projects_by_committee.get(c.pk)
        third = ("project_review", "立项评审会") if project else ("building", "楼组议事会")
        for j, (kind, label) in enumerate(
            [("joint", "居民区联席会议"), ("representatives", "居民代表会议"), third]
        ):
            month = 2 + (i + 4 * j) % 11
            plan.append((c, kind, f"{c.name}{label}（{YEAR}年{month}月）", month, project))
    meetings = []
    for c, kind, title, month, project in plan:
        m = ds.meeting_create(
            actor=staff,
            committee=c,
            kind=kind,
            title=title,
            convener="committee",
            starts_at=_aware(month, 6 + len(meetings) % 20, 14),
            expected_count=50,
            project=project if kind == "project_review" else None,
            location=f"{c.name}活动室",
        )
        meetings.append(m)
    rows = []
    for m in meetings:
        pool = by_committee[m.committee_id]
        n = rng.randint(*SIGNINS)
        for person, room in rng.sample(pool, min(n, len(pool))):
            rows.append(
                Attendance(
                    meeting=m,
                    name=person.name,
                    note=room,
                    counts=True,
                    method=Attendance.Method.STAFF,
                    recorded_by=staff,
                    at=m.starts_at,
                )
            )
    Attendance.objects.bulk_create(rows, batch_size=2000)
    for m in Meeting.objects.filter(pk__in=[m.pk for m in meetings]):
        ds.meeting_close(actor=staff, meeting=m)
    return meetings, len(rows)


def _activities(staff, town, by_name, by_committee, partners, projects, rng):
    from linli.activities import services as acts
    from linli.activities.models import ActivityCheckin

    everyone = [p for rows in by_committee.values() for p, _room in rows]
    contest_projects = [p for p in projects if p.stage == "diagnosis"]
    made, rows = [], []
    for kind, title, month, day, audience, capacity, n, cname in ACTIVITIES:
        committee = by_name.get(cname) if cname else None
        a = acts.activity_create(
            actor=staff,
            street=town,
            kind=kind,
            title=title,
            starts_at=_aware(month, day, 9),
            ends_at=_aware(month, day, 16),
            capacity=capacity,
            organiser="committee" if committee else "street",
            committee=committee,
            audience=audience,
            place=f"{cname or '高境镇社区党群服务中心'}",
            projects=contest_projects if kind == "contest" else (),
        )
        made.append(a)
        if committee is not None:
            local = [p for p, _r in by_committee[committee.pk]]
            ids = {p.pk for p in local}
            others = [p for p in everyone if p.pk not in ids]
            pool = local + rng.sample(others, max(0, n - len(local)))
        else:
            pool = everyone
        chosen = rng.sample(pool, min(n, len(pool)))
        for person in chosen:
            rows.append(
                ActivityCheckin(
                    activity=a,
                    person=person,
                    name=person.name,
                    birth_year=person.birth_year,
                    channel=ActivityCheckin.Channel.OFFLINE,
                    recorded_by=staff,
                    at=a.starts_at,
                )
            )
        # partners taking part scan the QR code with their phones (online)
        if audience == "partners":
            for p in partners:
                rows.append(
                    ActivityCheckin(
                        activity=a,
                        user=p.user,
                        name=p.name,
                        birth_year=p.birth_year,
                        channel=ActivityCheckin.Channel.ONLINE,
                        at=a.starts_at,
                    )
                )
    ActivityCheckin.objects.bulk_create(rows, batch_size=2000)
    for a in made:
        acts.activity_finish(actor=staff, activity=a)
    return made, len(rows)


def build(builder) -> dict:
    """Build 高境镇 and its 2023 records. Returns a summary (also in the audit event)."""
    from linli.audit.services import audit_record
    from linli.places.models import District

    if District.objects.filter(name=DISTRICT).exists():
        return {}
    t0, c0 = time.monotonic(), time.process_time()
    rng = random.Random(builder.seed + 2023)
    with transaction.atomic():
        district, town, committees, compounds, by_committee, counts = _registry(builder, rng)
    with transaction.atomic():
        staff = _staff(town)
        org, partners = _partners(staff, town, committees, rng)
    by_name = {c.name: c for c in committees}
    with transaction.atomic():
        projects = _projects(staff, by_name, rng)
    projects_by_committee = {}
    for p in projects:
        if p.title in {t for _c, t, _k in MICRO_RENEWAL}:
            projects_by_committee[p.committee_id] = p
    from linli.projects.models import Project

    projects = list(Project.objects.filter(pk__in=[p.pk for p in projects]))
    with transaction.atomic():
        meetings, n_signins = _meetings(staff, committees, by_committee, projects_by_committee, rng)
    with transaction.atomic():
        activities, n_checkins = _activities(
            staff, town, by_name, by_committee, partners, projects, rng
        )
    summary = {
        **counts,
        "partners": len(partners),
        "proposals": len(projects),
        "meetings": len(meetings),
        "meeting_signins_bulk": n_signins,
        "activities": len(activities),
        "activity_checkins_bulk": n_checkins,
        "seconds": round(time.monotonic() - t0, 1),
        "cpu_seconds": round(time.process_time() - c0, 1),
    }
    audit_record(actor=None, action="demo.gaojing", obj=district, after=summary)
    builder.log(
        f"高境镇：{counts['committees']} 个居民区，{len(partners)} 名社区合伙人，"
        f"{len(projects)} 个提案，{len(meetings)} 次会议，{len(activities)} 场活动，"
        f"签到 {n_signins + n_checkins:,} 人次，{summary['seconds']}s"
    )
    return {"summary": summary, "staff": staff, "district": district, "town": town}


def login(result: dict) -> dict | None:
    """The town staff login, for the printed table of demo logins."""
    from linli.accounts.models import Role
    from linli.demo import data

    if not result:
        return None
    staff = result["staff"]
    return {
        "role": Role.STREET_STAFF,
        "role_label": Role(Role.STREET_STAFF).label,
        "name": staff.name,
        "mobile": staff.mobile,
        "password": data.DEMO_PASSWORD,
        "scope": result["town"],
        "title": "社区自治办",
        "sees": f"{TOWN}：{YEAR}年数据看板（93名合伙人、96次自治会议、44个提案）",
        "user": staff,
    }


# ---------------------------------------------------------------- reset


def delete(note) -> None:
    """Delete 高境镇 and everything under it (demo_reset). Accounts are kept."""
    from linli.accounts.models import RoleAssignment
    from linli.places.models import (
        Building,
        Committee,
        Compound,
        District,
        Flat,
        Household,
        Ownership,
        Person,
        Residency,
        Street,
    )

    district = District.objects.filter(name=DISTRICT).first()
    if district is None:
        return
    with transaction.atomic():
        town_q = {"street__district": district}
        from linli.activities.models import Activity
        from linli.deliberation.models import Meeting
        from linli.partners.models import PartnerOrganisation
        from linli.projects.models import Project

        note("gaojing_activities", Activity.objects.filter(**town_q).delete()[0])
        note(
            "gaojing_meetings",
            Meeting.objects.filter(committee__street__district=district).delete()[0],
        )
        note(
            "gaojing_projects",
            Project.objects.filter(committee__street__district=district).delete()[0],
        )
        note(
            "gaojing_partners",
            PartnerOrganisation.objects.filter(street__district=district).delete()[0],
        )
        RoleAssignment.objects.filter(street__district=district).delete()
        RoleAssignment.objects.filter(committee__street__district=district).delete()
        in_town = {"flat__building__compound__committee__street__district": district}
        persons = list(
            Residency.objects.filter(
                household__flat__building__compound__committee__street__district=district
            ).values_list("person_id", flat=True)
        )
        note("gaojing_rows", Residency.objects.filter(person_id__in=persons).delete()[0])
        note("gaojing_rows", Ownership.objects.filter(**in_town).delete()[0])
        note("gaojing_rows", Household.objects.filter(**in_town).delete()[0])
        note("gaojing_rows", Person.objects.filter(pk__in=persons).delete()[0])
        note(
            "gaojing_rows",
            Flat.objects.filter(building__compound__committee__street__district=district).delete()[
                0
            ],
        )
        note(
            "gaojing_rows",
            Building.objects.filter(compound__committee__street__district=district).delete()[0],
        )
        note(
            "gaojing_rows",
            Compound.objects.filter(committee__street__district=district).delete()[0],
        )
        note("gaojing_rows", Committee.objects.filter(street__district=district).delete()[0])
        note("gaojing_rows", Street.objects.filter(district=district).delete()[0])
        district.delete()
