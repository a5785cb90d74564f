"""Command line: ``python -m linli.engine {pb,opinions} ...``."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help"}:
        print("用法: python -m linli.engine {pb,opinions} ...  (各子命令加 --help 查看参数)")
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "pb":
        from linli.engine.budgeting.cli import main as pb_main

        return pb_main(rest)
    if command == "opinions":
        from linli.engine.opinions.cli import main as opinions_main

        return opinions_main(rest)
    print(f"未知子命令: {command}（可用: pb, opinions）", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
