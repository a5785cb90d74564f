"""Parallel audited writes: one chain for everybody versus one chain per committee.

    DATABASE_URL=postgres://root@127.0.0.1:5432/linli_auditbench \\
        .venv/bin/python -m linli.audit.bench --processes 8 --writes 300

Each of ``--processes`` worker processes (own connection) runs ``--writes`` transactions of
one ``audit_record`` each (plus ``--hold-ms`` of work after it, before the commit, as a
service does), and the run is repeated with every worker writing to the SAME committee
(every append queues on one head row: the locking of the old single chain) and with every
worker writing to ITS OWN committee. Prints one line per mode:

    audit: mode=… processes=… writes_per_s=… p50_ms=… p99_ms=…

The database is migrated first (it must be a scratch database; the rows stay).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import time


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    import django

    django.setup()


def _committees(n: int):
    from linli.places.models import Committee, District, Street

    district, _ = District.objects.get_or_create(name="审计基准区")
    street, _ = Street.objects.get_or_create(district=district, name="审计基准街道")
    out = []
    for i in range(n):
        committee, _ = Committee.objects.get_or_create(street=street, name=f"基准居委会{i + 1}")
        out.append(committee.pk)
    return out


def _worker(args):
    committee_id, writes, hold_ms, start_at = args
    _setup()
    from django.db import connection, transaction

    from linli.audit.services import audit_record
    from linli.places.models import Committee

    committee = Committee.objects.get(pk=committee_id)
    connection.ensure_connection()
    while time.time() < start_at:
        time.sleep(0.001)
    latencies = []
    for i in range(writes):
        t = time.perf_counter()
        with transaction.atomic():
            audit_record(
                actor=None, action="bench.write", obj=committee, after={"i": i, "pid": os.getpid()}
            )
            if hold_ms:
                time.sleep(hold_ms / 1000)
        latencies.append(time.perf_counter() - t)
    connection.close()
    return latencies


def run(mode: str, processes: int, writes: int, hold_ms: float, committees: list[int]) -> str:
    from django.db import connections

    connections.close_all()
    targets = [committees[0]] * processes if mode == "one-chain" else committees[:processes]
    start_at = time.time() + 1.0
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(processes) as pool:
        t0 = time.time()
        results = pool.map(_worker, [(c, writes, hold_ms, start_at) for c in targets])
        elapsed = time.time() - max(t0, start_at)
    lat = sorted(x for r in results for x in r)
    total = len(lat)
    p99 = lat[min(total - 1, int(total * 0.99))]
    return (
        f"audit: mode={mode} processes={processes} hold_ms={hold_ms:g} "
        f"writes_per_s={total / elapsed:.0f} p50_ms={statistics.median(lat) * 1000:.1f} "
        f"p99_ms={p99 * 1000:.1f}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--writes", type=int, default=300)
    parser.add_argument("--hold-ms", type=float, default=0.0)
    parser.add_argument("--mode", choices=["one-chain", "per-committee", "both"], default="both")
    opts = parser.parse_args(argv)
    _setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("基准测试需要 PostgreSQL（DATABASE_URL=postgres://…）")
    call_command("migrate", verbosity=0)
    committees = _committees(opts.processes)
    modes = ["one-chain", "per-committee"] if opts.mode == "both" else [opts.mode]
    for mode in modes:
        print(run(mode, opts.processes, opts.writes, opts.hold_ms, committees), flush=True)
    print(f"load: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)


if __name__ == "__main__":
    main()
