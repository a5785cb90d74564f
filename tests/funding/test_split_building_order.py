"""The household-split form lists its buildings naturally (1号楼, 2号楼 … 10号楼), grouped by
compound, like the other building lists (issue 11: 10号楼 came before 2号楼)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import BuildingFactory, CompoundFactory, flat_with_people
from tests.funding.helpers import make_books

pytestmark = pytest.mark.django_db


def test_split_buildings_are_in_natural_order_grouped_by_compound(client, world):
    second = CompoundFactory(committee=world.committee_a, name="开鲁二村")
    buildings = [world.building_a]
    for compound, number in (
        (world.compound_a, "10号楼"),
        (world.compound_a, "2号楼"),
        (second, "11号楼"),
        (second, "1号楼"),
    ):
        b = BuildingFactory(compound=compound, number=number)
        flat_with_people(b, "101", 1, "50.00", [f"{number}业主"])
        buildings.append(b)
    books = make_books(world, buildings=buildings)
    books.source = books.plan.sources.create(kind="residents", name="居民自筹", amount_fen=600_000)
    client.force_login(books.staff)
    html = client.get(reverse("funding:contributions", args=[books.project.pk])).content.decode()
    fieldset = re.search(r"由哪些楼栋分摊.*?一楼免缴", html, re.S).group(0)
    labels = re.findall(r'name="buildings" value="\d+">\s*([^（<]+)（', fieldset)
    assert [x.strip() for x in labels] == ["2号楼", "5号楼", "10号楼", "1号楼", "11号楼"]
    groups = re.findall(r"<legend[^>]*>([^<]+)</legend>", fieldset)
    assert [g.strip() for g in groups[-2:]] == ["开鲁一村", "开鲁二村"]
