"""Maps in Chromium: the offline base layer draws without a tile server, markers cluster at
district scale, and a need whose text is HTML shows in its popup as text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from linli.needs.models import Need
from linli.needs.services import need_submit
from linli.places.models import Building, Facility, MicroSpace
from linli.projects.models import Project
from linli.projects.services import project_create
from tests.browser.conftest import log_in, shot
from tests.factories import BuildingFactory, CommitteeFactory, CompoundFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOAD = "<img src=x onerror=alert(1)>"


def _place(world):
    Building.objects.filter(pk=world.building_a.pk).update(
        lat=Decimal("31.2905"), lng=Decimal("121.5205")
    )
    for i, (lat, lng) in enumerate(
        [("31.2898", "121.5196"), ("31.2902", "121.5192"), ("31.2895", "121.5208")]
    ):
        BuildingFactory(compound=world.compound_a, number=f"{6 + i}号楼", lat=lat, lng=lng)
    MicroSpace.objects.create(
        compound=world.compound_a, name="开鲁小花园", kind="garden", lat="31.2899", lng="121.5201"
    )
    Facility.objects.create(
        street=world.street_a,
        kind="elderly_canteen",
        name="殷行长者食堂",
        lat="31.2925",
        lng="121.5230",
    )
    Facility.objects.create(
        street=world.street_a, kind="clinic", name="殷行卫生站", lat="31.2880", lng="121.5180"
    )
    need = need_submit(
        actor=world.users.resident_a,
        committee=world.committee_a,
        text="占位",
        building=world.building_a,
    )
    # the validator refuses markup; write it straight into the row as a compromised input would
    Need.objects.filter(pk=need.pk).update(
        text=PAYLOAD, lat=Decimal("31.2908"), lng=Decimal("121.5212")
    )
    p = project_create(
        actor=world.users.staff_a, committee=world.committee_a, title="开鲁一村睦邻花园"
    )
    Project.objects.filter(pk=p.pk).update(stage="implementation")
    p.compounds.add(world.compound_a)
    return need  # fmt: skip


def _ready(page):
    try:
        page.wait_for_selector("#linli-map[data-ready='1']", state="attached")
    except Exception:
        print("STATUS", page.locator("#map-status").inner_text(), page.url)
        print(
            "SCRIPTS",
            page.evaluate("[...document.scripts].map(s => s.src)"),
            page.evaluate("typeof L"),
            page.evaluate("typeof (window.L && L.markerClusterGroup)"),
        )
        raise


def test_need_text_is_text_in_its_popup_and_the_map_works_offline(
    world, desktop, phone, live_server
):
    _place(world)
    dialogs, failed = [], []
    for page in (desktop, phone):
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        # no tile server: any request off our origin is a failure of the offline promise
        page.on(
            "request",
            lambda r: (
                failed.append(r.url)
                if not r.url.startswith(live_server.url) and not r.url.startswith("data:")
                else None
            ),
        )
    errors = []
    desktop.on("pageerror", lambda e: errors.append(str(e)))
    log_in(desktop, live_server, world.users.resident_a)
    desktop.goto(reverse("places:my_home"))
    desktop.click(f"a[href='{reverse('maps:committee', args=[world.committee_a.pk])}']")
    _ready(desktop)
    # the offline base: the compound outline and buildings, drawn on a canvas
    assert desktop.locator(".leaflet-overlay-pane canvas").count() >= 1
    assert "小区轮廓 1 · 楼栋 4" in desktop.locator("#map-status").inner_text()
    assert desktop.locator(".map-pin-need").count() == 1
    desktop.locator(".map-pin-need").click()
    popup = desktop.locator(".leaflet-popup-content")
    popup.wait_for()
    assert PAYLOAD in popup.inner_text()
    assert popup.locator("img").count() == 0
    assert desktop.locator("img[src='x']").count() == 0
    assert "张建国" not in popup.inner_text()
    assert desktop.locator("#map-lifecircle").is_visible()
    shot(desktop, "maps-committee-desktop")

    log_in(phone, live_server, world.users.resident_a)
    phone.goto(reverse("maps:committee", args=[world.committee_a.pk]))
    _ready(phone)
    phone.locator(".map-pin-project").first.click()
    phone.locator(".leaflet-popup-content a").wait_for()
    assert phone.locator(".leaflet-popup-content a").inner_text() == "开鲁一村睦邻花园"
    shot(phone, "maps-committee-phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert dialogs == [] and errors == []
    assert failed == []


def test_district_map_clusters_markers(world, desktop, live_server):
    _place(world)
    for i in range(40):
        c = CommitteeFactory(
            street=world.street_a if i % 2 else world.street_b, name=f"测试居委会{i}"
        )
        comp = CompoundFactory(
            committee=c, name=f"测试小区{i}", lat=f"31.{2800 + i * 7}", lng=f"121.{5000 + i * 9}"
        )
        for j in range(3):
            MicroSpace.objects.create(compound=comp, name=f"空间{i}-{j}", kind="garden")
    log_in(desktop, live_server, world.users.district)
    desktop.goto(reverse("places:district", args=[world.district.pk]))
    desktop.click(f"a[href='{reverse('maps:district', args=[world.district.pk])}']")
    _ready(desktop)
    clusters = desktop.locator(".marker-cluster")
    assert clusters.count() >= 1
    assert "区级地图不逐栋显示楼栋" in desktop.locator("#map-status").inner_text()
    shot(desktop, "maps-district-desktop")


def test_street_map_for_street_staff(world, phone, live_server):
    _place(world)
    log_in(phone, live_server, world.users.street_a)
    phone.goto(reverse("places:street", args=[world.street_a.pk]))
    phone.click(f"a[href='{reverse('maps:street', args=[world.street_a.pk])}']")
    _ready(phone)
    assert "1 个居委会" in phone.locator("#map-status").inner_text()
    shot(phone, "maps-street-phone")
