"""Household roster over the REST API (mounted at /api/roster/).

``POST /committees/{id}/imports`` (multipart ``file``) stores the .xlsx and queues the
import; it answers 201 with the counts when the import already finished, 202 while it is
queued or running (poll ``GET /imports/{id}``), and 400 with the row/column report when the
file was refused. ``GET /committees/{id}/export`` returns the roster as .xlsx.
"""

from __future__ import annotations

import io

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from linli.accounts.scopes import scopes_for
from linli.core.permissions import get_visible, require
from linli.places import selectors
from linli.places.roster import XLSX_CONTENT_TYPE, roster_export
from linli.places.roster_models import RosterImport
from linli.places.tasks import roster_import_start

router = Router(tags=["住户名册"])


class RowErrorOut(Schema):
    row: int | None
    column: str
    message: str


class ImportOut(Schema):
    id: int
    committee_id: int
    status: str
    status_label: str
    file_name: str
    sha256: str
    total_rows: int
    processed_rows: int
    percent: int
    created: int
    updated: int
    unchanged: int
    error_count: int
    detail: str
    errors: list[RowErrorOut]


def _out(record: RosterImport) -> ImportOut:
    return ImportOut(
        id=record.pk,
        committee_id=record.committee_id,
        status=record.status,
        status_label=record.get_status_display(),
        file_name=record.original_name,
        sha256=record.sha256,
        total_rows=record.total_rows,
        processed_rows=record.processed_rows,
        percent=record.percent,
        created=record.created,
        updated=record.updated,
        unchanged=record.unchanged,
        error_count=record.error_count,
        detail=record.message,
        errors=[RowErrorOut(**e) for e in record.report or []],
    )


def _committee(request, committee_id: int, perm: str, message: str):
    committee = get_visible(selectors.committees_visible_to(request.auth), pk=committee_id)
    require(request.auth, perm, committee, message)
    return committee


@router.post(
    "/committees/{committee_id}/imports",
    response={201: ImportOut, 202: ImportOut, 400: ImportOut},
    summary="上传住户名册（.xlsx）并导入",
)
def upload(request, committee_id: int, file: UploadedFile = File(...)):
    committee = _committee(
        request, committee_id, "places.import_roster", _("您无权导入该居委会的住户名册")
    )
    record = roster_import_start(actor=request.auth, committee=committee, upload=file)
    if record.status == RosterImport.Status.DONE:
        return Status(201, _out(record))
    if record.status == RosterImport.Status.FAILED:
        return Status(400, _out(record))
    return Status(202, _out(record))


@router.get(
    "/committees/{committee_id}/imports", response=list[ImportOut], summary="最近的名册导入"
)
def list_imports(request, committee_id: int):
    committee = _committee(
        request, committee_id, "places.import_roster", _("您无权查看该居委会的名册导入")
    )
    return [_out(r) for r in RosterImport.objects.filter(committee=committee)[:20]]


@router.get("/imports/{import_id}", response=ImportOut, summary="名册导入进度与报告")
def import_status(request, import_id: int):
    record = get_visible(
        RosterImport.objects.filter(
            committee_id__in=scopes_for(request.auth).managed_committee_ids
        ).select_related("committee"),
        pk=import_id,
    )
    require(request.auth, "places.import_roster", record.committee, _("您无权查看该导入记录"))
    return _out(record)


@router.get("/committees/{committee_id}/export", summary="导出住户名册（.xlsx）")
def export(request, committee_id: int):
    committee = _committee(
        request, committee_id, "places.manage_committee", _("只有居委会管理人员可以导出住户名册")
    )
    data = roster_export(actor=request.auth, committee=committee)
    name = f"{committee.name}住户名册{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE
    )
