"""Open data without login, throttled per client address like every anonymous endpoint
(``LINLI_API_RATE_ANON``). The same selectors and files as the /open/ pages."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router

from linli.opendata import exports, selectors
from linli.opendata.views import _export_year

router = Router(tags=["开放数据"])


@router.get("/streets", auth=None, summary="街道及其公开内容数量（公开）")
def open_streets(request):
    return [
        {
            "id": r["street"].pk,
            "name": r["street"].name,
            "district": r["street"].district.name,
            "notices": r["notices"],
            "votes": r["votes"],
            "needs_lists": r["needs_lists"],
            "accounts": r["accounts"],
            "cases": r["cases"],
        }
        for r in selectors.streets_overview()
    ]


@router.get("/dictionary", auth=None, summary="开放数据字典（公开）")
def open_dictionary(request):
    return exports.dictionary()


@router.get(
    "/streets/{int:street_id}/{int:year}", auth=None, summary="街道年度开放数据（JSON，公开）"
)
def open_street_year(request, street_id: int, year: int):
    street = selectors.street_or_404(street_id)
    return exports.street_json(street, _export_year(year))


@router.get(
    "/streets/{int:street_id}/{int:year}/{dataset}.csv",
    auth=None,
    summary="街道年度开放数据中的一个数据集（CSV，公开）",
)
def open_street_year_csv(request, street_id: int, year: int, dataset: str):
    street = selectors.street_or_404(street_id)
    if dataset not in selectors.DATASET_KEYS:
        raise Http404(_("没有这个数据集"))
    return exports.csv_response(street, _export_year(year), dataset)
