"""Registry endpoints, scoped to what the caller's roles allow; contacts masked by rule."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from linli.core.masking import mask_mobile
from linli.core.permissions import get_visible, require
from linli.places import selectors
from linli.places.models import Flat

router = Router(tags=["社区登记"])


class CommitteeOut(Schema):
    id: int
    name: str
    kind: str
    street_id: int
    street_name: str
    district_name: str


class CompoundOut(Schema):
    id: int
    name: str
    committee_id: int
    address: str
    built_year: int | None
    lat: Decimal | None
    lng: Decimal | None


class BuildingOut(Schema):
    id: int
    number: str
    compound_id: int
    floors: int
    has_elevator: bool
    built_year: int | None


class PersonOut(Schema):
    id: int
    name: str
    mobile: str
    birth_year: int | None
    sex: str


class FlatOut(Schema):
    id: int
    building_id: int
    unit: str
    room: str
    floor: int
    area: Decimal
    owners: list[PersonOut]
    residents: list[PersonOut]


class MicroSpaceOut(Schema):
    id: int
    compound_id: int
    building_id: int | None
    name: str
    kind: str
    kind_label: str
    condition: str
    rights_holder: str
    lat: Decimal | None
    lng: Decimal | None
    plan_x: Decimal | None
    plan_y: Decimal | None


class FacilityOut(Schema):
    id: int
    street_id: int
    committee_id: int | None
    kind: str
    kind_label: str
    name: str
    lat: Decimal
    lng: Decimal


def _committee_out(c) -> CommitteeOut:
    return CommitteeOut(
        id=c.pk,
        name=c.name,
        kind=c.kind,
        street_id=c.street_id,
        street_name=c.street.name,
        district_name=c.street.district.name,
    )


@router.get("/committees", response=list[CommitteeOut], summary="我可查看的居委会")
def list_committees(request):
    return [_committee_out(c) for c in selectors.committees_visible_to(request.auth).order_by("id")]


@router.get("/committees/{committee_id}", response=CommitteeOut, summary="居委会详情")
def get_committee(request, committee_id: int):
    return _committee_out(
        get_visible(selectors.committees_visible_to(request.auth), pk=committee_id)
    )


@router.get(
    "/committees/{committee_id}/compounds", response=list[CompoundOut], summary="居委会下的小区"
)
def list_compounds(request, committee_id: int):
    committee = get_visible(selectors.committees_visible_to(request.auth), pk=committee_id)
    return list(
        selectors.compounds_visible_to(request.auth).filter(committee=committee).order_by("id")
    )


@router.get(
    "/compounds/{compound_id}/buildings", response=list[BuildingOut], summary="小区内的楼栋"
)
def list_buildings(request, compound_id: int):
    compound = get_visible(selectors.compounds_visible_to(request.auth), pk=compound_id)
    return list(compound.buildings.order_by("id"))


def _person_out(person, show_contacts: bool) -> PersonOut:
    mobile = person.mobile if show_contacts else mask_mobile(person.mobile)
    return PersonOut(
        id=person.pk, name=person.name, mobile=mobile, birth_year=person.birth_year, sex=person.sex
    )


def flat_out(flat: Flat, show_contacts: bool) -> FlatOut:
    owners = [_person_out(o.person, show_contacts) for o in flat.ownerships.all()]
    residents = [
        _person_out(r.person, show_contacts)
        for h in flat.households.all()
        for r in h.residencies.all()
    ]
    return FlatOut(
        id=flat.pk,
        building_id=flat.building_id,
        unit=flat.unit,
        room=flat.room,
        floor=flat.floor,
        area=flat.area,
        owners=owners,
        residents=residents,
    )


FLAT_PREFETCH = ["ownerships__person", "households__residencies__person"]


@router.get("/buildings/{building_id}/flats", response=list[FlatOut], summary="楼栋户室名册")
def list_flats(request, building_id: int):
    building = get_visible(selectors.buildings_visible_to(request.auth), pk=building_id)
    require(request.auth, "places.view_building_roster", building, _("您无权查看该楼栋的住户名册"))
    show = request.auth.has_perm("places.see_contacts", building)
    flats = (
        selectors.flats_visible_to(request.auth)
        .filter(building=building)
        .prefetch_related(*FLAT_PREFETCH)
        .order_by("unit", "room")
    )
    return [flat_out(f, show) for f in flats]


@router.get("/flats/{flat_id}", response=FlatOut, summary="户室详情")
def get_flat(request, flat_id: int):
    flat = get_visible(
        selectors.flats_visible_to(request.auth).prefetch_related(*FLAT_PREFETCH), pk=flat_id
    )
    return flat_out(flat, request.auth.has_perm("places.see_contacts", flat))


@router.get("/microspaces", response=list[MicroSpaceOut], summary="小微空间")
def list_microspaces(request, committee_id: int | None = None, compound_id: int | None = None):
    qs = selectors.microspaces_visible_to(request.auth)
    if committee_id is not None:
        qs = qs.filter(compound__committee_id=committee_id)
    if compound_id is not None:
        qs = qs.filter(compound_id=compound_id)
    return [
        MicroSpaceOut(
            id=m.pk,
            compound_id=m.compound_id,
            building_id=m.building_id,
            name=m.name,
            kind=m.kind,
            kind_label=m.get_kind_display(),
            condition=m.condition,
            rights_holder=m.rights_holder,
            lat=m.lat,
            lng=m.lng,
            plan_x=m.plan_x,
            plan_y=m.plan_y,
        )
        for m in qs.order_by("id")
    ]


@router.get("/facilities", response=list[FacilityOut], summary="公共设施")
def list_facilities(request, street_id: int | None = None):
    qs = selectors.facilities_visible_to(request.auth)
    if street_id is not None:
        qs = qs.filter(street_id=street_id)
    return [
        FacilityOut(
            id=f.pk,
            street_id=f.street_id,
            committee_id=f.committee_id,
            kind=f.kind,
            kind_label=f.get_kind_display(),
            name=f.name,
            lat=f.lat,
            lng=f.lng,
        )
        for f in qs.order_by("id")
    ]


class AccountLinkIn(Schema):
    mobile: str = Field(..., max_length=11)


class AccountLinkOut(Schema):
    person_id: int
    name: str
    user_id: int


@router.post(
    "/flats/{flat_id}/people/{person_id}/account",
    response=AccountLinkOut,
    summary="把户室登记的人员关联到其平台账号（按手机号）",
)
def link_person_account(request, flat_id: int, person_id: int, payload: AccountLinkIn):
    from linli.places import services

    flat = get_visible(selectors.flats_visible_to(request.auth), pk=flat_id)
    person = get_visible(selectors.persons_visible_to(request.auth), pk=person_id)
    person = services.person_link_account(
        actor=request.auth, flat=flat, person=person, mobile=payload.mobile
    )
    return AccountLinkOut(person_id=person.pk, name=person.name, user_id=person.user_id)
