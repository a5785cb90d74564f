"""Household roster (住户名册) import and export as .xlsx.

The sheet a committee keeps: one row per flat, the header in the first row (a title row or
two above it is tolerated: the header is the first of the first 10 rows that names 楼号 and
室号). Columns may come in any order; unknown columns are ignored.

============================  ========  ==================================================
表头 (aliases)                  必填      content
============================  ========  ==================================================
小区 (小区名称)                 *         compound name; required when the committee has
                                          several compounds, optional when it has one
楼号 (楼栋, 幢号)               yes       "5号楼" or "5" (号楼/号/栋/幢 suffixes are ignored)
单元 (单元号)                              e.g. "1单元" or "1"; may be empty
室号 (房号)                     yes       e.g. "101"
楼层                            yes       integer, -5 … the building's number of floors, not 0
建筑/专有面积(㎡) (专有面积,     yes       exclusive area, > 0 and ≤ 2000 m², 2 decimals
建筑面积, 面积)
产权人 (业主)                              owner names separated by 、 , ， ; — several are
                                          co-owners; empty = owners left as registered
产权人电话 (业主电话)                      mobiles in the same order; "-" for an owner without
                                          one; the count must equal the owners'
居住人 (居民, 实际居住人)                  "张建国(68,男)、李秀英(65,女)" — age and sex optional;
                                          empty = residents left as registered
居住人电话                                 optional, same rules as 产权人电话
============================  ========  ==================================================

Decisions (see docs in the module, kept short):

* Buildings must already be registered under the committee; an unknown 楼号 is a row error
  (we do not create buildings: their number of floors, which floors are checked against,
  is not in the roster).
* Flats are matched by (building, unit, room) — "1单元"/"1" and "101室"/"101" are the same —
  and created or updated (floor, area). Flats not in the file are left alone.
* People are matched within the committee by (name, mobile); a person without a mobile in
  the file is matched by name among the people already registered in that flat (and a
  resident by name among the owners of the same row). A non-empty 产权人 / 居住人 cell is
  authoritative for that flat: listed people are added, unlisted ones removed.
* All-or-nothing: the whole file is validated first, every problem reported with its Excel
  row number, column header and a Chinese message; only a clean file is written, in one
  transaction, with bulk statements. Importing the same file again changes nothing (the
  write is a diff) and reports every flat as unchanged.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.services import audit_record
from linli.core.errors import ServiceError
from linli.core.permissions import require
from linli.core.validators import MOBILE_RE, validate_no_script
from linli.places.models import (
    Building,
    Committee,
    Compound,
    Flat,
    Household,
    Ownership,
    Person,
    Residency,
)

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_DATA_ROWS = 20_000
MAX_REPORTED_ERRORS = 500
PROGRESS_EVERY = 200
AREA_MAX = Decimal("2000")
AREA_MIN = Decimal("1")
FLOOR_MIN = -5
AGE_MAX = 120
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ProgressFn = Callable[[str, int, int], None]


# ---------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...]
    max_length: int
    required: bool = False
    width: int = 12


COMPOUND = Column("compound", "小区", ("小区", "小区名称", "小区名"), 60, width=14)
BUILDING = Column("building", "楼号", ("楼号", "楼栋", "楼栋号", "幢号", "楼幢"), 20, True, 8)
UNIT = Column("unit", "单元", ("单元", "单元号"), 20, width=8)
ROOM = Column("room", "室号", ("室号", "房号", "房间号", "室"), 20, True, 8)
FLOOR = Column("floor", "楼层", ("楼层", "所在楼层", "层"), 10, True, 6)
AREA = Column(
    "area",
    "建筑/专有面积(㎡)",
    ("建筑/专有面积", "专有面积", "专有部分面积", "建筑面积", "面积"),
    20,
    True,
    16,
)
OWNERS = Column("owners", "产权人", ("产权人", "产权人姓名", "业主", "业主姓名"), 500, width=20)
OWNER_PHONES = Column(
    "owner_phones",
    "产权人电话",
    ("产权人电话", "产权人手机", "产权人联系电话", "业主电话", "业主手机"),
    500,
    width=28,
)
RESIDENTS = Column(
    "residents", "居住人", ("居住人", "居住人员", "实际居住人", "居民"), 1000, width=30
)
RESIDENT_PHONES = Column(
    "resident_phones", "居住人电话", ("居住人电话", "居住人手机", "居民电话"), 500, width=28
)

COLUMNS: tuple[Column, ...] = (
    COMPOUND,
    BUILDING,
    UNIT,
    ROOM,
    FLOOR,
    AREA,
    OWNERS,
    OWNER_PHONES,
    RESIDENTS,
    RESIDENT_PHONES,
)
BY_KEY = {c.key: c for c in COLUMNS}

_FULLWIDTH = str.maketrans("（）：，；　", "():,; ")


def _norm_header(value: Any) -> str:
    text = str(value).translate(_FULLWIDTH)
    text = re.sub(r"\s+", "", text).strip("*")
    text = re.sub(r"\((㎡|m2|m²|平方米|平米|平方)\)$", "", text, flags=re.IGNORECASE)
    return text


_ALIASES = {_norm_header(alias): c.key for c in COLUMNS for alias in (c.header, *c.aliases)}


# ---------------------------------------------------------------------------- results


class RosterInvalid(ServiceError):
    """The file was refused as a whole; ``details`` lists {row, column, message}."""

    def __init__(self, message: str, *, errors: list[dict], total_rows: int = 0, status=400):
        shown = errors[:MAX_REPORTED_ERRORS]
        super().__init__(message, code="roster_invalid", status=status, details=shown)
        self.errors = shown
        self.error_count = len(errors)
        self.total_rows = total_rows


@dataclass
class RosterImportResult:
    total_rows: int
    created: int
    updated: int
    unchanged: int
    sha256: str
    persons_created: int = 0
    persons_updated: int = 0
    ownerships_added: int = 0
    ownerships_removed: int = 0
    residencies_added: int = 0
    residencies_removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.created
            or self.updated
            or self.persons_created
            or self.persons_updated
            or self.ownerships_added
            or self.ownerships_removed
            or self.residencies_added
            or self.residencies_removed
        )

    def as_dict(self) -> dict:
        return {
            "total_rows": self.total_rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "sha256": self.sha256,
            "persons_created": self.persons_created,
            "persons_updated": self.persons_updated,
            "ownerships_added": self.ownerships_added,
            "ownerships_removed": self.ownerships_removed,
            "residencies_added": self.residencies_added,
            "residencies_removed": self.residencies_removed,
        }


def _file_error(message: str, column: str = "") -> RosterInvalid:
    return RosterInvalid(message, errors=[{"row": None, "column": column, "message": message}])


# ---------------------------------------------------------------------------- file checks


def _read_bytes(file) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    if isinstance(file, str | Path):
        return Path(file).read_bytes()
    if hasattr(file, "seek"):
        try:
            file.seek(0)
        except (OSError, ValueError):
            pass
    data = file.read()
    return data if isinstance(data, bytes) else bytes(data or b"")


def roster_check_upload(*, name: str | None, size: int | None) -> None:
    """Cheap checks on an upload before it is stored (name and size)."""
    if name is not None and not name.lower().endswith(".xlsx"):
        if name.lower().endswith(".xls"):
            raise _file_error(
                _("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 格式后再上传")
            )
        raise _file_error(_("仅支持 Excel 工作簿（.xlsx）文件，请检查文件类型"))
    if size is not None and size > MAX_FILE_BYTES:
        raise _file_error(
            _("文件过大（%(value)s MB），上限为 10 MB")
            % {"value": format(size / 1024 / 1024, ".1f")}
        )
    if size == 0:
        raise _file_error(_("上传的文件是空的"))


def _open_workbook(data: bytes):
    import openpyxl

    if not data:
        raise _file_error(_("上传的文件是空的"))
    if len(data) > MAX_FILE_BYTES:
        raise _file_error(
            _("文件过大（%(value)s MB），上限为 10 MB")
            % {"value": format(len(data) / 1024 / 1024, ".1f")}
        )
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _file_error(
            _("这是旧版 Excel（.xls）文件或加密的工作簿，请取消密码并“另存为” .xlsx 格式后再上传")
        )
    if not data.startswith(b"PK\x03\x04"):
        raise _file_error(_("文件不是有效的 Excel 工作簿（.xlsx），请检查文件类型"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            uncompressed = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _file_error(_("文件已损坏或不是有效的 Excel 工作簿（.xlsx）")) from exc
    if "xl/workbook.xml" not in names:
        raise _file_error(
            _("文件不是 Excel 工作簿（可能是 Word 或其他 Office 文件），请上传 .xlsx 文件")
        )
    if uncompressed > MAX_UNCOMPRESSED_BYTES:
        raise _file_error(_("文件内容过大，无法处理，请拆分后分批导入"))
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on malformed parts
        raise _file_error(
            _("文件已损坏，Excel 无法读取其内容，请用 Excel 打开后重新保存为 .xlsx")
        ) from exc


# ---------------------------------------------------------------------------- cells


class CellError(Exception):
    pass


_TAG_RE = re.compile(r"<\s*[a-zA-Z!/?]")
_BLANKS = str.maketrans({"\u3000": " ", "\xa0": " ", "\u200b": ""})


def _text(value: Any, column: Column) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise CellError(_("应填写文字，而不是“是/否”"))
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        raise CellError(_("单元格被 Excel 识别成了日期，请把该列设为“文本”格式后重新填写"))
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(_("内容无法识别"))
        if value.is_integer():
            value = int(value)
    text = str(value).translate(_BLANKS).strip()
    try:
        validate_no_script(text)
    except ValidationError as exc:
        raise CellError("；".join(exc.messages)) from exc
    if _TAG_RE.search(text):
        raise CellError(_("文本中不能包含网页标记（如 <b>、<img>）"))
    if len(text) > column.max_length:
        raise CellError(
            _("内容过长（%(len)s 个字），最多 %(max_length)s 个字")
            % {"len": len(text), "max_length": column.max_length}
        )
    return text


def _int(value: Any) -> int:
    if isinstance(value, bool) or isinstance(value, datetime.date | datetime.time):
        raise CellError(_("应为整数"))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(_("“%(value)s”不是整数") % {"value": value})
    text = str(value).strip()
    text = re.sub(r"(层|楼|F)$", "", text, flags=re.IGNORECASE)
    if not re.fullmatch(r"-?\d{1,4}", text):
        raise CellError(_("“%(value)s”不是整数") % {"value": str(value)[:20]})
    return int(text)


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or isinstance(value, datetime.date | datetime.time):
        raise CellError(_("应为数字"))
    if isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        text = str(value).strip()
        text = re.sub(r"(㎡|m2|m²|平方米|平米)$", "", text, flags=re.IGNORECASE).strip()
        if not re.fullmatch(r"-?\d{1,7}(\.\d+)?", text):
            raise CellError(_("“%(value)s”不是数字") % {"value": str(value)[:20]})
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise CellError(_("“%(value)s”不是数字") % {"value": str(value)[:20]}) from exc
    if not number.is_finite():
        raise CellError(_("应为数字"))
    return number


def _split(text: str) -> list[str]:
    """Split a list cell on 、 , ， ; ； / and newlines, but not inside parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        if depth == 0 and ch in "、,，;；/\n":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


