"""The dashboards' figures over the API: the same dict the page and the PDF show."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from linli.core.errors import ServiceError
from linli.dashboards import selectors
from linli.dashboards.views import area_for

router = Router(tags=["数据看板"])


class DashboardYearIn(Schema):
    year: int | None = None


def _year(value: int | None) -> int:
    if value is None:
        return selectors.default_year()
    if value not in selectors.years():
        raise ServiceError(
            _("年份须为 %(first)s–%(last)s 之间的整数")
            % {"first": selectors.FIRST_YEAR, "last": selectors.default_year()},
            code="year",
            status=400,
        )
    return value


@router.get("/street/{street_id}", summary="街道/镇数据看板（某一年）", response=dict)
def street_dashboard(request, street_id: int, filters: Query[DashboardYearIn]):
    area = area_for(request.user, "street", street_id)
    return selectors.dashboard_cached(area, _year(filters.year))[0]


@router.get("/district/{district_id}", summary="区级数据看板（某一年）", response=dict)
def district_dashboard(request, district_id: int, filters: Query[DashboardYearIn]):
    area = area_for(request.user, "district", district_id)
    return selectors.dashboard_cached(area, _year(filters.year))[0]
