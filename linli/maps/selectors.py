"""Map layers of a committee, a street or a district, as GeoJSON, read through the user's scope.

Every layer is built from the committees the user may see *inside* the area asked for, so a
street map never carries a committee the user could not open, and a resident's needs appear
without author, reporter or flat. The base layer is the registry's own geometry: compound
outlines and building positions. Compounds have a centre point and no surveyed outline, so the
outline drawn is *derived*: the convex hull of the compound's buildings (and its centre),
padded by ``OUTLINE_PAD_DEG`` so the buildings sit inside it; a compound with no located
building gets a small square around its centre. Each outline says which it is
(``outline: "hull" | "square"``) and the page says so in its legend.

A fixed handful of queries per map, whatever its size (pinned in tests/maps/test_api.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.scopes import scopes_for
from linli.engine import lifecircle
from linli.needs.models import Category, Need
from linli.places.models import Building, Committee, Compound, Facility, MicroSpace
from linli.projects.models import Project, ProjectKind, Stage

# ≈ 15 m of padding around the outermost buildings (1e-4° of latitude ≈ 11 m).
OUTLINE_PAD_DEG = 0.00015
# Half the side of the square drawn for a compound without located buildings (≈ 40 m).
SQUARE_HALF_DEG = 0.00035
NEED_TEXT_CHARS = 60
# Building points are left out above this many committees (a district): outlines remain.
BUILDINGS_MAX_COMMITTEES = 40


def committee_ids_in(user, *, committee=None, street=None, district=None) -> list[int]:
    """The committees of the area that the user may see (empty: nothing to show)."""
    visible = scopes_for(user).visible_committee_ids
    qs = Committee.objects.filter(id__in=visible)
    if committee is not None:
        qs = qs.filter(pk=committee.pk)
    elif street is not None:
        qs = qs.filter(street=street)
    elif district is not None:
        qs = qs.filter(street__district=district)
    else:
        return []
    return list(qs.order_by("id").values_list("id", flat=True))


def _feature(lng, lat, props: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lng, 6), round(lat, 6)]},
        "properties": props,
    }


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def convex_hull(points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Andrew's monotone chain; (x, y) tuples, counter-clockwise, no repeated first point."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def compound_outline(
    centre: tuple[float, float] | None, buildings: list[tuple[float, float]]
) -> tuple[list[tuple[float, float]], str] | None:
    """A polygon ring (lng, lat) around a compound and how it was derived, or None."""
    if buildings:
        d = OUTLINE_PAD_DEG
        padded = [(x + dx, y + dy) for x, y in buildings for dx in (-d, d) for dy in (-d, d)]
        ring = convex_hull(padded)
        return ring + [ring[0]], "hull"
    if centre is None:
        return None
    x, y, h = centre[0], centre[1], SQUARE_HALF_DEG
    ring = [(x - h, y - h), (x + h, y - h), (x + h, y + h), (x - h, y + h)]
    return ring + [ring[0]], "square"


def _loc(lat, lng) -> tuple[float, float] | None:
    if lat is None or lng is None:
        return None
    return float(lng), float(lat)


def map_layers(user, committee_ids: list[int], *, with_buildings: bool | None = None) -> dict:
    """Every layer of the map of these committees (already scoped by the caller)."""
    if with_buildings is None:
        with_buildings = len(committee_ids) <= BUILDINGS_MAX_COMMITTEES
    compounds = list(
        Compound.objects.filter(committee_id__in=committee_ids)
        .order_by("id")
        .values("id", "name", "committee_id", "committee__name", "lat", "lng")
    )
    buildings = list(
        Building.objects.filter(compound__committee_id__in=committee_ids)
        .order_by("id")
        .values("id", "number", "compound_id", "floors", "has_elevator", "lat", "lng")
    )
    compound_at = {c["id"]: _loc(c["lat"], c["lng"]) for c in compounds}
    compound_name = {c["id"]: c["name"] for c in compounds}
    building_at = {b["id"]: _loc(b["lat"], b["lng"]) for b in buildings}
    by_compound: dict[int, list] = defaultdict(list)
    for b in buildings:
        if building_at[b["id"]]:
            by_compound[b["compound_id"]].append(building_at[b["id"]])
    # a compound without a centre: the mean of its buildings
    for cid, pts in by_compound.items():
        if compound_at.get(cid) is None:
            compound_at[cid] = (
                sum(p[0] for p in pts) / len(pts),
                sum(p[1] for p in pts) / len(pts),
            )

    outlines = []
    for c in compounds:
        shape = compound_outline(compound_at.get(c["id"]), by_compound.get(c["id"], []))
        if shape is None:
            continue
        ring, how = shape
        outlines.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]],
                },
                "properties": {
                    "name": c["name"],
                    "label": c["committee__name"],
                    "outline": how,
                    "buildings": len(by_compound.get(c["id"], [])),
                },
            }
        )

    # the life circle is a committee's and a street's planning question: at district scale
    # (thousands of buildings) it is left to those maps
    lc = (
        _life_circle(committee_ids, buildings, building_at)
        if with_buildings
        else {"gaps": {}, "gaps_all": {}, "gap_points": [], "reach_m": {}, "by_kind": []}
    )
    building_features = []
    if with_buildings:
        for b in buildings:
            at = building_at[b["id"]]
            if at is None:
                continue
            gaps = lc["gaps"].get(b["id"], [])
            building_features.append(
                _feature(
                    *at,
                    {
                        "kind": "building",
                        "name": f"{compound_name.get(b['compound_id'], '')}{b['number']}",
                        "label": _("%(n)s层") % {"n": b["floors"]}
                        + (_("，有电梯") if b["has_elevator"] else ""),
                        "gaps": gaps,
                    },
                )
            )

    micro_labels = {k: str(v) for k, v in MicroSpace.Kind.choices}
    cond_labels = {k: str(v) for k, v in MicroSpace.Condition.choices}
    microspaces, micro_at = [], {}
    for m in (
        MicroSpace.objects.filter(compound__committee_id__in=committee_ids)
        .order_by("id")
        .values("id", "name", "kind", "condition", "compound_id", "building_id", "lat", "lng")
    ):
        at = (
            _loc(m["lat"], m["lng"])
            or building_at.get(m["building_id"])
            or compound_at.get(m["compound_id"])
        )
        micro_at[m["id"]] = at
        if at is None:
            continue
        microspaces.append(
            _feature(
                *at,
                {
                    "kind": "microspace",
                    "name": m["name"],
                    "label": f"{micro_labels.get(m['kind'], m['kind'])} · {cond_labels.get(m['condition'], '')}",
                    "place": compound_name.get(m["compound_id"], ""),
                    "url": reverse("places:microspace", args=[m["id"]]),
                },
            )
        )

    needs = _needs(user, committee_ids, compound_at, building_at, micro_at)
    projects = _projects(user, committee_ids, compound_at, building_at, micro_at)

    facility_labels = {k: str(v) for k, v in Facility.Kind.choices}
    street_ids = set(
        Committee.objects.filter(id__in=committee_ids).values_list("street_id", flat=True)
    )
    facilities = [
        _feature(
            float(f["lng"]),
            float(f["lat"]),
            {
                "kind": "facility",
                "facility_kind": f["kind"],
                "name": f["name"],
                "label": facility_labels.get(f["kind"], f["kind"]),
                "reach_m": lc["reach_m"].get(f["kind"]),
            },
        )
        for f in Facility.objects.filter(street_id__in=street_ids)
        .order_by("id")
        .values("id", "kind", "name", "lat", "lng")
    ]
    located = [f for f in (compound_at.get(c["id"]) for c in compounds) if f]
    return {
        "layers": {
            "outlines": _collection(outlines),
            "buildings": _collection(building_features),
            "microspaces": _collection(microspaces),
            "needs": _collection(needs),
            "projects": _collection(projects),
            "facilities": _collection(facilities),
        },
        "life_circle": {
            "source": lifecircle.SOURCE,
            "buildings": len(lc["gaps_all"]),
            "with_gaps": sum(1 for g in lc["gaps_all"].values() if g),
            "by_kind": lc["by_kind"],
            "gap_points": _collection(lc["gap_points"]),
        },
        "stages": [{"stage": s.value, "label": str(s.label)} for s in Stage],
        "bounds": _bounds(located + [p for p in building_at.values() if p]),
        "committees": len(committee_ids),
        "buildings_shown": with_buildings,
    }


def _bounds(points: list[tuple[float, float]]) -> list[list[float]] | None:
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return [[min(ys), min(xs)], [max(ys), max(xs)]]


def _life_circle(committee_ids, buildings, building_at) -> dict:
    """The 15-minute life circle of every located building against its street's facilities
    (same engine, thresholds and detour factor as the planner's community profile)."""
    from linli.planning import profile

    limits = profile.thresholds()
    detour = profile.detour_factor()
    network = profile.network()
    street_of_compound = dict(
        Compound.objects.filter(committee_id__in=committee_ids).values_list(
            "id", "committee__street_id"
        )
    )
    by_street: dict[int, list] = defaultdict(list)
    for b in buildings:
        if building_at[b["id"]] is not None:
            by_street[street_of_compound[b["compound_id"]]].append(b)
    facilities: dict[int, list] = defaultdict(list)
    for f in Facility.objects.filter(street_id__in=list(by_street)).values(
        "id", "kind", "lat", "lng", "street_id"
    ):
        facilities[f["street_id"]].append(f)
    labels = {k: str(v) for k, v in Facility.Kind.choices}
    gaps_all: dict[int, list[str]] = {}
    gap_points = []
    missing: dict[str, int] = defaultdict(int)
    for street_id, rows in by_street.items():
        result = lifecircle.analyse(
            [lifecircle.Place(b["id"], float(b["lat"]), float(b["lng"])) for b in rows],
            [
                lifecircle.Facility(f["id"], f["kind"], float(f["lat"]), float(f["lng"]))
                for f in facilities[street_id]
            ],
            thresholds_m=limits,
            detour_factor=detour,
            network=network,
        )
        for br in result.buildings:
            names = [labels.get(k, k) for k in br.gaps]
            gaps_all[br.building.id] = names
            for k in br.gaps:
                missing[k] += 1
            if names:
                gap_points.append(
                    _feature(
                        br.building.lng,
                        br.building.lat,
                        {"kind": "gap", "name": _("，").join(names), "gaps": len(names)},
                    )
                )
    total = len(gaps_all)
    return {
        "gaps": gaps_all,
        "gaps_all": gaps_all,
        "gap_points": gap_points,
        "reach_m": {k: round(v / detour) for k, v in limits.items()},
        "by_kind": [
            {
                "kind": k,
                "label": labels.get(k, k),
                "threshold_m": v,
                "outside": missing.get(k, 0),
                "coverage": round(100 * (total - missing.get(k, 0)) / total) if total else None,
            }
            for k, v in limits.items()
        ],
    }


def _needs(user, committee_ids, compound_at, building_at, micro_at) -> list[dict]:
    """Needs as the committee's residents see them: what and where, never who."""
    from linli.needs.selectors import needs_visible_to

    cats = {k: str(v) for k, v in Category.choices}
    statuses = {k: str(v) for k, v in Need.Status.choices}
    features = []
    rows = (
        needs_visible_to(user)
        .filter(committee_id__in=committee_ids, merged_into__isnull=True)
        .order_by("id")
        .values(
            "id", "text", "category", "status", "created_at", "lat", "lng",
            "microspace_id", "building_id", "compound_id",
        )
    )  # fmt: skip
    for n in rows:
        at = (
            _loc(n["lat"], n["lng"])
            or micro_at.get(n["microspace_id"])
            or building_at.get(n["building_id"])
            or compound_at.get(n["compound_id"])
        )
        if at is None:
            continue
        text = n["text"]
        if len(text) > NEED_TEXT_CHARS:
            text = text[:NEED_TEXT_CHARS] + "…"
        features.append(
            _feature(
                *at,
                {
                    "kind": "need",
                    "name": text,
                    "label": f"{cats.get(n['category'], '')} · {statuses.get(n['status'], '')}",
                    "status": n["status"],
                    "date": n["created_at"].date().isoformat(),
                    "url": reverse("needs:detail", args=[n["id"]]),
                },
            )
        )
    return features


def _projects(user, committee_ids, compound_at, building_at, micro_at) -> list[dict]:
    """Each project at its first micro-space, else building, else compound, else the middle
    of its committee's compounds."""
    from linli.projects.selectors import projects_visible_to

    projects: QuerySet = projects_visible_to(user).filter(committee_id__in=committee_ids)
    rows = list(projects.order_by("id").values("id", "title", "stage", "kind", "committee_id"))
    ids = [p["id"] for p in rows]
    first: dict[str, dict[int, tuple]] = {"m": {}, "b": {}, "c": {}}
    through = (
        ("m", Project.microspaces.through, "microspace_id", micro_at),
        ("b", Project.buildings.through, "building_id", building_at),
        ("c", Project.compounds.through, "compound_id", compound_at),
    )
    for key, model, field, where in through:
        for pid, oid in (
            model.objects.filter(project_id__in=ids).order_by("id").values_list("project_id", field)
        ):
            if pid not in first[key] and where.get(oid):
                first[key][pid] = where[oid]
    committee_centre: dict[int, tuple] = {}
    by_committee: dict[int, list] = defaultdict(list)
    for cid, compound_id in Compound.objects.filter(committee_id__in=committee_ids).values_list(
        "committee_id", "id"
    ):
        if compound_at.get(compound_id):
            by_committee[cid].append(compound_at[compound_id])
    for cid, pts in by_committee.items():
        committee_centre[cid] = (
            sum(p[0] for p in pts) / len(pts),
            sum(p[1] for p in pts) / len(pts),
        )
    stages = {k: str(v) for k, v in Stage.choices}
    kinds = {k: str(v) for k, v in ProjectKind.choices}
    features = []
    for p in rows:
        pid = p["id"]
        at = (
            first["m"].get(pid)
            or first["b"].get(pid)
            or first["c"].get(pid)
            or committee_centre.get(p["committee_id"])
        )
        if at is None:
            continue
        features.append(
            _feature(
                *at,
                {
                    "kind": "project",
                    "name": p["title"],
                    "label": stages.get(p["stage"], p["stage"])
                    + (f" · {kinds[p['kind']]}" if p["kind"] in kinds else ""),
                    "stage": p["stage"],
                    "url": reverse("projects:detail", args=[pid]),
                },
            )
        )
    return features
