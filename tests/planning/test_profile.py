"""Community profile: the pyramid counts match the registry; life-circle gaps for a seeded
facility layout have known answers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from linli.engine.lifecircle import offset
from linli.places.models import Facility, Household, Person, Residency
from linli.planning import profile
from tests.factories import BuildingFactory, FlatFactory

pytestmark = pytest.mark.django_db


def add_resident(flat, *, sex, birth_year, name="居民"):
    household = flat.households.first() or Household.objects.create(flat=flat)
    person = Person.objects.create(name=name, sex=sex, birth_year=birth_year)
    Residency.objects.create(household=household, person=person)
    return person


@pytest.fixture
def registry(world):
    """Committee A: the world's three residents (F, born 1960) plus eight more."""
    flat = FlatFactory(building=world.building_a, room="301", floor=3)
    for sex, year in [("M", 1940), ("M", 1944), ("F", 1938), ("M", 2018), ("F", 2020),
                      ("M", 1990), ("", 1985), ("F", None)]:  # fmt: skip
        add_resident(flat, sex=sex, birth_year=year)
    return world


def test_pyramid_counts_match_the_registry(registry):
    p = profile.population(registry.committee_a, year=2026)
    registry_count = (
        Person.objects.filter(
            residencies__household__flat__building__compound__committee=registry.committee_a
        )
        .distinct()
        .count()
    )
    assert p["total"] == registry_count == 11
    bands = p["bands"]
    assert bands[0] == "0–9岁" and bands[-1] == "80岁以上"
    # 1940/1944 → 86/82 (80+), 1938 → 88 (80+), 1960 ×3 → 66 (60–69), 2018 → 8, 2020 → 6
    assert p["male"] == [1, 0, 0, 1, 0, 0, 0, 0, 2]
    assert p["female"] == [1, 0, 0, 0, 0, 0, 3, 0, 1]
    assert p["unknown_age"] == 1 and p["unknown_sex"] == 1
    assert p["elderly"] == 6 and p["children"] == 2
    assert p["elderly_share"] == 60.0
    assert sum(p["male"]) + sum(p["female"]) + p["unknown_sex"] + p["unknown_age"] == p["total"]


def test_person_in_two_households_counted_once(registry):
    person = Person.objects.filter(residencies__isnull=False).first()
    other = Household.objects.create(flat=registry.flat_a2)
    Residency.objects.create(household=other, person=person)
    assert profile.population(registry.committee_a, year=2026)["total"] == 11


def test_housing_counts(registry):
    h = profile.housing(registry.committee_a)
    assert h["flats"] == 3 and h["buildings"] == 1
    assert h["flats_by_floor"] == {1: 1, 2: 1, 3: 1}


@pytest.fixture
def layout(world):
    """Building 5 at the origin and a second building 600 m north; an elderly-care centre
    300 m east of building 5, a clinic 700 m east, no kindergarten anywhere."""
    lat0, lng0 = 31.29, 121.52
    b1 = world.building_a
    b1.lat, b1.lng = Decimal(f"{lat0:.6f}"), Decimal(f"{lng0:.6f}")
    b1.save()
    lat2, lng2 = offset(lat0, lng0, north_m=600)
    b2 = BuildingFactory(compound=world.compound_a, number="9号楼",
                         lat=Decimal(f"{lat2:.6f}"), lng=Decimal(f"{lng2:.6f}"))  # fmt: skip
    BuildingFactory(compound=world.compound_a, number="无坐标楼")
    for kind, name, east in [("elderly_care", "长者照护之家", 300), ("clinic", "卫生服务站", 700)]:
        lat, lng = offset(lat0, lng0, east_m=east)
        Facility.objects.create(street=world.street_a, kind=kind, name=name,
                                lat=Decimal(f"{lat:.6f}"), lng=Decimal(f"{lng:.6f}"))  # fmt: skip
    world.b2 = b2
    return world


def test_life_circle_known_gaps(layout, settings):
    settings.LINLI_LIFECIRCLE_THRESHOLDS_M = {}
    lc = profile.life_circle(layout.committee_a, kinds=["elderly_care", "clinic", "kindergarten"])
    assert lc["gaps_by_kind"] == {
        "elderly_care": [layout.b2.pk],
        "clinic": [layout.b2.pk],
        "kindergarten": [layout.building_a.pk, layout.b2.pk],
    }
    assert lc["unlocated"] == 1
    first = {c["kind"]: c for c in lc["rows"][0]["cells"]}
    assert first["elderly_care"]["distance_m"] == 390  # 300 m × 1.3
    assert first["clinic"]["distance_m"] == 910
    assert first["kindergarten"]["distance_m"] is None
    kinds = {k["kind"]: k for k in lc["kinds"]}
    assert kinds["elderly_care"]["coverage"] == 50 and kinds["kindergarten"]["coverage"] == 0


def test_thresholds_are_configurable(layout, settings):
    settings.LINLI_LIFECIRCLE_THRESHOLDS_M = {"elderly_care": 1000}
    lc = profile.life_circle(layout.committee_a, kinds=["elderly_care"])
    assert lc["gaps_by_kind"] == {"elderly_care": []}
    settings.LINLI_LIFECIRCLE_DETOUR = 2.0  # 872 m → 1342 m for the far building
    lc = profile.life_circle(layout.committee_a, kinds=["elderly_care"])
    assert lc["gaps_by_kind"] == {"elderly_care": [layout.b2.pk]}


def test_profile_page_scoped_and_renders(registry, layout):
    c = Client()
    c.force_login(registry.users.staff_a)
    r = c.get(f"/planning/committee/{registry.committee_a.pk}/profile/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="n-residents">11<' in html and "上海市15分钟社区生活圈规划导则" in html
    assert "9号楼" in html and "幼儿园" in html
    c.force_login(registry.users.staff_b)
    assert c.get(f"/planning/committee/{registry.committee_a.pk}/profile/").status_code == 404


def test_geojson_network_replaces_the_detour_factor(layout, settings, tmp_path):
    """A street from building 5 east past the care centre: 300 m along it, no detour."""
    import json

    lat0, lng0 = 31.29, 121.52
    end = offset(lat0, lng0, east_m=800)
    north = offset(lat0, lng0, north_m=600)
    net = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[lng0, lat0], [end[1], end[0]]]}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[lng0, lat0], [north[1], north[0]]]}},
    ]}  # fmt: skip
    path = tmp_path / "walk.geojson"
    path.write_text(json.dumps(net))
    settings.LINLI_LIFECIRCLE_NETWORK = str(path)
    settings.LINLI_LIFECIRCLE_THRESHOLDS_M = {}
    lc = profile.life_circle(layout.committee_a, kinds=["elderly_care"])
    first = {c["kind"]: c for c in lc["rows"][0]["cells"]}
    # the care centre joins the network at building 5's node (0 m) or the east end (500 m):
    # nearest node is the origin, 300 m straight access → 300 m
    assert first["elderly_care"]["distance_m"] == 300
    # building 9 walks 600 m south to the origin, then 300 m → 900 m: a gap at 500 m
    assert lc["gaps_by_kind"] == {"elderly_care": [layout.b2.pk]}
    assert lc["detour_factor"] == 1.0 and lc["network"]
