"""Build the demo district (杨浦区): registry, facilities, demo logins and case projects.

The registry is seeded with ``bulk_create`` in batches, one committee at a time inside its
own transaction, so memory stays bounded at ``--scale full`` (≈1.24 M residents). Every
committee draws from its own ``random.Random`` seeded from ``seed`` and its position, so
the same seed gives the same district whatever the scale. Users, roles and projects go
through the services (each audited); the bulk registry is summarised by one
``demo.build`` audit event.
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, reset_queries, transaction
from django.db.models import signals

from linli.demo import data
from linli.demo.people import household_people as _household_people
from linli.demo.people import outside_owner as _outside_owner
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

SCALES = ("small", "default", "full")
# residents per detailed committee at each scale: the seeds' 1.24 M over 291 committees
FULL_PER_COMMITTEE = round(data.SEED_RESIDENTS / sum(s[1] for s in data.STREETS))
SMALL_PER_COMMITTEE = 240
PERSONS_PER_FLAT = 2.32  # occupied ~95 % × ~2.45 per household (measured on a full build)


class DemoExists(Exception):
    pass


@dataclass
class Counts:
    values: dict = field(default_factory=dict)

    def add(self, key: str, n: int) -> None:
        self.values[key] = self.values.get(key, 0) + n


def _dec(value: float, places: int = 6) -> Decimal:
    return Decimal(f"{value:.{places}f}")


def _clamp_lat(v: float) -> float:
    return min(max(v, data.LAT_MIN + 0.0005), data.LAT_MAX - 0.0005)


def _clamp_lng(v: float) -> float:
    return min(max(v, data.LNG_MIN + 0.0005), data.LNG_MAX - 0.0005)


# ---------------------------------------------------------------- buildings

ERA_WEIGHTS = [("1950s", 12), ("1970s", 20), ("1980s", 32), ("1990s", 26), ("2000s", 10)]
# era -> (year range, floors choices, flats per floor range, area range m², stilt share, elevator)
ERA_SPECS = {
    "1950s": ((1952, 1962), [5, 5, 6], (3, 4), (32, 52), 0.0, False),
    "1970s": ((1972, 1980), [6, 6, 6, 5], (3, 4), (38, 60), 0.0, False),
    "1980s": ((1981, 1989), [6, 6, 7], (2, 4), (45, 72), 0.0, False),
    "1990s": ((1990, 1999), [6, 7, 7], (2, 2), (55, 98), 0.3, False),
    "2000s": ((2002, 2012), [18, 18, 14, 11], (4, 6), (72, 120), 0.0, True),
}


def _pick_era(rng: random.Random) -> str:
    x = rng.random() * sum(w for _, w in ERA_WEIGHTS)
    for era, w in ERA_WEIGHTS:
        if x < w:
            return era
        x -= w
    return ERA_WEIGHTS[-1][0]


@dataclass
class BuildingPlan:
    number: str
    floors: int
    per_floor: int
    area: tuple[int, int]
    year: int
    elevator: bool
    stilt: bool = False

    @property
    def flats(self) -> int:
        return (self.floors - (1 if self.stilt else 0)) * self.per_floor


def _plan_building(
    rng: random.Random, era: str, number: int, year: int | None = None
) -> BuildingPlan:
    years, floors, per_floor, area, stilt_share, elevator = ERA_SPECS[era]
    return BuildingPlan(
        number=f"{number}号楼",
        floors=rng.choice(floors),
        per_floor=rng.randint(*per_floor),
        area=area,
        year=year or rng.randint(*years),
        elevator=elevator,
        stilt=rng.random() < stilt_share,
    )


# ---------------------------------------------------------------- micro-spaces

K = MicroSpace.Kind
C = MicroSpace.Condition
GENERIC_SPACES = [
    (K.GARDEN, "中心花园", "全体业主", (200, 900)),
    (K.PAVILION, "花园凉亭", "全体业主", (12, 30)),
    (K.ACTIVITY_ROOM, "居民活动室", "居委会", (30, 120)),
    (K.GATEHOUSE, "北门门房间", "全体业主", (6, 15)),
    (K.WALL_ENTRANCE, "南门门头与景墙", "全体业主", (10, 40)),
    (K.GREEN_STRIP, "宅间绿化带", "全体业主", (50, 300)),
    (K.ELECTRIC_BOX, "路口电箱", "国网上海市电力公司", (1, 3)),
    (K.SEATING, "健身点座椅", "全体业主", (5, 20)),
    (K.HOOKS, "晾晒挂钩", "全体业主", (2, 10)),
    (K.PET, "宠物便便箱", "物业服务企业", (1, 4)),
    (K.SQUARE, "小广场", "全体业主", (150, 600)),
    (K.WALL, "沿街围墙", "全体业主", (40, 200)),
    (K.PHONE_BOOTH, "废弃电话亭", "中国电信上海公司", (1, 2)),
    (K.STREET_CORNER, "街角空地", "街道办事处", (20, 80)),
]
CONDITION_WEIGHTS = [(C.GOOD, 25), (C.FAIR, 40), (C.POOR, 25), (C.ABANDONED, 10)]
DESCRIPTIONS = {
    C.GOOD: "设施完好，使用频繁。",
    C.FAIR: "基本可用，部分设施老化。",
    C.POOR: "设施老旧，居民多次反映需要改造。",
    C.ABANDONED: "长期闲置，杂物堆积。",
}


def _condition(rng: random.Random) -> str:
    x = rng.random() * 100
    for cond, w in CONDITION_WEIGHTS:
        if x < w:
            return cond
        x -= w
    return C.FAIR


# Case-specific micro-spaces: case key -> [(kind, name, rights holder, area, condition, text, building number)]
CASE_SPACES = {
    "tielu": [
        (
            K.GARDEN,
            "中心花园",
            "全体业主",
            1200,
            C.POOR,
            "设施老旧、场地功能单一、绿植缺乏层次；老人希望开辟儿童玩耍区域。",
            None,
        ),
        (
            K.WALL_ENTRANCE,
            "铁路记忆景墙",
            "全体业主",
            30,
            C.FAIR,
            "上海铁路局职工住宅区，承载几代铁路人的文化记忆。",
            None,
        ),
    ],
    "anshun": [
        (
            K.STILT,
            "5号楼底层架空层",
            "5号楼全体业主",
            95,
            C.POOR,
            "原本脏乱、堆物，居民希望改造成睦邻客厅。",
            "5号楼",
        ),
        (
            K.STAIRWELL,
            "3号楼楼道",
            "3号楼全体业主",
            40,
            C.POOR,
            "楼道堆物，影响消防通道。",
            "3号楼",
        ),
    ],
    "shiguang": [
        (
            K.BIKE_GARAGE,
            "非机动车库",
            "全体业主",
            420,
            C.POOR,
            "乱停车、乱充电、有人看但无人管，存在严重安全隐患；僵尸车多。",
            None,
        ),
    ],
    "mingfeng": [
        (
            K.GARDEN,
            "废旧花园",
            "全体业主",
            300,
            C.ABANDONED,
            "废弃近20年，杂草丛生，夏天蚊虫滋生。",
            None,
        ),
        (K.PAVILION, "花园凉亭", "全体业主", 20, C.POOR, "油漆剥落，需要粉刷。", None),
    ],
    "liaoyuan": [
        (
            K.GREEN_STRIP,
            "中轴绿化带",
            "全体业主",
            650,
            C.FAIR,
            "贯穿小区的中轴绿带，植物单一。",
            None,
        ),
        (
            K.GREEN_STRIP,
            "东侧闲置绿地",
            "全体业主",
            180,
            C.ABANDONED,
            "三处闲置绿地之一，裸土和杂物。",
            None,
        ),
    ],
    "anshan": [
        (
            K.GREEN_STRIP,
            "宅间闲置绿地",
            "全体业主",
            260,
            C.ABANDONED,
            "宅间闲置绿地，居民希望建设百草园。",
            None,
        ),
    ],
}


# ---------------------------------------------------------------- facilities

F = Facility.Kind
STREET_FACILITIES = [
    (F.NEIGHBOURHOOD_CENTRE, "{street}睦邻中心（{road}）", 5),
    (F.CLINIC, "{street}社区卫生服务中心", 1),
    (F.CLINIC, "{road}社区卫生服务站", 3),
    (F.ELDERLY_CARE, "{street}综合为老服务中心", 1),
    (F.ELDERLY_CARE, "{road}长者照护之家", 2),
    (F.ELDERLY_CANTEEN, "{road}长者食堂", 2),
    (F.KINDERGARTEN, "{road}幼儿园", 3),
    (F.PRIMARY_SCHOOL, "{road}路小学", 2),
    (F.MARKET, "{road}菜市场", 2),
    (F.BUS_STOP, "{road}路公交站", 6),  # named after the crossing below
    (F.PARK, "{road}街心绿地", 2),
    (F.SPORTS, "{road}市民健身步道", 2),
    (F.CULTURE, "{road}文化活动室", 2),
]
METRO = {
    "四平路街道": ["同济大学站", "四平路站"],
    "五角场街道": ["江湾体育场站", "五角场站"],
    "殷行街道": ["市光路站", "殷高东路站"],
    "江浦路街道": ["江浦路站"],
    "大桥街道": ["宁国路站"],
    "控江路街道": ["鞍山新村站"],
    "延吉新村街道": ["延吉中路站"],
    "新江湾城街道": ["新江湾城站"],
    "平凉路街道": ["大连路站"],
    "定海路街道": ["黄兴路站"],
    "长海路街道": ["翔殷路站"],
    "长白新村街道": ["黄兴公园站"],
}


# ---------------------------------------------------------------- builder


class DemoBuilder:
    def __init__(
        self,
        *,
        scale: str = "default",
        seed: int = 2026,
        batch_size: int = 2000,
        residents: int | None = None,
        out=None,
        progress: bool = True,
    ):
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale}")
        self.scale = scale
        self.seed = seed
        self.batch_size = batch_size
        self.out = out or sys.stdout
        self.progress = progress
        self.counts = Counts()
        total_committees = sum(s[1] for s in data.STREETS)
        if residents is not None:
            self.per_committee = max(30, round(residents / total_committees))
        elif scale == "small":
            self.per_committee = SMALL_PER_COMMITTEE
        else:
            self.per_committee = FULL_PER_COMMITTEE
        self.case_refs: dict[str, dict] = {}

    # -- output

    def log(self, msg: str) -> None:
        if self.progress:
            self.out.write(msg + "\n")
            self.out.flush()

    # -- entry point

    def build(self) -> dict:
        if District.objects.filter(name=data.DISTRICT_NAME).exists():
            raise DemoExists(data.DISTRICT_NAME)
        t0 = time.monotonic()
        from linli.demo.writer import RowWriter

        self.writer = RowWriter(self.batch_size)
        with transaction.atomic():
            district, committees = self._skeleton()
        detailed = self._detailed_committees(committees)
        self.log(
            f"骨架：1 个区，{len(data.STREETS)} 个街道，{len(committees)} 个居委会；"
            f"详细建设 {len(detailed)} 个居委会，每个约 {self.per_committee} 名居民"
        )
        for i, (committee, meta) in enumerate(detailed, 1):
            with transaction.atomic():
                self._committee_detail(committee, meta)
            if i % 10 == 0 or i == len(detailed):
                el = time.monotonic() - t0
                self.log(
                    f"  [{i}/{len(detailed)}] 居委会 · 户室 {self.counts.values.get('flats', 0):,} · "
                    f"人员 {self.counts.values.get('persons', 0):,} · {el:.0f}s"
                )
        with transaction.atomic():
            self._facilities(district)
        registry_seconds = time.monotonic() - t0
        from linli.demo.logins import build_logins
        from linli.demo.projects import build_projects

        with transaction.atomic():
            logins = build_logins(self)
        with transaction.atomic():
            projects = build_projects(self, logins)
        from linli.demo.engagement import seed_engagement

        with transaction.atomic():
            self.engagement = seed_engagement(self, logins)
        from linli.demo.story import build_story

        self.story = build_story(self, logins, projects)  # steps 1–4 records of the cases
        self.step5 = __import__("linli.demo.implementation").demo.implementation.build(
            self, logins, projects
        )  # step 5 records of the cases (linli/demo/implementation.py), before step 6
        self.step6 = __import__("linli.demo.evaluation").demo.evaluation.build(
            self, logins, projects
        )  # step 6 records of the cases (linli/demo/evaluation.py)
        self.partners = __import__("linli.demo.partners").demo.partners.build(
            self, logins, projects
        )  # 社区合伙人 and 营造活动 of the demo street (linli/demo/partners.py)
        from linli.demo.logins import project_task_logins

        logins = logins + project_task_logins({x["mobile"] for x in logins})
        from linli.demo import gaojing  # 宝山区高境镇 2023 (seed 002): the town dashboard

        self.gaojing = gaojing.build(self)
        if gaojing.login(self.gaojing):
            logins.append(gaojing.login(self.gaojing))
        from linli.core.dbstats import analyze

        # Bulk rows leave the planner without statistics until autovacuum catches up (or
        # never, when it is off): building page 735 ms before one ANALYZE, 55 ms after.
        analyze_seconds = analyze()
        elapsed = time.monotonic() - t0
        summary = {
            "analyze_seconds": round(analyze_seconds, 1),
            "scale": self.scale,
            "seed": self.seed,
            "database": connection.vendor,
            "residents_per_committee": self.per_committee,
            "detailed_committees": len(detailed),
            "counts": dict(self.counts.values),
            "projects": len(projects),
            "logins": len(logins),
            "story": self.story,
            "registry_seconds": round(registry_seconds, 1),
            "seconds": round(elapsed, 1),
        }
        from linli.audit.services import audit_record

        audit_record(
            actor=None,
            action="demo.build",
            obj=district,
            after=summary,
        )
        self.logins = logins
        self.projects = projects
        return summary

    # -- skeleton: district, 12 streets, 291 committees

    def _skeleton(self):
        rng = random.Random(self.seed)
        district = District.objects.create(
            name=data.DISTRICT_NAME,
            code=data.DISTRICT_CODE,
            area_km2=Decimal(data.DISTRICT_AREA_KM2),
        )
        streets = Street.objects.bulk_create(
            [Street(district=district, name=name) for name, *_ in data.STREETS]
        )
        self.streets = {s.name: s for s in streets}
        self.street_meta = {
            name: (count, centre, roads) for name, count, centre, roads in data.STREETS
        }
        case_by_street: dict[str, list[dict]] = {}
        for case in data.CASES:
            case_by_street.setdefault(case["street"], []).append(case)
        rows = []
        self.committee_meta: list[dict] = []
        for _s_index, (sname, count, centre, roads) in enumerate(data.STREETS):
            cases = case_by_street.get(sname, [])
            names = [c["committee"] for c in cases]
            i = 0
            while len(names) < count:
                road = roads[i % len(roads)]
                suffix = data.COMMITTEE_SUFFIXES[(i // len(roads)) % len(data.COMMITTEE_SUFFIXES)]
                name = f"{road}{suffix}居委会"
                if name not in names:
                    names.append(name)
                i += 1
            for c_index, name in enumerate(names):
                case = cases[c_index] if c_index < len(cases) else None
                road = roads[c_index % len(roads)]
                lat = _clamp_lat(centre[0] + rng.uniform(-0.008, 0.008))
                lng = _clamp_lng(centre[1] + rng.uniform(-0.008, 0.008))
                address = case["address"] if case else f"{road}路{rng.randint(10, 999)}弄"
                rows.append(
                    Committee(
                        street=self.streets[sname],
                        name=name,
                        address=f"杨浦区{address}",
                        phone=f"021-6{rng.randrange(10**7):07d}",
                    )
                )
                self.committee_meta.append(
                    {
                        "street": sname,
                        "road": road,
                        "lat": lat,
                        "lng": lng,
                        "case": case,
                        "index": len(self.committee_meta),
                    }
                )
        committees = Committee.objects.bulk_create(rows, batch_size=self.batch_size)
        self.counts.add("districts", 1)
        self.counts.add("streets", len(streets))
        self.counts.add("committees", len(committees))
        self.committees = committees
        return district, list(zip(committees, self.committee_meta, strict=True))

    def _detailed_committees(self, committees):
        if self.scale == "full":
            return committees
        if self.scale == "small":
            return [(c, m) for c, m in committees if m["case"]]
        return [(c, m) for c, m in committees if m["case"] or m["street"] == data.DETAILED_STREET]

    # -- one committee in detail

    def _committee_detail(self, committee: Committee, meta: dict) -> None:
        rng = random.Random(self.seed * 1_000_003 + meta["index"])
        case = meta["case"]
        target_flats = max(12, round(self.per_committee / PERSONS_PER_FLAT))
        road = meta["road"]
        compounds: list[tuple[Compound, str, list[BuildingPlan], str | None]] = []
        planned = 0
        n = 0
        if case:
            plans = self._case_buildings(rng, case)
            compounds.append(
                (
                    Compound(
                        committee=committee,
                        name=case["compound"],
                        address=f"杨浦区{case['address']}",
                        built_year=case["built_year"],
                        lat=_dec(meta["lat"]),
                        lng=_dec(meta["lng"]),
                    ),
                    case["era"],
                    plans,
                    case["key"],
                )
            )
            planned += sum(p.flats for p in plans)
        while planned < target_flats:
            n += 1
            era = _pick_era(rng)
            year = rng.randint(*ERA_SPECS[era][0])
            suffix = data.COMPOUND_SUFFIXES[(meta["index"] + n) % len(data.COMPOUND_SUFFIXES)]
            if n == 1 and not case:
                name = committee.name.removesuffix("居委会")
            else:
                name = f"{road}{suffix}"
            if name in {c[0].name for c in compounds}:
                name = f"{name}{n}期"
            remaining = target_flats - planned
            plans: list[BuildingPlan] = []
            size = min(remaining, rng.randint(250, 900))
            b = 0
            while sum(p.flats for p in plans) < size:
                b += 1
                plans.append(_plan_building(rng, era, b, year if rng.random() < 0.7 else None))
            planned += sum(p.flats for p in plans)
            compounds.append(
                (
                    Compound(
                        committee=committee,
                        name=name,
                        address=f"杨浦区{road}路{rng.randint(10, 999)}弄",
                        built_year=year,
                        lat=_dec(_clamp_lat(meta["lat"] + rng.uniform(-0.003, 0.003))),
                        lng=_dec(_clamp_lng(meta["lng"] + rng.uniform(-0.003, 0.003))),
                    ),
                    era,
                    plans,
                    None,
                )
            )
        Compound.objects.bulk_create([c[0] for c in compounds])
        self.counts.add("compounds", len(compounds))

        # buildings
        buildings: list[tuple[Building, BuildingPlan, Compound, str, str | None]] = []
        for compound, era, plans, key in compounds:
            clat, clng = float(compound.lat), float(compound.lng)
            for plan in plans:
                buildings.append(
                    (
                        Building(
                            compound=compound,
                            number=plan.number,
                            floors=plan.floors,
                            built_year=plan.year,
                            has_elevator=plan.elevator,
                            lat=_dec(_clamp_lat(clat + rng.uniform(-0.0012, 0.0012))),
                            lng=_dec(_clamp_lng(clng + rng.uniform(-0.0012, 0.0012))),
                        ),
                        plan,
                        compound,
                        era,
                        key,
                    )
                )
        Building.objects.bulk_create([b[0] for b in buildings], batch_size=self.batch_size)
        self.counts.add("buildings", len(buildings))

        # flats: ids are reserved up front and rows written with executemany (no model
        # instances), which is what keeps --scale full within minutes
        writer = self.writer
        flat_rows: list[tuple] = []
        flat_info: list[
            tuple[int, Building, int, str, str | None]
        ] = []  # id, building, floor, era, key
        for building, plan, _compound, era, key in buildings:
            lo, hi = plan.area
            # one layout per position on the floor, repeated on every floor (± survey noise)
            layout = [rng.uniform(lo, hi) for _ in range(plan.per_floor)]
            first = 2 if plan.stilt else 1
            for floor in range(first, plan.floors + 1):
                for pos in range(plan.per_floor):
                    area = layout[pos] + rng.uniform(-0.3, 0.3)
                    flat_rows.append(
                        [None, building.pk, "", f"{floor}{pos + 1:02d}", floor, _dec(area, 2)]
                    )
                    flat_info.append((building, floor, era, key))
        flat_ids = writer.reserve(Flat, len(flat_rows))
        for row, fid in zip(flat_rows, flat_ids, strict=True):
            row[0] = fid
        writer.insert(Flat, ["id", "building_id", "unit", "room", "floor", "area"], flat_rows)
        self.counts.add("flats", len(flat_rows))

        # occupancy, people and owners; persons are numbered locally, then given real ids
        persons: list[tuple] = []  # (name, sex, birth_year, mobile, is_organisation)
        households: list[list] = []  # [flat_id, label, is_tenant]
        residencies: list[tuple[int, int, str]] = []  # (household idx, person idx, relation)
        ownerships: list[tuple[int, int, Decimal]] = []  # (flat_id, person idx, share)
        landlords: list[int] = []
        developer: int | None = None
        heads: dict[int, int] = {}  # flat id -> person idx
        unsold_left: dict[int, int] = {}
        one = Decimal("1.0000")
        half = Decimal("0.5000")
        for fid, (building, floor, era, key) in zip(flat_ids, flat_info, strict=True):
            compound_id = building.compound_id
            if era == "2000s" and key is None:
                # the developer still holds a few unsold top-floor flats in tower compounds
                if compound_id not in unsold_left:
                    unsold_left[compound_id] = rng.randint(4, 10)
                if unsold_left[compound_id] > 0 and floor >= building.floors - 2:
                    unsold_left[compound_id] -= 1
                    if developer is None:
                        name = data.DEVELOPER_NAMES[meta["index"] % len(data.DEVELOPER_NAMES)]
                        persons.append((name, "", None, "", True))
                        developer = len(persons) - 1
                        self.counts.add("developers", 1)
                    ownerships.append((fid, developer, one))
                    self.counts.add("unsold_flats", 1)
                    continue
            in_case = key is not None
            x = rng.random()
            if x < 0.05 and not in_case:  # vacant, owner lives elsewhere
                persons.append(_outside_owner(rng))
                ownerships.append((fid, len(persons) - 1, one))
                self.counts.add("vacant_flats", 1)
                continue
            tenant = x < (0.16 if not in_case else 0.08)
            household_people = _household_people(rng, tenant)
            h_idx = len(households)
            households.append([fid, f"{household_people[0][1][0]}户", tenant])
            first_idx = len(persons)
            spouse_idx = None
            for k, (relation, person) in enumerate(household_people):
                persons.append(person)
                residencies.append((h_idx, first_idx + k, relation))
                if relation == "spouse" and spouse_idx is None:
                    spouse_idx = first_idx + k
            if tenant:
                # landlords: most own one flat they let, some own several
                if landlords and rng.random() < 0.3:
                    landlord = rng.choice(landlords)
                else:
                    persons.append(_outside_owner(rng))
                    landlord = len(persons) - 1
                    landlords.append(landlord)
                ownerships.append((fid, landlord, one))
            else:
                heads[fid] = first_idx
                if spouse_idx is not None and rng.random() < 0.45:
                    ownerships.append((fid, first_idx, half))
                    ownerships.append((fid, spouse_idx, half))
                    self.counts.add("co_owned_flats", 1)
                else:
                    ownerships.append((fid, first_idx, one))
        person_ids = writer.reserve(Person, len(persons))
        writer.insert(
            Person,
            [
                "id",
                "name",
                "sex",
                "birth_year",
                "mobile",
                "id_number",
                "is_organisation",
                "user_id",
            ],
            [
                (pid, n, s, y, m, "", org, None)
                for pid, (n, s, y, m, org) in zip(person_ids, persons, strict=True)
            ],
        )
        household_ids = writer.reserve(Household, len(households))
        writer.insert(
            Household,
            ["id", "flat_id", "label", "is_tenant"],
            [(hid, f, lab, t) for hid, (f, lab, t) in zip(household_ids, households, strict=True)],
        )
        writer.insert(
            Residency,
            ["household_id", "person_id", "relation"],
            [(household_ids[h], person_ids[p], r) for h, p, r in residencies],
        )
        writer.insert(
            Ownership,
            ["flat_id", "person_id", "share"],
            [(f, person_ids[p], s) for f, p, s in ownerships],
        )
        self.counts.add("persons", len(persons))
        self.counts.add("households", len(households))
        self.counts.add("tenant_households", sum(1 for h in households if h[2]))
        self.counts.add("residents", len(residencies))
        self.counts.add(
            "residents_60_plus",
            sum(1 for _, p, _ in residencies if data.REF_YEAR - persons[p][2] >= 60),
        )
        self.counts.add("ownerships", len(ownerships))
        owned: dict[int, int] = {}
        for _, p, _ in ownerships:
            owned[p] = owned.get(p, 0) + 1
        self.counts.add("owners_of_several_flats", sum(1 for v in owned.values() if v > 1))

        # micro-spaces
        spaces = []
        for compound, era, _plans, key in compounds:
            spaces.extend(self._spaces(rng, compound, era, key, buildings))
        MicroSpace.objects.bulk_create(spaces, batch_size=self.batch_size)
        self.counts.add("microspaces", len(spaces))

        if case:
            key = case["key"]
            compound = compounds[0][0]
            case_flats = {
                (f.building.number, f.room): f
                for f in Flat.objects.filter(building__compound=compound).select_related("building")
            }
            head_people = Person.objects.in_bulk(
                [person_ids[heads[f.pk]] for f in case_flats.values() if f.pk in heads]
            )
            self.case_refs[key] = {
                "committee": committee,
                "compound": compound,
                "buildings": {b.number: b for b, _, c, _, _ in buildings if c is compound},
                "flats": case_flats,
                "heads": {
                    addr: head_people[person_ids[heads[f.pk]]]
                    for addr, f in case_flats.items()
                    if f.pk in heads
                },
                "microspaces": {s.name: s for s in spaces if s.compound_id == compound.pk},
            }
        reset_queries()

    def _case_buildings(self, rng: random.Random, case: dict) -> list[BuildingPlan]:
        key = case["key"]
        year = case["built_year"]
        era = case["era"]
        if key == "anshun":
            plans = []
            for n in range(1, 9):
                if n == 5:
                    # 5号楼: ground-floor stilt space, six floors of two flats = 12 households
                    plans.append(BuildingPlan("5号楼", 7, 2, (68, 92), year, False, stilt=True))
                else:
                    plans.append(
                        BuildingPlan(f"{n}号楼", rng.choice([6, 7]), 2, (58, 95), year, False)
                    )
            return plans
        if key == "mingfeng":
            plans = [_plan_building(rng, era, n, year) for n in range(1, 11)]
            plans[5] = BuildingPlan("6号楼", 6, 2, (60, 88), year, False)
            return plans
        count = {"tielu": 14, "shiguang": 12, "liaoyuan": 10, "anshan": 12}[key]
        return [_plan_building(rng, era, n, year) for n in range(1, count + 1)]

    def _spaces(self, rng, compound, era, key, buildings) -> list[MicroSpace]:
        clat, clng = float(compound.lat), float(compound.lng)
        out = []
        own_buildings = [b for b, _, c, _, _ in buildings if c is compound]

        def place(**kw):
            out.append(
                MicroSpace(
                    compound=compound,
                    lat=_dec(_clamp_lat(clat + rng.uniform(-0.001, 0.001))),
                    lng=_dec(_clamp_lng(clng + rng.uniform(-0.001, 0.001))),
                    plan_x=_dec(rng.uniform(0.05, 0.95), 4),
                    plan_y=_dec(rng.uniform(0.05, 0.95), 4),
                    **kw,
                )
            )

        taken = set()
        if key:
            by_number = {b.number: b for b in own_buildings}
            for kind, name, holder, area, cond, text, bnum in CASE_SPACES[key]:
                taken.add(name)
                place(
                    name=name,
                    kind=kind,
                    rights_holder=holder,
                    area_m2=_dec(area, 1),
                    condition=cond,
                    description=text,
                    building=by_number.get(bnum) if bnum else None,
                )
        pool = [s for s in GENERIC_SPACES if s[1] not in taken]
        if era in ("1980s", "1990s") and "非机动车库" not in taken:
            pool.append((K.BIKE_GARAGE, "非机动车库", "全体业主", (150, 450)))
        for kind, name, holder, (lo, hi) in rng.sample(pool, k=min(len(pool), rng.randint(4, 7))):
            cond = _condition(rng)
            place(
                name=name,
                kind=kind,
                rights_holder=holder,
                area_m2=_dec(rng.uniform(lo, hi), 1),
                condition=cond,
                description=DESCRIPTIONS[cond],
            )
        # stairwells of a couple of walk-ups
        walkups = [b for b in own_buildings if not b.has_elevator]
        for b in rng.sample(walkups, k=min(2, len(walkups))):
            name = f"{b.number}楼道"
            if name in taken:
                continue
            cond = _condition(rng)
            place(
                name=name,
                kind=K.STAIRWELL,
                building=b,
                rights_holder=f"{b.number}全体业主",
                area_m2=_dec(rng.uniform(25, 60), 1),
                condition=cond,
                description=DESCRIPTIONS[cond],
            )
        return out

    # -- facilities of every street

    def _facilities(self, district) -> None:
        rng = random.Random(self.seed + 7)
        by_street: dict[str, list] = {}
        for committee, meta in zip(self.committees, self.committee_meta, strict=True):
            by_street.setdefault(meta["street"], []).append((committee, meta))
        rows = []
        for sname, (_count, centre, roads) in self.street_meta.items():
            street = self.streets[sname]
            members = by_street[sname]
            short = sname.replace("街道", "").replace("新村", "")
            seen: set[str] = set()
            for k_index, (kind, pattern, n) in enumerate(STREET_FACILITIES):
                for i in range(n):
                    committee, meta = members[(i * 7 + len(rows)) % len(members)]
                    road = roads[(i + k_index) % len(roads)]
                    name = pattern.format(street=short, road=road)
                    if kind == F.BUS_STOP:
                        cross = roads[(i + k_index + 3) % len(roads)]
                        if cross == road:
                            cross = roads[(roads.index(road) + 1) % len(roads)]
                        name = f"{road}路{cross}路公交站"
                    k = 2
                    base = name
                    while name in seen:
                        name = f"{base}（{k}）" if kind != F.NEIGHBOURHOOD_CENTRE else f"{base}{k}"
                        k += 1
                    seen.add(name)
                    rows.append(
                        Facility(
                            street=street,
                            committee=committee if kind != F.BUS_STOP else None,
                            kind=kind,
                            name=name,
                            address=f"杨浦区{road}路{rng.randint(1, 999)}号",
                            lat=_dec(_clamp_lat(meta["lat"] + rng.uniform(-0.002, 0.002))),
                            lng=_dec(_clamp_lng(meta["lng"] + rng.uniform(-0.002, 0.002))),
                        )
                    )
            for station in METRO.get(sname, []):
                rows.append(
                    Facility(
                        street=street,
                        kind=F.METRO,
                        name=f"地铁{station}",
                        address="杨浦区",
                        lat=_dec(_clamp_lat(centre[0] + rng.uniform(-0.004, 0.004))),
                        lng=_dec(_clamp_lng(centre[1] + rng.uniform(-0.004, 0.004))),
                    )
                )
        Facility.objects.bulk_create(rows, batch_size=self.batch_size)
        self.counts.add("facilities", len(rows))


# ---------------------------------------------------------------- reset


def _chunks(ids: list[int], n: int = 2000):
    for i in range(0, len(ids), n):
        yield ids[i : i + n]


def _delete_ids(model, ids: list[int], handled: set = frozenset()) -> int:
    """Delete rows of ``model`` by primary key, with plain DELETEs when that is safe.

    Safe means: nobody listens to its delete signals, and no row of any model pointing at
    it (hidden relations and other apps' included) refers to these ids — except models in
    ``handled``, whose rows the caller removed just before. Otherwise Django's collector
    runs, so other apps' CASCADE / SET_NULL / PROTECT rules apply as usual. (The checks and
    deletes are plain SQL: building ORM lookups over thousands of ids costs more than the
    database work.)
    """
    if not ids:
        return 0
    fast = not (signals.pre_delete.has_listeners(model) or signals.post_delete.has_listeners(model))
    checks = []
    for f in model._meta.get_fields(include_hidden=True):
        if not (f.auto_created and not f.concrete) or f.related_model in handled:
            continue
        field = getattr(f, "field", None)
        if f.many_to_many or field is None or not getattr(field, "column", None):
            fast = False
            break
        checks.append((f.related_model._meta.db_table, field.column))
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cur:
        if fast:
            for chunk in _chunks(ids):
                marks = ", ".join(["%s"] * len(chunk))
                for other, column in checks:
                    cur.execute(
                        f'SELECT 1 FROM "{other}" WHERE "{column}" IN ({marks}) LIMIT 1', chunk
                    )
                    if cur.fetchone():
                        fast = False
                        break
                if not fast:
                    break
        if fast:
            n = 0
            for chunk in _chunks(ids):
                marks = ", ".join(["%s"] * len(chunk))
                cur.execute(f'DELETE FROM "{table}" WHERE "{pk}" IN ({marks})', chunk)
                n += cur.rowcount
            return n
    return model.objects.filter(pk__in=ids).delete()[0]


def _unreferenced_persons(ids: list[int]) -> list[int]:
    """Those of ``ids`` that no residency or ownership refers to any more."""
    out: list[int] = []
    with connection.cursor() as cur:
        for chunk in _chunks(ids):
            marks = ", ".join(["%s"] * len(chunk))
            cur.execute(
                f'SELECT p.id FROM "{Person._meta.db_table}" p WHERE p.id IN ({marks}) '
                f'AND NOT EXISTS (SELECT 1 FROM "{Residency._meta.db_table}" r WHERE r.person_id = p.id) '
                f'AND NOT EXISTS (SELECT 1 FROM "{Ownership._meta.db_table}" o WHERE o.person_id = p.id)',
                chunk,
            )
            out.extend(r[0] for r in cur.fetchall())
    return out


def _delete_engagement(district, note) -> None:
    """Step-1 rows the demo seeds (needs, surveys, conversations), children before parents."""
    from linli.needs.models import Need, NeedsList, PriorityWeightSet, SpaceReport
    from linli.opinions.models import (
        Conversation,
        ConversationResult,
        OpinionVote,
        Participant,
        Statement,
    )
    from linli.surveys.models import Question, Response, Survey

    in_district = {"committee__street__district": district}
    needs = Need.objects.filter(**in_district)
    needs.update(merged_into=None)
    note("needs_lists", NeedsList.objects.filter(**in_district).delete()[0])
    note("needs_lists", NeedsList.objects.filter(street__district=district).delete()[0])
    note("needs", needs.delete()[0])
    note("space_reports", SpaceReport.objects.filter(**in_district).delete()[0])
    note("weights", PriorityWeightSet.objects.filter(**in_district).delete()[0])
    surveys = Survey.objects.filter(**in_district)
    note("survey_responses", Response.objects.filter(survey__in=surveys).delete()[0])
    note("survey_questions", Question.objects.filter(survey__in=surveys).delete()[0])
    note("surveys", surveys.delete()[0])
    conversations = Conversation.objects.filter(**in_district)
    for model in (OpinionVote, ConversationResult, Statement, Participant):
        field = "statement__conversation__in" if model is OpinionVote else "conversation__in"
        note("conversation_rows", model.objects.filter(**{field: conversations}).delete()[0])
    note("conversations", conversations.delete()[0])


def demo_reset(out=None, progress: bool = True) -> dict:
    """Delete the demo district and everything under it, committee by committee.

    Demo users are kept (their role assignments go with the places they were scoped to)
    and reused by the next build. Persons are deleted when no flat links them any more.
    Rows nothing else points at are removed with plain DELETEs; where another app refers
    to them (or listens to deletes) Django's collector runs, honouring CASCADE/PROTECT.
    """
    from linli.accounts.models import RoleAssignment

    out = out or sys.stdout
    district = District.objects.filter(name=data.DISTRICT_NAME).first()
    if district is None:
        return {}
    from linli.projects.models import Project

    deleted: dict[str, int] = {}

    def note(label, n):
        deleted[label] = deleted.get(label, 0) + n

    with transaction.atomic():
        __import__("linli.demo.gaojing").demo.gaojing.delete(note)  # 宝山区高境镇
        from linli.demo.cleanup import delete_story

        __import__("linli.demo.partners").demo.partners.delete(district, note)  # partners
        __import__("linli.demo.evaluation").demo.evaluation.delete(district, note)  # step 6
        delete_story(district, note)  # steps 2–4 records (linli/demo/story.py), ledger included
        # the demo's funding plans (cost items, sources and their accounts) protect their
        # projects; their ledger rows went with delete_story above.
        try:
            from linli.funding import models as fm
        except ImportError:  # pragma: no cover - funding app not installed
            fm = None
        if fm is not None:
            in_district = {"plan__project__committee__street__district": district}
            note("funding_rows", fm.Account.objects.filter(**in_district).delete()[0])
            note("funding_rows", fm.FundingSource.objects.filter(**in_district).delete()[0])
            note("funding_rows", fm.CostItem.objects.filter(**in_district).delete()[0])
            plans = fm.FundingPlan.objects.filter(project__committee__street__district=district)
            note("funding_rows", plans.delete()[0])
        _delete_engagement(district, note)
        note(
            "projects",
            Project.objects.filter(committee__street__district=district).delete()[0],
        )
    committee_ids = list(
        Committee.objects.filter(street__district=district).values_list("id", flat=True)
    )
    for i, cid in enumerate(committee_ids, 1):
        with transaction.atomic():
            via_flat = {"flat__building__compound__committee_id": cid}
            flat_ids = list(
                Flat.objects.filter(building__compound__committee_id=cid).values_list(
                    "id", flat=True
                )
            )
            household_ids = list(Household.objects.filter(**via_flat).values_list("id", flat=True))
            residencies = list(
                Residency.objects.filter(
                    household__flat__building__compound__committee_id=cid
                ).values_list("id", "person_id")
            )
            ownerships = list(Ownership.objects.filter(**via_flat).values_list("id", "person_id"))
            person_ids = sorted({p for _, p in residencies} | {p for _, p in ownerships})
            note("residencies", _delete_ids(Residency, [r for r, _ in residencies]))
            note("ownerships", _delete_ids(Ownership, [o for o, _ in ownerships]))
            note("households", _delete_ids(Household, household_ids, {Residency}))
            note(
                "persons",
                _delete_ids(Person, _unreferenced_persons(person_ids), {Residency, Ownership}),
            )
            RoleAssignment.objects.filter(flat__building__compound__committee_id=cid).delete()
            note("flats", _delete_ids(Flat, flat_ids, {Ownership, Household, RoleAssignment}))
            note(
                "microspaces",
                MicroSpace.objects.filter(compound__committee_id=cid).delete()[0],
            )
            note("buildings", Building.objects.filter(compound__committee_id=cid).delete()[0])
            note("compounds", Compound.objects.filter(committee_id=cid).delete()[0])
        if progress and i % 50 == 0:
            out.write(f"  已删除 {i}/{len(committee_ids)} 个居委会的数据\n")
    with transaction.atomic():
        note("facilities", Facility.objects.filter(street__district=district).delete()[0])
        note("committees", Committee.objects.filter(street__district=district).delete()[0])
        note("streets", Street.objects.filter(district=district).delete()[0])
        district_pk = district.pk
        district.delete()
        from linli.audit.services import audit_record

        audit_record(
            actor=None,
            action="demo.reset",
            object_type="places.district",
            object_id=district_pk,
            before=deleted,
        )
    return deleted