_PLACEHOLDERS = {"-", "—", "－", "无", "/", "空", "–"}
_RESIDENT_RE = re.compile(r"^(?P<name>[^()（）]+?)\s*(?:[(（](?P<info>[^()（）]*)[)）])?$")


@dataclass
class PersonIn:
    name: str
    mobile: str = ""
    sex: str | None = None  # "M" / "F" / None = not given
    age: int | None = None


def _name(text: str) -> str:
    name = text.strip()
    if len(name) > 50:
        raise CellError(_("姓名“%(value)s…”过长，最多 50 个字") % {"value": name[:10]})
    if re.fullmatch(r"[\d\s+\-.]+", name):
        raise CellError(_("“%(name)s”不是姓名（是否把电话填进了姓名列？）") % {"name": name})
    return name


def _owners(text: str) -> list[PersonIn]:
    return [PersonIn(name=_name(part)) for part in _split(text)]


def _residents(text: str) -> list[PersonIn]:
    people = []
    for part in _split(text):
        match = _RESIDENT_RE.match(part)
        if not match:
            raise CellError(
                _("无法识别“%(value)s”，应写成 姓名(年龄,性别)，如 张建国(68,男)")
                % {"value": part[:20]}
            )
        person = PersonIn(name=_name(match["name"]))
        for token in re.split(r"[,\s、]+", match["info"] or ""):
            token = token.strip()
            if not token or token in ("未知", "不详"):
                continue
            if token in ("男", "女"):
                person.sex = "M" if token == "男" else "F"
            elif re.fullmatch(r"\d{1,3}岁?", token):
                age = int(token.rstrip("岁"))
                if age > AGE_MAX:
                    raise CellError(
                        _("“%(value)s”的年龄 %(age)s 不合理") % {"value": part[:20], "age": age}
                    )
                person.age = age
            else:
                raise CellError(
                    _(
                        "无法识别“%(value)s”中的“%(value2)s”，应写成 姓名(年龄,性别)，如 张建国(68,男)"
                    )
                    % {"value": part[:20], "value2": token[:10]}
                )
        people.append(person)
    return people


