"""The database itself refuses to change audit rows (triggers on PostgreSQL and SQLite).

* ``audit_auditevent`` and ``audit_auditcheckpoint``: every UPDATE and DELETE is refused
  (and TRUNCATE on PostgreSQL).
* ``audit_auditchainhead``: DELETE is refused, and an UPDATE must move the head forward by
  exactly one event of the same chain (what :func:`~linli.audit.services.audit_record` does);
  stepping a head back is refused.

Someone who owns the database can still drop the triggers; that is what the signed
checkpoints are for (ADR 0007). The triggers are installed by migration
``0005_append_only_triggers`` and re-installed after every ``migrate`` (SQLite rebuilds a
table, and drops its triggers, when a later migration alters it).
"""

from __future__ import annotations

import contextlib

MESSAGE = "审计记录只能追加，不能修改或删除"
HEAD_MESSAGE = "审计链头只能逐条前进，不能回退或删除"

APPEND_ONLY_TABLES = ("audit_auditevent", "audit_auditcheckpoint")
HEAD_TABLE = "audit_auditchainhead"

_PG_FUNCTIONS = [
    f"""
CREATE OR REPLACE FUNCTION linli_audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '{MESSAGE}（% %）', TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$
""",
    f"""
CREATE OR REPLACE FUNCTION linli_audit_head_forward() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION '{HEAD_MESSAGE}（DELETE）' USING ERRCODE = 'restrict_violation';
  END IF;
  IF NEW.chain <> OLD.chain OR NEW.count <> OLD.count + 1 THEN
    RAISE EXCEPTION '{HEAD_MESSAGE}（% 从 % 条改为 % 条）', OLD.chain, OLD.count, NEW.count
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END;
$$
""",
]


def _pg_triggers() -> list[tuple[str, str, str]]:
    """(table, trigger name, CREATE statement)."""
    out = []
    for table in APPEND_ONLY_TABLES:
        out.append(
            (
                table,
                f"{table}_append_only",
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION linli_audit_refuse_change()",
            )
        )
        out.append(
            (
                table,
                f"{table}_no_truncate",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION linli_audit_refuse_change()",
            )
        )
    out.append(
        (
            HEAD_TABLE,
            f"{HEAD_TABLE}_forward",
            f"CREATE TRIGGER {HEAD_TABLE}_forward BEFORE UPDATE OR DELETE ON {HEAD_TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION linli_audit_head_forward()",
        )
    )
    out.append(
        (
            HEAD_TABLE,
            f"{HEAD_TABLE}_no_truncate",
            f"CREATE TRIGGER {HEAD_TABLE}_no_truncate BEFORE TRUNCATE ON {HEAD_TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION linli_audit_refuse_change()",
        )
    )
    return out


def _sqlite_triggers() -> list[tuple[str, str, str]]:
    out = []
    for table in APPEND_ONLY_TABLES:
        for op in ("UPDATE", "DELETE"):
            name = f"{table}_no_{op.lower()}"
            out.append(
                (
                    table,
                    name,
                    f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {op} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}（{op} {table}）'); END",
                )
            )
    out.append(
        (
            HEAD_TABLE,
            f"{HEAD_TABLE}_forward",
            f"CREATE TRIGGER IF NOT EXISTS {HEAD_TABLE}_forward BEFORE UPDATE ON {HEAD_TABLE} "
            'WHEN NEW."count" <> OLD."count" + 1 OR NEW.chain <> OLD.chain '
            f"BEGIN SELECT RAISE(ABORT, '{HEAD_MESSAGE}'); END",
        )
    )
    out.append(
        (
            HEAD_TABLE,
            f"{HEAD_TABLE}_no_delete",
            f"CREATE TRIGGER IF NOT EXISTS {HEAD_TABLE}_no_delete BEFORE DELETE ON {HEAD_TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{HEAD_MESSAGE}'); END",
        )
    )
    return out


def _triggers(vendor: str) -> list[tuple[str, str, str]]:
    if vendor == "postgresql":
        return _pg_triggers()
    if vendor == "sqlite":
        return _sqlite_triggers()
    return []


def installed(connection) -> list[str]:
    """Names of the guard triggers present in the database."""
    names = [name for _, name, _ in _triggers(connection.vendor)]
    if not names:
        return []
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname = ANY(%s)",
                [names],
            )
        else:
            marks = ", ".join(["%s"] * len(names))
            cur.execute(
                f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
                names,
            )
        return sorted(row[0] for row in cur.fetchall())


def missing(connection) -> list[str]:
    """Guard triggers this database should have but does not (empty on other vendors)."""
    present = set(installed(connection))
    return [name for _, name, _ in _triggers(connection.vendor) if name not in present]


def install(connection) -> None:
    """Create the guard triggers that are missing (idempotent)."""
    triggers = _triggers(connection.vendor)
    if not triggers:
        return
    present = set(installed(connection))
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            for sql in _PG_FUNCTIONS:
                cur.execute(sql)
        for _, name, sql in triggers:
            if name not in present:
                cur.execute(sql)


def remove(connection) -> None:
    """Drop the guard triggers (a database owner can always do this; tests simulate it)."""
    with connection.cursor() as cur:
        for table, name, _ in _triggers(connection.vendor):
            if connection.vendor == "postgresql":
                cur.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            else:
                cur.execute(f"DROP TRIGGER IF EXISTS {name}")


@contextlib.contextmanager
def lifted(connection):
    """Run a block without the guard (``flush``, and tests that play a rogue DBA)."""
    remove(connection)
    try:
        yield
    finally:
        install(connection)
