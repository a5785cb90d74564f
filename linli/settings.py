"""Settings for Linli, read from the environment.

Defaults give a working embedded setup (SQLite file under ``db/``); ``DATABASE_URL``
switches to PostgreSQL (psycopg 3), e.g. ``postgres://root@127.0.0.1:5432/linli``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from linli.core.installation import all_loopback, installation_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Production is the default (docs/deploy.md): DEBUG only when asked for with DEBUG=1, and a
# secret key per installation — from the environment, or generated once and kept in
# db/secret_key (git-ignored, mode 600). Old keys go in SECRET_KEY_FALLBACKS while rotating.
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or installation_secret_key(
    Path(os.environ.get("SECRET_KEY_FILE") or BASE_DIR / "db" / "secret_key")
)
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# HTTPS only: secure cookies, HSTS and a redirect to https. The one exception is
# LINLI_LOOPBACK_HTTP=1 (what `make demo` passes), which relaxes exactly these for plain
# HTTP on this machine and refuses to start when any allowed host is not a loopback name.
LINLI_LOOPBACK_HTTP = env_bool("LINLI_LOOPBACK_HTTP", False)
if LINLI_LOOPBACK_HTTP and not all_loopback(ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "LINLI_LOOPBACK_HTTP=1 只能用于本机回环地址（127.0.0.1、localhost、::1），"
        f"但 ALLOWED_HOSTS 含有其他主机：{', '.join(ALLOWED_HOSTS) or '（空）'}。"
        "对外服务请在前面配置 TLS（见 docs/deploy.md），不要设置 LINLI_LOOPBACK_HTTP。"
    )
HTTPS_ONLY = not LINLI_LOOPBACK_HTTP
SECURE_SSL_REDIRECT = HTTPS_ONLY
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Load balancers probe these over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Reverse proxies in front of the app (nginx: 1). Only then are X-Forwarded-Proto and
# X-Forwarded-For believed (client address for login throttling, https detection).
LINLI_TRUSTED_PROXIES = int(os.environ.get("LINLI_TRUSTED_PROXIES", "0"))
if LINLI_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
NINJA_NUM_PROXIES = LINLI_TRUSTED_PROXIES

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "linli.core",
    "linli.audit",
    "linli.accounts",
    "linli.places",
    "linli.projects",
    "linli.needs",
    "linli.surveys",
    "linli.opinions",
    "linli.planning",
    "linli.deliberation",
    "linli.voting",
    "linli.notices",
    "linli.funding",
    "linli.implementation",
    "linli.process",
    "linli.evaluation",
    "linli.notifications",
    "linli.partners",
    "linli.activities",
    "linli.dashboards",
    "linli.maps",
    "linli.opendata",
    "linli.demo",
]

MIDDLEWARE = [
    "linli.core.middleware.AccessLogMiddleware",
    "linli.core.middleware.RequestSizeLimitMiddleware",
    "linli.core.middleware.RejectNulBytesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # POST /api/votes/{id}/ballots with a bearer token: the short path (voting/fastcast.py)
    "linli.voting.fastcast.FastCastMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "linli.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "linli.core.middleware.ServiceErrorMiddleware",
]

ROOT_URLCONF = "linli.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "linli.core.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "linli.wsgi.application"
ASGI_APPLICATION = "linli.asgi.application"


def default_sqlite_url(base_dir: Path) -> str:
    """The embedded database under db/, a folder git ignores and a fresh clone lacks."""
    folder = base_dir / "db"
    folder.mkdir(exist_ok=True)
    return f"sqlite:///{folder / 'linli.sqlite3'}"


DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or default_sqlite_url(BASE_DIR),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout keep the embedded database usable with a dev server and a
    # background worker writing at the same time.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Tests use a file, not shared-cache memory, so concurrent-writer tests see the same
    # locking (WAL + busy timeout) as the real embedded database.
    # One file per test process, so parallel runs never share it.
    import tempfile

    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
        Path(tempfile.gettempdir()) / f"linli-test-{os.getpid()}.sqlite3"
    )
else:
    # Likewise one test database per test process on PostgreSQL.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = (
        f"test_{DATABASES['default']['NAME']}_{os.getpid()}"
    )

# Read replicas (docs/scaling.md): DATABASE_REPLICA_URLS, comma-separated PostgreSQL URLs of
# streaming replicas. Reads of dashboards, open data and exports go to one of them
# (linli.core.db_routers); a browser that has just written reads from the primary for
# LINLI_REPLICA_PIN_SECONDS (its own writes are never missing from the next page).
DATABASE_REPLICAS = []
for _i, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), 1):
    _alias = f"replica{_i}"
    DATABASES[_alias] = dj_database_url.parse(
        _url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0"))
    )
    DATABASES[_alias]["TEST"] = {"MIRROR": "default"}  # tests read the test database
    DATABASE_REPLICAS.append(_alias)
DATABASE_ROUTERS = ["linli.core.db_routers.ReplicaRouter"]
# PostgreSQL's JIT compiles any query whose estimated cost passes jit_above_cost; the
# dashboards' aggregates (UNION ALL of every participation source, LEFT JOINs to persons)
# are estimated at ~10^5 rows and spent 4.5 s compiling to read 230 rows (157 ms without
# it, docs/scaling.md). Short OLTP queries never gain from it: off on every connection.
for _db in DATABASES.values():
    if _db["ENGINE"] == "django.db.backends.postgresql":
        _opts = _db.setdefault("OPTIONS", {})
        _opts["options"] = (_opts.get("options", "") + " -c jit=off").strip()
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
    "linli.core.db_routers.ReplicaReadsMiddleware",
)
LINLI_REPLICA_PIN_SECONDS = int(os.environ.get("LINLI_REPLICA_PIN_SECONDS", "15"))
LINLI_REPLICA_PATHS = env_list(
    "LINLI_REPLICA_PATHS",
    r"^/dashboards/,^/open/,^/api/open,/export,\.(xlsx|pdf|csv|pb)$",
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "linli.accounts.backends.MobilePasswordBackend",
    "linli.accounts.backends.SmsCodeBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end libraries come from npm (package.json + package-lock.json) and are served
# straight out of node_modules/, never pasted into the repository.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/leaflet.markercluster", NODE_MODULES / "leaflet.markercluster" / "dist"),
    ("vendor/swagger-ui", NODE_MODULES / "swagger-ui-dist"),
]
# Served by WhiteNoise from STATIC_ROOT (`manage.py collectstatic`, run by `make demo`):
# content-hashed names cached for a year, gzip and brotli variants made at collect time.
# With DEBUG=1 WhiteNoise serves straight from the finders instead.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Pages link only hashed names; source maps are for developer tools, not worth compressing.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
STATICFILES_FINDERS = [
    "linli.core.staticfiles.TrimmedFileSystemFinder",  # leaves out npm files no page uses
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Request bodies: form and JSON data (files excluded) up to 2.5 MB; a whole request with its
# files up to LINLI_MAX_REQUEST_BYTES (the largest upload is a 20 MB planning PDF), refused
# with 413 from Content-Length before anything is read (core.middleware). nginx and
# gunicorn cap the request line and headers (docs/deploy.md, linli/gunicorn_conf.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
LINLI_MAX_REQUEST_BYTES = int(os.environ.get("LINLI_MAX_REQUEST_BYTES", str(25 * 1024 * 1024)))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Redis (docs/scaling.md), only when REDIS_URL is set; the embedded default needs none.
# Cache (API throttle counts, shared by every process) and sessions go to Redis; with
# TASKS_BACKEND=rq background tasks are queued in Redis through django-tasks-rq and run by
# `manage.py rqworker --job-class django_tasks_rq.Job` instead of `manage.py db_worker`.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("REDIS_KEY_PREFIX", "linli"),
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
    }
    SESSION_ENGINE = os.environ.get("SESSION_ENGINE", "django.contrib.sessions.backends.cache")
if TASKS["default"]["BACKEND"] in ("rq", "django_tasks_rq.RQBackend"):
    if not REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=rq 需要设置 REDIS_URL（任务队列存放在 Redis 中）")
    TASKS["default"] = {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]

# SMS sender used for login codes; the default writes the code to the log.
LINLI_SMS_SENDER = os.environ.get("LINLI_SMS_SENDER", "linli.accounts.sms.LogSmsSender")
LINLI_SMS_CODE_TTL_SECONDS = 300

# Login throttling (accounts.throttle): failures per account and per client address, counted
# in the database so every server process sees the same counts.
LINLI_PASSWORD_FAILURES_PER_ACCOUNT = int(
    os.environ.get("LINLI_PASSWORD_FAILURES_PER_ACCOUNT", "5")
)
LINLI_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LINLI_LOGIN_FAILURES_PER_ADDRESS", "30"))
LINLI_LOGIN_WINDOW_SECONDS = int(os.environ.get("LINLI_LOGIN_WINDOW_SECONDS", "900"))
LINLI_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LINLI_LOGIN_LOCKOUT_SECONDS", "900"))
# SMS codes sent: per number and per client address, per hour.
LINLI_SMS_PER_NUMBER_PER_HOUR = int(os.environ.get("LINLI_SMS_PER_NUMBER_PER_HOUR", "5"))
LINLI_SMS_PER_ADDRESS_PER_HOUR = int(os.environ.get("LINLI_SMS_PER_ADDRESS_PER_HOUR", "30"))
# API throttling (django-ninja): per signed-in user and per anonymous client address. Kept in
# the cache of each server process; generous enough for the load test's 100 clients.
LINLI_API_RATE_AUTH = os.environ.get("LINLI_API_RATE_AUTH", "1800/m")
LINLI_API_RATE_ANON = os.environ.get("LINLI_API_RATE_ANON", "60/m")

# One JSON line per request on the "linli.access" logger (core.middleware.AccessLogMiddleware):
# method, path, status, duration_ms, queries, user id. gunicorn's own access log stays off.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "message": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "access": {"class": "logging.StreamHandler", "formatter": "message"},
    },
    "loggers": {
        "linli": {"handlers": ["console"], "level": os.environ.get("LINLI_LOG_LEVEL", "INFO")},
        "linli.access": {
            "handlers": ["access"],
            "level": os.environ.get("LINLI_ACCESS_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        "django.request": {"handlers": ["console"], "level": "ERROR"},
    },
}

SESSION_COOKIE_AGE = 14 * 24 * 3600

# Content-Security-Policy (django-csp 4): scripts only from our own origin, never inline
# (user text that slipped through escaping still cannot run); no <base> re-pointing and
# forms post only to us. Styles keep 'unsafe-inline' for templates' style attributes and
# <style> blocks. See docs/security.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'self'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Maps (linli.maps): the base layer is drawn from the registry's own geometry, so no tile
# server is needed. A deployment that has one sets its URL template here (e.g.
# https://tiles.example.org/{z}/{x}/{y}.png); its origin is then allowed as an image source.
LINLI_MAP_TILE_URL = os.environ.get("LINLI_MAP_TILE_URL", "")
LINLI_MAP_TILE_ATTRIBUTION = os.environ.get("LINLI_MAP_TILE_ATTRIBUTION", "")
if LINLI_MAP_TILE_URL:
    from linli.maps.tiles import tile_origin

    if tile_origin(LINLI_MAP_TILE_URL):
        CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(tile_origin(LINLI_MAP_TILE_URL))