def _phones(text: str) -> list[str]:
    phones = []
    for part in _split(text):
        if part in _PLACEHOLDERS:
            phones.append("")
            continue
        number = re.sub(r"[\s\-]", "", part)
        if number.startswith("+86"):
            number = number[3:]
        if not MOBILE_RE.match(number):
            raise CellError(
                _("电话“%(value)s”格式不正确，应为以 1 开头的 11 位手机号") % {"value": part[:20]}
            )
        phones.append(number)
    return phones


def building_key(number: str) -> str:
    text = number.strip().upper()
    text = re.sub(r"(号楼|号|栋|幢|楼)$", "", text)
    return text


def unit_key(unit: str) -> str:
    return re.sub(r"单元$", "", unit.strip().upper())


def room_key(room: str) -> str:
    return re.sub(r"(室|号)$", "", room.strip().upper())


# ---------------------------------------------------------------------------- parsing


@dataclass
class RowIn:
    row: int
    building: Building
    unit: str
    room: str
    floor: int
    area: Decimal
    owners: list[PersonIn] | None
    residents: list[PersonIn] | None

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.building.pk, unit_key(self.unit), room_key(self.room))


@dataclass
class Parsed:
    rows: list[RowIn]
    total_rows: int
    errors: list[dict] = field(default_factory=list)


def _find_header(raw_rows: list[tuple]) -> tuple[int, dict[str, int]]:
    first_nonempty = None
    for index, values in enumerate(raw_rows[:10]):
        cells = [(i, v) for i, v in enumerate(values) if v is not None and str(v).strip()]
        if not cells:
            continue
        if first_nonempty is None:
            first_nonempty = index
        keys = {_ALIASES.get(_norm_header(v)) for _, v in cells}
        if BUILDING.key in keys and ROOM.key in keys:
            return index, _header_map(values, index)
    if first_nonempty is None:
        raise _file_error(_("表格是空的：第一个工作表中没有任何内容"))
    mapping = _header_map(raw_rows[first_nonempty], first_nonempty)
    _check_required(mapping)
    return first_nonempty, mapping  # pragma: no cover - _check_required raised


def _header_map(values: tuple, index: int) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for col, value in enumerate(values):
        if value is None or not str(value).strip():
            continue
        key = _ALIASES.get(_norm_header(value))
        if key is None:
            continue
        if key in mapping:
            raise _file_error(
                _("第 %(value)s 行表头中“%(header)s”列出现了两次，请删除多余的一列")
                % {"value": index + 1, "header": BY_KEY[key].header},
                BY_KEY[key].header,
            )
        mapping[key] = col
    return mapping


