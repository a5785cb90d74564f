"""Public pages without login: what committees have made public, and the open-data export.

Nothing here reads the visitor's scope: every query goes through ``opendata.selectors``,
which only ever returns published records and never personal data."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from linli.opendata import exports, selectors


def _year(request, street) -> int | None:
    raw = request.GET.get("year", "")
    if not raw:
        return None
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise Http404(_("年份不正确"))
    return int(raw)


def _export_year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404(_("年份不正确"))
    return year


@require_GET
def landing(request):
    return render(request, "opendata/landing.html", {"rows": selectors.streets_overview()})


@require_GET
def street(request, street_id: int):
    obj = selectors.street_or_404(street_id)
    year = _year(request, obj)
    years = selectors.years_of(obj)
    return render(
        request,
        "opendata/street.html",
        {
            "street": obj,
            "year": year,
            "years": years,
            "export_year": year or years[0],
            "datasets": selectors.DATASETS,
            **selectors.street_page(obj, year),
        },
    )


@require_GET
def notice(request, notice_id: int):
    obj = selectors.notice_or_404(notice_id)
    return render(request, "opendata/notice.html", {"notice": obj})


@require_GET
def vote(request, vote_id: int):
    obj = selectors.vote_or_404(vote_id)
    return render(request, "opendata/vote.html", {"vote": obj, "s": selectors.vote_summary(obj)})


@require_GET
def accounts(request, project_id: int):
    plan = selectors.plan_or_404(project_id)
    return render(
        request,
        "opendata/accounts.html",
        {"plan": plan, "project": plan.project, "a": selectors.accounts_summary(plan)},
    )


@require_GET
def dictionary(request):
    return render(request, "opendata/dictionary.html", {"d": exports.dictionary()})


@require_GET
def dictionary_csv(request):
    return exports.dictionary_csv()


@require_GET
def export_csv(request, street_id: int, year: int, dataset: str):
    obj = selectors.street_or_404(street_id)
    return exports.csv_response(obj, _export_year(year), selectors.dataset(dataset).key)


@require_GET
def export_json(request, street_id: int, year: int):
    obj = selectors.street_or_404(street_id)
    return exports.json_response(obj, _export_year(year))
