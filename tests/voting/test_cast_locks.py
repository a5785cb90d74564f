"""The cast path holds no vote-wide lock (issue 15), on PostgreSQL with real connections.

A cast paused inside its transaction (after its locks are taken) does not hold up a cast
for another flat; closing the vote waits for it and then counts it; a cast after the close
is refused.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from linli.core.errors import ServiceError
from linli.voting import services
from linli.voting.models import Ballot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def in_thread(name, fn, results):
    def run():
        try:
            results[name] = fn()
        except Exception as exc:  # noqa: BLE001
            results[name] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


def test_other_flats_do_not_wait_and_closing_waits_for_casts_in_flight(
    estate, owners_vote, monkeypatch
):
    vote = owners_vote("278-9")
    inside, release = threading.Event(), threading.Event()
    real_clean = services._clean_marks

    def paused(*args, **kwargs):
        if threading.current_thread().name == "slow":
            inside.set()
            release.wait(30)
        return real_clean(*args, **kwargs)

    monkeypatch.setattr(services, "_clean_marks", paused)
    results: dict = {}

    def cast(who, flat, key):
        return lambda: services.ballot_cast_safely(
            actor=estate.users[who], vote=vote, flat=estate.flats[flat], choice="agree",
            idempotency_key=key,
        )  # fmt: skip

    slow = in_thread("slow", cast("A", "F1", "slow-1"), results)
    try:
        assert inside.wait(30), "the slow cast never reached its pause"
        other = in_thread("other", cast("D", "F4", "other-1"), results)
        other.join(15)
        assert not other.is_alive(), "a cast for another flat waited for the paused one"
        assert isinstance(results["other"], Ballot)

        closer = in_thread(
            "closer",
            lambda: services.vote_close(
                actor=estate.world.users.staff_a, vote=vote, reason="提前结束：测试锁"
            ),
            results,
        )
        time.sleep(1.0)
        assert closer.is_alive(), "closing did not wait for the cast in flight"
    finally:
        release.set()
    slow.join(30)
    closer.join(60)
    assert isinstance(results["slow"], Ballot), results["slow"]
    result = results["closer"]
    assert not isinstance(result, Exception), result
    assert result.counts["ballots"] == 2  # the cast in flight is counted
    with pytest.raises(ServiceError, match="未在进行中"):
        services.ballot_cast(
            actor=estate.users["E"], vote=vote, flat=estate.flats["F5"], choice="agree",
            idempotency_key="late-1",
        )  # fmt: skip
    assert Ballot.objects.filter(vote=vote).count() == 2
