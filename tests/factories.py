"""Test data built through factories and services (roles via ``role_assign``)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import factory

from linli.accounts.models import Role, User
from linli.places.models import (
    Building,
    Committee,
    Compound,
    District,
    Flat,
    Household,
    Ownership,
    Person,
    Residency,
    Street,
)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试{n}区")


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"测试{n}街道")


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"测试{n}居委会")


class CompoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Compound

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"测试{n}小区")
    lat = Decimal("31.290000")
    lng = Decimal("121.520000")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    compound = factory.SubFactory(CompoundFactory)
    number = factory.Sequence(lambda n: f"{n + 1}号楼")
    floors = 6


class FlatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Flat

    building = factory.SubFactory(BuildingFactory)
    unit = ""
    room = factory.Sequence(lambda n: f"{(n % 6) + 1}0{(n % 4) + 1}-{n}")
    floor = factory.LazyAttribute(lambda o: int(o.room[0]))
    area = Decimal("65.40")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"居民{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    birth_year = 1960
    sex = "F"


_mobile_seq = iter(range(10_000_000, 99_999_999))


def make_user(
    role: str | None = None,
    scope=None,
    *,
    name: str | None = None,
    password: str = "linli-pass-2026",
) -> User:
    from linli.accounts.services import role_assign

    mobile = f"138{next(_mobile_seq):08d}"
    user = User.objects.create_user(
        mobile=mobile, password=password, name=name or f"用户{mobile[-4:]}"
    )
    if role:
        role_assign(actor=None, user=user, role=role, scope=scope)
    return user


def flat_with_people(
    building: Building, room: str, floor: int, area: str, owner_names: list[str]
) -> Flat:
    flat = Flat.objects.create(building=building, room=room, floor=floor, area=Decimal(area))
    household = Household.objects.create(flat=flat, label=owner_names[0] if owner_names else "")
    for i, name in enumerate(owner_names):
        person = PersonFactory(name=name)
        Ownership.objects.create(flat=flat, person=person)
        Residency.objects.create(
            household=household, person=person, relation="head" if i == 0 else "spouse"
        )
    return flat


def build_world() -> SimpleNamespace:
    """Committee A (street 1) and committee B (street 2), with one user of every role in A."""
    district = DistrictFactory(name="杨浦区")
    street_a = StreetFactory(district=district, name="殷行街道")
    street_b = StreetFactory(district=district, name="五角场街道")
    committee_a = CommitteeFactory(street=street_a, name="开鲁新村第一居委会")
    committee_b = CommitteeFactory(street=street_b, name="铁路新村居委会")
    compound_a = CompoundFactory(committee=committee_a, name="开鲁一村")
    compound_b = CompoundFactory(committee=committee_b, name="铁路新村")
    building_a = BuildingFactory(compound=compound_a, number="5号楼")
    building_b = BuildingFactory(compound=compound_b, number="12号楼")
    flat_a = flat_with_people(building_a, "101", 1, "62.50", ["张建国", "李秀英"])
    flat_a2 = flat_with_people(building_a, "201", 2, "70.10", ["王伟"])
    flat_b = flat_with_people(building_b, "302", 3, "55.00", ["赵敏"])
    users = SimpleNamespace(
        staff_a=make_user(Role.COMMITTEE_STAFF, committee_a, name="居委会小陈"),
        staff_b=make_user(Role.COMMITTEE_STAFF, committee_b, name="居委会小刘"),
        resident_a=make_user(Role.RESIDENT, flat_a, name="张建国"),
        resident_b=make_user(Role.RESIDENT, flat_b, name="赵敏"),
        leader_a=make_user(Role.BUILDING_LEADER, building_a, name="楼组长老王"),
        street_a=make_user(Role.STREET_STAFF, street_a, name="街道老周"),
        district=make_user(Role.DISTRICT_ADMIN, district, name="区民政局小吴"),
        planner_a=make_user(Role.PLANNER, street_a, name="规划师林老师"),
        outsider=make_user(None, None, name="无角色用户"),
    )
    return SimpleNamespace(
        district=district,
        street_a=street_a,
        street_b=street_b,
        committee_a=committee_a,
        committee_b=committee_b,
        compound_a=compound_a,
        compound_b=compound_b,
        building_a=building_a,
        building_b=building_b,
        flat_a=flat_a,
        flat_a2=flat_a2,
        flat_b=flat_b,
        users=users,
    )
