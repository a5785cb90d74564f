"""The vote list costs the same number of queries for 1 vote as for 8 (no N+1)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.voting.conftest import window


def _make_votes(estate, n):
    from linli.voting import services

    opens, closes = window()
    for i in range(n):
        services.vote_create(
            actor=estate.world.users.staff_a, committee=estate.world.committee_a, title=f"表决{i}", kind="owners",
            matter="278-9", buildings=[estate.building], opens_at=opens, closes_at=closes,
        )  # fmt: skip


def test_vote_list_query_count_does_not_grow_with_votes(estate, client):
    client.force_login(estate.world.users.staff_a)
    _make_votes(estate, 1)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/votes/").status_code == 200
    _make_votes(estate, 7)
    with CaptureQueriesContext(connection) as eight:
        assert client.get("/votes/").status_code == 200
    assert len(eight) == len(one)
