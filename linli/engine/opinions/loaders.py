"""Read Pol.is exports: openData folders (votes.csv …) and math fixtures (votes.json …)."""

from __future__ import annotations

import csv
import json
import pathlib
from typing import Any

from linli.engine.opinions.model import Conversation, Vote
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


def load_opendata(folder: pathlib.Path) -> Conversation:
    """openData export: votes.csv (+1 agree, -1 disagree, 0 pass) and comments.csv moderation."""
    votes: list[Vote] = []
    path = folder / "votes.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        need = {"voter-id", "comment-id", "vote"}
        if not reader.fieldnames or not need <= set(reader.fieldnames):
            raise OpinionInputError(f"{path.name} 缺少列: 需要 voter-id, comment-id, vote")
        for line, r in enumerate(reader, start=2):
            where = f"{path.name} 第 {line} 行"
            votes.append(
                Vote(
                    participant=_int(r["voter-id"], "voter-id", where),
                    statement=_int(r["comment-id"], "comment-id", where),
                    value=_int(r["vote"], "vote", where),
                    timestamp=float(r.get("timestamp") or 0),
                )
            )
    mod_out: set[int] = set()
    cpath = folder / "comments.csv"
    if cpath.exists():
        with cpath.open(encoding="utf-8", newline="") as fh:
            for line, r in enumerate(csv.DictReader(fh), start=2):
                where = f"{cpath.name} 第 {line} 行"
                if _int(r.get("moderated") or 0, "moderated", where) == -1:
                    mod_out.add(_int(r["comment-id"], "comment-id", where))
    return Conversation(votes=votes, moderated_out=frozenset(mod_out))


def load_polis_math(folder: pathlib.Path, *, use_prior_in_conv: bool = False) -> Conversation:
    """red-dwarf/Pol.is API fixture: votes.json, comments.json (+ math-pca2.json for state).

    ``use_prior_in_conv`` carries over Pol.is's persisted ``in-conv`` set, the only piece of
    history that changes who gets clustered.
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
    cpath = folder / "comments.json"
    if cpath.exists():
        try:
            for c in json.loads(cpath.read_text(encoding="utf-8")):
                tid = int(_pick(c, "statement_id", "tid", "comment-id"))
                if c.get("is_meta"):
                    meta.add(tid)
                if int(c.get("moderated", c.get("mod", 0)) or 0) == -1:
                    mod_out.add(tid)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
            raise OpinionInputError(f"comments.json 格式错误: {e}") from None
    prior: frozenset[int] = frozenset()
    if use_prior_in_conv and (folder / "math-pca2.json").exists():
        math = json.loads((folder / "math-pca2.json").read_text(encoding="utf-8"))
        prior = frozenset(int(p) for p in math.get("in-conv", []))
    return Conversation(
        votes=votes, moderated_out=frozenset(mod_out), meta=frozenset(meta), prior_in_conv=prior
    )


def load_folder(folder: str | pathlib.Path, *, use_prior_in_conv: bool = False) -> Conversation:
    """Detect the export type of ``folder`` and load it."""
    path = pathlib.Path(folder)
    if not path.is_dir():
        raise OpinionInputError(f"目录不存在: {path}")
    if (path / "votes.csv").exists():
        return load_opendata(path)
    if (path / "votes.json").exists():
        return load_polis_math(path, use_prior_in_conv=use_prior_in_conv)
    raise OpinionInputError(f"{path} 中没有 votes.csv 或 votes.json")
