"""Business actions on the registry that pages offer: micro-spaces."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from linli.audit.services import audit_record
from linli.core.errors import ScopeError, ensure
from linli.places.models import Building, Compound, MicroSpace, MicroSpacePhoto

MICROSPACE_FIELDS = (
    "name",
    "kind",
    "building",
    "lat",
    "lng",
    "plan_x",
    "plan_y",
    "rights_holder",
    "condition",
    "area_m2",
    "description",
)


def _snapshot(ms: MicroSpace) -> dict:
    return {
        "compound": ms.compound_id,
        "building": ms.building_id,
        **{f: getattr(ms, f) for f in MICROSPACE_FIELDS if f != "building"},
    }


def _check_building(compound: Compound, building: Building | None) -> None:
    if building is not None:
        ensure(
            building.compound_id == compound.pk,
            f"所选楼栋“{building.number}”不属于{compound.name}",
        )


@transaction.atomic
def microspace_create(
    *,
    actor,
    compound: Compound,
    name: str,
    kind: str,
    building: Building | None = None,
    lat: Decimal | None = None,
    lng: Decimal | None = None,
    plan_x: Decimal | None = None,
    plan_y: Decimal | None = None,
    rights_holder: str = "",
    condition: str = MicroSpace.Condition.FAIR,
    area_m2: Decimal | None = None,
    description: str = "",
) -> MicroSpace:
    """Register a micro-space (小微空间) of a compound."""
    if not actor.has_perm("places.edit_microspace", compound):
        raise ScopeError("您无权登记该小区的小微空间")
    _check_building(compound, building)
    ms = MicroSpace(
        compound=compound,
        building=building,
        name=(name or "").strip(),
        kind=kind,
        lat=lat,
        lng=lng,
        plan_x=plan_x,
        plan_y=plan_y,
        rights_holder=(rights_holder or "").strip(),
        condition=condition,
        area_m2=area_m2,
        description=(description or "").strip(),
    )
    ms.full_clean()
    ms.save()
    audit_record(actor=actor, action="microspace.create", obj=ms, after=_snapshot(ms))
    return ms


@transaction.atomic
def microspace_update(*, actor, microspace: MicroSpace, **changes) -> MicroSpace:
    """Change some fields of a micro-space; unknown fields are refused."""
    ms = MicroSpace.objects.select_for_update().select_related("compound").get(pk=microspace.pk)
    if not actor.has_perm("places.edit_microspace", ms):
        raise ScopeError("您无权修改该小微空间")
    unknown = set(changes) - set(MICROSPACE_FIELDS)
    ensure(not unknown, "不能修改这些字段：" + "、".join(sorted(unknown)))
    _check_building(ms.compound, changes.get("building", ms.building))
    before = _snapshot(ms)
    for field, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(ms, field, value)
    ms.full_clean()
    ms.save()
    after = _snapshot(ms)
    audit_record(
        actor=actor,
        action="microspace.update",
        obj=ms,
        before={k: v for k, v in before.items() if after.get(k) != v},
        after={k: v for k, v in after.items() if before.get(k) != v},
    )
    return ms


MAX_PHOTO_BYTES = 8 * 1024 * 1024


@transaction.atomic
def microspace_photo_add(
    *, actor, microspace: MicroSpace, image, caption: str = "", taken_at=None
) -> MicroSpacePhoto:
    """Attach a photo (taken on a phone, usually) to a micro-space."""
    if not actor.has_perm("places.edit_microspace", microspace):
        raise ScopeError("您无权为该小微空间上传照片")
    ensure(image is not None, "请选择照片")
    ensure(getattr(image, "size", 0) <= MAX_PHOTO_BYTES, "照片不能超过8MB")
    photo = MicroSpacePhoto(
        microspace=microspace, image=image, caption=(caption or "").strip(), taken_at=taken_at
    )
    photo.full_clean()
    photo.save()
    audit_record(
        actor=actor,
        action="microspace.photo_add",
        obj=photo,
        after={"microspace": microspace.pk, "caption": photo.caption, "file": photo.image.name},
    )
    return photo
