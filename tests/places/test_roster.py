"""Household roster import/export: the service (validation, all-or-nothing, idempotence)."""

from __future__ import annotations

import hashlib
import io
import time
import zipfile
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from linli.accounts.models import Role
from linli.audit.models import AuditEvent
from linli.core.errors import ScopeError
from linli.places.models import Flat, Household, Ownership, Person, Residency
from linli.places.roster import COLUMNS, RosterInvalid, roster_export, roster_import
from tests.factories import BuildingFactory, CommitteeFactory, CompoundFactory, make_user
from tests.places.fixtures.roster_files import HEADERS, big_rows, read_rows, xlsx

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def state():
    """Everything an import may touch, in a comparable form."""
    return (
        sorted(Flat.objects.values_list("id", "building_id", "unit", "room", "floor", "area")),
        sorted(Person.objects.values_list("id", "name", "mobile", "sex", "birth_year")),
        sorted(Ownership.objects.values_list("id", "flat_id", "person_id")),
        sorted(Household.objects.values_list("id", "flat_id")),
        sorted(Residency.objects.values_list("id", "household_id", "person_id", "relation")),
    )


def row(room="301", floor=3, area=80.5, owners="陈明、刘芳", phones=None,
        residents="陈明(70,男)、刘芳(68,女)、陈小明(10,男)", resident_phones=None,
        building="5号楼", unit="", compound="开鲁一村"):  # fmt: skip
    if phones is None:
        phones = "13900000001、13900000002" if owners == "陈明、刘芳" else ""
    if resident_phones is None:
        resident_phones = "13900000001、13900000002、-" if residents.startswith("陈明(70") else ""
    return [compound, building, unit, room, floor, area, owners, phones, residents, resident_phones]


def test_import_creates_flat_owners_residents_and_one_audit_event(world):
    staff = world.users.staff_a
    data = xlsx([row()])
    events_before = AuditEvent.objects.count()

    result = roster_import(actor=staff, committee=world.committee_a, file=data)

    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    flat = Flat.objects.get(building=world.building_a, room="301")
    assert (flat.floor, flat.area) == (3, Decimal("80.50"))
    owners = {(o.person.name, o.person.mobile) for o in flat.ownerships.all()}
    assert owners == {("陈明", "13900000001"), ("刘芳", "13900000002")}
    residents = {r.person.name: r.person for r in Residency.objects.filter(household__flat=flat)}
    assert set(residents) == {"陈明", "刘芳", "陈小明"}
    assert residents["陈明"].sex == "M" and residents["陈明"].birth_year == YEAR - 70
    assert residents["陈小明"].mobile == ""
    # the owner and the resident 陈明 are one person
    assert Person.objects.filter(name="陈明").count() == 1
    assert AuditEvent.objects.count() == events_before + 1
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == "roster.import"
    assert event.after["created"] == 1 and event.after["sha256"] == hashlib.sha256(data).hexdigest()


def test_reimporting_the_same_file_changes_nothing(world):
    data = xlsx([row(), row(room="302", owners="周杰", phones="13900000009", residents="")])
    roster_import(actor=world.users.staff_a, committee=world.committee_a, file=data)
    before = state()

    again = roster_import(actor=world.users.staff_a, committee=world.committee_a, file=data)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert not again.changed
    assert state() == before


def test_changed_area_and_owners_count_as_updated(world):
    # flat_a (101) is registered with 张建国 and 李秀英 as co-owners
    zhang = Person.objects.get(name="张建国")
    data = xlsx(
        [
            row(room="101", floor=1, area=63, owners="张建国", phones=zhang.mobile, residents=""),
            row(room="201", floor=2, area=70.1, owners="王伟", phones="-", residents=""),
        ]
    )
    result = roster_import(actor=world.users.staff_a, committee=world.committee_a, file=data)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    world.flat_a.refresh_from_db()
    assert world.flat_a.area == Decimal("63.00")
    assert [o.person.name for o in world.flat_a.ownerships.all()] == ["张建国"]
    # residents were left alone (empty cell = unchanged)
    assert world.flat_a.households.first().residencies.count() == 2


def test_one_owner_of_several_flats_is_one_person(world):
    data = xlsx(
        [
            row(room="301", owners="孙丽", phones="13700000001", residents=""),
            row(room="302", owners="孙丽", phones="13700000001", residents=""),
        ]
    )
    roster_import(actor=world.users.staff_a, committee=world.committee_a, file=data)
    person = Person.objects.get(name="孙丽")
    assert person.ownerships.count() == 2


