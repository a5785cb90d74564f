"""The database itself refuses to change audit rows (triggers), on SQLite and PostgreSQL."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from linli.audit import guard
from linli.audit.checkpoints import checkpoint_chain
from linli.audit.models import PLATFORM_CHAIN, AuditChainHead, AuditCheckpoint, AuditEvent
from linli.audit.services import audit_record


def _two_events():
    for i in range(2):
        audit_record(actor=None, action="test.event", object_type="t", object_id=i)


def _refused(sql, params=()):
    with pytest.raises(DatabaseError, match="审计"), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(sql, params)


def test_the_database_refuses_update_and_delete_of_audit_events(db):
    _two_events()
    table = AuditEvent._meta.db_table
    first = AuditEvent.objects.order_by("id").first()
    _refused(f"UPDATE {table} SET action = %s WHERE id = %s", ["tampered", first.id])
    _refused(f"DELETE FROM {table} WHERE id = %s", [first.id])
    _refused(f"DELETE FROM {table}")
    assert AuditEvent.objects.get(pk=first.pk).action == "test.event"
    assert AuditEvent.objects.count() == 2
    # the ORM's bulk paths reach the same triggers
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=first.pk).update(action="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 2


def test_the_database_refuses_changing_a_checkpoint(db):
    _two_events()
    cp = checkpoint_chain(PLATFORM_CHAIN)
    table = AuditCheckpoint._meta.db_table
    _refused(f"UPDATE {table} SET count = 1 WHERE id = %s", [cp.id])
    _refused(f"DELETE FROM {table} WHERE id = %s", [cp.id])
    assert AuditCheckpoint.objects.get().count == 2


def test_a_chain_head_only_moves_forward_by_one_event(db):
    _two_events()
    table = AuditChainHead._meta.db_table
    head = AuditChainHead.objects.get(chain=PLATFORM_CHAIN)
    _refused(f'UPDATE {table} SET "count" = 1 WHERE id = %s', [head.id])
    _refused(f'UPDATE {table} SET "count" = 10 WHERE id = %s', [head.id])
    _refused(f"UPDATE {table} SET chain = 'committee:1' WHERE id = %s", [head.id])
    _refused(f"DELETE FROM {table} WHERE id = %s", [head.id])
    head.refresh_from_db()
    assert (head.chain, head.count) == (PLATFORM_CHAIN, 2)
    audit_record(actor=None, action="test.event", object_type="t", object_id=3)  # still appends
    head.refresh_from_db()
    assert head.count == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_truncate_of_audit_events():
    _two_events()
    _refused(f"TRUNCATE {AuditEvent._meta.db_table} CASCADE")
    assert AuditEvent.objects.count() == 2


def test_the_triggers_are_installed_by_the_migrations_and_verify_warns_when_dropped(db, capsys):
    assert guard.missing(connection) == []
    _two_events()
    with guard.lifted(connection):
        assert sorted(guard.missing(connection)) == sorted(
            n for _, n, _ in guard._triggers(connection.vendor)
        )
        call_command("verify_audit")
        assert "缺少审计防篡改触发器" in capsys.readouterr().err
    assert guard.missing(connection) == []


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_audit_tables_and_keeps_the_guard():
    _two_events()
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    assert guard.missing(connection) == []
