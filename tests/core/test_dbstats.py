"""Bulk writes leave fresh planner statistics: ANALYZE after the demo build and after a
roster import of a committee's worth of households (issue 15)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from linli.core import dbstats
from linli.places.models import Flat
from linli.places.roster import ANALYZE_AFTER_ROWS, roster_import
from tests.places.fixtures.roster_files import xlsx

pytestmark = pytest.mark.django_db


def has_statistics(table: str) -> bool:
    """PostgreSQL: pg_class.reltuples is -1 until the table is first analysed (it is set in
    the analysing transaction, so the test sees it at once). SQLite: a sqlite_stat1 row."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            return cursor.fetchone()[0] >= 0
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return False
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchone()[0] > 0


def rows(n: int) -> list[list]:
    """``n`` households in 5号楼 of 开鲁一村 (the world's registered building): 6 floors a unit."""
    return [
        ["开鲁一村", "5号楼", f"{i // 6 + 1}", f"{i % 6 + 1}01", i % 6 + 1, 60 + i % 30,
         f"业主{i}", f"139{i:08d}", f"业主{i}", ""]
        for i in range(n)
    ]  # fmt: skip


def test_analyze_writes_statistics(world):
    assert not has_statistics("places_flat")
    seconds = dbstats.analyze(["places_flat", "no_such_table"])
    assert seconds >= 0
    assert has_statistics("places_flat")


def test_large_roster_import_analyzes_the_registry(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    real = dbstats.analyze
    monkeypatch.setattr(
        dbstats, "analyze", lambda tables=None: calls.append(tables) or real(tables)
    )
    with django_capture_on_commit_callbacks(execute=True):
        roster_import(actor=world.users.staff_a, committee=world.committee_a, file=xlsx(rows(3)))
    assert calls == []  # a few households: no ANALYZE
    with django_capture_on_commit_callbacks(execute=True):
        result = roster_import(
            actor=world.users.staff_a,
            committee=world.committee_a,
            file=xlsx(rows(ANALYZE_AFTER_ROWS + 3)),  # 3 already there
        )
    assert result.created + result.updated >= ANALYZE_AFTER_ROWS
    assert calls == [dbstats.REGISTRY_TABLES]
    assert has_statistics("places_flat") and has_statistics("places_person")
    assert Flat.objects.count() >= ANALYZE_AFTER_ROWS


def test_demo_build_leaves_statistics(db, monkeypatch):
    calls = []
    real = dbstats.analyze
    monkeypatch.setattr(
        dbstats, "analyze", lambda tables=None: calls.append(tables) or real(tables)
    )
    out = io.StringIO()
    call_command("demo_district", "--scale", "small", stdout=out)
    assert calls == [None]  # the whole database, once, at the end
    for table in ("places_flat", "places_person", "places_ownership", "audit_auditevent"):
        assert has_statistics(table), table
