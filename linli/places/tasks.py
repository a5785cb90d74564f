"""Background work for the registry: household-roster imports (django-tasks).

Run a worker with ``python manage.py db_worker`` when the database backend is configured;
tests use the immediate backend, under which the task runs inside the enqueuing request.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from linli.core.errors import ServiceError
from linli.core.permissions import require
from linli.places.models import Committee
from linli.places.roster import (
    RosterInvalid,
    _file_error,
    _open_workbook,
    _read_bytes,
    roster_check_upload,
    roster_import,
)
from linli.places.roster_models import RosterImport

logger = logging.getLogger(__name__)


@task()
def roster_import_run(import_id: int) -> str:
    """Validate and import one stored roster upload, recording progress on its row."""
    record = (
        RosterImport.objects.select_related("committee", "created_by").filter(pk=import_id).first()
    )
    if record is None or record.is_finished:
        return "skipped"
    rows = RosterImport.objects.filter(pk=record.pk)
    rows.update(status=RosterImport.Status.VALIDATING, processed_rows=0)

    def progress(stage: str, processed: int, total: int) -> None:
        status = (
            RosterImport.Status.WRITING if stage == "writing" else RosterImport.Status.VALIDATING
        )
        rows.update(status=status, processed_rows=processed, total_rows=total)

    def fail(message: str, report: list, error_count: int, total: int | None = None) -> str:
        fields = {
            "status": RosterImport.Status.FAILED,
            "message": message[:500],
            "report": report,
            "error_count": error_count,
            "finished_at": timezone.now(),
        }
        if total is not None:
            fields["total_rows"] = total
        rows.update(**fields)
        return "failed"

    try:
        with record.file.open("rb") as handle:
            data = handle.read()
        result = roster_import(
            actor=record.created_by, committee=record.committee, file=data, progress=progress
        )
    except RosterInvalid as exc:
        return fail(exc.message, exc.errors, exc.error_count, exc.total_rows or None)
    except ServiceError as exc:
        return fail(exc.message, [{"row": None, "column": "", "message": exc.message}], 1)
    except Exception:
        logger.exception("roster import %s failed", import_id)
        fail(_("导入时发生内部错误，数据未作任何改动，请稍后重试或联系管理员"), [], 0)
        raise
    counts = result.as_dict()
    rows.update(
        status=RosterImport.Status.DONE,
        total_rows=result.total_rows,
        processed_rows=result.total_rows,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        report=[],
        error_count=0,
        message=(
            _("导入完成：新增 %(created)s 户，更新 %(updated)s 户，未变 %(unchanged)s 户")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        ),
        finished_at=timezone.now(),
    )
    return f"done {counts['created']}/{counts['updated']}/{counts['unchanged']}"


# Queueing lives here, beside the task it queues: roster.py does the work and never imports
# this module (no roster <-> tasks cycle).
def roster_import_start(*, actor, committee: Committee, upload) -> RosterImport:
    """Store an upload as a :class:`RosterImport` and queue its validation and import.

    Checks permission, file name, size and signature first (400 with a Chinese message),
    so an obviously wrong file never reaches the queue. Under the immediate task backend
    the import has finished when this returns.
    """
    require(actor, "places.import_roster", committee, _("您无权导入该居委会的住户名册"))
    if upload is None:
        raise _file_error(_("请选择要上传的名册文件（.xlsx）"))
    name = Path(str(getattr(upload, "name", "") or "roster.xlsx")).name
    roster_check_upload(name=name, size=getattr(upload, "size", None))
    data = _read_bytes(upload)
    roster_check_upload(name=None, size=len(data))
    _open_workbook(data).close()  # signature, zip and openpyxl checks: 400 before queueing
    record = RosterImport(
        committee=committee,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        original_name=name[:200],
        sha256=hashlib.sha256(data).hexdigest(),
    )
    record.file.save(f"roster-{committee.pk}.xlsx", ContentFile(data), save=False)
    record.save()
    roster_import_run.enqueue(record.pk)
    record.refresh_from_db()
    return record
