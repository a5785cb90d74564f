"""Read and write pabulib ``.pb`` files (https://pabulib.org/format).

A file has three sections, META, PROJECTS and VOTES, each a ``;``-separated CSV table with a
header row. Fields may be quoted CSV-style (quotes doubled inside), lines may end in CRLF.
We keep META keys in file order and every project/voter column as raw text, so that
``write(read(f))`` re-reads to the same election.
"""

from __future__ import annotations

import csv
import gc
import io
import os
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from operator import itemgetter

from linli.engine.budgeting.model import (
    VOTE_TYPES,
    Ballot,
    Election,
    Instance,
    Number,
    Profile,
    Project,
)

SECTIONS = ("META", "PROJECTS", "VOTES")


class PbFormatError(ValueError):
    """The text is not a valid pabulib file; the message is for people (Chinese)."""


def parse_number(text: str, where: str) -> Number:
    """Exact number from a decimal string: int when integral, else Fraction."""
    try:
        d = Decimal(text.strip())
    except InvalidOperation:
        raise PbFormatError(f"{where}: 无法解析数字「{text}」") from None
    if not d.is_finite():
        raise PbFormatError(f"{where}: 无法解析数字「{text}」")
    f = Fraction(d)
    return f.numerator if f.denominator == 1 else f


def format_number(x: Number) -> str:
    """Inverse of :func:`parse_number`: shortest exact decimal (floats only as a last resort)."""
    f = Fraction(x)
    if f.denominator == 1:
        return str(f.numerator)
    d, k = f.denominator, 0
    for p in (2, 5):
        e = 0
        while d % p == 0:
            d //= p
            e += 1
        k = max(k, e)
    if d != 1:
        return repr(float(f))  # no finite decimal expansion
    scaled = f * 10**k
    sign = "-" if scaled < 0 else ""
    s = str(abs(scaled.numerator)).rjust(k + 1, "0")
    return sign + s[:-k] + "." + s[-k:]


def read(path: str | os.PathLike[str]) -> Election:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise PbFormatError(f"找不到文件：{os.fspath(path)}") from None
    except IsADirectoryError:
        raise PbFormatError(f"这是一个目录，不是 .pb 文件：{os.fspath(path)}") from None
    except UnicodeDecodeError:
        raise PbFormatError(f"文件不是 UTF-8 编码：{os.fspath(path)}") from None
    return parse(text)


def parse(text: str) -> Election:
    """Parse the text of a .pb file."""
    # ~100k small objects: the cyclic GC would rescan them many times for nothing
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse(text)
    finally:
        if enabled:
            gc.enable()