def _check_required(mapping: dict[str, int]) -> None:
    missing = [c.header for c in COLUMNS if c.required and c.key not in mapping]
    if missing:
        raise _file_error(
            _("表头缺少必需的列：%(columns)s。第一行应为表头，可下载导入模板核对")
            % {"columns": "、".join(missing)},
            missing[0],
        )
    for names, phones in ((OWNERS, OWNER_PHONES), (RESIDENTS, RESIDENT_PHONES)):
        if phones.key in mapping and names.key not in mapping:
            raise _file_error(
                _("有“%(header)s”列却没有“%(header2)s”列，请补上“%(header2)s”列")
                % {"header": phones.header, "header2": names.header},
                names.header,
            )


def _read_rows(data: bytes) -> tuple[list[tuple], int]:
    workbook = _open_workbook(data)
    try:
        if not workbook.worksheets:
            raise _file_error(_("工作簿中没有工作表"))
        sheet = workbook.worksheets[0]
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # some writers declare a wrong <dimension>; read every cell
        rows: list[tuple] = []
        limit = MAX_DATA_ROWS + 11
        try:
            for values in sheet.iter_rows(values_only=True):
                rows.append(tuple(values))
                if len(rows) > limit:
                    break
        except RosterInvalid:
            raise
        except Exception as exc:
            raise _file_error(
                _("文件已损坏，Excel 无法读取其内容，请用 Excel 打开后重新保存为 .xlsx")
            ) from exc
    finally:
        workbook.close()
    return rows, limit


class _Buildings:
    def __init__(self, committee: Committee):
        self.compounds = list(Compound.objects.filter(committee=committee).order_by("id"))
        self.compound_by_name = {c.name.strip(): c for c in self.compounds}
        self.exact: dict[tuple[int, str], Building] = {}
        self.loose: dict[tuple[int, str], list[Building]] = {}
        for b in Building.objects.filter(compound__committee=committee).order_by("id"):
            self.exact[(b.compound_id, b.number.strip().upper())] = b
            self.loose.setdefault((b.compound_id, building_key(b.number)), []).append(b)

    def find(self, compound: Compound, number: str) -> Building:
        hit = self.exact.get((compound.pk, number.strip().upper()))
        if hit is not None:
            return hit
        candidates = self.loose.get((compound.pk, building_key(number)), [])
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            names = "、".join(b.number for b in candidates)
            raise CellError(
                _("楼号“%(number)s”不明确（%(name)s有 %(names)s），请写完整楼号")
                % {"number": number, "name": compound.name, "names": names}
            )
        raise CellError(
            _("楼号“%(number)s”在小区“%(name)s”中未登记，请先在楼栋登记中添加该楼")
            % {"number": number, "name": compound.name}
        )


def parse_roster(
    data: bytes, *, committee: Committee, progress: ProgressFn | None = None
) -> Parsed:
    """Read and validate the whole file; raise :class:`RosterInvalid` on any problem."""
    raw_rows, limit = _read_rows(data)
    header_index, mapping = _find_header(raw_rows)
    _check_required(mapping)
    registry = _Buildings(committee)
    if not registry.compounds:
        raise _file_error(_("本居委会尚未登记任何小区，请先登记小区和楼栋"))
    if len(registry.compounds) > 1 and COMPOUND.key not in mapping:
        names = "、".join(c.name for c in registry.compounds)
        raise _file_error(
            _("本居委会有多个小区（%(names)s），表格须有“小区”列，写明每户所在小区")
            % {"names": names},
            COMPOUND.header,
        )

    data_rows = [
        (header_index + 2 + offset, values)
        for offset, values in enumerate(raw_rows[header_index + 1 :])
        if any(v is not None and str(v).strip() for v in values)
    ]
    if len(raw_rows) > limit or len(data_rows) > MAX_DATA_ROWS:
        raise _file_error(
            _("数据行过多（超过 %(MAX_DATA_ROWS)s 行），请按小区或楼栋拆分后分批导入")
            % {"MAX_DATA_ROWS": MAX_DATA_ROWS}
        )
    if not data_rows:
        raise _file_error(_("表格中只有表头，没有户室数据"))

    total = len(data_rows)
    parsed = Parsed(rows=[], total_rows=total)
    seen: dict[tuple[int, str, str], int] = {}
    if progress:
        progress("validating", 0, total)
    for index, (excel_row, values) in enumerate(data_rows, start=1):
        row = _parse_row(excel_row, values, mapping, registry, parsed.errors)
        if row is not None:
            first = seen.get(row.key)
            if first is not None:
                parsed.errors.append(
                    {
                        "row": excel_row,
                        "column": ROOM.header,
                        "message": _(
                            "与第 %(first)s 行是同一户室（%(number)s%(unit)s%(room)s），同一户室只能出现一次"
                        )
                        % {
                            "first": first,
                            "number": row.building.number,
                            "unit": row.unit,
                            "room": row.room,
                        },
                    }
                )
            else:
                seen[row.key] = excel_row
                parsed.rows.append(row)
        if progress and (index % PROGRESS_EVERY == 0 or index == total):
            progress("validating", index, total)
    if parsed.errors:
        bad_rows = len({e["row"] for e in parsed.errors})
        raise RosterInvalid(
            _("共 %(total)s 行，其中 %(bad_rows)s 行有误，整个文件未导入。请修改后重新上传")
            % {"total": total, "bad_rows": bad_rows},
            errors=parsed.errors,
            total_rows=total,
        )
    return parsed


