"""Life-circle distances against known answers."""

from __future__ import annotations

import math

import pytest

from linli.engine.lifecircle import (
    DEFAULT_DETOUR,
    Facility,
    Place,
    analyse,
    haversine_m,
    offset,
    walking_m,
)


def test_haversine_one_degree_of_latitude():
    # one degree along a meridian on a sphere of the mean radius: 111,195 m
    assert haversine_m(31.0, 121.0, 32.0, 121.0) == pytest.approx(111_195.08, abs=0.1)


def test_haversine_known_city_distance():
    # People's Square (31.2304, 121.4737) to Wujiaochang (31.2990, 121.5140): about 8.5 km
    assert haversine_m(31.2304, 121.4737, 31.2990, 121.5140) == pytest.approx(8_550, rel=0.01)


def test_walking_applies_detour_factor():
    lat, lng = offset(31.29, 121.52, east_m=400)
    b, f = Place(1, 31.29, 121.52), Facility(9, "clinic", lat, lng)
    assert walking_m(b, f) == pytest.approx(400 * DEFAULT_DETOUR, abs=0.01)
    assert walking_m(b, f, detour_factor=1.0) == pytest.approx(400, abs=0.01)
    with pytest.raises(ValueError):
        walking_m(b, f, detour_factor=0.9)


def test_seeded_layout_known_gaps():
    """Building 1 at the origin, building 2 600 m north. An elderly-care centre 300 m east of
    building 1 (walk 390 m; from building 2 √(600²+300²)×1.3 ≈ 872 m), a clinic 700 m east
    (walk 910 m; from building 2 ≈ 1,201 m) and no kindergarten at all."""
    lat0, lng0 = 31.29, 121.52
    b1 = Place(1, lat0, lng0)
    b2 = Place(2, *offset(lat0, lng0, north_m=600))
    care = Facility(10, "elderly_care", *offset(lat0, lng0, east_m=300))
    clinic = Facility(11, "clinic", *offset(lat0, lng0, east_m=700))
    result = analyse(
        [b1, b2],
        [care, clinic],
        thresholds_m={"elderly_care": 500, "clinic": 1000, "kindergarten": 500},
    )
    r1, r2 = result.buildings
    assert r1.gaps == ("kindergarten",)
    assert r2.gaps == ("elderly_care", "clinic", "kindergarten")
    assert r1.reaches[0].distance_m == pytest.approx(390, abs=0.5)
    assert r2.reaches[0].distance_m == pytest.approx(math.hypot(600, 300) * 1.3, rel=0.001)
    assert r2.reaches[1].distance_m == pytest.approx(math.hypot(600, 700) * 1.3, rel=0.001)
    assert r1.reaches[2].facility_id is None and r1.reaches[2].distance_m is None
    assert result.gaps_by_kind == {"elderly_care": (2,), "clinic": (2,), "kindergarten": (1, 2)}
    assert result.coverage("elderly_care") == 0.5
    assert result.coverage("kindergarten") == 0.0


def test_nearest_wins_and_ties_break_by_id():
    b = Place(1, 31.29, 121.52)
    east = Facility(5, "market", *offset(31.29, 121.52, east_m=200))
    west = Facility(3, "market", *offset(31.29, 121.52, east_m=-200))
    far = Facility(1, "market", *offset(31.29, 121.52, north_m=900))
    (row,) = analyse([b], [east, far, west], thresholds_m={"market": 1000}).buildings
    assert row.reaches[0].facility_id == 3


def test_larger_detour_turns_a_building_into_a_gap():
    b = Place(1, 31.29, 121.52)
    f = Facility(2, "kindergarten", *offset(31.29, 121.52, east_m=400))
    assert (
        analyse([b], [f], thresholds_m={"kindergarten": 500}, detour_factor=1.2).buildings[0].gaps
        == ()
    )
    assert analyse([b], [f], thresholds_m={"kindergarten": 500}, detour_factor=1.3).buildings[
        0
    ].gaps == ("kindergarten",)


def test_bad_thresholds_refused():
    with pytest.raises(ValueError):
        analyse([], [], thresholds_m={"clinic": 0})


def _line(*points):
    return {"type": "Feature", "geometry": {"type": "LineString",
            "coordinates": [[lng, lat] for lat, lng in points]}}  # fmt: skip


def test_network_distance_follows_the_streets():
    """An L-shaped street: 400 m east then 300 m north. The facility at the corner's far end
    is 500 m away in a straight line but 700 m along the street."""
    from linli.engine.lifecircle import Network

    o = (31.29, 121.52)
    corner = offset(*o, east_m=400)
    end = offset(*corner, north_m=300)
    net = Network({"type": "FeatureCollection", "features": [_line(o, corner, end)]})
    assert len(net.nodes) == 3
    b = Place(1, *o)
    f = Facility(2, "kindergarten", *end)
    (row,) = analyse([b], [f], thresholds_m={"kindergarten": 600}, network=net).buildings
    assert row.reaches[0].distance_m == pytest.approx(700, abs=1)
    assert row.gaps == ("kindergarten",)
    (row,) = analyse([b], [f], thresholds_m={"kindergarten": 600}, detour_factor=1.0).buildings
    assert row.reaches[0].distance_m == pytest.approx(500, abs=1) and row.gaps == ()


def test_network_joins_shared_vertices_and_ignores_unreachable():
    from linli.engine.lifecircle import Network

    o = (31.29, 121.52)
    a = offset(*o, east_m=200)
    island = offset(*o, north_m=5000)
    island2 = offset(*island, east_m=100)
    net = Network({"type": "FeatureCollection",
                   "features": [_line(o, a), _line(a, offset(*a, north_m=100)), _line(island, island2)]})  # fmt: skip
    assert len(net.nodes) == 5  # the shared vertex ``a`` is one node
    far = Facility(3, "market", *island2)
    (row,) = analyse([Place(1, *o)], [far], thresholds_m={"market": 1000}, network=net).buildings
    assert row.reaches[0].facility_id is None and row.gaps == ("market",)
    with pytest.raises(ValueError):
        Network({"type": "FeatureCollection", "features": []})
