"""Shared test setup: fast hasher, immediate tasks, in-memory SMS, temporary media."""

from __future__ import annotations

import os
import pathlib
import shutil

import pytest


@pytest.fixture(scope="session", autouse=True)
def _plain_http_on_loopback(django_test_environment):
    """The test client and the live server speak plain HTTP on loopback, exactly what
    `make demo` allows with LINLI_LOOPBACK_HTTP=1 (that flag cannot be used here: the test
    host "testserver" is not a loopback name). Without this every request would be redirected
    to https. Session-wide, because the live server's SecurityMiddleware reads the redirect
    setting once, when the server starts. The HTTPS-only defaults are tested in
    tests/core/test_deploy.py."""
    from django.test import override_settings

    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        SECURE_HSTS_SECONDS=0,
    ):
        yield


@pytest.fixture(autouse=True)
def _source_language_again():
    """A request in English leaves English active in the test's thread: restore the
    default so that later tests (which read Chinese messages) are not affected."""
    yield
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.LINLI_SMS_SENDER = "linli.accounts.sms.MemorySmsSender"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # API throttle counts live in the process cache: every test starts from zero.
    from django.core.cache import cache

    cache.clear()
    from linli.accounts.sms import MemorySmsSender

    MemorySmsSender.outbox.clear()


@pytest.fixture
def world(db):
    """Two committees in two streets of one district, each with a compound, flats and people."""
    from tests.factories import build_world

    return build_world()


def pytest_sessionstart(session):
    """The engine and browser tests read real data from ../shared/data: refuse to run without it,
    so that no data-driven test can be skipped silently."""
    import pathlib

    shared = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "data"
    if not (shared / "pabulib").is_dir() or not (shared / "polis").is_dir():
        raise pytest.UsageError(f"找不到共享数据目录 {shared}（应位于仓库旁的 shared/data）")


# One headless Chromium (Debian's) for every browser test of the run: Playwright's sync API
# allows one running instance per thread, so test modules must share this fixture.
CHROMIUM = os.environ.get("LINLI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM) and not pathlib.Path(CHROMIUM).exists():
        pytest.fail(f"找不到 Chromium：{CHROMIUM}（make test 会通过 apt 安装 chromium）")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
