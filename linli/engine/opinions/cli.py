"""``python -m linli.engine opinions DIR [--json]``: opinion groups for a Pol.is export folder."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import sys
from typing import NoReturn

from linli.engine.opinions.loaders import load_folder
from linli.engine.opinions.model import Conversation, OpinionResult, Params
from linli.engine.opinions.pipeline import OpinionInputError, analyze


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors in Chinese and without a traceback."""

    def error(self, message: str) -> NoReturn:
        print(f"参数错误: {message}\n用法: {self.format_usage().strip()}", file=sys.stderr)
        raise SystemExit(2)


def to_json(result: OpinionResult) -> dict[str, object]:
    """The stable machine-readable summary (participants left out of clustering omitted)."""
    return {
        "groups": {str(p): g for p, g in sorted(result.groups.items())},
        "consensus": {
            "agree": [c.statement for c in result.consensus_agree],
            "disagree": [c.statement for c in result.consensus_disagree],
        },
        "group_consensus": {
            "agree": [c.statement for c in result.group_consensus_agree],
            "disagree": [c.statement for c in result.group_consensus_disagree],
        },
        "repness": {
            str(g): [r.statement for r in reps] for g, reps in sorted(result.repness.items())
        },
    }


def _text(conv: Conversation, tid: int) -> str:
    text = " ".join(conv.texts.get(tid, "").split())
    return f"「{text[:60]}{'…' if len(text) > 60 else ''}」" if text else ""


def summary(conv: Conversation, result: OpinionResult) -> str:
    """Readable Chinese report for organisers."""
    n_all = len(result.participants)
    lines = [f"读取: {conv.source}"] if conv.source else []
    if result.replayed_history:
        lines.append("（无保存的状态：已按投票时间重放 Pol.is 的历史，重建基础簇）")
    lines += [
        f"参与者 {n_all} 人，观点 {len(result.statements)} 条；"
        f"纳入分组 {len(result.groups)} 人（至少投票 7 次或早期最活跃者）。",
        "",
        f"观点群组: {result.k} 个",
    ]
    for g, members in sorted(result.group_members.items()):
        lines.append(f"  群组 {g}: {len(members)} 人")
    lines += ["", "代表性观点（该群组与其他群组差异显著，单侧 z 检验 90%）:"]
    for g, reps in sorted(result.repness.items()):
        lines.append(f"  群组 {g}:")
        for r in reps:
            verb = "同意" if r.direction == "agree" else "反对"
            lines.append(
                f"    #{r.statement} {verb} {r.n_success}/{r.n_trials}"
                f"（{r.p_success:.0%}）{_text(conv, r.statement)}"
            )
        if not reps:
            lines.append("    （无）")
    lines += ["", "共识观点（全体多数同意/反对，单侧 z 检验 90%）:"]
    for label, items in (("同意", result.consensus_agree), ("反对", result.consensus_disagree)):
        lines.append(f"  {label}:")
        for c in items:
            lines.append(
                f"    #{c.statement} {c.n_success}/{c.n_trials}（{c.p_success:.0%}）"
                f"{_text(conv, c.statement)}"
            )
        if not items:
            lines.append("    （无）")
    lines += ["", "各群组都赞同 / 都反对（每个群组内都满足共识规则）:"]
    for c in result.group_consensus_agree + result.group_consensus_disagree:
        verb = "赞同" if c.direction == "agree" else "反对"
        rates = "，".join(
            f"群组 {g} {v.agree if c.direction == 'agree' else v.disagree}/{v.total}"
            for g, v in sorted(c.per_group.items())
        )
        lines.append(f"    #{c.statement} 都{verb}（{rates}）{_text(conv, c.statement)}")
    if not (result.group_consensus_agree or result.group_consensus_disagree):
        lines.append("    （无）")
    return "\n".join(lines)


def parse_ids(text: str) -> frozenset[int]:
    """ "1-14,20" -> {1, ..., 14, 20}; Chinese error on anything else."""
    ids: set[int] = set()
    for part in filter(None, (p.strip() for p in text.replace("，", ",").split(","))):
        lo, _, hi = part.partition("-")
        try:
            a, b = int(lo), int(hi or lo)
        except ValueError:
            raise OpinionInputError(
                f"--meta 格式错误: {part!r}（应为 1-14,20 这样的编号）"
            ) from None
        if a > b or b - a > 100_000:
            raise OpinionInputError(f"--meta 范围无效: {part!r}")
        ids.update(range(a, b + 1))
    return frozenset(ids)


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(
        prog="python -m linli.engine opinions",
        description="按 Pol.is 算法计算观点群组、代表性观点与共识观点。",
    )
    parser.add_argument("dir", help="Pol.is 导出目录（votes.csv … 或 votes.json …）")
    parser.add_argument("--json", action="store_true", help="输出 JSON")
    parser.add_argument(
        "--polis-state",
        action="store_true",
        help="若目录中有 math-pca2.json，则从 Pol.is 上次计算的状态继续（复现 Pol.is 结果）",
    )
    parser.add_argument(
        "--meta",
        default="",
        help="声明为 meta（背景/身份类）观点的编号，如 1-14,20：不参与地图与分组，仍会显示"
        "（openData 导出不含 is-meta 标记）",
    )
    parser.add_argument(
        "--no-replay",
        action="store_true",
        help="不按投票时间重放 Pol.is 的历史，一次性计算（如 Pol.is 只在全部投票后计算过一次）",
    )
    args = parser.parse_args(argv)
    try:
        meta = parse_ids(args.meta)
        conv = load_folder(args.dir, with_polis_state=args.polis_state)
        if meta:
            conv = dataclasses.replace(conv, meta=conv.meta | meta)
            conv.source += f"；声明为 meta 的观点 {len(meta)} 条"
        result = analyze(conv, Params(replay_history=not args.no_replay))
    except OpinionInputError as e:
        print(f"错误: {e}", file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        print(f"错误: 无法读取输入文件: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(to_json(result), ensure_ascii=False))
    else:
        print(summary(conv, result))
    return 0
