"""Duplicate responses arriving at the same moment are refused by the database."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from linli.core.errors import ServiceError
from linli.places.models import Household
from linli.surveys import services
from linli.surveys.models import Answer, Response
from tests.surveys.helpers import answers, build_survey

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="并发写入需要 PostgreSQL（SQLite 整库加锁）"
)


def test_parallel_duplicates_one_wins(transactional_db, world):
    s, q = build_survey(world, unit="household")
    household = Household.objects.get(flat=world.flat_a)
    n = 6
    barrier = threading.Barrier(n)
    ok, refused, other = [], [], []

    def submit(i):
        try:
            barrier.wait()
            if i % 2:
                services.response_submit(actor=world.users.resident_a, survey=s, answers=answers(q))
            else:
                services.response_submit(
                    actor=world.users.staff_a,
                    survey=s,
                    answers=answers(q),
                    channel="paper",
                    household=household,
                )
            ok.append(i)
        except ServiceError as exc:
            (refused if exc.code == "duplicate" and exc.status == 409 else other).append(
                exc.message
            )
        except Exception as exc:  # pragma: no cover - reported below
            other.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert other == []
    assert len(ok) == 1 and len(refused) == n - 1
    assert Response.objects.filter(survey=s).count() == 1
    assert Answer.objects.filter(response__survey=s).count() == 5  # the winner's answers, whole
