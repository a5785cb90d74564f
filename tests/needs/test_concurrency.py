"""Duplicate supports are refused under concurrent requests (threads, separate connections).

Runs on SQLite and PostgreSQL; on PostgreSQL the threads genuinely overlap.
"""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from linli.core.errors import ServiceError
from linli.needs import services
from linli.needs.models import NeedSupport

THREADS = 6


def _run_together(fn):
    barrier = threading.Barrier(THREADS)
    results: list[str] = []
    lock = threading.Lock()

    def worker():
        try:
            barrier.wait(timeout=10)
            outcome = fn()
        except ServiceError as exc:
            outcome = f"refused:{exc.code}"
        except IntegrityError:
            outcome = "integrity"
        except Exception as exc:  # pragma: no cover - reported by the assertion
            outcome = f"error:{exc!r}"
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return sorted(results)


@pytest.fixture
def need(transactional_db, world):
    return services.need_submit(
        actor=world.users.resident_a, committee=world.committee_a, text="楼道灯坏了"
    )


def test_concurrent_support_requests_make_one_row(need, world):
    supporter = world.users.leader_a
    results = _run_together(lambda: services.need_support(actor=supporter, need=need) and "ok")
    assert results == ["ok"] + ["refused:duplicate_support"] * (THREADS - 1)
    assert NeedSupport.objects.filter(need=need, user=supporter).count() == 1


def test_database_constraint_refuses_racing_raw_inserts(need, world):
    """Without the service's lock, the unique constraint alone keeps one row."""
    supporter = world.users.staff_a

    def insert():
        with transaction.atomic():
            NeedSupport.objects.create(need=need, user=supporter, channel="online")
        return "ok"

    results = _run_together(insert)
    assert results == ["integrity"] * (THREADS - 1) + ["ok"]
    assert NeedSupport.objects.filter(need=need, user=supporter).count() == 1
