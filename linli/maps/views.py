"""Map pages: the page carries only its settings (json_script); static/js/linli-maps.js
fetches the layers from the scoped GeoJSON endpoint of the API."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.maps import scope


def _page(request, *, title: str, crumbs: list, data_url: str, scale: str):
    config = {
        "data_url": data_url,
        "scale": scale,
        "tile_url": settings.LINLI_MAP_TILE_URL,
        "tile_attribution": settings.LINLI_MAP_TILE_ATTRIBUTION,
    }
    return render(
        request,
        "maps/map.html",
        {"title": title, "crumbs": crumbs, "config": config, "scale": scale},
    )


@login_required
def committee_map(request, committee_id: int):
    committee = scope.visible_committee(request.user, committee_id)
    return _page(
        request,
        title=_("%(name)s · 地图") % {"name": committee.name},
        crumbs=[(committee.street.name, None), (committee.name, None)],
        data_url=reverse("api:committee_layers", args=[committee.pk]),
        scale="committee",
    )


@login_required
def street_map(request, street_id: int):
    street = scope.visible_street(request.user, street_id)
    return _page(
        request,
        title=_("%(name)s · 地图") % {"name": street.name},
        crumbs=[(street.name, reverse("places:street", args=[street.pk]))],
        data_url=reverse("api:street_layers", args=[street.pk]),
        scale="street",
    )


@login_required
def district_map(request, district_id: int):
    district = scope.managed_district(request.user, district_id)
    return _page(
        request,
        title=_("%(name)s · 地图") % {"name": district.name},
        crumbs=[(district.name, reverse("places:district", args=[district.pk]))],
        data_url=reverse("api:district_layers", args=[district.pk]),
        scale="district",
    )
