"""Page latency at district scale on PostgreSQL: ``python -m bench.pages``.

Builds (once) or reuses the full-scale demo district (``demo_district --scale full``:
1.24 M residents, ~540,000 flats, 291 committees) in its own database (``--db``, default
``linli_bench``; building takes minutes, the database is kept for the next run), then
requests every role's home page, the list pages, the committee's workbench, building and
needs pages, the transparency pages, a vote result, dashboards, the API lists and the
committee's exports through Django's full request stack (every middleware, ``DEBUG`` off),
signed in as the demo logins. Prints one line per page::

    page: NAME p50_ms=… p95_ms=… queries=…

and the load average, which matters on a shared machine. Server time only (no network, no
gunicorn): the figures are what one request costs a worker.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def ensure_database(db: str, base_url: str, rebuild: bool) -> None:
    import psycopg

    admin = base_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone()
        if exists and rebuild:
            conn.execute(f'DROP DATABASE "{db}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{db}"')
    os.environ["DATABASE_URL"] = base_url.rsplit("/", 1)[0] + "/" + db
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    os.environ.setdefault("LINLI_LOOPBACK_HTTP", "1")  # plain HTTP like `make demo`
    os.environ.setdefault("LINLI_ACCESS_LOG_LEVEL", "WARNING")  # one line per request is noise
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.conf import settings

    # Static URLs without the collectstatic manifest (a dict lookup in production): the
    # benchmark must not depend on, or write, staticfiles/.
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    from linli.places.models import District

    if not District.objects.exists():
        print(f"building the full-scale district in {db} (minutes)…", file=sys.stderr, flush=True)
        call_command("demo_district", "--scale", "full", stdout=sys.stderr)


def user(mobile: str):
    from linli.accounts.models import User

    return User.objects.filter(mobile=mobile).first()


def pages() -> list[tuple[str, str | None, str]]:
    """(name, login mobile or None for anonymous, URL) for every page measured."""
    from django.urls import NoReverseMatch, reverse

    from linli.accounts.models import RoleAssignment
    from linli.needs.models import NeedsList
    from linli.places.models import Building
    from linli.projects.models import Project
    from linli.voting.models import Vote

    staff, resident, street_staff, admin = (
        "13800000004",
        "13800000002",
        "13800000005",
        "13800000006",
    )
    out: list[tuple[str, str | None, str]] = []
    homes = {
        "resident": resident, "building_leader": "13800000003", "committee_staff": staff,
        "street_staff": street_staff, "district_admin": admin, "planner": "13800000007",
        "owners_committee": "13800000008", "property": "13800000009", "partner": "13800000010",
    }  # fmt: skip
    for role, mobile in homes.items():
        if user(mobile) is not None:
            out.append((f"home:{role}", mobile, "/"))
    staff_user = user(staff)
    committee_id = (
        RoleAssignment.objects.filter(user=staff_user, committee__isnull=False)
        .values_list("committee_id", flat=True)
        .first()
    )
    street_id = (
        RoleAssignment.objects.filter(user=user(street_staff), street__isnull=False)
        .values_list("street_id", flat=True)
        .first()
    )
    district_id = (
        RoleAssignment.objects.filter(user=user(admin), district__isnull=False)
        .values_list("district_id", flat=True)
        .first()
    )
    for name in ("projects", "votes", "notices", "meetings", "surveys", "conversations"):
        out.append((f"list:{name}", staff, f"/{name}/"))
    if committee_id:
        out += [
            ("committee:workbench", staff, f"/places/committee/{committee_id}/"),
            ("committee:needs_board", staff, f"/needs/committee/{committee_id}/"),
            ("committee:need_lists", staff, f"/needs/committee/{committee_id}/lists/"),
        ]
        building = (
            Building.objects.filter(compound__committee_id=committee_id)
            .order_by("-floors", "id")
            .first()
        )
        if building:
            out.append(("committee:building", staff, f"/places/buildings/{building.pk}/"))
            out.append(("committee:compound", staff, f"/places/compounds/{building.compound_id}/"))
    if street_id:
        out.append(("street:need_lists", street_staff, f"/needs/street/{street_id}/lists/"))
    for name, who, route, args in (
        ("dashboard:street", street_staff, "dashboards:street", [street_id]),
        ("dashboard:district", admin, "dashboards:district", [district_id]),
    ):
        try:
            out.append((name, who, reverse(route, args=args)))
        except NoReverseMatch:
            pass
    vote = Vote.objects.filter(status=Vote.Status.CLOSED, committee_id=committee_id).first()
    vote = vote or Vote.objects.filter(status=Vote.Status.CLOSED).first()
    if vote:
        out.append(("vote:result", staff, f"/votes/{vote.pk}/result/"))
    project = Project.objects.filter(committee_id=committee_id).order_by("id").first()
    if project:
        out.append(("project:page", staff, f"/projects/{project.pk}/"))
        # the residents' money page needs a login (a resident of the project's committee or
        # its staff); the open-data pages below are the anonymous transparency pages
        out.append(("transparency:funding", staff, f"/funding/project/{project.pk}/public/"))
        out.append(("open:project_accounts", None, f"/open/projects/{project.pk}/accounts/"))
    out.append(("open:landing", None, "/open/"))
    if street_id:
        out.append(("open:street", None, f"/open/streets/{street_id}/"))
    if vote:
        out.append(("open:vote", None, f"/open/votes/{vote.pk}/"))
    need_list = NeedsList.objects.filter(committee_id=committee_id).order_by("id").first()
    published = (
        NeedsList.objects.filter(public_token__isnull=False)
        .exclude(public_token="")
        .order_by("id")
        .first()
    )
    if published:
        out.append(("transparency:needs_list", None, f"/needs/public/{published.public_token}/"))
    for name in ("projects", "votes", "notices", "needs", "meetings", "surveys"):
        out.append((f"api:{name}", staff, f"/api/{name}/"))
    if committee_id:
        out.append(
            ("export:roster_xlsx", staff, f"/places/roster/committee/{committee_id}/export.xlsx")
        )
    if need_list:
        out.append(("export:needs_pdf", staff, f"/needs/list/{need_list.pk}/pdf/"))
        out.append(("export:needs_xlsx", staff, f"/needs/list/{need_list.pk}/xlsx/"))
    return out


def measure(
    name: str, mobile: str | None, url: str, repeat: int
) -> tuple[float, float, int, int, str, float]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1")
    if mobile:
        client.force_login(user(mobile))
    # homes redirect to the role's own page: measure the page the user lands on
    # ``first``: the first request of the page in this process (cold caches: the
    # dashboards compute their figures here, later requests read them from the cache)
    t0 = time.perf_counter()
    response = client.get(url)
    first = (time.perf_counter() - t0) * 1000
    hops = 0
    while response.status_code in (301, 302) and hops < 5:
        url = response["Location"]
        t0 = time.perf_counter()
        response = client.get(url)
        first = (time.perf_counter() - t0) * 1000
        hops += 1
    status = response.status_code
    if mobile is None and "/accounts/login" in url:
        status = 302  # an anonymous page that sends to the login page is not measured
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    queries = len(ctx.captured_queries)  # read now: reset_queries() below empties the log
    times = []
    for _ in range(repeat):
        reset_queries()
        t0 = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return p50, p95, queries, status, url, first


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", default="linli_bench")
    p.add_argument(
        "--pg", default=os.environ.get("DATABASE_URL", "postgres://root@127.0.0.1:5432/linli")
    )
    p.add_argument("--repeat", type=int, default=15, help="timed requests per page")
    p.add_argument("--export-repeat", type=int, default=5)
    p.add_argument("--only", default="", help="measure pages whose name contains this")
    p.add_argument("--rebuild", action="store_true", help="drop and rebuild the database")
    args = p.parse_args(argv)
    if not args.pg.startswith("postgres"):
        print("bench.pages needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    ensure_database(args.db, args.pg, args.rebuild)
    from linli.places.models import Person

    print(f"database {args.db}: {Person.objects.count():,} persons", flush=True)
    worst = []
    for name, mobile, url in pages():
        if args.only and args.only not in name:
            continue
        repeat = args.export_repeat if name.startswith("export:") else args.repeat
        p50, p95, queries, status, final, first = measure(name, mobile, url, repeat)
        load = os.getloadavg()[0]
        flag = "" if status == 200 else f" status={status}"
        print(
            f"page: {name} p50_ms={p50:.0f} p95_ms={p95:.0f} queries={queries} "
            f"first_ms={first:.0f} load={load:.1f} url={final}{flag}",
            flush=True,
        )
        worst.append((p95, name))
    print(f"slowest p95: {', '.join(f'{n} {t:.0f} ms' for t, n in sorted(worst)[-3:][::-1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
