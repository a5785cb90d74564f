"""Concurrent writers extend linear chains; committees do not wait for each other."""

import threading
import time

import pytest
from django.db import OperationalError, connection, transaction

from linli.audit.models import AuditEvent
from linli.audit.selectors import audit_chain_verify
from linli.audit.services import audit_record


def test_parallel_writers_keep_the_chain_linear(transactional_db):
    errors = []

    def writer(n):
        try:
            for i in range(15):
                with transaction.atomic():
                    audit_record(
                        actor=None,
                        action="test.parallel",
                        object_type="t",
                        object_id=f"{n}-{i}",
                        after={"n": n, "i": i},
                    )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = audit_chain_verify()
    assert report.ok, report.reason
    assert report.checked == 60


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_a_committee_holding_its_chain_does_not_block_another_committee(transactional_db):
    """Committee A's open transaction holds A's chain head; committee B appends at once
    (within a 300 ms lock_timeout), while another writer of A has to wait for it."""
    from tests.factories import build_world

    world = build_world()
    holding, release = threading.Event(), threading.Event()
    errors = []

    def hold_a():
        try:
            with transaction.atomic():
                audit_record(actor=None, action="test.hold", obj=world.compound_a)
                holding.set()
                release.wait(15)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    holder = threading.Thread(target=hold_a)
    holder.start()
    try:
        assert holding.wait(15)
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("SET LOCAL lock_timeout = '300ms'")
            started = time.monotonic()
            audit_record(actor=None, action="test.b", obj=world.compound_b)
            audit_record(actor=None, action="test.platform", object_type="t", object_id=1)
            assert time.monotonic() - started < 0.3
        # the lock is real: a second writer of committee A waits for the holder
        with pytest.raises(OperationalError, match="lock timeout"):
            with transaction.atomic():
                with connection.cursor() as cur:
                    cur.execute("SET LOCAL lock_timeout = '300ms'")
                audit_record(actor=None, action="test.a2", obj=world.compound_a)
    finally:
        release.set()
        holder.join()
    assert errors == []
    assert AuditEvent.objects.filter(action__in=["test.hold", "test.b"]).count() == 2
    assert not AuditEvent.objects.filter(action="test.a2").exists()
    report = audit_chain_verify()
    assert report.ok, report.reason
