"""Run every benchmark: ``python -m bench [substring]``.

The engine benchmarks (bench_*.py) print one table; with ``DATABASE_URL`` on PostgreSQL,
``bench.pages`` (district-scale page latency) and ``bench.load_votes`` (ballots through
gunicorn) follow, each printing its own lines."""

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
    # Against a real server and database (issue 15): PostgreSQL from DATABASE_URL.
    import os

    status = 0
    for name in ("pages", "load_votes"):
        if only and only not in name:
            continue
        if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            print(f"… bench.{name}: skipped, needs DATABASE_URL=postgres://… (PostgreSQL)")
            continue
        print(f"… bench.{name}", file=sys.stderr, flush=True)
        # each in its own interpreter: each sets up Django on its own database
        import subprocess

        status |= subprocess.run([sys.executable, "-m", f"bench.{name}"]).returncode
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