def _cell(values: tuple, mapping: dict[str, int], column: Column) -> Any:
    index = mapping.get(column.key)
    if index is None or index >= len(values):
        return None
    return values[index]


def _parse_row(
    excel_row: int,
    values: tuple,
    mapping: dict[str, int],
    registry: _Buildings,
    errors: list[dict],
) -> RowIn | None:
    start = len(errors)

    def error(column: Column, message: str) -> None:
        errors.append({"row": excel_row, "column": column.header, "message": message})

    texts: dict[str, str] = {}
    for column in COLUMNS:
        if column.key not in mapping or column in (FLOOR, AREA):
            continue
        try:
            texts[column.key] = _text(_cell(values, mapping, column), column)
        except CellError as exc:
            error(column, str(exc))
    for column in COLUMNS:
        if column.required and column.key in texts and not texts[column.key]:
            error(
                column,
                _("“%(header)s”未填写（如是合并单元格，请取消合并后逐行填写）")
                % {"header": column.header},
            )
    floor = area = None
    for column in (FLOOR, AREA):
        value = _cell(values, mapping, column)
        if value is None or (isinstance(value, str) and not value.strip()):
            error(column, _("“%(header)s”未填写") % {"header": column.header})
            continue
        try:
            if column is FLOOR:
                floor = _int(value)
            else:
                area = _decimal(value)
        except CellError as exc:
            error(column, str(exc))

    compound = None
    if COMPOUND.key in texts and texts[COMPOUND.key]:
        compound = registry.compound_by_name.get(texts[COMPOUND.key])
        if compound is None:
            names = "、".join(c.name for c in registry.compounds)
            error(
                COMPOUND,
                _("小区“%(value)s”不属于本居委会（本居委会小区：%(names)s）")
                % {"value": texts[COMPOUND.key], "names": names},
            )
    elif COMPOUND.key in texts or COMPOUND.key not in mapping:
        if len(registry.compounds) == 1:
            compound = registry.compounds[0]
        elif COMPOUND.key in texts:
            error(COMPOUND, _("“小区”未填写（本居委会有多个小区）"))

    building = None
    if compound is not None and texts.get(BUILDING.key):
        try:
            building = registry.find(compound, texts[BUILDING.key])
        except CellError as exc:
            error(BUILDING, str(exc))

    if floor is not None:
        if floor == 0:
            error(FLOOR, _("楼层不能为 0（地下层请写负数，如 -1）"))
        elif floor < FLOOR_MIN:
            error(
                FLOOR,
                _("楼层 %(floor)s 不合理（最低为 %(FLOOR_MIN)s）")
                % {"floor": floor, "FLOOR_MIN": FLOOR_MIN},
            )
        elif building is not None and floor > building.floors:
            error(
                FLOOR,
                _("楼层 %(floor)s 超过%(number)s的总层数 %(floors)s")
                % {"floor": floor, "number": building.number, "floors": building.floors},
            )
    if area is not None:
        if area <= 0:
            error(AREA, _("面积 %(area)s 不合理，必须大于 0") % {"area": area})
        elif area > AREA_MAX:
            error(
                AREA,
                _("面积 %(area)s ㎡ 不合理，单户面积不应超过 %(AREA_MAX)s ㎡")
                % {"area": area, "AREA_MAX": AREA_MAX},
            )
        elif area < AREA_MIN:
            error(
                AREA,
                _("面积 %(area)s ㎡ 过小，至少为 %(AREA_MIN)s ㎡")
                % {"area": area, "AREA_MIN": AREA_MIN},
            )
        else:
            area = area.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    owners = residents = None
    for names_col, phones_col, parse in (
        (OWNERS, OWNER_PHONES, _owners),
        (RESIDENTS, RESIDENT_PHONES, _residents),
    ):
        if names_col.key not in texts:
            continue
        try:
            people = parse(texts[names_col.key])
        except CellError as exc:
            error(names_col, str(exc))
            continue
        phones: list[str] = []
        if texts.get(phones_col.key):
            try:
                phones = _phones(texts[phones_col.key])
            except CellError as exc:
                error(phones_col, str(exc))
                continue
            if not people:
                error(
                    phones_col, _("填写了电话，但“%(header)s”为空") % {"header": names_col.header}
                )
                continue
            if len(phones) != len(people):
                error(
                    phones_col,
                    _(
                        "%(header)s有 %(len)s 位，电话有 %(len2)s 个，数量应一致（没有电话的人写“-”）"
                    )
                    % {"header": names_col.header, "len": len(people), "len2": len(phones)},
                )
                continue
        for person, phone in zip(people, phones, strict=False):
            person.mobile = phone
        seen_people = set()
        for person in people:
            ident = (person.name, person.mobile)
            if ident in seen_people:
                error(names_col, _("“%(name)s”重复填写") % {"name": person.name})
                break
            seen_people.add(ident)
        if not people:
            continue
        if names_col is OWNERS:
            owners = people
        else:
            residents = people

    if len(errors) > start or building is None or floor is None or area is None:
        return None
    return RowIn(
        row=excel_row,
        building=building,
        unit=texts.get(UNIT.key, ""),
        room=texts[ROOM.key],
        floor=floor,
        area=area,
        owners=owners,
        residents=residents,
    )


