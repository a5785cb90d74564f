"""Load test of ballot casting against a real HTTP server and PostgreSQL (run by hand).

    .venv/bin/python -m bench.load_votes            # 1,000 voters, 5,000 casts, 100 clients

What it does:

1. creates a fresh PostgreSQL database (``--db``, default ``linli_load``), migrates it and
   registers one building estate of ``--voters`` flats (one owner account + API token per
   flat, areas 50–99 m²), then opens an owners' vote through the services;
2. starts the production server (gunicorn with ``linli/gunicorn_conf.py``, ``DEBUG`` off,
   the access log on) on 127.0.0.1 with ``--procs`` workers × ``--workers`` threads, each
   thread keeping its DB connection (``CONN_MAX_AGE``);
3. ``--clients`` threads (keep-alive connections) cast ballots through
   ``POST /api/votes/{id}/ballots``:
   per voter three different requests (changes of mind, three idempotency keys) and two
   duplicates (a resent request with the same key), shuffled; any 5xx, connection error or
   409 conflict is retried with the same key;
4. closes the vote through the API and checks: exactly one counted ballot per voter; each
   voter has exactly three recorded casts; every counted ballot is the voter's last recorded
   cast; the signed result equals an independent recount written here with plain
   ``Fraction`` arithmetic; the server's own recount agrees; no 5xx was ever answered.

Prints a table, then one line
``ballots: casts_per_s=… p50_ms=… p99_ms=… lost=… doubled=… recount=ok`` with the CPU per
cast of the server's workers (app) and of the PostgreSQL backends serving them (db), read
from /proc, and the load average. ``--app-root`` serves another checkout (a before/after
comparison with ``git worktree``). Needs nothing beyond the project's venv.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def pg_url(db: str, base: str) -> str:
    return base.rsplit("/", 1)[0] + "/" + db


# ---------------------------------------------------------------------------------------
# setup


def setup(db: str, base_url: str, voters: int) -> dict:
    import psycopg

    admin = base_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')
    os.environ["DATABASE_URL"] = pg_url(db, base_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    import django

    django.setup()
    from datetime import timedelta
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from linli.accounts.models import ApiToken, Role, User, hash_secret
    from linli.accounts.services import api_token_create, role_assign
    from linli.places.models import (
        Building,
        Committee,
        Compound,
        District,
        Flat,
        Ownership,
        Person,
        Street,
    )
    from linli.voting.services import vote_create, vote_open

    district = District.objects.create(name="杨浦区")
    street = Street.objects.create(district=district, name="殷行街道")
    committee = Committee.objects.create(street=street, name="开鲁新村第一居委会")
    compound = Compound.objects.create(committee=committee, name="开鲁一村")
    per_building = 50
    buildings = [
        Building.objects.create(compound=compound, number=f"{i + 1}号楼", floors=6)
        for i in range((voters + per_building - 1) // per_building)
    ]
    flats = Flat.objects.bulk_create(
        [
            Flat(
                building=buildings[i // per_building],
                room=f"{(i % 6) + 1}{(i % per_building) // 6 + 1:02d}",
                floor=(i % 6) + 1,
                area=Decimal(50) + Decimal(i % 40) * Decimal("1.25"),
            )
            for i in range(voters)
        ]
    )
    users = User.objects.bulk_create(
        [User(mobile=f"137{i:08d}", name=f"业主{i}", password="!") for i in range(voters)]
    )
    persons = Person.objects.bulk_create(
        [Person(name=f"业主{i}", user=u) for i, u in enumerate(users)]
    )
    Ownership.objects.bulk_create(
        [Ownership(flat=f, person=p) for f, p in zip(flats, persons, strict=True)]
    )
    keys = [ApiToken.new_key() for _ in users]
    ApiToken.objects.bulk_create(
        [
            ApiToken(user=u, name="压测", key_hash=hash_secret(k), prefix=k[:8])
            for u, k in zip(users, keys, strict=True)
        ]
    )
    staff = User.objects.create_user(mobile="13600000000", password="x", name="居委会小陈")
    role_assign(actor=None, user=staff, role=Role.COMMITTEE_STAFF, scope=committee)
    _, staff_key = api_token_create(actor=staff, name="压测")
    now = timezone.now()
    vote = vote_create(
        actor=staff,
        committee=committee,
        title="压测：使用维修资金更换水泵",
        kind="owners",
        matter="278-5",
        compounds=[compound],
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(hours=6),
    )
    vote_open(actor=staff, vote=vote)
    return {
        "vote_id": vote.pk,
        "staff_key": staff_key,
        "voters": [{"key": k, "flat_id": f.pk} for k, f in zip(keys, flats, strict=True)],
    }


# ---------------------------------------------------------------------------------------
# load


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.status = Counter()
        self.retries = 0
        self.failures: list[str] = []


class Conn(threading.local):
    """One keep-alive connection per client thread, reopened after any error."""

    def __init__(self):
        self.conn = None

    def post(self, port, path, payload, headers):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            self.conn.request("POST", path, payload, headers)
            resp = self.conn.getresponse()
            return resp.status, resp.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise OSError("connection lost") from None


CONN = Conn()


def one_request(port, path, body, token, stats, max_attempts=8):
    payload = json.dumps(body)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    start = time.perf_counter()
    for attempt in range(max_attempts):
        try:
            status, data = CONN.post(port, path, payload, headers)
        except OSError:
            with stats.lock:
                stats.status["conn_error"] += 1
                stats.retries += 1
            time.sleep(0.05 * (attempt + 1))
            continue
        with stats.lock:
            stats.status[status] += 1
        if status >= 500 or status == 409:
            with stats.lock:
                stats.retries += 1
            time.sleep(0.02 * (attempt + 1))
            continue
        with stats.lock:
            stats.latencies.append(time.perf_counter() - start)
            if status != 200:
                stats.failures.append(f"{status} {data[:200]!r}")
        return
    with stats.lock:
        stats.failures.append(f"gave up after {max_attempts} attempts: {path}")


def cpu_ticks(pids) -> dict[int, int]:
    """utime + stime (clock ticks) of each live process in ``pids``."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = int(fields[11]) + int(fields[12])
    return out


