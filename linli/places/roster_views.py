"""Pages for the household roster: upload with live progress, the report, export, template.

Thin views: find the committee through the scoped selector (outside one's scope → 404),
check the named rule (→ 403), call one service from :mod:`linli.places.roster`.
"""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from linli.accounts.scopes import scopes_for
from linli.core.permissions import get_visible, require
from linli.places import selectors
from linli.places.roster import (
    COLUMNS,
    MAX_FILE_BYTES,
    XLSX_CONTENT_TYPE,
    RosterInvalid,
    roster_export,
    roster_template,
)
from linli.places.roster_models import RosterImport
from linli.places.tasks import roster_import_start


def _committee(request, committee_id: int, perm: str, message: str):
    committee = get_visible(selectors.committees_visible_to(request.user), pk=committee_id)
    require(request.user, perm, committee, message)
    return committee


def _recent(committee):
    return RosterImport.objects.filter(committee=committee).select_related("created_by")[:10]


@login_required
@require_GET
def index(request):
    committees = selectors.committees_managed_by(request.user).order_by("street_id", "name")
    return render(request, "places/roster/index.html", {"committees": committees})


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, committee_id: int):
    committee = _committee(
        request, committee_id, "places.import_roster", _("您无权导入该居委会的住户名册")
    )
    context = {
        "committee": committee,
        "columns": COLUMNS,
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
        "recent": _recent(committee),
    }
    if request.method == "POST":
        try:
            record = roster_import_start(
                actor=request.user, committee=committee, upload=request.FILES.get("file")
            )
        except RosterInvalid as exc:
            return render(
                request, "places/roster/upload.html", {**context, "error": exc.message}, status=400
            )
        if record.status == RosterImport.Status.FAILED:
            # finished already (immediate backend) and refused: answer 400 with the report
            return render(request, "places/roster/status.html", {"record": record}, status=400)
        return redirect("roster:status", record.pk)
    return render(request, "places/roster/upload.html", context)


@login_required
@require_GET
def status(request, import_id: int):
    record = get_visible(
        RosterImport.objects.filter(
            committee_id__in=scopes_for(request.user).managed_committee_ids
        ).select_related("committee", "created_by"),
        pk=import_id,
    )
    require(request.user, "places.import_roster", record.committee, _("您无权查看该导入记录"))
    partial = getattr(request, "htmx", False) and not request.htmx.boosted
    template = "places/roster/_progress.html" if partial else "places/roster/status.html"
    return render(request, template, {"record": record})


@login_required
@require_GET
def export(request, committee_id: int):
    committee = _committee(
        request, committee_id, "places.manage_committee", _("只有居委会管理人员可以导出住户名册")
    )
    data = roster_export(actor=request.user, committee=committee)
    name = f"{committee.name}住户名册{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE
    )


@login_required
@require_GET
def template(request):
    return FileResponse(
        io.BytesIO(roster_template()),
        as_attachment=True,
        filename="住户名册导入模板.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
