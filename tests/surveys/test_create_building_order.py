"""The new-survey page lists its buildings naturally (1号楼, 2号楼 … 10号楼), grouped by
compound (<optgroup>), like the other building dropdowns (issue 11)."""

from __future__ import annotations

import re

import pytest

from tests.factories import BuildingFactory, CompoundFactory

pytestmark = pytest.mark.django_db


def test_survey_building_dropdown_is_natural_and_grouped(client, world):
    second = CompoundFactory(committee=world.committee_a, name="开鲁二村")
    for compound, number in (
        (world.compound_a, "10号楼"),
        (world.compound_a, "2号楼"),
        (second, "11号楼"),
        (second, "1号楼"),
    ):
        BuildingFactory(compound=compound, number=number)
    client.force_login(world.users.staff_a)
    html = client.get("/surveys/new/").content.decode()
    select = re.search(r'<select id="id_building".*?</select>', html, re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    assert [g for g, _ in groups] == ["开鲁一村", "开鲁二村"]
    numbers = [re.findall(r"<option value=\"\d+\">([^<]+)</option>", body) for _, body in groups]
    assert numbers == [["2号楼", "5号楼", "10号楼"], ["1号楼", "11号楼"]]