def children_of(ppid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == ppid:
                kids.append(int(entry.name))
    return kids


def db_backends(db: str) -> list[int]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [db]
        )
        return [r[0] for r in cur.fetchall()]


def run_load(port, plan, clients, stats):
    queue = list(plan)
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                path, body, token = queue.pop()
            one_request(port, path, body, token, stats)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0


def api(port, method, path, token, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request(
        method,
        path,
        json.dumps(body) if body is not None else None,
        {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    resp = conn.getresponse()
    data = json.loads(resp.read() or b"null")
    conn.close()
    return resp.status, data


def independent_recount(vote_id) -> dict:
    """Art. 278 counts written from the statute with Fractions, from the ballot rows."""
    from linli.voting.models import Ballot, Elector

    electors = {e.pk: e for e in Elector.objects.filter(vote_id=vote_id)}
    ballots = {b.elector_id: b.choice for b in Ballot.objects.filter(vote_id=vote_id)}
    owner_of = {pk: tuple(sorted(e.owner_ids)) for pk, e in electors.items()}
    total_area = sum(Fraction(e.area) for e in electors.values())
    voted = [pk for pk in electors if pk in ballots]
    part_area = sum(Fraction(electors[pk].area) for pk in voted)
    agree_area = sum(Fraction(electors[pk].area) for pk in voted if ballots[pk] == "agree")
    persons: dict[tuple, list[str]] = {}
    for pk in voted:
        persons.setdefault(owner_of[pk], []).append(ballots[pk])
    all_persons = set(owner_of.values())
    part_persons = len(persons)
    agree_persons = sum(1 for v in persons.values() if all(c == "agree" for c in v))
    participation = part_area * 3 >= total_area * 2 and part_persons * 3 >= len(all_persons) * 2
    agree = agree_area * 2 > part_area and agree_persons * 2 > part_persons
    return {
        "total_area": total_area,
        "participating_area": part_area,
        "agreeing_area": agree_area,
        "total_owners": len(all_persons),
        "participating_owners": part_persons,
        "agreeing_owners": agree_persons,
        "passed": participation and agree,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--voters", type=int, default=1000)
    p.add_argument("--per-voter", type=int, default=5, help="requests per voter (3 keys + dups)")
    p.add_argument("--clients", type=int, default=100)
    p.add_argument("--workers", type=int, default=8, help="threads per gunicorn worker")
    p.add_argument("--procs", type=int, default=3, help="gunicorn worker processes")
    p.add_argument("--port", type=int, default=0, help="0: a free port")
    p.add_argument("--db", default="linli_load")
    p.add_argument(
        "--pg",
        default=os.environ.get("DATABASE_URL", "postgres://root@127.0.0.1:5432/linli"),
        help="any URL of the PostgreSQL server (the database name is replaced by --db)",
    )
    p.add_argument("--app-root", default=str(ROOT), help="checkout to serve (default: this one)")
    p.add_argument("--seed", type=int, default=278)
    args = p.parse_args(argv)

    if not args.port:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            args.port = sock.getsockname()[1]
    t_setup = time.perf_counter()
    data = setup(args.db, args.pg, args.voters)
    print(f"setup: {args.voters} flats/owners, vote #{data['vote_id']} open "
          f"({time.perf_counter() - t_setup:.1f} s)", flush=True)  # fmt: skip
    app_root = Path(args.app_root).resolve()
    env = os.environ | {
        "DATABASE_URL": pg_url(args.db, args.pg),
        "DEBUG": "0",
        "CONN_MAX_AGE": "600",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # plain HTTP on loopback (production settings redirect to https otherwise)
        "LINLI_LOOPBACK_HTTP": "1",
        "HOST": "127.0.0.1",
        "PORT": str(args.port),
        "WEB_CONCURRENCY": str(args.procs),
        "GUNICORN_THREADS": str(args.workers),
        "LINLI_API_RATE_AUTH": "100000/m",
        "PYTHONPATH": str(app_root),
    }
    log_path = Path("/tmp") / f"linli-load-{args.port}.log"
    log = open(log_path, "w")  # noqa: SIM115 — the server's access log, kept for reading
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-c", str(app_root / "linli" / "gunicorn_conf.py")],
        env=env,
        cwd=app_root,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        vote_id, staff_key = data["vote_id"], data["staff_key"]
        for _ in range(600):
            try:
                status, _ = api(args.port, "GET", f"/api/votes/{vote_id}", staff_key)
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
            if server.poll() is not None:
                print(f"server exited (log: {log_path})")
                return 1
        else:
            print(f"server did not come up (log: {log_path})")
            return 1
        rng = random.Random(args.seed)
        path = f"/api/votes/{vote_id}/ballots"
        plan = []
        for i, v in enumerate(data["voters"]):
            keys = [f"v{i}-k{j}" for j in range(3)]
            choices = [rng.choice(["agree", "agree", "agree", "disagree", "abstain"]) for _ in keys]
            reqs = [(keys[j], choices[j]) for j in range(3)]
            reqs += [reqs[0], reqs[2]][: max(0, args.per_voter - 3)]
            for key, choice in reqs:
                body = {"flat_id": v["flat_id"], "choice": choice, "idempotency_key": key}
                plan.append((path, body, v["key"]))
        rng.shuffle(plan)
        # warm every worker (first requests import lazily) before the clock starts
        for _ in range(args.procs * args.workers):
            api(args.port, "GET", f"/api/votes/{vote_id}", staff_key)
        workers = children_of(server.pid)
        backends = db_backends(args.db)
        app0, db0 = cpu_ticks(workers), cpu_ticks(backends)
        stats = Stats()
        elapsed = run_load(args.port, plan, args.clients, stats)
        load = os.getloadavg()
        app1 = cpu_ticks(children_of(server.pid))
        db1 = cpu_ticks(db_backends(args.db))
        tick = os.sysconf("SC_CLK_TCK")
        app_cpu = sum(v - app0.get(pid, 0) for pid, v in app1.items()) / tick
        db_cpu = sum(v - db0.get(pid, 0) for pid, v in db1.items()) / tick

        status, result = api(args.port, "POST", f"/api/votes/{vote_id}/close", staff_key,
                             {"reason": "压测结束"})  # fmt: skip
        assert status == 200, (status, result)
        status, recount = api(args.port, "POST", f"/api/votes/{vote_id}/recount", staff_key)
    finally:
        server.terminate()
        try:  # on a busy machine the workers may take longer than gunicorn's grace to exit
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()

    from django.db.models import Count, Max

    from linli.voting.models import Ballot, BallotCast

    ballots = Ballot.objects.filter(vote_id=vote_id)
    per_elector = ballots.values("elector_id").annotate(n=Count("id")).filter(n__gt=1).count()
    casts = BallotCast.objects.filter(vote_id=vote_id)
    cast_counts = Counter(
        casts.values("elector_id").annotate(n=Count("id")).values_list("n", flat=True)
    )
    last_cast = dict(
        casts.values("elector_id").annotate(m=Max("id")).values_list("elector_id", "m")
    )
    last_choice = dict(
        BallotCast.objects.filter(id__in=last_cast.values()).values_list("elector_id", "choice")
    )
    mismatched_last = sum(1 for b in ballots if last_choice.get(b.elector_id) != b.choice)
    mine = independent_recount(vote_id)
    c = result["counts"]
    same = (
        Fraction(c["total_area"]) == mine["total_area"]
        and Fraction(c["participating_area"]) == mine["participating_area"]
        and Fraction(c["agreeing_area"]) == mine["agreeing_area"]
        and c["total_owners"] == mine["total_owners"]
        and c["participating_owners"] == mine["participating_owners"]
        and c["agreeing_owners"] == mine["agreeing_owners"]
        and result["passed"] == mine["passed"]
    )
    lat = sorted(stats.latencies)

    def pct(q):
        return lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 if lat else float("nan")

    n5xx = sum(n for s, n in stats.status.items() if isinstance(s, int) and s >= 500)
    # lost: a voter whose accepted casts are not all recorded, or whose counted ballot is
    # missing or not their last cast; doubled: a second counted ballot or a cast recorded twice
    lost = (
        args.voters
        - ballots.count()
        + sum(n * max(0, 3 - k) for k, n in cast_counts.items())
        + (args.voters - sum(cast_counts.values())) * 3
        + mismatched_last
    )
    doubled = per_elector + sum(n * max(0, k - 3) for k, n in cast_counts.items())
    casts_per_s = len(plan) / elapsed
    rows = [
        ("requests (logical)", f"{len(plan)}"),
        ("voters / clients / gunicorn workers × threads",
         f"{args.voters} / {args.clients} / {args.procs} × {args.workers}"),
        ("wall time", f"{elapsed:.1f} s"),
        ("throughput", f"{casts_per_s:.0f} casts/s"),
        ("latency p50 / p95 / p99 / max",
         f"{pct(0.5):.0f} / {pct(0.95):.0f} / {pct(0.99):.0f} / {lat[-1] * 1000:.0f} ms"),
        ("CPU per cast: app / db", f"{app_cpu / len(plan) * 1000:.1f} / {db_cpu / len(plan) * 1000:.1f} ms"),
        ("load average (1/5/15 min)", " ".join(f"{x:.2f}" for x in load)),
        ("HTTP answers", ", ".join(f"{k}: {v}" for k, v in sorted(stats.status.items(), key=str))),
        ("retries", f"{stats.retries}"),
        ("5xx answers", f"{n5xx}"),
        ("failed requests", f"{len(stats.failures)}"),
        ("counted ballots", f"{ballots.count()} (voters with >1 ballot: {per_elector})"),
        ("recorded casts per voter", ", ".join(f"{k}: {v}" for k, v in sorted(cast_counts.items()))),
        ("counted ballot ≠ voter's last cast", f"{mismatched_last}"),
        ("signed result = independent recount", "yes" if same else "NO"),
        ("server recount agrees", "yes" if recount.get("agrees") else "NO"),
        ("outcome", f"{'通过' if result['passed'] else '未通过'}; participating "
                    f"{c['participating_owners']}/{c['total_owners']} owners, agree {c['agreeing_owners']}"),
    ]  # fmt: skip
    width = max(len(r[0]) for r in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    ok = (
        n5xx == 0
        and not stats.failures
        and ballots.count() == args.voters
        and per_elector == 0
        and cast_counts == Counter({3: args.voters})
        and mismatched_last == 0
        and same
        and recount.get("agrees")
    )
    recount_ok = "ok" if same and recount.get("agrees") else "FAILED"
    print(
        f"ballots: casts_per_s={casts_per_s:.0f} p50_ms={pct(0.5):.0f} p99_ms={pct(0.99):.0f} "
        f"lost={lost} doubled={doubled} recount={recount_ok} "
        f"app_cpu_ms={app_cpu / len(plan) * 1000:.1f} db_cpu_ms={db_cpu / len(plan) * 1000:.1f} "
        f"load={load[0]:.2f}"
    )
    for f in stats.failures[:10]:
        print("  ", f)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