def test_three_bad_rows_reject_the_whole_file_and_are_named_exactly(world):
    rows = [row(room=f"{300 + i}", owners=f"业主{i}", phones=f"1390000{i:04d}", residents="")
            for i in range(1, 11)]  # fmt: skip
    rows[2][1] = "99号楼"  # Excel row 4: unknown building
    rows[5][5] = -12  # Excel row 7: negative area
    rows[8][7] = "12345"  # Excel row 10: bad phone
    before = state()
    events = AuditEvent.objects.count()

    with pytest.raises(RosterInvalid) as info:
        roster_import(actor=world.users.staff_a, committee=world.committee_a, file=xlsx(rows))

    errors = info.value.errors
    assert {(e["row"], e["column"]) for e in errors} == {
        (4, "楼号"),
        (7, "建筑/专有面积(㎡)"),
        (10, "产权人电话"),
    }
    assert len(errors) == 3
    assert "99号楼" in errors[0]["message"] and "未登记" in errors[0]["message"]
    assert info.value.status == 400
    assert "3 行有误" in info.value.message
    assert state() == before
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("change", "column", "needle"),
    [
        ({3: ""}, "室号", "未填写"),
        ({1: None}, "楼号", "未填写"),
        ({4: "三楼"}, "楼层", "不是整数"),
        ({4: 9}, "楼层", "超过5号楼的总层数 6"),
        ({4: 0}, "楼层", "不能为 0"),
        ({5: "六十"}, "建筑/专有面积(㎡)", "不是数字"),
        ({5: 0}, "建筑/专有面积(㎡)", "必须大于 0"),
        ({5: 50000}, "建筑/专有面积(㎡)", "不合理"),
        ({5: None}, "建筑/专有面积(㎡)", "未填写"),
        ({7: "1390000000"}, "产权人电话", "11 位手机号"),
        ({7: "13900000001"}, "产权人电话", "数量应一致"),
        ({6: "张" * 60, 7: "13900000001", 8: "", 9: ""}, "产权人", "过长"),
        ({3: "1" * 30}, "室号", "过长"),
        ({6: "<script>alert(1)</script>", 7: "", 8: "", 9: ""}, "产权人", "脚本"),
        ({8: '<img src=x onerror="alert(1)">', 9: ""}, "居住人", "脚本"),
        ({2: "javascript:alert(1)"}, "单元", "脚本"),
        ({8: "张三(很老,男)", 9: ""}, "居住人", "无法识别"),
        ({8: "张三(150,男)", 9: ""}, "居住人", "年龄"),
        ({0: "不存在小区"}, "小区", "不属于本居委会"),
        ({4: True}, "楼层", "整数"),
        ({3: timezone.datetime(2024, 3, 1)}, "室号", "日期"),
        ({6: "", 7: "13900000001、13900000002"}, "产权人电话", "为空"),
        ({6: "陈明、陈明", 7: "13900000001、13900000001"}, "产权人", "重复"),
    ],
)
def test_row_problems_are_reported_with_row_column_and_chinese_message(
    world, change, column, needle
):
    bad = row(room="401", floor=4)
    for index, value in change.items():
        bad[index] = value
    data = xlsx([row(), bad])

    with pytest.raises(RosterInvalid) as info:
        roster_import(actor=world.users.staff_a, committee=world.committee_a, file=data)

    assert [(e["row"], e["column"]) for e in info.value.errors] == [(3, column)]
    assert needle in info.value.errors[0]["message"]
    assert not Flat.objects.filter(room__in=["301", "401"]).exists()