# ---------------------------------------------------------------------------- writing


class _Plan:
    """The diff between the parsed rows and what the registry holds, built in memory."""

    def __init__(self, committee: Committee, year: int):
        self.year = year
        flats = Flat.objects.filter(building__compound__committee=committee).only(
            "id", "building_id", "unit", "room", "floor", "area"
        )
        self.flat_exact: dict[tuple[int, str, str], Flat] = {}
        self.flat_loose: dict[tuple[int, str, str], Flat] = {}
        for flat in flats.order_by("id"):
            self.flat_exact.setdefault((flat.building_id, flat.unit, flat.room), flat)
            self.flat_loose.setdefault(
                (flat.building_id, unit_key(flat.unit), room_key(flat.room)), flat
            )
        owner_ids = Ownership.objects.filter(flat__building__compound__committee=committee).values(
            "person_id"
        )
        resident_ids = Residency.objects.filter(
            household__flat__building__compound__committee=committee
        ).values("person_id")
        self.persons: dict[int, Person] = {
            p.pk: p
            for p in Person.objects.filter(Q(pk__in=owner_ids) | Q(pk__in=resident_ids))
            .only("id", "name", "mobile", "sex", "birth_year")
            .order_by("id")
        }
        self.by_name_mobile: dict[tuple[str, str], Person] = {}
        for person in self.persons.values():
            if person.mobile:
                self.by_name_mobile.setdefault((person.name, person.mobile), person)
        self.owners: dict[int, dict[int, int]] = {}  # flat id -> person id -> ownership id
        for oid, fid, pid in Ownership.objects.filter(
            flat__building__compound__committee=committee
        ).values_list("id", "flat_id", "person_id"):
            self.owners.setdefault(fid, {})[pid] = oid
        self.households: dict[int, int] = {}  # flat id -> first household id
        for hid, fid in (
            Household.objects.filter(flat__building__compound__committee=committee)
            .order_by("id")
            .values_list("id", "flat_id")
        ):
            self.households.setdefault(fid, hid)
        self.residents: dict[int, dict[int, int]] = {}  # flat id -> person id -> residency id
        for rid, fid, pid in (
            Residency.objects.filter(household__flat__building__compound__committee=committee)
            .order_by("id")
            .values_list("id", "household__flat_id", "person_id")
        ):
            self.residents.setdefault(fid, {}).setdefault(pid, rid)

        self.new_flats: list[Flat] = []
        self.dirty_flats: list[Flat] = []
        self.new_persons: list[Person] = []
        self.dirty_persons: dict[int, Person] = {}
        self.new_ownerships: list[tuple[Flat, Person]] = []
        self.removed_ownerships: list[int] = []
        self.new_households: list[Household] = []
        self.new_residencies: list[tuple[Flat, Person, str]] = []
        self.removed_residencies: list[int] = []
        self.created = self.updated = self.unchanged = 0
        self.errors: list[dict] = []

    # people -----------------------------------------------------------------

    def _ident(self, person: Person):
        return ("db", person.pk) if person.pk else ("new", id(person))

    def _resolve(
        self, given: PersonIn, local: list[Person], claimed: set, row_people: list[Person]
    ) -> tuple[Person, bool]:
        """The person meant by ``given``, and whether this row changed them."""
        person = None
        if given.mobile:
            person = self.by_name_mobile.get((given.name, given.mobile))
            if person is not None and self._ident(person) in claimed:
                person = None
        if person is None:
            for candidate in (*local, *row_people):
                if candidate.name == given.name and self._ident(candidate) not in claimed:
                    person = candidate
                    break
        changed = False
        if person is None:
            person = Person(name=given.name, mobile=given.mobile)
            self.new_persons.append(person)
            if given.mobile:
                self.by_name_mobile[(given.name, given.mobile)] = person
            changed = True
        if given.mobile and person.mobile != given.mobile:
            person.mobile = given.mobile
            self.by_name_mobile.setdefault((person.name, person.mobile), person)
            changed = True
        if given.sex is not None and person.sex != given.sex:
            person.sex = given.sex
            changed = True
        if given.age is not None:
            birth = person.birth_year
            if birth is None or not (self.year - birth - 1 <= given.age <= self.year - birth):
                person.birth_year = self.year - given.age
                changed = True
        if changed and person.pk:
            self.dirty_persons[person.pk] = person
        claimed.add(self._ident(person))
        return person, changed

    # rows -------------------------------------------------------------------

    def apply(self, row: RowIn) -> None:
        flat = self.flat_exact.get((row.building.pk, row.unit, row.room)) or self.flat_loose.get(
            row.key
        )
        changed = False
        if flat is None:
            flat = Flat(
                building=row.building, unit=row.unit, room=row.room, floor=row.floor, area=row.area
            )
            try:
                flat.clean_fields(exclude=["building"])
                flat.clean()
            except ValidationError as exc:
                self.errors.append(
                    {"row": row.row, "column": "", "message": "；".join(exc.messages)}
                )
                return
            self.new_flats.append(flat)
            self.flat_loose[row.key] = flat
            is_new = True
        else:
            is_new = False
            if flat.floor != row.floor or flat.area != row.area:
                flat.floor, flat.area = row.floor, row.area
                self.dirty_flats.append(flat)
                changed = True

        fid = flat.pk
        current_owner_ids = self.owners.get(fid, {}) if fid else {}
        current_resident_ids = self.residents.get(fid, {}) if fid else {}
        local = [
            self.persons[pid]
            for pid in (*current_owner_ids, *current_resident_ids)
            if pid in self.persons
        ]
        row_people: list[Person] = []

        if row.owners is not None:
            claimed: set = set()
            targets = []
            for given in row.owners:
                person, person_changed = self._resolve(given, local, claimed, row_people)
                changed |= person_changed
                targets.append(person)
            row_people.extend(targets)
            target_ids = {p.pk for p in targets if p.pk}
            for pid, oid in current_owner_ids.items():
                if pid not in target_ids:
                    self.removed_ownerships.append(oid)
                    changed = True
            for person in targets:
                if not person.pk or person.pk not in current_owner_ids:
                    self.new_ownerships.append((flat, person))
                    changed = True

        if row.residents is not None:
            claimed = set()
            targets = []
            for given in row.residents:
                person, person_changed = self._resolve(given, local, claimed, row_people)
                changed |= person_changed
                targets.append(person)
            target_ids = {p.pk for p in targets if p.pk}
            for pid, rid in current_resident_ids.items():
                if pid not in target_ids:
                    self.removed_residencies.append(rid)
                    changed = True
            has_household = bool(fid and fid in self.households)
            for index, person in enumerate(targets):
                if not person.pk or person.pk not in current_resident_ids:
                    relation = (
                        Residency.Relation.HEAD
                        if not has_household and index == 0
                        else Residency.Relation.OTHER
                    )
                    self.new_residencies.append((flat, person, relation))
                    changed = True

        for person in row_people:
            if not person.pk:
                try:
                    person.clean_fields(exclude=["user"])
                except ValidationError as exc:
                    self.errors.append(
                        {"row": row.row, "column": "", "message": "；".join(exc.messages)}
                    )
        if is_new:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1

    # writing ----------------------------------------------------------------

    def write(self) -> None:
        batch = 500
        Person.objects.bulk_create(self.new_persons, batch_size=batch)
        if self.dirty_persons:
            Person.objects.bulk_update(
                list(self.dirty_persons.values()), ["mobile", "sex", "birth_year"], batch_size=batch
            )
        Flat.objects.bulk_create(self.new_flats, batch_size=batch)
        if self.dirty_flats:
            Flat.objects.bulk_update(self.dirty_flats, ["floor", "area"], batch_size=batch)
        for start in range(0, len(self.removed_ownerships), batch):
            Ownership.objects.filter(pk__in=self.removed_ownerships[start : start + batch]).delete()
        Ownership.objects.bulk_create(
            [Ownership(flat_id=f.pk, person_id=p.pk) for f, p in self.new_ownerships],
            batch_size=batch,
        )
        for start in range(0, len(self.removed_residencies), batch):
            Residency.objects.filter(
                pk__in=self.removed_residencies[start : start + batch]
            ).delete()
        need_household = {}
        for flat, _person, _relation in self.new_residencies:
            if flat.pk not in self.households and flat.pk not in need_household:
                need_household[flat.pk] = Household(flat_id=flat.pk)
        Household.objects.bulk_create(list(need_household.values()), batch_size=batch)
        for fid, household in need_household.items():
            self.households[fid] = household.pk
        Residency.objects.bulk_create(
            [
                Residency(household_id=self.households[f.pk], person_id=p.pk, relation=relation)
                for f, p, relation in self.new_residencies
            ],
            batch_size=batch,
        )
        self.households_created = len(need_household)


