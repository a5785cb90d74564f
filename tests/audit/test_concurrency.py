"""Concurrent writers extend one linear chain (the head row is locked on append)."""

import threading

from django.db import connection, transaction

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