def test_duplicate_flat_in_file_names_the_later_row_and_the_first(world):
    data = xlsx([row(), row(room="302"), row(room="301室", unit="")])
    with pytest.raises(RosterInvalid) as info:
        roster_import(actor=world.users.staff_a, committee=world.committee_a, file=data)
    assert [(e["row"], e["column"]) for e in info.value.errors] == [(4, "室号")]
    assert "第 2 行" in info.value.errors[0]["message"]


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "空的"),
        ("楼号,室号\n5,101\n".encode(), "不是有效的 Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),
        (_zip({"word/document.xml": b"<w/>"}), "不是 Excel 工作簿"),
        (_zip({"xl/workbook.xml": b"<not really>"}), "已损坏"),
        (b"PK\x03\x04 truncated", "已损坏"),
        (xlsx([], headers=None), "空的"),
        (xlsx([]), "只有表头"),
        (xlsx([row()], headers=["小区", "楼号", "单元", "室号"]), "缺少必需的列"),
        (xlsx([row()], headers=["小区", "楼号", "楼号", "室号", "楼层", "面积"]), "出现了两次"),
        (
            xlsx(
                [["5号楼", "101", 1, 60, "13900000001"]],
                headers=["楼号", "室号", "楼层", "面积", "产权人电话"],
            ),
            "没有“产权人”列",
        ),  # fmt: skip
    ],
)
def test_file_level_problems_are_refused_with_a_chinese_message(world, data, needle):
    before = state()
    with pytest.raises(RosterInvalid) as info:
        roster_import(actor=world.users.staff_a, committee=world.committee_a, file=data)
    assert needle in info.value.message
    assert info.value.status == 400
    assert info.value.errors[0]["row"] is None
    assert state() == before


def test_headers_in_any_order_with_aliases_and_a_title_row(world):
    headers = ["室号", "专有面积（㎡）", "楼层", "业主", "业主电话", "楼栋", "备注"]
    data = xlsx(
        [["301", "80.5㎡", "3层", "陈明", "139 0000 0001", "5", "随便写"]],
        headers=headers,
        title_rows=[["开鲁新村第一居委会住户名册（2026年）"]],
    )
    result = roster_import(actor=world.users.staff_a, committee=world.committee_a, file=data)
    assert result.created == 1
    flat = Flat.objects.get(building=world.building_a, room="301")
    assert flat.area == Decimal("80.50")
    assert flat.ownerships.get().person.mobile == "13900000001"


def test_several_compounds_need_the_compound_column(world):
    other = CompoundFactory(committee=world.committee_a, name="开鲁二村")
    BuildingFactory(compound=other, number="5号楼")
    data = xlsx([row()[1:]], headers=HEADERS[1:])
    with pytest.raises(RosterInvalid) as info:
        roster_import(actor=world.users.staff_a, committee=world.committee_a, file=data)
    assert "多个小区" in info.value.message
    # with the column, the same 楼号 resolves within each compound
    data = xlsx([row(), row(compound="开鲁二村")])
    result = roster_import(actor=world.users.staff_a, committee=world.committee_a, file=data)
    assert result.created == 2


def test_buildings_of_another_committee_are_unknown(world):
    data = xlsx([row(compound="铁路新村", building="12号楼")])
    with pytest.raises(RosterInvalid) as info:
        roster_import(actor=world.users.staff_a, committee=world.committee_a, file=data)
    assert info.value.errors[0]["column"] == "小区"


@pytest.mark.parametrize("who", ["staff_b", "resident_a", "leader_a", "planner_a", "outsider"])
def test_only_managers_of_the_committee_may_import(world, who):
    before = state()
    with pytest.raises(ScopeError):
        roster_import(
            actor=getattr(world.users, who), committee=world.committee_a, file=xlsx([row()])
        )
    assert state() == before


@pytest.mark.parametrize("who", ["street_a", "district"])
def test_street_and_district_managers_may_import(world, who):
    result = roster_import(
        actor=getattr(world.users, who), committee=world.committee_a, file=xlsx([row()])
    )
    assert result.created == 1


def test_export_has_the_import_columns_and_round_trips_as_a_no_op(world):
    roster_import(actor=world.users.staff_a, committee=world.committee_a, file=xlsx([row()]))
    before = state()

    data = roster_export(actor=world.users.staff_a, committee=world.committee_a)

    rows = read_rows(data)
    assert list(rows[0]) == [c.header for c in COLUMNS]
    assert [r[3] for r in rows[1:]] == ["101", "201", "301"]
    flat_301 = rows[3]
    assert flat_301[6] == "陈明、刘芳"
    assert flat_301[8] == "陈明(70,男)、刘芳(68,女)、陈小明(10,男)"
    assert flat_301[9] == "13900000001、13900000002、-"
    header = load_workbook(io.BytesIO(data)).worksheets[0]["A1"]
    assert header.font.bold

    result = roster_import(actor=world.users.staff_a, committee=world.committee_a, file=data)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert state() == before


