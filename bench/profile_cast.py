"""Profile one ballot cast end to end, in one process, on PostgreSQL (run by hand).

    .venv/bin/python -m bench.profile_cast             # 300 casts through the full stack
    .venv/bin/python -m bench.profile_cast --service   # the service function alone
    .venv/bin/python -m bench.profile_cast --ninja     # without the short cast path

Builds the same estate as ``bench.load_votes`` in its own database (``--db``), then casts
``--casts`` ballots through Django's test client (every middleware, django-ninja, token
auth, the service, the JSON answer) under cProfile, timed by CPU time (``--wall`` for wall
time: on a busy machine that mostly measures waiting). Prints application CPU per cast
(``time.process_time``), SQL statements per cast and the top functions by cumulative time.
PostgreSQL's own CPU is not in these figures (``bench.load_votes`` measures both).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--voters", type=int, default=300)
    p.add_argument("--casts", type=int, default=300)
    p.add_argument("--db", default="linli_profile")
    p.add_argument("--service", action="store_true", help="profile ballot_cast only")
    p.add_argument("--top", type=int, default=30)
    p.add_argument(
        "--ninja", action="store_true", help="without FastCastMiddleware (the django-ninja path)"
    )
    p.add_argument("--wall", action="store_true", help="profile wall time instead of CPU time")
    p.add_argument(
        "--pg", default=os.environ.get("DATABASE_URL", "postgres://root@127.0.0.1:5432/linli")
    )
    args = p.parse_args()
    os.environ.setdefault("LINLI_LOOPBACK_HTTP", "1")  # plain HTTP, as the load test serves
    from bench.load_votes import setup

    data = setup(args.db, args.pg, args.voters)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from linli.places.models import Flat
    from linli.voting.models import Vote
    from linli.voting.services import ballot_cast

    voters = data["voters"]
    vote_id = data["vote_id"]
    path = f"/api/votes/{vote_id}/ballots"
    if args.ninja:
        from django.conf import settings
        from django.test.utils import override_settings

        override_settings(
            MIDDLEWARE=[m for m in settings.MIDDLEWARE if not m.endswith("FastCastMiddleware")]
        ).enable()
    client = Client(SERVER_NAME="127.0.0.1")

    def one(i: int) -> None:
        v = voters[i % len(voters)]
        body = {"flat_id": v["flat_id"], "choice": "agree", "idempotency_key": f"p{i}"}
        if args.service:
            from linli.accounts.services import api_token_user

            user = api_token_user(v["key"])
            ballot_cast(
                actor=user,
                vote=Vote.objects.get(pk=vote_id),
                flat=Flat.objects.get(pk=v["flat_id"]),
                choice="agree",
                idempotency_key=body["idempotency_key"],
            )
            return
        resp = client.post(
            path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {v['key']}"
        )
        assert resp.status_code == 200, (resp.status_code, resp.content[:300])

    for i in range(20):  # warm caches, connections, imports
        one(10_000 + i)
    with CaptureQueriesContext(connection) as ctx:
        one(20_000)
    queries = [q["sql"] for q in ctx.captured_queries]
    prof = cProfile.Profile() if args.wall else cProfile.Profile(time.process_time)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    prof.enable()
    for i in range(args.casts):
        one(i)
    prof.disable()
    cpu = (time.process_time() - cpu0) / args.casts * 1000
    wall = (time.perf_counter() - wall0) / args.casts * 1000
    # cProfile slows Python down; time an unprofiled batch too
    cpu1 = time.process_time()
    for i in range(args.casts):
        one(30_000 + i)
    cpu_plain = (time.process_time() - cpu1) / args.casts * 1000
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats(
        os.environ.get("PROFILE_SORT", "cumulative")
    ).print_stats(args.top)
    print(out.getvalue())
    print(f"SQL statements per cast: {len(queries)}")
    for q in queries:
        print("   ", q[:160])
    print(
        f"cast ({'service' if args.service else 'ninja' if args.ninja else 'full request'}): "
        f"app_cpu_ms={cpu_plain:.2f} (profiled {cpu:.2f}) wall_ms={wall:.2f} "
        f"queries={len(queries)} load={os.getloadavg()[0]:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.exit(main())
