"""Community profile (社区画像) computed from the registry, and the adapter from the
registry to the life-circle engine (``linli.engine.lifecircle``)."""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.engine import lifecircle
from linli.places.models import Building, Committee, Facility, Flat, Household, MicroSpace, Person

AGE_BANDS: list[tuple[int, int | None]] = [
    (0, 9), (10, 19), (20, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 79), (80, None),
]  # fmt: skip
ELDERLY_AGE = 60
CHILD_AGE = 14  # 0–14: the statistical definition of children used by the census


def band_label(lo: int, hi: int | None) -> str:
    return (
        _("%(lo)s岁以上") % {"lo": lo}
        if hi is None
        else _("%(lo)s–%(hi)s岁") % {"lo": lo, "hi": hi}
    )


def _band(age: int) -> int:
    for i, (lo, hi) in enumerate(AGE_BANDS):
        if age >= lo and (hi is None or age <= hi):
            return i
    return 0


def residents_of(committee: Committee):
    return Person.objects.filter(
        residencies__household__flat__building__compound__committee=committee
    ).distinct()


def population(committee: Committee, *, year: int | None = None) -> dict:
    """Residents by age band and sex, elderly and children shares (people counted once)."""
    year = year or timezone.localdate().year
    male = [0] * len(AGE_BANDS)
    female = [0] * len(AGE_BANDS)
    unknown_sex = unknown_age = elderly = children = total = 0
    for sex, birth_year in residents_of(committee).values_list("sex", "birth_year"):
        total += 1
        if birth_year is None:
            unknown_age += 1
            continue
        age = year - birth_year
        if age >= ELDERLY_AGE:
            elderly += 1
        if age <= CHILD_AGE:
            children += 1
        i = _band(age)
        if sex == "M":
            male[i] += 1
        elif sex == "F":
            female[i] += 1
        else:
            unknown_sex += 1
    known = total - unknown_age
    return {
        "year": year,
        "bands": [band_label(lo, hi) for lo, hi in AGE_BANDS],
        "male": male,
        "female": female,
        "total": total,
        "unknown_age": unknown_age,
        "unknown_sex": unknown_sex,
        "elderly": elderly,
        "children": children,
        "elderly_share": round(100 * elderly / known, 1) if known else None,
        "children_share": round(100 * children / known, 1) if known else None,
    }


def housing(committee: Committee) -> dict:
    flats = Flat.objects.filter(building__compound__committee=committee)
    by_floor = dict(sorted(Counter(flats.values_list("floor", flat=True)).items()))
    buildings = Building.objects.filter(compound__committee=committee)
    decades: Counter = Counter()
    for y in buildings.values_list("built_year", flat=True):
        decades["未登记" if y is None else f"{y // 10 * 10}年代"] += 1
    return {
        "flats": flats.count(),
        "households": Household.objects.filter(
            flat__building__compound__committee=committee
        ).count(),
        "buildings": buildings.count(),
        "without_elevator": buildings.filter(has_elevator=False, floors__gte=4).count(),
        "flats_by_floor": by_floor,
        "buildings_by_decade": dict(sorted(decades.items())),
    }


def microspaces(committee: Committee) -> dict:
    qs = MicroSpace.objects.filter(compound__committee=committee).select_related("compound")
    conditions = dict(MicroSpace.Condition.choices)
    by_condition = {
        conditions[row["condition"]]: row["n"]
        for row in qs.values("condition").annotate(n=Count("id")).order_by("condition")
    }
    return {"items": list(qs), "by_condition": by_condition}


def thresholds() -> dict[str, int]:
    return {
        **lifecircle.DEFAULT_THRESHOLDS_M,
        **getattr(settings, "LINLI_LIFECIRCLE_THRESHOLDS_M", {}),
    }


def detour_factor() -> float:
    return float(getattr(settings, "LINLI_LIFECIRCLE_DETOUR", lifecircle.DEFAULT_DETOUR))


def network() -> lifecircle.Network | None:
    """The walking network, when ``LINLI_LIFECIRCLE_NETWORK`` names a GeoJSON file."""
    import json
    from pathlib import Path

    path = getattr(settings, "LINLI_LIFECIRCLE_NETWORK", "")
    if not path:
        return None
    return lifecircle.Network(json.loads(Path(path).read_text(encoding="utf-8")))


def life_circle(committee: Committee, *, kinds: list[str] | None = None) -> dict:
    """For every located building of the committee, the nearest facility of each kind among
    the facilities registered for its street (what the committee's users may see: a
    neighbouring street's facility is not counted), and the gaps against the thresholds."""
    limits = thresholds()
    if kinds is not None:
        limits = {k: v for k, v in limits.items() if k in kinds}
    buildings = list(
        Building.objects.filter(
            compound__committee=committee, lat__isnull=False, lng__isnull=False
        ).select_related("compound")
    )
    facilities = list(Facility.objects.filter(street_id=committee.street_id))
    result = lifecircle.analyse(
        [lifecircle.Place(b.pk, float(b.lat), float(b.lng), str(b)) for b in buildings],
        [lifecircle.Facility(f.pk, f.kind, float(f.lat), float(f.lng), f.name) for f in facilities],
        thresholds_m=limits,
        detour_factor=detour_factor(),
        network=network(),
    )
    labels = dict(Facility.Kind.choices)
    names = {f.pk: f.name for f in facilities}
    rows = []
    for br in result.buildings:
        rows.append(
            {
                "building_id": br.building.id,
                "label": br.building.label,
                "lat": br.building.lat,
                "lng": br.building.lng,
                "gaps": [labels.get(k, k) for k in br.gaps],
                "cells": [
                    {
                        "kind": r.kind,
                        "facility": names.get(r.facility_id, ""),
                        "distance_m": None if r.distance_m is None else round(r.distance_m),
                        "minutes": None if r.minutes is None else round(r.minutes),
                        "within": r.within,
                    }
                    for r in br.reaches
                ],
            }
        )
    located_facilities = [
        {
            "name": f.name,
            "kind": labels.get(f.kind, f.kind),
            "lat": float(f.lat),
            "lng": float(f.lng),
        }
        for f in facilities
        if f.kind in limits
    ]
    return {
        "source": lifecircle.SOURCE,
        "detour_factor": result.detour_factor,
        "network": getattr(settings, "LINLI_LIFECIRCLE_NETWORK", "") != "",
        "kinds": [
            {
                "kind": k,
                "label": labels.get(k, k),
                "threshold_m": v,
                "coverage": round(100 * result.coverage(k)),
                "gaps": len(result.gaps_by_kind.get(k, ())),
            }
            for k, v in limits.items()
        ],  # fmt: skip
        "rows": rows,
        "unlocated": Building.objects.filter(compound__committee=committee)
        .filter(lat__isnull=True)
        .count(),
        "facilities": located_facilities,
        "gaps_by_kind": {k: list(v) for k, v in result.gaps_by_kind.items()},
    }


def community_profile(committee: Committee) -> dict:
    return {
        "population": population(committee),
        "housing": housing(committee),
        "microspaces": microspaces(committee),
        "life_circle": life_circle(committee),
    }
