"""Buildings sort naturally (1号楼, 2号楼, …, 10号楼) in every dropdown and list; long
lists are grouped by compound; micro-spaces are labelled with where they are (issue 11)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from linli.places.models import Building, Compound, MicroSpace
from linli.places.ordering import natural_key, sorted_buildings

pytestmark = pytest.mark.django_db


def test_natural_key():
    names = ["10号楼", "2号楼", "1号楼", "3号楼", "１１号楼", "21号楼", "9号楼"]
    assert sorted(names, key=natural_key) == [
        "1号楼", "2号楼", "3号楼", "9号楼", "10号楼", "１１号楼", "21号楼",
    ]  # fmt: skip
    assert sorted(["B区10栋", "A区2栋", "A区10栋"], key=natural_key) == [
        "A区2栋", "A区10栋", "B区10栋",
    ]  # fmt: skip


@pytest.fixture
def many(world):
    """A committee with two compounds of 12 buildings each, and three phone booths."""
    second = Compound.objects.create(committee=world.committee_a, name="开鲁二村")
    for compound in (world.compound_a, second):
        for i in range(1, 13):
            Building.objects.get_or_create(compound=compound, number=f"{i}号楼")
    b5 = Building.objects.get(compound=world.compound_a, number="5号楼")
    for compound, building in ((world.compound_a, b5), (world.compound_a, None), (second, None)):
        MicroSpace.objects.create(compound=compound, building=building, name="废弃电话亭",
                                  kind=MicroSpace.Kind.OTHER)  # fmt: skip
    world.second = second
    return world


def _select(html, name):
    return re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)


def test_sorted_buildings(many):
    numbers = [b.number for b in sorted_buildings(many.compound_a.buildings.all())]
    assert numbers[:3] == ["1号楼", "2号楼", "3号楼"] and numbers[-1] == "12号楼"


def test_need_form_dropdowns_sorted_grouped_and_labelled(client, many):
    client.force_login(many.users.resident_a)
    html = client.get(reverse("needs:submit", args=[many.committee_a.pk])).content.decode()
    sel = _select(html, "building")
    assert '<optgroup label="开鲁一村">' in sel and '<optgroup label="开鲁二村">' in sel
    first_group = sel.split('<optgroup label="开鲁二村">')[0]
    labels = re.findall(r">开鲁一村(\d+)号楼<", first_group)
    assert labels == [str(i) for i in range(1, 13)], labels
    spaces = re.findall(r"<option[^>]*>([^<]*电话亭[^<]*)</option>", _select(html, "microspace"))
    assert len(spaces) == 3 and len(set(spaces)) == 3, spaces
    assert any("近5号楼" in s for s in spaces) and any("开鲁二村" in s for s in spaces)


def test_compound_page_lists_buildings_naturally(client, many):
    client.force_login(many.users.staff_a)
    html = client.get(reverse("places:compound", args=[many.compound_a.pk])).content.decode()
    order = [int(n) for n in re.findall(r">(\d+)号楼<", html)]
    assert order[:12] == list(range(1, 13)), order


def test_qr_sheet_puts_the_title_with_the_codes_on_page_one(client, many):
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    client.force_login(many.users.staff_a)
    r = client.get(reverse("needs:qr_sheet", args=[many.compound_a.pk]))
    assert r.status_code == 200

    text = subprocess.run(["pdftotext", "-", "-"], input=r.content, capture_output=True,
                          check=True).stdout.decode()  # fmt: skip
    first = text.split("\f")[0]
    assert "需求征集二维码" in first and "楼栋" in first and "开鲁一村 1号楼" in first
    # natural order on the sheet: 2号楼 before 10号楼
    assert text.index("开鲁一村 2号楼") < text.index("开鲁一村 10号楼")
