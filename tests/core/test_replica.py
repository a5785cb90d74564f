"""Read replicas against a real PostgreSQL streaming replica (issue 15).

A second cluster is cloned from the running one with ``pg_basebackup`` into a temporary
directory and started on a free port on 127.0.0.1 as a hot standby. Replay on the replica is
paused to make replication lag visible: a page read from the replica then lacks the newest
row, which proves where it was read; the browser that wrote it reads from the primary and
sees it (read-your-own-writes). Runs in the PostgreSQL pass of ``make test``
(scripts/ensure_postgres.sh allows replication connections from 127.0.0.1).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from linli.core import db_routers

pytestmark = [
    pytest.mark.postgres_replica,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="只读副本测试需要 PostgreSQL（在 make test 的 PostgreSQL 轮次中运行）",
    ),
]


def pg_tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_owner(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run the server as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def pg_replica(django_db_setup, django_db_blocker):
    """A hot-standby replica of the test cluster on 127.0.0.1 (alias ``replica1``)."""
    basebackup, pg_ctl = pg_tool("pg_basebackup"), pg_tool("pg_ctl")
    if basebackup is None or pg_ctl is None:
        pytest.skip("pg_basebackup/pg_ctl 不可用：无法建立只读副本（请安装 PostgreSQL 服务器程序）")
    with django_db_blocker.unblock():
        primary = dict(connections["default"].settings_dict)
        with connection.cursor() as cur:
            cur.execute(
                "SELECT current_setting('max_connections'), current_setting('max_worker_processes'),"
                " current_setting('max_wal_senders'), current_setting('max_prepared_transactions'),"
                " current_setting('max_locks_per_transaction')"
            )
            limits = cur.fetchone()
    workdir = Path(tempfile.mkdtemp(prefix="linli-replica-", dir="/tmp"))
    data = workdir / "data"
    port = free_port()
    env = os.environ | {"PGPASSWORD": primary.get("PASSWORD") or ""}
    backup = subprocess.run(
        [basebackup, "-h", primary["HOST"] or "127.0.0.1", "-p", str(primary["PORT"] or 5432),
         "-U", primary["USER"], "-D", str(data), "-R", "-X", "stream", "-c", "fast"],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if backup.returncode != 0:
        shutil.rmtree(workdir, ignore_errors=True)
        pytest.fail(
            "pg_basebackup 失败（主库须允许来自 127.0.0.1 的复制连接，"
            f"见 scripts/ensure_postgres.sh）：{backup.stderr.strip()}"
        )
    # Debian keeps postgresql.conf and pg_hba.conf outside the data directory: write our own.
    (data / "postgresql.conf").write_text(
        f"listen_addresses = '127.0.0.1'\nport = {port}\n"
        f"unix_socket_directories = '{workdir}'\nhot_standby = on\n"
        "shared_buffers = 16MB\nfsync = off\n"
        f"max_connections = {limits[0]}\nmax_worker_processes = {limits[1]}\n"
        f"max_wal_senders = {limits[2]}\nmax_prepared_transactions = {limits[3]}\n"
        f"max_locks_per_transaction = {limits[4]}\n"
    )
    (data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
    for name in ("pg_ident.conf",):
        (data / name).touch()
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
        subprocess.run(["chown", "-R", "postgres:postgres", str(workdir)], check=True)
    os.chmod(data, 0o700)
    log = workdir / "replica.log"
    started = subprocess.run(
        as_owner([pg_ctl, "-D", str(data), "-l", str(log), "-w", "-t", "120", "start"]),
        capture_output=True, text=True,
    )  # fmt: skip
    if started.returncode != 0:
        text = log.read_text() if log.exists() else started.stderr
        shutil.rmtree(workdir, ignore_errors=True)
        pytest.fail(f"只读副本未能启动：{text[-2000:]}")
    connections.settings["replica1"] = primary | {
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "CONN_MAX_AGE": 0,
        "TEST": {"MIRROR": "default"},
    }
    try:
        yield "replica1"
    finally:
        try:
            connections["replica1"].close()
            del connections["replica1"]
        except Exception:  # noqa: BLE001
            pass
        connections.settings.pop("replica1", None)
        subprocess.run(
            as_owner([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(workdir, ignore_errors=True)


def on_replica(sql: str):
    with connections["replica1"].cursor() as cur:
        cur.execute(sql)
        return cur.fetchone()[0] if cur.description else None


def wait_for_replay(timeout: float = 60) -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_current_wal_lsn()::text")
        target = cur.fetchone()[0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connections["replica1"].cursor() as cur:
            cur.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cur.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("副本未在时限内追上主库")


@pytest.mark.django_db(transaction=True, databases=["default", "replica1"])
def test_reads_go_to_the_replica_and_the_writer_reads_its_own_write(pg_replica, settings):
    settings.ROOT_URLCONF = "tests.core.replica_urls"
    settings.DATABASE_REPLICAS = [pg_replica]
    settings.LINLI_REPLICA_PIN_SECONDS = 2
    assert on_replica("SELECT pg_is_in_recovery()") is True
    writer, reader = Client(), Client()

    assert writer.post("/open/districts", {"name": "杨浦区"}).status_code == 200
    wait_for_replay()
    page = reader.get("/open/districts").json()
    assert page == {"db": "replica1", "names": ["杨浦区"]}

    on_replica("SELECT pg_wal_replay_pause()")
    try:
        response = writer.post("/open/districts", {"name": "虹口区"})
        assert response.status_code == 200
        assert db_routers.PIN_COOKIE in response.cookies
        # the writer reads from the primary and sees its change at once
        mine = writer.get("/open/districts").json()
        assert mine == {"db": "default", "names": ["杨浦区", "虹口区"]}
        # anyone else reads the (paused, lagging) replica: the new row is not there yet
        theirs = reader.get("/open/districts").json()
        assert theirs == {"db": "replica1", "names": ["杨浦区"]}
        # pages outside the replica list always read the primary
        assert reader.get("/votes/districts").json()["db"] == "default"
        # once the pin has expired the writer reads the replica again
        time.sleep(2.2)
        assert writer.get("/open/districts").json()["db"] == "replica1"
        # a replica refuses writes: nothing may be routed there
        with pytest.raises(Exception, match="read-only"):
            on_replica("CREATE TABLE linli_must_not_exist (id int)")
    finally:
        on_replica("SELECT pg_wal_replay_resume()")
    wait_for_replay()
    assert reader.get("/open/districts").json()["names"] == ["杨浦区", "虹口区"]


@pytest.mark.django_db(transaction=True, databases=["default", "replica1"])
def test_reads_inside_a_transaction_stay_on_the_primary(pg_replica, settings):
    settings.DATABASE_REPLICAS = [pg_replica]
    from linli.places.models import District

    token = db_routers._read_alias.set(pg_replica)
    try:
        assert District.objects.all().db == pg_replica
        with transaction.atomic():
            assert District.objects.all().db == "default"
    finally:
        db_routers._read_alias.reset(token)
    assert District.objects.all().db == "default"  # outside a request: the primary
