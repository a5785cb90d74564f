"""An estate for owners' votes whose boundaries can be computed by hand.

Building 9 of 开鲁一村 (committee A), 7 flats, 600 m², 6 owners by headcount:

    F1 150 m²  {A, B}  jointly owned (one owner for the headcount)
    F2 100 m²  {C}     C owns two flats (one owner, 150 m² in all)
    F3  50 m²  {C}
    F4 150 m²  {D}
    F5  50 m²  {E}
    F6  50 m²  {G}
    F7  50 m²  {H}

Two thirds: 400 m² and 4 owners. Every owner has an account linked to their Person.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from linli.places.models import Building, Flat, Ownership
from tests.factories import PersonFactory, make_user

LAYOUT = [
    ("F1", "101", 1, "150.00", ["A", "B"]),
    ("F2", "201", 2, "100.00", ["C"]),
    ("F3", "202", 2, "50.00", ["C"]),
    ("F4", "301", 3, "150.00", ["D"]),
    ("F5", "401", 4, "50.00", ["E"]),
    ("F6", "501", 5, "50.00", ["G"]),
    ("F7", "601", 6, "50.00", ["H"]),
]


@pytest.fixture
def estate(world):
    building = Building.objects.create(compound=world.compound_a, number="9号楼", floors=6)
    people, users, flats = {}, {}, {}
    for name in "ABCDEGH":
        user = make_user(None, None, name=f"业主{name}")
        people[name] = PersonFactory(name=f"业主{name}", user=user)
        users[name] = user
    for key, room, floor, area, owners in LAYOUT:
        flat = Flat.objects.create(building=building, room=room, floor=floor, area=Decimal(area))
        for o in owners:
            Ownership.objects.create(flat=flat, person=people[o])
        flats[key] = flat
    return SimpleNamespace(world=world, building=building, people=people, users=users, flats=flats)


def window(hours: int = 24):
    now = timezone.now()
    return now - timedelta(hours=1), now + timedelta(hours=hours)


@pytest.fixture
def owners_vote(estate):
    """An open owners' vote on changing a common part's use (art. 278 item 8: 3/4)."""
    from linli.voting.services import vote_create, vote_open

    def make(matter="278-8", **kw):
        opens, closes = window()
        vote = vote_create(
            actor=estate.world.users.staff_a,
            committee=estate.world.committee_a,
            title=kw.pop("title", "架空层改建为老年活动室"),
            kind="owners",
            matter=matter,
            buildings=[estate.building],
            opens_at=opens,
            closes_at=closes,
            **kw,
        )
        return vote_open(actor=estate.world.users.staff_a, vote=vote)

    return make
