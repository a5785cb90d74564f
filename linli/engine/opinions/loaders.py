"""Read Pol.is exports: openData folders (votes.csv …) and math fixtures (votes.json …)."""

from __future__ import annotations

import csv
import json
import pathlib
from typing import Any

from linli.engine.opinions.model import Conversation, PriorState, Vote
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


MATRIX_FIXED = ("participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree")


def _has_rows(path: pathlib.Path) -> bool:
    """True when the CSV has a header and at least one non-empty data row."""
    if not path.exists():
        return False
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        return any(r for r in reader)


def load_opendata(folder: pathlib.Path) -> Conversation:
    """openData export: the votes log ``votes.csv`` (+1 agree, -1 disagree, 0 pass, with
    timestamps) or, when that is empty or missing, the ``participants-votes.csv`` matrix; plus
    comments.csv moderation. ``Conversation.source`` says which was read."""
    if _has_rows(folder / "votes.csv"):
        votes = _read_votes_log(folder / "votes.csv")
        n_p = len({v.participant for v in votes})
        source = f"votes.csv 投票记录 {len(votes)} 条（{n_p} 人，带时间戳，同一观点取最后一票）"
    elif (folder / "participants-votes.csv").exists():
        votes = _read_matrix(folder / "participants-votes.csv")
        n_p = len({v.participant for v in votes})
        n_t = len({v.statement for v in votes})
        why = "为空" if (folder / "votes.csv").exists() else "缺失"
        source = (
            f"votes.csv {why}，改读 participants-votes.csv 矩阵：{n_p} 人 × {n_t} 条观点，"
            f"共 {len(votes)} 票（矩阵没有投票时间，不重放 Pol.is 的历史）"
        )
    else:
        raise OpinionInputError(
            f"{folder} 中没有投票数据：votes.csv 为空或缺失，也没有 participants-votes.csv"
        )
    if not votes:
        raise OpinionInputError(f"{folder} 中没有任何投票")
    mod_out, meta, texts = _read_comments(folder / "comments.csv")
    return Conversation(votes=votes, moderated_out=mod_out, meta=meta, texts=texts, source=source)


def _read_matrix(path: pathlib.Path) -> list[Vote]:
    """participants-votes.csv: one row per participant, one column per comment id (empty =
    not voted). Votes carry no time, so rows keep the file's order."""
    votes: list[Vote] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader, [])]
        if "participant" not in header:
            raise OpinionInputError(f"{path.name} 缺少 participant 列")
        ip = header.index("participant")
        cols = []
        for i, h in enumerate(header):
            if h in MATRIX_FIXED:
                continue
            try:
                cols.append((i, int(h)))
            except ValueError:
                raise OpinionInputError(f"{path.name} 表头无法识别的列: {h!r}") from None
        if not cols:
            raise OpinionInputError(f"{path.name} 没有观点列")
        for line, r in enumerate(reader, start=2):
            if not r:
                continue
            where = f"{path.name} 第 {line} 行"
            if len(r) < len(header):
                raise OpinionInputError(f"{where}: 列数不足")
            pid = _int(r[ip], "participant", where)
            for i, tid in cols:
                cell = r[i].strip()
                if cell:
                    votes.append(Vote(pid, tid, _int(cell, f"观点 {tid} 的投票", where), 0.0))
    return votes


def _read_comments(cpath: pathlib.Path) -> tuple[frozenset[int], frozenset[int], dict[int, str]]:
    """Moderated-out ids, meta ids (only if the export has an is-meta column: the public
    openData exports do not) and texts."""
    mod_out: set[int] = set()
    meta: set[int] = set()
    texts: dict[int, str] = {}
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
                flag = str(c.get("is-meta") or c.get("is_meta") or "").strip().lower()
                if flag in ("1", "true", "t", "yes"):
                    meta.add(tid)
    return frozenset(mod_out), frozenset(meta), texts


def _read_votes_log(path: pathlib.Path) -> list[Vote]:
    votes: list[Vote] = []
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
    return votes


def polis_prior_state(math: dict[str, Any]) -> PriorState:
    """Pol.is's persisted state (math-pca2.json) as the prior our next run starts from.

    This is what Pol.is itself restores when it loads a conversation (``restructure-json-conv``):
    who is in the conversation and the base clusters, in id order. Group clusterings and the
    k-smoother are not persisted, so its next run clusters groups afresh; so do we.
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
    source = (
        f"votes.json 投票 {len(votes)} 条（{len({v.participant for v in votes})} 人，带时间戳）"
    )
    if prior is not None:
        source += "；并从 math-pca2.json 继续 Pol.is 上次计算的状态（已纳入的参与者与基础簇）"
    return Conversation(
        votes=votes,
        moderated_out=frozenset(mod_out),
        meta=frozenset(meta),
        prior=prior,
        texts=texts,
        source=source,
    )


def load_folder(folder: str | pathlib.Path, *, with_polis_state: bool = False) -> Conversation:
    """Detect the export type of ``folder`` and load it."""
    path = pathlib.Path(folder)
    if not path.is_dir():
        raise OpinionInputError(f"目录不存在: {path}")
    if (path / "votes.json").exists() and not _has_rows(path / "votes.csv"):
        return load_polis_math(path, with_polis_state=with_polis_state)
    if (path / "votes.csv").exists() or (path / "participants-votes.csv").exists():
        return load_opendata(path)
    raise OpinionInputError(f"{path} 中没有 votes.csv、participants-votes.csv 或 votes.json")