def _parse(text: str) -> Election:
    rows: dict[str, list[list[str]]] = {s: [] for s in SECTIONS}
    current: str | None = None  # noqa: F841 - kept for readability of the loop
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        append = None
        for row in reader:
            if len(row) == 1:
                head = row[0].strip()
                if not head:
                    continue
                if head.upper() in SECTIONS:
                    current = head.upper()
                    append = rows[current].append
                    continue
            elif not row:
                continue
            if append is None:
                raise PbFormatError(f"第 {reader.line_num} 行：在 META 段之前出现了内容")
            append(row)
    except csv.Error as e:
        raise PbFormatError(f"第 {reader.line_num} 行：CSV 格式错误（{e}）") from None
    for s in SECTIONS:
        if not rows[s]:
            raise PbFormatError(f"缺少 {s} 段或该段为空")

    meta: dict[str, str] = {}
    for row in rows["META"][1:]:
        key = row[0].strip()
        if not key or key.startswith("#"):
            continue  # comment line inside META
        meta[key] = ";".join(row[1:]).strip() if len(row) > 1 else ""
    if "budget" not in meta:
        raise PbFormatError("META 缺少 budget（预算）")
    budget = parse_number(meta["budget"], "META budget")
    vote_type = meta.get("vote_type", "approval").strip()
    if vote_type not in VOTE_TYPES:
        raise PbFormatError(f"不支持的投票类型 vote_type：{vote_type}")

    pfields = [h.strip() for h in rows["PROJECTS"][0]]
    if "project_id" not in pfields or "cost" not in pfields:
        raise PbFormatError("PROJECTS 表头必须包含 project_id 和 cost")
    i_id, i_cost = pfields.index("project_id"), pfields.index("cost")
    i_name = pfields.index("name") if "name" in pfields else -1
    projects: dict[str, Project] = {}
    for n, row in enumerate(rows["PROJECTS"][1:], start=1):
        if len(row) != len(pfields):
            raise PbFormatError(f"PROJECTS 第 {n} 行有 {len(row)} 列，表头有 {len(pfields)} 列")
        pid = row[i_id].strip()
        if pid in projects:
            raise PbFormatError(f"项目编号重复：{pid}")
        cost = parse_number(row[i_cost], f"项目 {pid} 的 cost")
        if cost < 0:
            raise PbFormatError(f"项目 {pid} 的成本为负数")
        extra = {
            h: v
            for j, (h, v) in enumerate(zip(pfields, row, strict=True))
            if j not in (i_id, i_cost, i_name)
        }
        projects[pid] = Project(pid, cost, row[i_name] if i_name >= 0 else "", extra)

    vfields = [h.strip() for h in rows["VOTES"][0]]
    if "voter_id" not in vfields or "vote" not in vfields:
        raise PbFormatError("VOTES 表头必须包含 voter_id 和 vote")
    i_vid, i_vote = vfields.index("voter_id"), vfields.index("vote")
    i_pts = vfields.index("points") if "points" in vfields else -1
    others = [(j, h) for j, h in enumerate(vfields) if j not in (i_vid, i_vote, i_pts)]
    nf = len(vfields)
    other_names = [h for _, h in others]
    get_others = (
        (lambda r: (r[others[0][0]],))
        if len(others) == 1
        else itemgetter(*[j for j, _ in others])
        if others
        else (lambda r: ())
    )
    ballots: list[Ballot] = []
    known = set(projects)
    point_cache: dict[str, Number] = {}
    for n, row in enumerate(rows["VOTES"][1:], start=1):
        if len(row) != nf:
            raise PbFormatError(f"VOTES 第 {n} 行有 {len(row)} 列，表头有 {nf} 列")
        vote = row[i_vote]
        ids = tuple(vote.split(",")) if vote else ()
        if " " in vote:
            ids = tuple(x.strip() for x in ids if x.strip())
        if not known.issuperset(ids):
            bad = next(pid for pid in ids if pid not in known)
            raise PbFormatError(f"VOTES 第 {n} 行：选票里有未知项目「{bad}」")
        if len(ids) > 1 and len(set(ids)) != len(ids):
            raise PbFormatError(f"VOTES 第 {n} 行：同一项目出现了两次")
        pts: tuple[Number, ...] | None = None
        if i_pts >= 0:
            raw = row[i_pts].strip()
            parts = raw.split(",") if raw else []
            if len(parts) != len(ids):
                raise PbFormatError(f"VOTES 第 {n} 行：points 与 vote 的个数不一致")
            vals = []
            for x in parts:
                v = point_cache.get(x)
                if v is None:
                    v = point_cache[x] = parse_number(x, f"VOTES 第 {n} 行 points")
                vals.append(v)
            pts = tuple(vals)
        extra = dict(zip(other_names, get_others(row), strict=True)) if other_names else {}
        ballots.append(Ballot(row[i_vid], ids, pts, extra))
    return Election(Instance(budget, projects, meta, pfields), Profile(vote_type, ballots, vfields))


def dumps(election: Election) -> str:
    """Text of a .pb file (LF line ends, minimal CSV quoting)."""
    inst, prof = election.instance, election.profile
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    out.write("META\n")
    w.writerow(["key", "value"])
    meta = dict(inst.meta)
    meta["budget"] = format_number(inst.budget)
    meta.setdefault("vote_type", prof.vote_type)
    for k, v in meta.items():
        w.writerow([k, v])
    out.write("PROJECTS\n")
    pf = list(inst.project_fields)
    w.writerow(pf)
    for p in inst.projects.values():
        cells = []
        for h in pf:
            if h == "project_id":
                cells.append(p.id)
            elif h == "cost":
                cells.append(format_number(p.cost))
            elif h == "name" and "name" not in p.extra:
                cells.append(p.name)
            else:
                cells.append(p.extra.get(h, ""))
        w.writerow(cells)
    out.write("VOTES\n")
    vf = list(prof.voter_fields)
    w.writerow(vf)
    for b in prof.ballots:
        cells = []
        for h in vf:
            if h == "voter_id":
                cells.append(b.voter_id)
            elif h == "vote":
                cells.append(",".join(b.projects))
            elif h == "points" and b.points is not None:
                cells.append(",".join(format_number(x) for x in b.points))
            else:
                cells.append(b.extra.get(h, ""))
        w.writerow(cells)
    return out.getvalue()


def write(election: Election, path: str | os.PathLike[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(dumps(election))
