import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from linli.audit import guard
from linli.audit.models import AuditEvent
from linli.audit.services import audit_record


def _events(n):
    for i in range(n):
        audit_record(
            actor=None,
            action="test.event",
            object_type="test",
            object_id=i,
            after={"i": i, "名称": "花园"},
        )


def test_verify_passes_on_intact_chain(db, capsys):
    _events(5)
    call_command("verify_audit")
    assert "共 5 条事件" in capsys.readouterr().out


def test_verify_names_the_event_altered_directly_in_the_database(db):
    _events(5)
    third = AuditEvent.objects.order_by("id")[2]
    with guard.lifted(connection), connection.cursor() as cur:
        cur.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET action = %s WHERE id = %s",
            ["tampered", third.id],
        )
    with pytest.raises(CommandError, match=f"事件 #{third.id}"):
        call_command("verify_audit")


def test_verify_detects_a_deleted_event(db):
    _events(4)
    second = AuditEvent.objects.order_by("id")[1]
    with guard.lifted(connection), connection.cursor() as cur:
        cur.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [second.id])
    with pytest.raises(CommandError, match="前序哈希"):
        call_command("verify_audit")


def test_events_cannot_be_edited_or_deleted_through_the_orm(db):
    _events(1)
    event = AuditEvent.objects.get()
    event.action = "changed"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