@transaction.atomic
def _roster_write(
    *, actor, committee: Committee, parsed: Parsed, sha256: str, file_name: str
) -> RosterImportResult:
    Committee.objects.select_for_update().filter(pk=committee.pk).first()
    plan = _Plan(committee, timezone.localdate().year)
    for row in parsed.rows:
        plan.apply(row)
    if plan.errors:
        raise RosterInvalid(
            _("部分行无法写入，整个文件未导入"), errors=plan.errors, total_rows=parsed.total_rows
        )
    try:
        plan.write()
    except ProtectedError as exc:
        raise ServiceError(
            _("部分产权人或居住人已被其他记录引用，无法按名册移除，整个文件未导入"),
            code="protected",
            status=409,
        ) from exc
    result = RosterImportResult(
        total_rows=parsed.total_rows,
        created=plan.created,
        updated=plan.updated,
        unchanged=plan.unchanged,
        sha256=sha256,
        persons_created=len(plan.new_persons),
        persons_updated=len(plan.dirty_persons),
        ownerships_added=len(plan.new_ownerships),
        ownerships_removed=len(plan.removed_ownerships),
        residencies_added=len(plan.new_residencies),
        residencies_removed=len(plan.removed_residencies),
    )
    audit_record(
        actor=actor,
        action="roster.import",
        obj=committee,
        after={**result.as_dict(), "file_name": file_name[:200]},
    )
    return result