def test_export_is_for_managers_only(world):
    with pytest.raises(ScopeError):
        roster_export(actor=world.users.leader_a, committee=world.committee_a)
    with pytest.raises(ScopeError):
        roster_export(actor=world.users.staff_b, committee=world.committee_a)


def test_progress_is_reported_while_validating(world):
    rows = [row(room=f"{3}{i:02d}", residents="", owners="", phones="") for i in range(1, 451)]
    calls = []
    roster_import(
        actor=world.users.staff_a,
        committee=world.committee_a,
        file=xlsx(rows),
        progress=lambda stage, done, total: calls.append((stage, done, total)),
    )
    assert calls[0] == ("validating", 0, 450)
    assert ("validating", 200, 450) in calls and ("validating", 400, 450) in calls
    assert calls[-1] == ("writing", 450, 450)


def test_five_thousand_flats_import_reimport_and_round_trip():
    committee = CommitteeFactory()
    compound = CompoundFactory(committee=committee, name="大型小区")
    numbers = [BuildingFactory(compound=compound, number=f"{i}号楼").number for i in range(1, 106)]
    staff = make_user(Role.COMMITTEE_STAFF, committee)
    data = xlsx(big_rows("大型小区", numbers, 5000))

    started = time.perf_counter()
    result = roster_import(actor=staff, committee=committee, file=data)
    elapsed = time.perf_counter() - started

    assert (result.total_rows, result.created, result.updated) == (5000, 5000, 0)
    assert Flat.objects.filter(building__compound=compound).count() == 5000
    assert Ownership.objects.filter(flat__building__compound=compound).count() == 6667
    assert elapsed < 60, f"5,000 flats took {elapsed:.1f}s"
    before = state()

    again = roster_import(actor=staff, committee=committee, file=data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5000)

    exported = roster_export(actor=staff, committee=committee)
    trip = roster_import(actor=staff, committee=committee, file=exported)
    assert (trip.created, trip.updated, trip.unchanged) == (0, 0, 5000)
    assert state() == before


def test_an_xlsx_with_numbers_typed_as_numbers_is_read(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["楼号", "室号", "楼层", "面积", "产权人", "产权人电话"])
    sheet.append([5, 301, 3.0, 80, "陈明", 13900000001])
    out = io.BytesIO()
    workbook.save(out)
    roster_import(actor=world.users.staff_a, committee=world.committee_a, file=out.getvalue())
    flat = Flat.objects.get(building=world.building_a, room="301")
    assert flat.ownerships.get().person.mobile == "13900000001"


def test_too_many_rows_is_a_file_error(world, monkeypatch):
    import linli.places.roster as roster

    monkeypatch.setattr(roster, "MAX_DATA_ROWS", 3)
    rows = [row(room=f"30{i}", owners="", phones="", residents="") for i in range(1, 5)]
    with pytest.raises(RosterInvalid) as info:
        roster_import(actor=world.users.staff_a, committee=world.committee_a, file=xlsx(rows))
    assert "数据行过多" in info.value.message


def test_random_cells_never_crash(world):
    """Whatever lands in the cells, the answer is an import or a Chinese report — never a 500."""
    import datetime
    import random

    rng = random.Random(20261121)
    pool = [
        None, "", " ", 0, -1, 3, 7, 1.5, 1e30, -1e-9, True, "5号楼", "5", "５", "101", "1单元",
        "开鲁一村", "张三", "张三、李四", "13900000001", "13900000001、-", "1390000000",
        "张三(", "张三(68,男", "(68,男)", "、、", "<b>x</b>", "on" + "load=1", "x" * 3000,
        "=SUM(A1:A2)", "#N/A", datetime.datetime(2020, 1, 1), datetime.time(1, 2),
        "60.123456", "1e5", "NaN", "inf", "-0", "٣", "😀", "\n\n",
    ]  # fmt: skip
    for _ in range(5):
        rows = [[rng.choice(pool) for _ in HEADERS] for _ in range(60)]
        rows.append(row(room="999"))
        try:
            roster_import(actor=world.users.staff_a, committee=world.committee_a, file=xlsx(rows))
        except RosterInvalid as exc:
            assert exc.status == 400
            assert all(isinstance(e["message"], str) and e["message"] for e in exc.errors)
