"""Run every benchmark and print one table: ``python -m bench [substring]``."""

from __future__ import annotations

import importlib
import pathlib
import sys

from bench.common import format_table


def main(argv: list[str]) -> int:
    only = argv[0] if argv else None
    rows = []
    for path in sorted(pathlib.Path(__file__).parent.glob("bench_*.py")):
        if only and only not in path.stem:
            continue
        module = importlib.import_module(f"bench.{path.stem}")
        print(f"… {path.stem}", file=sys.stderr, flush=True)
        rows.extend(module.run())
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
