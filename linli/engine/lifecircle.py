"""15-minute community life circle (15分钟社区生活圈): walking distance from each building to
the nearest facility of each kind, and the buildings left outside the thresholds.

Without a walking network the distance is the great-circle (haversine) distance multiplied by
a detour factor (绕行系数, default 1.3), the usual planning approximation for a street grid.
Thresholds follow 《上海市15分钟社区生活圈规划导则（试行）》 (上海市规划和国土资源管理局,
2016): daily services for the elderly and children within a 5–10 minute walk (≈ 500 m), the
whole circle within a 15-minute walk (≈ 800–1,000 m). They are parameters, never constants
baked into the analysis.

No Django here: plain dataclasses in and out, deterministic (ties broken by facility id).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean Earth radius
DEFAULT_DETOUR = 1.3
WALK_SPEED_M_PER_MIN = 80.0  # ≈ 4.8 km/h, the guide's walking speed for older residents

SOURCE = "《上海市15分钟社区生活圈规划导则（试行）》，上海市规划和国土资源管理局，2016年"

# Default thresholds in metres of walking distance, by facility kind (the kinds of
# ``places.Facility.Kind``). 5–10 min ≈ 500 m for elderly and child facilities; 15 min ≈
# 1,000 m for the rest of the circle; public transport within 500 m.
DEFAULT_THRESHOLDS_M: dict[str, int] = {
    "elderly_care": 500,
    "elderly_canteen": 500,
    "kindergarten": 500,
    "bus_stop": 500,
    "clinic": 1000,
    "neighbourhood_centre": 1000,
    "primary_school": 1000,
    "market": 1000,
    "park": 1000,
    "sports": 1000,
    "culture": 1000,
    "metro": 1000,
}


@dataclass(frozen=True)
class Place:
    id: int
    lat: float
    lng: float
    label: str = ""


@dataclass(frozen=True)
class Facility:
    id: int
    kind: str
    lat: float
    lng: float
    label: str = ""


@dataclass(frozen=True)
class Reach:
    """The nearest facility of one kind from one building (None when there is none)."""

    kind: str
    threshold_m: int
    facility_id: int | None
    distance_m: float | None

    @property
    def within(self) -> bool:
        return self.distance_m is not None and self.distance_m <= self.threshold_m

    @property
    def minutes(self) -> float | None:
        return None if self.distance_m is None else self.distance_m / WALK_SPEED_M_PER_MIN


@dataclass(frozen=True)
class BuildingReach:
    building: Place
    reaches: tuple[Reach, ...]

    @property
    def gaps(self) -> tuple[str, ...]:
        return tuple(r.kind for r in self.reaches if not r.within)


@dataclass(frozen=True)
class LifeCircle:
    detour_factor: float
    thresholds_m: Mapping[str, int]
    buildings: tuple[BuildingReach, ...]
    gaps_by_kind: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    def coverage(self, kind: str) -> float:
        """Share (0–1) of buildings within the threshold of ``kind``."""
        if not self.buildings:
            return 0.0
        return 1 - len(self.gaps_by_kind.get(kind, ())) / len(self.buildings)


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def walking_m(a: Place, b: Facility, *, detour_factor: float = DEFAULT_DETOUR) -> float:
    if detour_factor < 1:
        raise ValueError("detour factor must be at least 1")
    return haversine_m(a.lat, a.lng, b.lat, b.lng) * detour_factor


class Network:
    """A walking network from GeoJSON LineStrings (``[lng, lat]`` coordinates). Points join
    it at the nearest node, the way there counted as a straight line; consecutive vertices
    are edges weighted by their haversine length. Vertices closer than ``snap_m`` merge."""

    def __init__(self, geojson: Mapping, *, snap_m: float = 1.0):
        self.nodes: list[tuple[float, float]] = []
        self.adj: list[dict[int, float]] = []
        self._snap_m = snap_m
        self._index: dict[tuple[int, int], list[int]] = {}
        features = (
            geojson.get("features", [geojson])
            if geojson.get("type") == "FeatureCollection"
            else [geojson]
        )
        for feat in features:
            geom = feat.get("geometry", feat)
            kind = geom.get("type")
            lines = (
                [geom["coordinates"]] if kind == "LineString"
                else geom["coordinates"] if kind == "MultiLineString" else []
            )  # fmt: skip
            for line in lines:
                prev = None
                for lng, lat, *_ in line:
                    node = self._node(float(lat), float(lng))
                    if prev is not None and prev != node:
                        d = haversine_m(*self.nodes[prev], *self.nodes[node])
                        self.adj[prev][node] = min(d, self.adj[prev].get(node, math.inf))
                        self.adj[node][prev] = self.adj[prev][node]
                    prev = node
        if not self.nodes:
            raise ValueError("the network has no LineString")

    def _cell(self, lat: float, lng: float) -> tuple[int, int]:
        return (round(lat * 1e4), round(lng * 1e4))  # ≈ 11 m cells

    def _node(self, lat: float, lng: float) -> int:
        ci, cj = self._cell(lat, lng)
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                for n in self._index.get((ci + di, cj + dj), []):
                    if haversine_m(lat, lng, *self.nodes[n]) <= self._snap_m:
                        return n
        self.nodes.append((lat, lng))
        self.adj.append({})
        self._index.setdefault((ci, cj), []).append(len(self.nodes) - 1)
        return len(self.nodes) - 1

    def nearest(self, lat: float, lng: float) -> tuple[int, float]:
        return min(
            ((i, haversine_m(lat, lng, *xy)) for i, xy in enumerate(self.nodes)),
            key=lambda t: (t[1], t[0]),
        )

    def from_point(self, lat: float, lng: float) -> dict[int, float]:
        """Walking metres from a point to every reachable node (Dijkstra)."""
        import heapq

        start, access = self.nearest(lat, lng)
        dist = {start: access}
        heap = [(access, start)]
        while heap:
            d, n = heapq.heappop(heap)
            if d > dist.get(n, math.inf):
                continue
            for m, w in self.adj[n].items():
                nd = d + w
                if nd < dist.get(m, math.inf):
                    dist[m] = nd
                    heapq.heappush(heap, (nd, m))
        return dist

    def walking_m(self, dist_from_origin: Mapping[int, float], f: Facility) -> float | None:
        node, access = self.nearest(f.lat, f.lng)
        d = dist_from_origin.get(node)
        return None if d is None else d + access


def analyse(
    buildings: Iterable[Place],
    facilities: Iterable[Facility],
    *,
    thresholds_m: Mapping[str, int] | None = None,
    detour_factor: float = DEFAULT_DETOUR,
    network: Network | None = None,
) -> LifeCircle:
    """For every building and every kind in ``thresholds_m``: the nearest facility and
    whether it lies within the threshold. Buildings are kept in the order given. With a
    ``network`` distances are shortest walking paths (the detour factor is not applied;
    a facility unreachable through the network counts as absent)."""
    if detour_factor < 1:
        raise ValueError("detour factor must be at least 1")
    thresholds = dict(DEFAULT_THRESHOLDS_M if thresholds_m is None else thresholds_m)
    for kind, metres in thresholds.items():
        if metres <= 0:
            raise ValueError(f"threshold for {kind} must be positive")
    by_kind: dict[str, list[Facility]] = {}
    for f in sorted(facilities, key=lambda f: f.id):
        by_kind.setdefault(f.kind, []).append(f)
    rows: list[BuildingReach] = []
    gaps: dict[str, list[int]] = {k: [] for k in thresholds}
    for b in buildings:
        reaches = []
        from_b = network.from_point(b.lat, b.lng) if network is not None else None
        for kind, limit in thresholds.items():
            best: tuple[float, int] | None = None
            for f in by_kind.get(kind, []):
                if network is not None:
                    d = network.walking_m(from_b, f)
                    if d is None:
                        continue
                else:
                    d = walking_m(b, f, detour_factor=detour_factor)
                if best is None or d < best[0]:
                    best = (d, f.id)
            reach = Reach(
                kind=kind,
                threshold_m=limit,
                facility_id=None if best is None else best[1],
                distance_m=None if best is None else best[0],
            )
            if not reach.within:
                gaps[kind].append(b.id)
            reaches.append(reach)
        rows.append(BuildingReach(building=b, reaches=tuple(reaches)))
    return LifeCircle(
        detour_factor=1.0 if network is not None else detour_factor,
        thresholds_m=thresholds,
        buildings=tuple(rows),
        gaps_by_kind={k: tuple(v) for k, v in gaps.items()},
    )


def offset(
    lat: float, lng: float, *, north_m: float = 0.0, east_m: float = 0.0
) -> tuple[float, float]:
    """A point ``north_m`` / ``east_m`` metres from (lat, lng) — for laying out test sites."""
    dlat = math.degrees(north_m / EARTH_RADIUS_M)
    dlng = math.degrees(east_m / (EARTH_RADIUS_M * math.cos(math.radians(lat))))
    return lat + dlat, lng + dlng
