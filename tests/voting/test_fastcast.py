"""The short cast path (linli/voting/fastcast.py) answers exactly as the django-ninja
endpoint does, takes only well-formed online bearer casts, and hands everything else on."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client, override_settings

from linli.audit.models import AuditEvent
from linli.audit.selectors import audit_chain_verify
from linli.audit.services import chain_for
from linli.voting import fastcast
from linli.voting.models import Ballot, BallotCast
from tests.api_client import ApiClient

pytestmark = pytest.mark.django_db

WITHOUT_FAST = [m for m in settings.MIDDLEWARE if not m.endswith("FastCastMiddleware")]


@pytest.fixture
def spy(monkeypatch):
    """Record what the short path answered (None: handed on to the ordinary endpoint)."""
    calls = []
    real = fastcast.fast_cast

    def recording(request, vote_id):
        response = real(request, vote_id)
        calls.append(None if response is None else response.status_code)
        return response

    monkeypatch.setattr(fastcast, "fast_cast", recording)
    return calls


def _post(api: ApiClient, path, body, **extra):
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return api.client.post(path, raw, content_type="application/json", **api.headers, **extra)


def test_the_short_path_answers_as_the_ninja_endpoint(estate, owners_vote, spy):
    vote = owners_vote()
    owner = ApiClient(estate.users["A"])
    path = f"/api/votes/{vote.pk}/ballots"
    body = {"flat_id": estate.flats["F1"].pk, "choice": "agree", "idempotency_key": "k1"}
    fast = _post(owner, path, body)
    assert spy == [200]
    assert fast.status_code == 200 and fast["Content-Type"] == "application/json; charset=utf-8"
    # the same request resent through the ordinary stack gets the very same bytes
    with override_settings(MIDDLEWARE=WITHOUT_FAST):
        owner.client = Client()
        slow = _post(owner, path, body)
    assert spy == [200]  # the second one never reached the short path
    assert slow.status_code == 200 and slow.content == fast.content
    data = fast.json()
    assert data["flat_id"] == estate.flats["F1"].pk and data["revision"] == 1
    assert data["choice"] == "agree" and data["option_ids"] == [] and data["channel"] == "online"
    assert BallotCast.objects.count() == 1 and Ballot.objects.count() == 1
    # the security headers of the middleware before it are still there
    assert fast["X-Content-Type-Options"] == "nosniff"


def test_a_change_of_mind_through_the_short_path_is_audited_on_the_committee_chain(
    estate, owners_vote, spy
):
    vote = owners_vote()
    a, b = ApiClient(estate.users["A"]), ApiClient(estate.users["B"])
    path = f"/api/votes/{vote.pk}/ballots"
    flat = estate.flats["F1"].pk
    assert (
        _post(a, path, {"flat_id": flat, "choice": "agree", "idempotency_key": "a"}).json()[
            "revision"
        ]
        == 1
    )
    r = _post(b, path, {"flat_id": flat, "choice": "disagree", "idempotency_key": "b"})
    assert r.status_code == 200 and r.json()["revision"] == 2 and r.json()["choice"] == "disagree"
    again = _post(b, path, {"flat_id": flat, "choice": "agree", "idempotency_key": "b"})
    assert again.content == r.content  # a resend: the flat's ballot, nothing recorded
    assert spy == [200, 200, 200]
    ballot = Ballot.objects.get()
    assert (ballot.choice, ballot.revision) == ("disagree", 2)
    assert ballot.cast_by_id == estate.users["B"].pk
    events = list(AuditEvent.objects.filter(action__startswith="ballot.").order_by("id"))
    assert [e.action for e in events] == ["ballot.cast", "ballot.change"]
    assert (
        {e.chain for e in events}
        == {chain_for(ballot)}
        == {f"committee:{estate.world.committee_a.pk}"}
    )
    assert events[1].before == {
        "choice": "agree", "option_ids": [], "channel": "online", "revision": 1
    }  # fmt: skip
    assert events[1].after["choice"] == "disagree" and events[1].after["revision"] == 2
    assert events[1].object_repr == str(ballot) and events[1].actor_id == estate.users["B"].pk
    assert audit_chain_verify().ok


def test_refusals_and_odd_requests_are_answered_by_the_ordinary_endpoint(estate, owners_vote, spy):
    vote = owners_vote()
    a = ApiClient(estate.users["A"])
    path = f"/api/votes/{vote.pk}/ballots"
    ok = {"flat_id": estate.flats["F1"].pk, "choice": "agree", "idempotency_key": "x"}
    # not an owner of F4: the service refuses, the ordinary endpoint gives the refusal
    r = _post(a, path, ok | {"flat_id": estate.flats["F4"].pk})
    assert r.status_code == 403 and "不是该户登记的业主" in r.json()["detail"]
    # a vote the caller cannot see stays a 404
    r = _post(a, "/api/votes/999999/ballots", ok)
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    # a malformed body: django-ninja's validation message
    r = _post(a, path, ok | {"flat_id": "一号"})
    assert r.status_code == 422 and "flat_id" in r.json()["detail"]
    r = _post(a, path, "{not json")
    assert r.status_code in (400, 422)
    # no idempotency key: the service's 400
    r = _post(a, path, {"flat_id": estate.flats["F1"].pk, "choice": "agree"})
    assert r.status_code == 400 and r.json()["code"] == "idempotency"
    assert spy == [None, None, None, None, None]  # parsed bodies tried, handed on
    # an unknown token never reaches the service
    r = Client().post(
        path, json.dumps(ok), content_type="application/json", HTTP_AUTHORIZATION="Bearer nope"
    )
    assert r.status_code == 401
    assert not Ballot.objects.exists() and not BallotCast.objects.exists()


def test_session_casts_and_staff_casts_take_the_ordinary_path(estate, owners_vote, spy):
    vote = owners_vote()
    path = f"/api/votes/{vote.pk}/ballots"
    browser = Client()
    browser.force_login(estate.users["A"])
    body = {"flat_id": estate.flats["F1"].pk, "choice": "agree", "idempotency_key": "s"}
    r = browser.post(path, json.dumps(body), content_type="application/json")
    assert r.status_code == 200
    staff = ApiClient(estate.world.users.staff_a)
    r = _post(staff, path, body | {"flat_id": estate.flats["F4"].pk, "channel": "meeting",
                                   "idempotency_key": "m"})  # fmt: skip
    assert r.status_code == 200 and r.json()["channel"] == "meeting"
    assert spy == [None, None]  # both handed on to the ordinary endpoint
    assert Ballot.objects.count() == 2


def test_the_short_path_keeps_the_api_throttle(estate, owners_vote, settings):
    from django.core.cache import cache

    cache.clear()
    settings.LINLI_API_RATE_AUTH = "2/m"
    vote = owners_vote()
    a = ApiClient(estate.users["A"])
    path = f"/api/votes/{vote.pk}/ballots"
    flat = estate.flats["F1"].pk
    codes = [
        _post(a, path, {"flat_id": flat, "choice": "agree", "idempotency_key": f"t{i}"}).status_code
        for i in range(3)
    ]
    assert codes == [200, 200, 429]
    assert BallotCast.objects.count() == 2
    cache.clear()


@pytest.mark.parametrize(
    "body, taken",
    [
        ({"flat_id": 5, "choice": "agree", "idempotency_key": "k"}, True),
        ({"flat_id": 5, "option_ids": [1, 2], "idempotency_key": "k", "channel": "online"}, True),
        ({"flat_id": "5", "choice": "agree", "idempotency_key": "k"}, False),  # coercion: ninja
        ({"flat_id": True, "choice": "agree", "idempotency_key": "k"}, False),
        ({"flat_id": 5, "choice": 1, "idempotency_key": "k"}, False),
        ({"flat_id": 5, "choice": "agree", "idempotency_key": "k" * 65}, False),
        ({"flat_id": 5, "option_ids": [1, "2"], "idempotency_key": "k"}, False),
        ({"flat_id": 5, "choice": "agree", "idempotency_key": "k", "channel": "proxy"}, False),
        ({"flat_id": 5, "choice": "agree", "idempotency_key": "k", "proxy_name": "王"}, False),
        ({"flat_id": 5, "choice": "agree", "idempotency_key": "k", "extra": 1}, False),
        ([1, 2], False),
    ],
)
def test_parse_cast_takes_only_what_castin_accepts_without_coercion(body, taken):
    assert (fastcast.parse_cast(json.dumps(body).encode()) is not None) is taken
