"""Read Pol.is exports: openData folders (votes.csv …) and math fixtures (votes.json …)."""

from __future__ import annotations

import csv
import json
import pathlib
from typing import Any

from linli.engine.opinions.model import Conversation, KSmoother, PriorState, Vote
from linli.engine.opinions.pipeline import OpinionInputError


def _pick(d: dict[str, Any], *names: str) -> Any:
    for n in names:
        if n in d and d[n] not in (None, ""):
            return d[n]
    raise KeyError(names[0])


def _int(value: Any, what: str, where: str) -> int:
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise OpinionInputError(f"{where}: {what} 不是数字: {value!r}") from None
    if f != int(f):
        raise OpinionInputError(f"{where}: {what} 不是整数: {value!r}")
    return int(f)


def _float(value: Any, what: str, where: str) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        raise OpinionInputError(f"{where}: {what} 不是数字: {value!r}") from None


def load_opendata(folder: pathlib.Path) -> Conversation:
    """openData export: votes.csv (+1 agree, -1 disagree, 0 pass) and comments.csv moderation."""
    votes: list[Vote] = []
    path = folder / "votes.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        need = ("voter-id", "comment-id", "vote")
        if not set(need) <= set(header):
            raise OpinionInputError(f"{path.name} 缺少列: 需要 voter-id, comment-id, vote")
        ip, ic, iv = (header.index(n) for n in need)
        its = header.index("timestamp") if "timestamp" in header else None
        for line, r in enumerate(reader, start=2):
            if not r:
                continue
            try:
                votes.append(
                    Vote(
                        int(r[ip]),
                        int(r[ic]),
                        int(r[iv]),
                        float(r[its]) if its is not None else 0.0,
                    )
                )
            except (ValueError, IndexError):
                where = f"{path.name} 第 {line} 行"
                if len(r) < len(header):
                    raise OpinionInputError(f"{where}: 列数不足") from None
                votes.append(
                    Vote(
                        participant=_int(r[ip], "voter-id", where),
                        statement=_int(r[ic], "comment-id", where),
                        value=_int(r[iv], "vote", where),
                        timestamp=_float(r[its], "timestamp", where) if its is not None else 0.0,
                    )
                )
    mod_out: set[int] = set()
    texts: dict[int, str] = {}
    cpath = folder / "comments.csv"
    if cpath.exists():
        with cpath.open(encoding="utf-8", newline="") as fh:
            for line, c in enumerate(csv.DictReader(fh), start=2):
                where = f"{cpath.name} 第 {line} 行"
                if "comment-id" not in c:
                    raise OpinionInputError(f"{cpath.name} 缺少 comment-id 列")
                tid = _int(c["comment-id"], "comment-id", where)
                texts[tid] = c.get("comment-body") or ""
                if _int(c.get("moderated") or 0, "moderated", where) == -1:
                    mod_out.add(tid)
    return Conversation(votes=votes, moderated_out=frozenset(mod_out), texts=texts)


def polis_prior_state(math: dict[str, Any]) -> PriorState:
    """Pol.is's persisted state (math-pca2.json) as the prior our next run starts from.

    Pol.is keeps in-conv, base clusters, group clusters and the k-smoother between runs; the
    output file holds all but the smoother's counter, so we restart it at the shown group count.
    """
    base = math.get("base-clusters") or {}
    bid_members = {
        int(b): tuple(int(p) for p in m)
        for b, m in zip(base.get("id", []), base.get("members", []), strict=True)
    }
    groups = sorted(math.get("group-clusters") or [], key=lambda g: g["id"])
    group_clusters = tuple(
        tuple(p for b in g["members"] for p in bid_members.get(int(b), ())) for g in groups
    )
    return PriorState(
        in_conv=frozenset(int(p) for p in math.get("in-conv", [])),
        base_clusters=tuple(bid_members[b] for b in sorted(bid_members)),
        group_clusters=group_clusters,
        k_smoother=KSmoother(smoothed_k=len(groups) or None),
    )


def load_polis_math(folder: pathlib.Path, *, with_polis_state: bool = False) -> Conversation:
    """red-dwarf/Pol.is API fixture: votes.json, comments.json (+ math-pca2.json for state).

    ``with_polis_state`` continues from the state Pol.is's own last run left behind, the way
    Pol.is's next run would.
    """
    try:
        raw_votes = json.loads((folder / "votes.json").read_text(encoding="utf-8"))
        votes = [
            Vote(
                participant=int(_pick(v, "participant_id", "pid", "voter-id")),
                statement=int(_pick(v, "statement_id", "tid", "comment-id")),
                value=int(v["vote"]),
                timestamp=float(v.get("modified") or 0),
            )
            for v in raw_votes
        ]
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
        raise OpinionInputError(f"votes.json 格式错误: {e}") from None
    mod_out: set[int] = set()
    meta: set[int] = set()
    texts: dict[int, str] = {}
    cpath = folder / "comments.json"
    if cpath.exists():
        try:
            for c in json.loads(cpath.read_text(encoding="utf-8")):
                tid = int(_pick(c, "statement_id", "tid", "comment-id"))
                texts[tid] = str(c.get("txt") or "")
                if c.get("is_meta"):
                    meta.add(tid)
                if int(c.get("moderated", c.get("mod", 0)) or 0) == -1:
                    mod_out.add(tid)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
            raise OpinionInputError(f"comments.json 格式错误: {e}") from None
    prior = None
    if with_polis_state and (folder / "math-pca2.json").exists():
        try:
            math = json.loads((folder / "math-pca2.json").read_text(encoding="utf-8"))
            prior = polis_prior_state(math)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
            raise OpinionInputError(f"math-pca2.json 格式错误: {e}") from None
    return Conversation(
        votes=votes,
        moderated_out=frozenset(mod_out),
        meta=frozenset(meta),
        prior=prior,
        texts=texts,
    )


def load_folder(folder: str | pathlib.Path, *, with_polis_state: bool = False) -> Conversation:
    """Detect the export type of ``folder`` and load it."""
    path = pathlib.Path(folder)
    if not path.is_dir():
        raise OpinionInputError(f"目录不存在: {path}")
    if (path / "votes.csv").exists():
        return load_opendata(path)
    if (path / "votes.json").exists():
        return load_polis_math(path, with_polis_state=with_polis_state)
    raise OpinionInputError(f"{path} 中没有 votes.csv 或 votes.json")
