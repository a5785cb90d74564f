"""Business actions on the registry that pages offer: micro-spaces."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

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
            _("所选楼栋“%(number)s”不属于%(name)s")
            % {"number": building.number, "name": compound.name},
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
        raise ScopeError(_("您无权登记该小区的小微空间"))
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
        raise ScopeError(_("您无权修改该小微空间"))
    unknown = set(changes) - set(MICROSPACE_FIELDS)
    ensure(not unknown, _("不能修改这些字段：%(fields)s") % {"fields": "、".join(sorted(unknown))})
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
        raise ScopeError(_("您无权为该小微空间上传照片"))
    ensure(image is not None, _("请选择照片"))
    ensure(getattr(image, "size", 0) <= MAX_PHOTO_BYTES, _("照片不能超过8MB"))
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


@transaction.atomic
def person_link_account(*, actor, flat, person, mobile: str):
    """Link a person registered in ``flat`` (owner or resident) to his platform account,
    found by mobile number — what the committee does when he shows his property certificate
    or 居住证明. Once linked, his flats' ballots, notices and shares reach his account."""
    from linli.accounts.models import User
    from linli.core.permissions import require
    from linli.places.models import Person

    require(actor, "places.manage_committee", flat, _("只有本居委会工作人员可以关联住户的平台账号"))
    person = Person.objects.select_for_update().get(pk=person.pk)
    ensure(
        person.ownerships.filter(flat=flat).exists()
        or person.residencies.filter(household__flat=flat).exists(),
        _("此人未登记在该户室"),
        code="not_in_flat",
    )
    mobile = (mobile or "").strip()
    ensure(mobile, _("请填写其登录平台所用的手机号"), code="mobile")
    user = User.objects.filter(mobile=mobile).first()
    ensure(
        user is not None,
        _("该手机号尚未注册平台账号：请本人先用此手机号登录一次（短信验证码），再来关联"),
        code="no_account",
    )
    taken = Person.objects.filter(user=user).exclude(pk=person.pk).first()
    ensure(
        taken is None,
        _("该账号已关联登记人员“%(value)s”") % {"value": taken.name if taken else ""},
        code="taken",
    )
    ensure(
        person.user_id in (None, user.pk),
        _("此人已关联另一个平台账号：如需更换，请先核实身份并联系管理员"),
        code="linked",
    )
    before = person.user_id
    person.user = user
    person.save(update_fields=["user"])
    audit_record(
        actor=actor,
        action="person.link_account",
        obj=person,
        before={"user": before},
        after={"user": user.pk, "flat": flat.pk},
    )
    return person
