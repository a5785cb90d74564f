"""Every vote URL (pages and API) refuses committee B's votes to committee A's staff, and
A's pages and lists show nothing of B (the site-wide walk in tests/core, for this app)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from linli.voting.services import vote_create, vote_open
from tests.core.test_scope_walk import kwarg_names, texts_of, walk

pytestmark = pytest.mark.django_db


def open_vote(staff, committee, compound, title):
    now = timezone.now()
    vote = vote_create(
        actor=staff, committee=committee, title=title, kind="owners", matter="278-9",
        compounds=[compound], opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=1),
    )  # fmt: skip
    return vote_open(actor=staff, vote=vote)


def vote_routes():
    for route, name, pattern in walk(get_resolver().url_patterns):
        if name and (route.startswith("votes/") or route.startswith("api/votes/")):
            yield route, name, pattern


def test_vote_urls_refuse_the_other_committee(world, client):
    vote_a = open_vote(world.users.staff_a, world.committee_a, world.compound_a, "甲方表决")
    vote_b = open_vote(world.users.staff_b, world.committee_b, world.compound_b, "乙方专属表决")
    objs_a = {"pk": vote_a, "vote_id": vote_a, "elector_id": vote_a.electors.first()}
    objs_b = {"pk": vote_b, "vote_id": vote_b, "elector_id": vote_b.electors.first()}
    client.force_login(world.users.staff_a)
    checked, leaks, seen = 0, [], 0
    for _route, name, pattern in vote_routes():
        names = kwarg_names(pattern)
        if names:
            url = reverse(name, kwargs={k: objs_b[k].pk for k in names})
            for method in ("get", "post", "put", "delete"):
                if method == "put" or (method == "post" and url.startswith("/api/")):
                    # an API client sends JSON; a bare POST is refused by the body parser (400)
                    response = getattr(client, method)(url, "{}", content_type="application/json")
                else:
                    response = getattr(client, method)(url)
                if response.status_code == 405:
                    continue
                checked += 1
                if response.status_code not in (403, 404):
                    leaks.append(f"{method.upper()} {url} ({name}) → {response.status_code}")
        # A's own pages and lists never show B
        url = reverse(name, kwargs={k: objs_a[k].pk for k in names})
        response = client.get(url)
        if response.status_code == 200:
            seen += 1
            assert "乙方专属表决" not in texts_of(response), url
            assert "铁路新村" not in texts_of(response), url
    assert checked >= 20 and seen >= 8
    assert leaks == [], leaks
