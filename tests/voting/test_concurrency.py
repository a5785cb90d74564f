"""Concurrent casting on PostgreSQL: threads with their own connections."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from linli.voting import services
from linli.voting.models import Ballot, BallotCast

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_casts_leave_one_ballot_per_flat(estate, owners_vote):
    vote = owners_vote("278-9")
    owner = {"F1": "A", "F2": "C", "F3": "C", "F4": "D", "F5": "E", "F6": "G", "F7": "H"}
    jobs = []
    for flat, who in owner.items():
        for attempt in range(6):
            # two retries of each request (same key) and three different requests per flat
            jobs.append(
                (flat, who, f"{flat}-{attempt % 3}", "agree" if attempt % 2 else "disagree")
            )
    errors: list[Exception] = []
    barrier = threading.Barrier(len(jobs))

    def run(flat, who, key, choice):
        try:
            barrier.wait()
            services.ballot_cast_safely(
                actor=estate.users[who],
                vote=vote,
                flat=estate.flats[flat],
                choice=choice,
                idempotency_key=key,
            )
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Ballot.objects.filter(vote=vote).count() == 7
    assert BallotCast.objects.filter(vote=vote).count() == 21  # 3 distinct keys per flat
    assert sorted(Ballot.objects.filter(vote=vote).values_list("revision", flat=True)) == [3] * 7
    result = services.vote_close(actor=estate.world.users.staff_a, vote=vote, reason="并发测试")
    assert services.vote_recount(actor=estate.world.users.staff_a, vote=vote)["agrees"]
    assert result.counts["ballots"] == 7
