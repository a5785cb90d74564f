"""``python -m linli.engine pb FILE --rule {greedy,mes,phragmen} ...``: run a rule on a .pb file.

Prints a Chinese explanation for people, or JSON (``--json``) for programs. Bad input exits
with code 2 and a Chinese message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from fractions import Fraction
from typing import NoReturn

from linli.engine.budgeting import pbfile
from linli.engine.budgeting.greedy import VARIANTS, greedy
from linli.engine.budgeting.mes import mes
from linli.engine.budgeting.model import Instance, Number
from linli.engine.budgeting.outcome import Outcome
from linli.engine.budgeting.phragmen import phragmen


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m linli.engine pb", description="对 pabulib .pb 文件运行参与式预算规则"
    )
    p.add_argument("file", help=".pb 文件路径")
    p.add_argument("--rule", required=True, choices=["greedy", "mes", "phragmen"], help="规则")
    p.add_argument(
        "--completion",
        choices=["add1", "utilitarian", "add1+utilitarian"],
        help="MES 的补全方式",
    )
    p.add_argument("--utility", choices=["cost", "cardinality"], default="cost", help="MES 效用")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    return p


def fmt(x: Number | None) -> str:
    """Exact when it is a short decimal, else ≈ two decimals."""
    if x is None:
        return "—"
    f = Fraction(x)
    if f.denominator == 1:
        return str(f.numerator)
    if (f * 100).denominator == 1:
        return f"{float(f):.2f}".rstrip("0").rstrip(".")
    return f"≈{float(f):.2f}"


def fmt_rho(x: Fraction | None) -> str:
    return "—" if x is None else f"{float(x):.6g}"


def _name(inst: Instance, pid: str | None) -> str:
    if pid is None:
        return ""
    n = inst.projects[pid].name
    return f"项目 {pid}「{n}」" if n else f"项目 {pid}"


def explain(inst: Instance, out: Outcome) -> str:
    lines = [
        f"规则：{out.rule}；预算 {fmt(out.budget)}；选中 {len(out.selected)} 个项目，"
        f"共花费 {fmt(out.total_cost)}，剩余 {fmt(out.budget - out.total_cost)}。"
    ]
    if "budget_per_voter" in out.details:
        lines.append(
            f"每位选民的预算：{fmt(out.details['budget_per_voter'])}"
            f"（add1 迭代 {out.details.get('iterations', 1)} 次，"
            f"实际运行 MES {out.details.get('passes', 1)} 次）。"
        )
    lines.append("")
    lines.append("获得资助的项目（按资助顺序）：")
    for pid in out.selected:
        f = out.funded[pid]
        head = f"  {_name(inst, pid)}获得资助（第 {f.round} 步，成本 {fmt(f.cost)}）："
        if f.stage in ("greedy", "reserve", "completion"):
            what = {"greedy": "按得分排序", "reserve": "用储备金补足", "completion": "补全阶段"}
            head += f"{what[f.stage]}，得分 {fmt(f.score)}，之后剩余预算 {fmt(f.remaining_after)}。"
            lines.append(head)
            continue
        parts = []
        for p in f.payments:
            if p.total == 0:
                parts.append(f"{p.voters} 位支持者已没有余钱，未付款")
            elif p.each is not None:
                parts.append(f"{p.voters} 位支持者各付 {fmt(p.each)}")
            else:
                parts.append(f"{p.voters} 位支持者付出了各自剩下的全部预算，共 {fmt(p.total)}")
        if not parts:
            parts.append("无需付款")
        if f.rho is None:
            price = ""
        elif f.stage == "phragmen":
            price = f"（支持者的负载升到 t={fmt_rho(f.rho)}）"
        else:
            price = f"（每单位效用价格 ρ={fmt_rho(f.rho)}）"
        lines.append(head + "；".join(parts) + price + "。")
    lines.append("")
    lines.append("未获资助的项目：")
    for u in out.unfunded.values():
        who = _name(inst, u.project_id)
        by = f"，名额被{_name(inst, u.displaced_by)}占用" if u.displaced_by else ""
        if u.reason == "over_budget":
            msg = f"成本 {fmt(u.cost)} 超过轮到它时的剩余预算 {fmt(u.available)}{by}。"
        elif u.reason == "below_threshold":
            msg = f"得分 {fmt(u.score)} 低于门槛 {fmt(out.details.get('threshold'))}。"
        elif u.reason == "stopped":
            msg = f"规则在{_name(inst, u.displaced_by)}处停止（不跳过），未再考虑它。"
        elif u.reason == "excluded":
            msg = f"与已选中的{_name(inst, u.displaced_by)}互斥。"
        elif u.reason == "no_supporters":
            msg = "没有人投票支持。"
        else:  # supporters_short
            when = "它出局时" if u.displaced_by else "一开始"
            msg = f"{when}支持者手里的钱共约 {fmt(u.available)}，不够成本 {fmt(u.cost)}"
            if u.rho is not None:
                msg += f"；它最后能给出的价格 ρ={fmt_rho(u.rho)}"
                if u.winner_rho is not None:
                    msg += f"，而胜出项目的价格 ρ={fmt_rho(u.winner_rho)}"
            msg += f"{by}。"
        lines.append(f"  {who}未获资助：{msg}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _parser().parse_args(argv)
    except _UsageError as e:
        print(f"参数错误：{e}", file=sys.stderr)
        return 2
    try:
        election = pbfile.read(args.file)
    except pbfile.PbFormatError as e:
        print(f"无法读取 {args.file}：{e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"无法读取 {args.file}：{e.strerror}", file=sys.stderr)
        return 2
    inst, prof = election.instance, election.profile
    if args.rule != "greedy" and prof.vote_type not in ("approval", "choose-1"):
        print(
            f"{args.rule} 只适用于赞成票（approval）或单选（choose-1），该文件是 {prof.vote_type}",
            file=sys.stderr,
        )
        return 2
    if args.completion and args.rule != "mes":
        print("--completion 只能与 --rule mes 一起使用", file=sys.stderr)
        return 2
    if args.rule == "greedy":
        rule = inst.meta.get("rule", "greedy").strip()
        out = greedy(inst, prof, variant=rule if rule in VARIANTS else "greedy")
    elif args.rule == "mes":
        out = mes(inst, prof, utility=args.utility, completion=args.completion)
    else:
        out = phragmen(inst, prof)
    try:
        _print(args, inst, prof, out)
    except BrokenPipeError:  # e.g. piped into head
        return 0
    return 0


def _print(args: argparse.Namespace, inst: Instance, prof: object, out: Outcome) -> None:
    if args.json:
        data = out.to_json()
        data["file"] = args.file
        data["num_voters"] = len(prof.ballots)  # type: ignore[attr-defined]
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        print(explain(inst, out))
