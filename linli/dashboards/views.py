"""Street and district dashboards: the page (ECharts over json_script, tables as the no-JS
fallback), the drill-down lists behind every figure, and the annual report PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.scopes import scopes_for
from linli.core.permissions import get_visible, require
from linli.dashboards import selectors
from linli.dashboards.records import figure_rows
from linli.places.models import District, Street

PAGE_SIZE = 50


def area_for(user, kind: str, pk: int) -> selectors.Area:
    """The street or district, 404 outside the user's scope, 403 without the permission."""
    scopes = scopes_for(user)
    if kind == "street":
        obj = get_visible(
            Street.objects.filter(id__in=scopes.managed_street_ids).select_related("district"),
            pk=pk,
        )
        require(user, "dashboards.view_street", obj)
    else:
        obj = get_visible(District.objects.filter(id__in=scopes.managed_district_ids), pk=pk)
        require(user, "dashboards.view_district", obj)
    return selectors.Area(kind, obj)


def _year(request) -> int:
    raw = request.GET.get("year")
    if raw in (None, ""):
        return selectors.default_year()
    year = selectors.parse_year(raw)
    if year is None:
        from linli.core.errors import ServiceError

        raise ServiceError(
            _("年份须为 %(first)s–%(last)s 之间的整数")
            % {"first": selectors.FIRST_YEAR, "last": selectors.default_year()},
            code="year",
            status=400,
        )
    return year


def _charts(data: dict) -> dict:
    """Chart series for static/js/linli-dashboard.js (labels and values only, no HTML)."""
    p = data["participation"]
    return {
        "stage": {
            "labels": [r["label"] for r in data["projects"]["by_stage"]],
            "values": [r["n"] for r in data["projects"]["by_stage"]],
        },
        "kind": {
            "labels": [r["label"] for r in data["projects"]["new_by_kind"]],
            "values": [r["n"] for r in data["projects"]["new_by_kind"]],
        },
        "year": {
            "labels": [str(r["year"]) for r in data["projects"]["by_year"]],
            "values": [r["n"] for r in data["projects"]["by_year"]],
        },
        "meetings": {
            "labels": [r["label"] for r in data["meetings"]["by_kind"]],
            "values": [r["n"] for r in data["meetings"]["by_kind"]],
        },
        "sources": {
            "labels": [r["label"] for r in p["by_source"]],
            "values": [r["n"] for r in p["by_source"]],
        },
        "bands": {
            "labels": [r["label"] for r in p["by_band"]],
            "values": [r["n"] for r in p["by_band"]],
        },
        "money": {
            "labels": [r["label"] for r in data["money"]["by_source"] if r["fen"]],
            "values": [round(r["fen"] / 100) for r in data["money"]["by_source"] if r["fen"]],
        },
    }


def _base(area: selectors.Area) -> str:
    return f"/dashboards/{area.kind}/{area.obj.pk}/"


def _context(request, area: selectors.Area, year: int) -> dict:
    data, as_of = selectors.dashboard_cached(area, year)
    home = (
        reverse("places:street", args=[area.obj.pk])
        if area.kind == "street"
        else reverse("places:district", args=[area.obj.pk])
    )
    return {
        "area": area,
        "data": data,
        "year": year,
        "years": selectors.years(),
        "charts": _charts(data),
        "records": _base(area) + "records/",
        "home_url": home,
        "pdf_url": _base(area) + f"report.pdf?year={year}",
        "as_of": as_of,
    }


def _dashboard(request, kind: str, pk: int):
    area = area_for(request.user, kind, pk)
    year = _year(request)
    return render(request, "dashboards/dashboard.html", _context(request, area, year))


@login_required
def street(request, street_id: int):
    return _dashboard(request, "street", street_id)


@login_required
def district(request, district_id: int):
    return _dashboard(request, "district", district_id)


def _records(request, kind: str, pk: int, figure: str):
    area = area_for(request.user, kind, pk)
    year = _year(request)
    key = (request.GET.get("key") or "")[:40]
    found = figure_rows(area, year, figure, key)
    if found is None:
        raise Http404(_("没有这个统计项"))
    title, qs, row = found
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [row(obj) for obj in page.object_list]
    return render(
        request,
        "dashboards/records.html",
        {
            "area": area,
            "year": year,
            "title": title,
            "key": key,
            "page": page,
            "rows": rows,
            "total": page.paginator.count,
            "back": _base(area) + f"?year={year}",
        },
    )


@login_required
def street_records(request, street_id: int, figure: str):
    return _records(request, "street", street_id, figure)


@login_required
def district_records(request, district_id: int, figure: str):
    return _records(request, "district", district_id, figure)


def _pdf(request, kind: str, pk: int):
    area = area_for(request.user, kind, pk)
    year = _year(request)
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string("dashboards/report_pdf.html", _context(request, area, year), request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="dashboard-{kind}-{pk}-{year}.pdf"'
    return response


@login_required
def street_pdf(request, street_id: int):
    return _pdf(request, "street", street_id)


@login_required
def district_pdf(request, district_id: int):
    return _pdf(request, "district", district_id)
