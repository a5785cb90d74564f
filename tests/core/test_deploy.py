"""Production settings are the default: check --deploy is clean with no environment at all,
the secret key is per installation, plain HTTP is allowed only on loopback, health
endpoints answer, and error pages are the product's own Chinese pages."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory

from linli.core.installation import all_loopback, installation_secret_key, is_loopback_host

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env=None, timeout=120):
    """Run manage.py with only PATH (and the given variables) in the environment."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **(env or {})}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_check_deploy_is_clean_with_no_environment_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_defaults_are_production_settings():
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS > 0, len(s.SECRET_KEY) >= 50)"
    )
    result = _manage("shell", "-v", "0", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "True", "True"]


def test_loopback_http_relaxes_only_https_settings_on_loopback():
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_HTTPONLY)"
    )
    result = _manage("shell", "-v", "0", "-c", code, env={"LINLI_LOOPBACK_HTTP": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "False", "False", "0", "True"]


@pytest.mark.parametrize("hosts", ["linli.example.org", "127.0.0.1,linli.example.org", "*"])
def test_loopback_http_refuses_any_other_host(hosts):
    result = _manage("check", env={"LINLI_LOOPBACK_HTTP": "1", "ALLOWED_HOSTS": hosts})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "LINLI_LOOPBACK_HTTP=1 只能用于本机回环地址" in result.stderr


def test_loopback_names():
    assert all_loopback(["127.0.0.1", "localhost", "[::1]", "127.0.0.2", "demo.localhost"])
    for host in ["0.0.0.0", "10.0.0.1", "linli.example.org", "*", ".localhost", "", "::"]:
        assert not is_loopback_host(host), host
    assert not all_loopback([])


def test_secret_key_is_generated_once_per_installation(tmp_path):
    path = tmp_path / "db" / "secret_key"
    key = installation_secret_key(path)
    assert len(key) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert installation_secret_key(path) == key  # stable across restarts
    assert installation_secret_key(tmp_path / "other" / "secret_key") != key
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_secret_key_comes_from_the_environment_when_given():
    result = _manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings as s; print(s.SECRET_KEY, s.SECRET_KEY_FALLBACKS)",
        env={"SECRET_KEY": "k" * 60, "SECRET_KEY_FALLBACKS": "old-one,older-one"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "k" * 60 + " ['old-one', 'older-one']"


def test_the_repository_has_no_secret_key_default():
    settings_py = (ROOT / "linli" / "settings.py").read_text()
    assert "insecure" not in settings_py
    ignored = subprocess.run(
        ["git", "check-ignore", "db/secret_key"], cwd=ROOT, capture_output=True, text=True
    )
    assert ignored.returncode == 0  # the installation's key never lands in git


def test_https_redirect_exempts_health_checks(settings):
    settings.SECURE_SSL_REDIRECT = True  # production; the test fixture turned it off
    client = Client()
    assert client.get("/projects/").status_code == 301
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_readyz_reports_503_when_the_database_fails(client, monkeypatch):
    from django.db import connections

    def broken_cursor(*args, **kwargs):
        raise ConnectionError("database down")

    monkeypatch.setattr(connections["default"], "cursor", broken_cursor)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


@pytest.mark.django_db
def test_missing_page_is_the_chinese_error_page_without_url_patterns(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "找不到页面" in html and "页面不存在" in html
    assert "Using the URLconf" not in html and "Page not found" not in html


def test_server_error_page_renders_without_database_access():
    """No `db` fixture: pytest-django fails any query, so this proves none is made."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.functional import SimpleLazyObject

    from linli.core.views import server_error

    request = RequestFactory().get("/")
    request.session = SessionStore("a-session-key-the-database-would-be-asked-about")

    def load_user():
        raise AssertionError("the 500 page must not load the user")

    request.user = SimpleLazyObject(load_user)
    response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "服务器错误" in html and "服务器出错了" in html


@pytest.mark.django_db
def test_unhandled_exception_gives_the_chinese_500_page(settings):
    from django.urls import path

    import linli.urls

    def boom(request):
        raise RuntimeError("boom")

    settings.ROOT_URLCONF = type(
        "Urls",
        (),
        {
            "urlpatterns": [path("boom/", boom), *linli.urls.urlpatterns],
            "handler500": linli.urls.handler500,
        },
    )
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "服务器出错了" in html and "Traceback" not in html and "boom" not in html


def test_oversized_request_is_refused_before_it_is_read(client, settings):
    settings.LINLI_MAX_REQUEST_BYTES = 1024
    response = client.generic(
        "POST",
        "/api/accounts/sms-code",
        b"x" * 2048,
        content_type="application/json",
    )
    assert response.status_code == 413
    assert "请求内容过大" in response.json()["detail"]
    response = client.generic("POST", "/accounts/login/", b"x" * 2048)
    assert response.status_code == 413 and "请求内容过大" in response.content.decode()


@pytest.mark.django_db
def test_access_log_has_time_and_query_count(client, caplog, world):
    import json

    client.force_login(world.users.staff_a)
    with caplog.at_level("INFO", logger="linli.access"):
        client.get("/projects/")
    line = json.loads([r for r in caplog.records if r.name == "linli.access"][-1].getMessage())
    assert line["method"] == "GET" and line["path"] == "/projects/"
    assert line["status"] == 200
    assert line["duration_ms"] > 0 and line["queries"] > 0
    assert line["user"] == world.users.staff_a.pk


def test_gunicorn_config_takes_workers_from_the_cores():
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "linli/gunicorn_conf.py",
            "--print-config",
        ],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), "PORT": "18999"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config = {
        name.strip(): value.strip()
        for name, value in (
            line.split("=", 1) for line in result.stdout.splitlines() if "=" in line
        )
    }
    cores = len(os.sched_getaffinity(0))
    assert config["workers"] == str(2 * cores + 1)
    assert config["bind"] == "['127.0.0.1:18999']"
    assert config["limit_request_line"] == "4094"
