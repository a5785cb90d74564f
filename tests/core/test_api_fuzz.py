"""Schema-driven fuzz of the whole REST API (schemathesis, in-process through WSGI).

Every operation of the published OpenAPI document gets requests generated from its schema
(valid and edge-case data: huge integers, empty and long strings, odd unicode), sent as a
signed-in district admin who may see all of the test world. The run fails when any answer
is a 5xx or a documented response does not match its published schema. Bounded: a few
examples per operation, no shrinking, about two minutes on the 2-core machine.
"""

from __future__ import annotations

import logging
import time

import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings

pytestmark = pytest.mark.django_db

EXAMPLES = 6  # per operation; ~200 operations, ~1,200 requests
BUDGET_SECONDS = 180  # past this (a loaded machine), the remaining operations get 2 examples


@pytest.fixture
def wsgi_app():
    """The real WSGI application on this thread and this test's database connection.

    Django closes "old" connections at the start and end of each request; inside a test
    transaction that would close the test's connection, so (as Django's test client does)
    the handler is detached for the duration."""
    app = get_wsgi_application()
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield app
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_api_survives_schema_driven_fuzzing(world, wsgi_app, settings):  # noqa: C901
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    from linli.accounts.services import api_token_create

    logging.getLogger("linli.access").setLevel(logging.WARNING)  # one line per request: quiet
    settings.LINLI_API_RATE_AUTH = "1000000/m"
    settings.LINLI_API_RATE_ANON = "1000000/m"
    settings.ALLOWED_HOSTS = ["*"]
    _, key = api_token_create(actor=world.users.district, name="fuzz")
    headers = {"Authorization": f"Bearer {key}"}

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 100  # the whole API, not a slice of it

    failures: list[str] = []
    sent = 0
    started = time.monotonic()
    for operation in operations:
        examples = EXAMPLES if time.monotonic() - started < BUDGET_SECONDS else 2

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case):
            nonlocal sent
            response = case.call(headers=headers)
            sent += 1
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    print(f"fuzzed {len(operations)} operations with {sent} requests "
          f"in {time.monotonic() - started:.0f}s")  # fmt: skip
    assert not failures, "\n\n".join(failures)


HUGE = str(2**64 + 12345)


@pytest.mark.parametrize(
    "path, status",
    [
        ("/api/funding/reminders?within_days=1393475107480", 400),
        (f"/api/funding/projects/{HUGE}/plan", 404),
        (f"/api/funding/projects/{HUGE}/public", 404),
        (f"/api/needs/{HUGE}", 404),
        (f"/needs/need/{HUGE}/", 404),
        (f"/projects/{HUGE}/", 404),
    ],
)
def test_integers_past_64_bits_are_a_4xx_not_a_500(world, client, path, status):
    """SQLite refuses integers >= 2**63 and timedelta overflows: one central answer."""
    client.force_login(world.users.district)
    response = client.get(path)
    assert response.status_code in (status, 404 if status == 404 else 400, 422), path
    if path.startswith("/api/"):
        assert response.json()["detail"]