def roster_import(
    *, actor, committee: Committee, file, progress: ProgressFn | None = None
) -> RosterImportResult:
    """Validate a whole roster file and, if it is clean, write it in one transaction.

    ``file`` is bytes, a path, or a file-like object (an upload, a ``FieldFile``).
    Raises :class:`RosterInvalid` (400, with the row/column report in ``details``) when
    anything is wrong — nothing is written then — and ``ScopeError`` (403) when ``actor``
    may not import for ``committee``. ``progress(stage, processed, total)`` is called every
    :data:`PROGRESS_EVERY` rows while validating and once before writing.
    """
    require(actor, "places.import_roster", committee, _("您无权导入该居委会的住户名册"))
    name = str(getattr(file, "name", "") or "")
    data = _read_bytes(file)
    sha256 = hashlib.sha256(data).hexdigest()
    parsed = parse_roster(data, committee=committee, progress=progress)
    if progress:
        progress("writing", parsed.total_rows, parsed.total_rows)
    result = _roster_write(
        actor=actor,
        committee=committee,
        parsed=parsed,
        sha256=sha256,
        file_name=Path(name).name if name else "",
    )
    if result.created + result.updated >= ANALYZE_AFTER_ROWS:
        # a committee's worth of new rows: fresh planner statistics once they are committed
        from django.db import transaction

        from linli.core.dbstats import REGISTRY_TABLES, analyze

        transaction.on_commit(lambda: analyze(REGISTRY_TABLES))
    return result


# Imports that write at least this many households refresh the registry's statistics.
ANALYZE_AFTER_ROWS = 200


# ---------------------------------------------------------------------------- export


def _natural(text: str) -> tuple:
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", text or "")
        if part
    )


def _person_cell(people: list[tuple], year: int, with_info: bool) -> tuple[str, str]:
    """``people`` are (name, mobile, sex, birth_year) tuples, in registration order."""
    names = []
    for name, _mobile, sex, birth_year in people:
        info = []
        if with_info:
            if birth_year:
                info.append(str(max(0, year - birth_year)))
            if sex in ("M", "F"):
                info.append("男" if sex == "M" else "女")
        names.append(f"{name}({','.join(info)})" if info else name)
    phones = ""
    if any(p[1] for p in people):
        phones = "、".join(p[1] or "-" for p in people)
    return "、".join(names), phones


def _workbook(rows: list[list], sheet_title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    for index, column in enumerate(COLUMNS, start=1):
        from openpyxl.utils import get_column_letter

        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="2F6F4E")
        cell.alignment = Alignment(horizontal="center", vertical="center")
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    notes = workbook.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["B"].width = 80
    for line in _NOTES:
        notes.append(list(line))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


_NOTES = (
    ("列", "说明（导入时只读取第一个工作表；第一行为表头，列的顺序不限）"),
    ("小区", "小区名称；居委会有多个小区时必填"),
    ("楼号", "必填，须是已登记的楼栋，如“5号楼”或“5”"),
    ("单元", "可空，如“1单元”或“1”"),
    ("室号", "必填，如“101”；同一楼栋、单元内不能重复"),
    ("楼层", "必填，整数，不超过该楼总层数；地下层写负数"),
    ("建筑/专有面积(㎡)", "必填，大于 0 且不超过 2000，最多两位小数"),
    ("产权人", "多位共有人用“、”分隔，如“张建国、李秀英”；留空则不改动已登记的产权人"),
    ("产权人电话", "与产权人顺序一一对应，11 位手机号，用“、”分隔；无电话写“-”"),
    ("居住人", "如“张建国(68,男)、李秀英(65,女)”，年龄、性别可省略；留空则不改动"),
    ("居住人电话", "可空；填写时与居住人顺序一一对应"),
    ("", "整个文件全部校验通过才会导入；有任何一行出错，所有数据都不会改动。"),
    ("", "同一文件重复导入不会产生任何改动。"),
)


def roster_template() -> bytes:
    """An empty roster with the headers and the filling notes."""
    return _workbook([], "住户名册")


def roster_export(*, actor, committee: Committee) -> bytes:
    """The committee's roster as .xlsx, in the import format (re-importing it is a no-op)."""
    require(actor, "places.manage_committee", committee, _("只有居委会管理人员可以导出住户名册"))
    year = timezone.localdate().year
    in_committee = {"building__compound__committee": committee}
    flats = list(
        Flat.objects.filter(**in_committee).values_list(
            "id", "building__compound__name", "building__number", "unit", "room", "floor", "area"
        )
    )
    person_fields = ("person__name", "person__mobile", "person__sex", "person__birth_year")
    owners: dict[int, list[tuple]] = {}
    for fid, *person in (
        Ownership.objects.filter(flat__building__compound__committee=committee)
        .order_by("id")
        .values_list("flat_id", *person_fields)
    ):
        owners.setdefault(fid, []).append(tuple(person))
    residents: dict[int, list[tuple]] = {}
    seen: set[tuple[int, int]] = set()
    for fid, pid, *person in (
        Residency.objects.filter(household__flat__building__compound__committee=committee)
        .order_by("household_id", "id")
        .values_list("household__flat_id", "person_id", *person_fields)
    ):
        if (fid, pid) not in seen:
            seen.add((fid, pid))
            residents.setdefault(fid, []).append(tuple(person))
    flats.sort(key=lambda f: (f[1], _natural(f[2]), _natural(f[3]), _natural(f[4])))
    rows = []
    for fid, compound, building, unit, room, floor, area in flats:
        owner_names, owner_phones = _person_cell(owners.get(fid, []), year, with_info=False)
        resident_names, resident_phones = _person_cell(residents.get(fid, []), year, with_info=True)
        rows.append(
            [
                compound,
                building,
                unit,
                room,
                floor,
                area,
                owner_names,
                owner_phones,
                resident_names,
                resident_phones,
            ]
        )
    return _workbook(rows, "住户名册")
