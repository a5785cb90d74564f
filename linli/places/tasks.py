"""Background work for the registry: household-roster imports (django-tasks).

Run a worker with ``python manage.py db_worker`` when the database backend is configured;
tests use the immediate backend, under which the task runs inside the enqueuing request.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from linli.core.errors import ServiceError

logger = logging.getLogger(__name__)


@task()
def roster_import_run(import_id: int) -> str:
    """Validate and import one stored roster upload, recording progress on its row."""
    from linli.places.roster import RosterInvalid, roster_import
    from linli.places.roster_models import RosterImport

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
        fail("导入时发生内部错误，数据未作任何改动，请稍后重试或联系管理员", [], 0)
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
            f"导入完成：新增 {result.created} 户，更新 {result.updated} 户，"
            f"未变 {result.unchanged} 户"
        ),
        finished_at=timezone.now(),
    )
    return f"done {counts['created']}/{counts['updated']}/{counts['unchanged']}"
