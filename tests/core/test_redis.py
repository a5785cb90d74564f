"""Cache, sessions and background tasks on Redis when REDIS_URL is set (issue 15).

The settings are checked in a fresh interpreter (they are read from the environment at
import). The live tests use a Redis on 127.0.0.1:6379: one that answers, or a
redis-server started here for the session (scripts/sysdeps.sh installs it); they skip only
when neither is possible.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import pytest
from django_tasks import task

REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own, flushed by these tests


def settings_with(env: dict) -> dict:
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({'caches': settings.CACHES['default']['BACKEND'],"
        " 'session': settings.SESSION_ENGINE, 'tasks': settings.TASKS['default']['BACKEND'],"
        " 'apps': [a for a in settings.INSTALLED_APPS if 'rq' in a]}))"
    )
    base = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "linli.settings",
        "SECRET_KEY": "x" * 50,
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=base | env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-1500:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_embedded_default_needs_no_redis():
    conf = settings_with({})
    assert conf["caches"] == "django.core.cache.backends.locmem.LocMemCache"
    assert conf["session"] == "django.contrib.sessions.backends.db"
    assert conf["tasks"] == "django_tasks_db.DatabaseBackend"
    assert conf["apps"] == []


def test_redis_url_moves_cache_sessions_and_tasks():
    conf = settings_with({"REDIS_URL": REDIS_URL, "TASKS_BACKEND": "rq"})
    assert conf["caches"] == "django_redis.cache.RedisCache"
    assert conf["session"] == "django.contrib.sessions.backends.cache"
    assert conf["tasks"] == "django_tasks_rq.RQBackend"
    assert conf["apps"] == ["django_rq", "django_tasks_rq"]


def test_rq_tasks_without_redis_is_refused_in_chinese():
    code = "import django; django.setup()"
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "linli.settings",
           "SECRET_KEY": "x" * 50, "TASKS_BACKEND": "rq"}  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode != 0 and "需要设置 REDIS_URL" in out.stderr


def answers(port: int = 6379) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_server():
    """A Redis on 127.0.0.1:6379, started for the session when none answers."""
    if answers():
        yield REDIS_URL
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip(
            "127.0.0.1:6379 无 Redis 应答且未安装 redis-server（scripts/sysdeps.sh 会安装）"
        )
    workdir = tempfile.mkdtemp(prefix="linli-redis-")
    proc = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", "6379", "--save", "", "--appendonly", "no",
         "--dir", workdir],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        if answers():
            break
        time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("redis-server 未能在 127.0.0.1:6379 启动")
    try:
        yield REDIS_URL
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def on_redis(redis_server, settings):
    import redis

    client = redis.Redis.from_url(redis_server)
    client.flushdb()
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_server,
            "KEY_PREFIX": "linli-test",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.RQ_QUEUES = {"default": {"URL": redis_server}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    yield client
    client.flushdb()


@pytest.mark.django_db
def test_session_and_cache_live_in_redis(on_redis, world, client):
    from django.core.cache import cache

    cache.set("投票", 278)
    assert cache.get("投票") == 278
    assert any(b"linli-test" in key for key in on_redis.keys("*"))
    # a login's session is stored in Redis, not in the database table
    client.force_login(world.users.staff_a)
    from django.contrib.sessions.models import Session

    assert not Session.objects.exists()
    assert any(b"django.contrib.sessions.cache" in key for key in on_redis.keys("*"))
    home = client.get("/")  # the session read back from Redis: the staff's home, not a login
    assert home.status_code == 302 and home["Location"].startswith("/places/committee/")


@task()
def add(a: int, b: int) -> int:
    return a + b


@pytest.mark.django_db
def test_tasks_queue_in_redis_and_an_rq_worker_runs_them(on_redis):
    from django_rq import get_worker
    from django_tasks_rq import Job

    result = add.enqueue(2, 3)
    assert result.status == "READY"
    assert on_redis.llen("rq:queue:default") == 1
    get_worker("default", job_class=Job).work(burst=True)
    result.refresh()
    assert result.status == "SUCCESSFUL" and result.return_value == 5
