"""GeoJSON of the maps, scoped like the pages: a committee the user sees, a street the user
manages or is paired with, a district the user administers; anything else is 404."""

from __future__ import annotations

from ninja import Router

from linli.maps import scope, selectors

router = Router(tags=["地图"])


@router.get("/committees/{int:committee_id}", summary="居委会地图图层（GeoJSON）")
def committee_layers(request, committee_id: int):
    committee = scope.visible_committee(request.user, committee_id)
    ids = selectors.committee_ids_in(request.user, committee=committee)
    return selectors.map_layers(request.user, ids)


@router.get("/streets/{int:street_id}", summary="街道地图图层（GeoJSON）")
def street_layers(request, street_id: int):
    street = scope.visible_street(request.user, street_id)
    ids = selectors.committee_ids_in(request.user, street=street)
    return selectors.map_layers(request.user, ids)


@router.get("/districts/{int:district_id}", summary="区地图图层（GeoJSON，不含楼栋点）")
def district_layers(request, district_id: int):
    district = scope.managed_district(request.user, district_id)
    ids = selectors.committee_ids_in(request.user, district=district)
    return selectors.map_layers(request.user, ids)
