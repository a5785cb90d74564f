"""Business actions of needs intake and the needs list. Each is one transaction, checks a
named rule, validates with ``full_clean`` and leaves an audit event."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.scopes import scopes_for
from linli.audit.services import audit_record
from linli.core.errors import ScopeError, ServiceError, ensure
from linli.core.permissions import require
from linli.engine import priority
from linli.needs import adapters
from linli.needs.images import MAX_PHOTOS, clean_photo
from linli.needs.models import (
    OFFLINE_CHANNELS,
    TEXT_MAX,
    WEIGHT_FIELDS,
    AgeGroup,
    Category,
    Channel,
    CostBand,
    Hazard,
    MeetingKind,
    Need,
    NeedPhoto,
    NeedsList,
    NeedSupport,
    PriorityWeightSet,
    SpaceReport,
    age_group_of,
)
from linli.places.hierarchy import committee_id_of
from linli.places.models import Building, Committee, Compound, MicroSpace, MicroSpacePhoto, Street

DUPLICATE_SUPPORT = gettext_lazy("您已经支持过这条需求，每人只能支持一次")


# ------------------------------------------------------------------ helpers


def _clean_text(text: str, what: str = gettext_lazy("需求内容")) -> str:
    text = (text or "").strip()
    ensure(text, _("请填写%(what)s") % {"what": what}, code="empty")
    ensure(
        len(text) <= TEXT_MAX,
        _("%(what)s不能超过%(TEXT_MAX)s字（现在是%(len)s字），请精简后再提交")
        % {"what": what, "TEXT_MAX": TEXT_MAX, "len": len(text)},
        code="too_long",
    )
    return text


def _check_place(committee: Committee, *objs) -> None:
    for obj in objs:
        if obj is not None and committee_id_of(obj) != committee.pk:
            raise ServiceError(
                # The object is not named: it may be another committee's building.
                _("所选位置不属于%(name)s：这可能是其他社区的二维码，请扫描本社区张贴的二维码")
                % {"name": committee.name},
                code="other_community",
            )


def _photos(photos: Sequence, keep_location: bool) -> list:
    photos = [p for p in (photos or []) if p]
    ensure(
        len(photos) <= MAX_PHOTOS,
        _("最多上传%(MAX_PHOTOS)s张照片") % {"MAX_PHOTOS": MAX_PHOTOS},
        code="too_many_photos",
    )
    return [clean_photo(p, keep_location=keep_location) for p in photos]


def _save_photos(need: Need, cleaned: list) -> None:
    for c in cleaned:
        photo = NeedPhoto(need=need, width=c.width, height=c.height, location_kept=c.location_kept)
        photo.image.save(c.content.name, c.content, save=False)
        _validate(photo)
        photo.save()


def _resident_building(actor, committee: Committee) -> Building | None:
    """The building the acting resident lives in (or leads) within this committee."""
    scopes = scopes_for(actor)
    from linli.places.models import Flat

    flat = (
        Flat.objects.filter(
            id__in=scopes.resident_flat_ids, building__compound__committee=committee
        )
        .select_related("building")
        .order_by("id")
        .first()
    )
    if flat:
        return flat.building
    return (
        Building.objects.filter(id__in=scopes.led_building_ids, compound__committee=committee)
        .order_by("id")
        .first()
    )


def _age_group(actor) -> str:
    person = getattr(actor, "person", None) if actor is not None else None
    try:
        return age_group_of(person.birth_year if person else None)
    except Exception:  # pragma: no cover - no person row
        return AgeGroup.UNKNOWN


def _locate(need: Need, building, microspace, compound) -> None:
    if microspace is not None:
        need.microspace = microspace
        need.compound = microspace.compound
        building = building or microspace.building
    if building is not None:
        need.building = building
        need.compound = building.compound
    elif compound is not None and need.compound_id is None:
        need.compound = compound


def _need_snapshot(need: Need) -> dict:
    return {
        "committee": need.committee_id,
        "text": need.text,
        "category": need.category,
        "channel": need.channel,
        "meeting_kind": need.meeting_kind,
        "building": need.building_id,
        "microspace": need.microspace_id,
        "anonymous": need.anonymous,
        "photos": need.photos.count(),
    }


def _validate(obj, **kwargs) -> None:
    """``full_clean`` whose refusals read as one Chinese sentence (a 400, never a 500)."""
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise ServiceError("；".join(exc.messages), code="invalid") from exc


def primary_of(need: Need) -> Need:
    return need.merged_into if need.merged_into_id else need


def _group_ids(primary: Need) -> list[int]:
    return [primary.pk, *Need.objects.filter(merged_into=primary).values_list("id", flat=True)]


# ------------------------------------------------------------------ intake


@transaction.atomic
def need_submit(
    *,
    actor,
    committee: Committee,
    text: str,
    category: str = Category.OTHER,
    compound: Compound | None = None,
    building: Building | None = None,
    microspace: MicroSpace | None = None,
    anonymous: bool = False,
    lat: Decimal | None = None,
    lng: Decimal | None = None,
    plan_x: Decimal | None = None,
    plan_y: Decimal | None = None,
    photos: Sequence = (),
    share_location: bool = False,
) -> Need:
    """A resident reports a need online (社区云“居社互动”)."""
    if not getattr(actor, "is_authenticated", False):
        raise ScopeError(_("请先登录后再提交需求"), code="unauthenticated")
    require(
        actor,
        "needs.submit_need",
        committee,
        _("您不是%(name)s的居民或工作人员，不能在此提交需求") % {"name": committee.name},
    )
    text = _clean_text(text)
    _check_place(committee, compound, building, microspace)
    cleaned = _photos(photos, share_location)
    need = Need(
        committee=committee,
        text=text,
        category=category or Category.OTHER,
        channel=Channel.ONLINE,
        author=actor,
        anonymous=bool(anonymous),
        lat=lat,
        lng=lng,
        plan_x=plan_x,
        plan_y=plan_y,
    )
    _locate(need, building, microspace, compound)
    _validate(need)
    need.save()
    support = NeedSupport(
        need=need,
        user=actor,
        building=need.building or _resident_building(actor, committee),
        age_group=_age_group(actor),
        channel=Channel.ONLINE,
        is_origin=True,
    )
    _validate(support)
    support.save()
    _save_photos(need, cleaned)
    audit_record(actor=actor, action="need.submit", obj=need, after=_need_snapshot(need))
    return need


@transaction.atomic
def need_add_photos(*, actor, need: Need, photos: Sequence, share_location: bool = False) -> Need:
    """The author (or staff) adds photos to a need; at most six in all."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    require(actor, "needs.add_photos", need, _("只有提出人或居委会工作人员可以为这条需求上传照片"))
    ensure(photos, _("请选择照片"), code="empty")
    ensure(
        need.photos.count() + len(photos) <= MAX_PHOTOS,
        _("每条需求最多%(MAX_PHOTOS)s张照片") % {"MAX_PHOTOS": MAX_PHOTOS},
        code="too_many_photos",
    )
    cleaned = _photos(photos, share_location)
    _save_photos(need, cleaned)
    audit_record(actor=actor, action="need.add_photos", obj=need, after={"added": len(cleaned)})
    return need


@transaction.atomic
def need_record_offline(
    *,
    actor,
    committee: Committee,
    text: str,
    channel: str,
    category: str = Category.OTHER,
    meeting_kind: str = "",
    meeting_date: date | None = None,
    building: Building | None = None,
    microspace: MicroSpace | None = None,
    reporter_label: str = "",
    reporter_age_group: str = AgeGroup.UNKNOWN,
    photos: Sequence = (),
) -> Need:
    """Staff or a building leader enters a need heard offline (走访, 全岗通, 问卷, 电话, 会议)."""
    ensure(channel in OFFLINE_CHANNELS, _("请选择线下收集渠道"), code="channel")
    ensure(meeting_kind in MeetingKind.values, _("会议类型不正确"), code="meeting_kind")
    ensure(reporter_age_group in AgeGroup.values, _("年龄段不正确"), code="age_group")
    _check_place(committee, building, microspace)
    if not actor.has_perm("needs.manage_needs", committee):
        target = building or (microspace.building if microspace else None)
        if target is None or not actor.has_perm("needs.enter_offline", target):
            raise ScopeError(_("楼组长只能为本楼栋录入线下需求，请选择您负责的楼栋"))
    text = _clean_text(text)
    cleaned = _photos(photos, False)
    need = Need(
        committee=committee,
        text=text,
        category=category or Category.OTHER,
        channel=channel,
        meeting_kind=meeting_kind or "",
        meeting_date=meeting_date,
        entered_by=actor,
        reporter_label=(reporter_label or "").strip(),
        anonymous=True,
    )
    _locate(need, building, microspace, None)
    _validate(need)
    need.save()
    support = NeedSupport(
        need=need,
        user=None,
        building=need.building,
        age_group=reporter_age_group,
        channel=channel,
        is_origin=True,
        entered_by=actor,
    )
    _validate(support)
    support.save()
    _save_photos(need, cleaned)
    audit_record(actor=actor, action="need.record_offline", obj=need, after=_need_snapshot(need))
    return need


@transaction.atomic
def need_support(*, actor, need: Need) -> NeedSupport:
    """“我也需要”: one support per account per need (group), refused by the DB if raced."""
    if not getattr(actor, "is_authenticated", False):
        raise ScopeError(_("请先登录后再支持需求"), code="unauthenticated")
    need = Need.objects.select_related("merged_into").get(pk=need.pk)
    primary = Need.objects.select_for_update().get(pk=primary_of(need).pk)
    require(actor, "needs.support_need", primary, _("只有本社区的居民和工作人员可以支持这条需求"))
    ensure(
        primary.status in adapters.LIVE_STATUSES, _("这条需求已经办结，不能再支持"), code="closed"
    )
    if NeedSupport.objects.filter(need_id__in=_group_ids(primary), user=actor).exists():
        raise ServiceError(str(DUPLICATE_SUPPORT), code="duplicate_support", status=409)
    support = NeedSupport(
        need=primary,
        user=actor,
        building=_resident_building(actor, primary.committee),
        age_group=_age_group(actor),
        channel=Channel.ONLINE,
    )
    _validate(support, validate_constraints=False)  # the database constraint decides
    try:
        with transaction.atomic():
            support.save()
    except IntegrityError as exc:
        raise ServiceError(str(DUPLICATE_SUPPORT), code="duplicate_support", status=409) from exc
    audit_record(
        actor=actor,
        action="need.support",
        obj=primary,
        after={"support": support.pk, "via": need.pk, "age_group": support.age_group},
    )
    return support


@transaction.atomic
def need_support_offline(
    *,
    actor,
    need: Need,
    channel: str,
    building: Building | None = None,
    age_group: str = AgeGroup.UNKNOWN,
) -> NeedSupport:
    """Record a resident heard offline who has the same need (counted like an online one)."""
    need = Need.objects.select_related("merged_into").get(pk=need.pk)
    primary = Need.objects.select_for_update().get(pk=primary_of(need).pk)
    ensure(channel in OFFLINE_CHANNELS, _("请选择线下收集渠道"), code="channel")
    ensure(age_group in AgeGroup.values, _("年龄段不正确"), code="age_group")
    _check_place(primary.committee, building)
    if not actor.has_perm("needs.manage_needs", primary.committee):
        if building is None or not actor.has_perm("needs.enter_offline", building):
            raise ScopeError(_("楼组长只能为本楼栋录入线下支持"))
    ensure(primary.status in adapters.LIVE_STATUSES, _("这条需求已经办结"), code="closed")
    support = NeedSupport(
        need=primary, building=building, age_group=age_group, channel=channel, entered_by=actor
    )
    _validate(support)
    support.save()
    audit_record(
        actor=actor,
        action="need.support_offline",
        obj=primary,
        after={
            "support": support.pk,
            "channel": channel,
            "building": getattr(building, "pk", None),
        },
    )
    return support


# ------------------------------------------------------------------ triage


@transaction.atomic
def need_merge(*, actor, target: Need, needs: Sequence[Need]) -> Need:
    """Merge duplicates into ``target``: nothing is deleted, every text/supporter/channel stays."""
    ids = sorted({target.pk, *(n.pk for n in needs)})
    locked = {n.pk: n for n in Need.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    target = locked[target.pk]
    require(actor, "needs.manage_needs", target.committee, _("您无权合并该居委会的需求"))
    ensure(
        target.merged_into_id is None, _("目标需求已被合并到其他需求，请选择主需求"), code="target"
    )
    ensure(target.status in adapters.LIVE_STATUSES, _("目标需求已办结，不能合并"), code="target")
    others = [locked[n.pk] for n in needs if n.pk != target.pk]
    ensure(others, _("请至少选择一条要合并的重复需求"), code="empty")
    moved = []
    for n in others:
        ensure(
            n.committee_id == target.committee_id, _("只能合并同一居委会的需求"), code="committee"
        )
        ensure(
            n.status != Need.Status.PROJECT,
            _("需求#%(pk)s已转为项目，不能再合并到其他需求") % {"pk": n.pk},
        )
        ensure(n.status != Need.Status.CLOSED, _("需求#%(pk)s已办结，不能合并") % {"pk": n.pk})
        # Needs already merged into ``n`` move along with it (groups stay one level deep).
        for child in Need.objects.select_for_update().filter(merged_into=n):
            child.merged_into = target
            _validate(child)
            child.save(update_fields=["merged_into"])
            moved.append(child.pk)
        if n.merged_into_id != target.pk:
            n.status = Need.Status.MERGED
            n.merged_into = target
            _validate(n)
            n.save(update_fields=["status", "merged_into"])
            moved.append(n.pk)
    audit_record(actor=actor, action="need.merge", obj=target, after={"merged": sorted(set(moved))})
    from linli.notifications.delivery import notify

    notify("need_merged", actor=actor, target_id=target.pk, need_ids=sorted(set(moved)))
    return target


@transaction.atomic
def need_split(*, actor, need: Need) -> Need:
    """Undo a merge: the need stands on its own again, with its own supporters."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    require(actor, "needs.manage_needs", need.committee, _("您无权拆分该居委会的需求"))
    ensure(need.merged_into_id is not None, _("这条需求没有被合并，无需拆分"), code="not_merged")
    before = {"merged_into": need.merged_into_id}
    need.merged_into = None
    need.status = Need.Status.OPEN
    _validate(need)
    need.save(update_fields=["status", "merged_into"])
    audit_record(
        actor=actor, action="need.split", obj=need, before=before, after={"merged_into": None}
    )
    return need


ASSESS_FIELDS = (
    "category",
    "households_affected",
    "safety_hazard",
    "affects_elderly",
    "affects_children",
    "cost_band",
)


@transaction.atomic
def need_assess(
    *,
    actor,
    need: Need,
    category: str | None = None,
    households_affected: int | None = None,
    safety_hazard: int | None = None,
    affects_elderly: bool | None = None,
    affects_children: bool | None = None,
    cost_band: str | None = None,
) -> Need:
    """Staff judge the facts the priority score uses (hints from the text are only a prefill)."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    require(actor, "needs.manage_needs", need.committee, _("您无权评估该居委会的需求"))
    changes = {
        "category": category,
        "households_affected": households_affected,
        "safety_hazard": safety_hazard,
        "affects_elderly": affects_elderly,
        "affects_children": affects_children,
        "cost_band": cost_band,
    }
    changes = {k: v for k, v in changes.items() if v is not None}
    ensure("category" not in changes or changes["category"] in Category.values, _("类别不正确"))
    ensure(
        "safety_hazard" not in changes or changes["safety_hazard"] in Hazard.values,
        _("安全隐患等级不正确"),
    )
    ensure(
        "cost_band" not in changes or changes["cost_band"] in CostBand.values, _("费用档次不正确")
    )
    ensure(
        changes.get("households_affected", 0) >= 0
        and changes.get("households_affected", 0) <= 100000,
        _("影响户数应在0到100000之间"),
    )
    before = {k: getattr(need, k) for k in changes}
    for k, v in changes.items():
        setattr(need, k, v)
    _validate(need)
    need.save(update_fields=list(changes) or None)
    audit_record(actor=actor, action="need.assess", obj=need, before=before, after=changes)
    return need


@transaction.atomic
def need_to_project(*, actor, need: Need, title: str, summary: str = ""):
    """Turn a need (with its merged duplicates) into a project, keeping the link."""
    from linli.projects.services import project_create

    need = Need.objects.select_related("merged_into").get(pk=need.pk)
    primary = Need.objects.select_for_update().get(pk=primary_of(need).pk)
    require(actor, "needs.manage_needs", primary.committee, _("您无权把该需求转为项目"))
    ensure(primary.project_id is None, _("这条需求已经转为项目"), code="already_project")
    ensure(primary.status == Need.Status.OPEN, _("只有征集中的需求可以转为项目"))
    members = list(
        Need.objects.filter(pk__in=_group_ids(primary)).select_related("building", "microspace")
    )
    buildings = list({m.building for m in members if m.building_id})
    microspaces = list({m.microspace for m in members if m.microspace_id})
    compounds = list({m.compound for m in members if m.compound_id})
    texts = "\n".join(f"· {m.text}" for m in members)
    project = project_create(
        actor=actor,
        committee=primary.committee,
        title=title or primary.text[:40],
        summary=(summary or "").strip() or f"来自居民需求#{primary.pk}：\n{texts}"[:4000],
        compounds=compounds,
        buildings=buildings,
        microspaces=microspaces,
        origin="needs",
        needs=[primary],
    )
    primary.project = project
    primary.status = Need.Status.PROJECT
    _validate(primary)
    primary.save(update_fields=["project", "status"])
    audit_record(actor=actor, action="need.to_project", obj=primary, after={"project": project.pk})
    from linli.notifications.delivery import notify

    notify("need_answered", actor=actor, need_id=primary.pk)
    return project


# ------------------------------------------------------------------ weights and lists


@transaction.atomic
def weights_update(*, actor, committee: Committee, **weights) -> PriorityWeightSet:
    """A committee adopts its own priority weights (the engine's defaults otherwise)."""
    require(actor, "needs.manage_needs", committee, _("您无权调整该居委会的优先级权重"))
    unknown = set(weights) - set(WEIGHT_FIELDS)
    ensure(not unknown, _("未知的权重：%(names)s") % {"names": "、".join(sorted(unknown))})
    row, _created = PriorityWeightSet.objects.select_for_update().get_or_create(committee=committee)
    before = {f: str(getattr(row, f)) for f in WEIGHT_FIELDS}
    for field, value in weights.items():
        try:
            value = Decimal(str(value))
        except Exception as exc:
            raise ServiceError(_("权重应为0到100之间的数字"), code="weights") from exc
        ensure(value.is_finite(), _("权重应为0到100之间的数字"), code="weights")
        setattr(row, field, value)
    ensure(sum(getattr(row, f) for f in WEIGHT_FIELDS) > 0, _("权重不能全部为0"), code="weights")
    try:
        priority.PriorityWeights(**{f: float(getattr(row, f)) for f in WEIGHT_FIELDS})
    except ValueError as exc:
        raise ServiceError(_("权重应为0到100之间的数字"), code="weights") from exc
    row.updated_by = actor
    row.updated_at = timezone.now()
    _validate(row)
    row.save()
    audit_record(
        actor=actor,
        action="needs.weights_update",
        obj=row,
        before=before,
        after={f: str(getattr(row, f)) for f in WEIGHT_FIELDS},
    )
    return row


@transaction.atomic
def needs_list_create(
    *, actor, committee: Committee | None = None, street: Street | None = None, title: str = ""
) -> NeedsList:
    """Freeze the current ranking as the next version of the needs list (需求清单).

    A committee list uses the committee's weights; a street roll-up ranks all of its
    committees' needs with the engine's default weights (one yardstick across committees).
    Both record the weights used.
    """
    ensure((committee is None) != (street is None), _("请选择居委会或街道之一"))
    if committee is not None:
        Committee.objects.select_for_update().get(pk=committee.pk)  # serialise versions
        require(actor, "needs.manage_needs", committee, _("您无权生成该居委会的需求清单"))
        committee_ids = [committee.pk]
        weights = adapters.weights_for(committee)
        existing = NeedsList.objects.filter(committee=committee)
        default_title = f"{committee.name}需求清单"
    else:
        Street.objects.select_for_update().get(pk=street.pk)
        if street.pk not in scopes_for(actor).managed_street_ids:
            raise ScopeError(_("您无权生成该街道的需求汇总清单"))
        committee_ids = list(street.committees.values_list("id", flat=True))
        weights = priority.PriorityWeights()
        existing = NeedsList.objects.filter(street=street)
        default_title = f"{street.name}需求汇总清单"
    # a list is a stored snapshot: its labels are in the source language, whoever generates it
    with translation.override(settings.LANGUAGE_CODE):
        entries = adapters.ranked_entries(committee_ids, weights)
    version = (existing.aggregate(m=Max("version"))["m"] or 0) + 1
    lst = NeedsList(
        committee=committee,
        street=street,
        version=version,
        title=((title or "").strip() or default_title)[:100],
        weights=adapters.weights_record(weights),
        entries=entries,
        totals=adapters.list_totals(entries),
        created_by=actor,
    )
    _validate(lst)
    lst.save()
    audit_record(
        actor=actor,
        action="needs_list.create",
        obj=lst,
        after={"version": version, "needs": len(entries), "weights": lst.weights},
    )
    return lst


@transaction.atomic
def needs_list_publish(*, actor, needs_list: NeedsList) -> NeedsList:
    """Publish a list as a public read-only page (and PDF); publishing twice changes nothing."""
    lst = NeedsList.objects.select_for_update().get(pk=needs_list.pk)
    require(actor, "needs.manage_list", lst, _("您无权公开该需求清单"))
    if lst.published_at is not None:
        return lst
    lst.published_at = timezone.now()
    lst.public_token = secrets.token_urlsafe(16)[:22]
    _validate(lst)
    lst.save(update_fields=["published_at", "public_token"])
    audit_record(actor=actor, action="needs_list.publish", obj=lst, after={"version": lst.version})
    return lst


# ------------------------------------------------------------------ 发现小微


@transaction.atomic
def space_report_submit(
    *,
    actor,
    committee: Committee,
    compound: Compound,
    kind: str,
    place: str,
    problem: str,
    building: Building | None = None,
    photo=None,
    lat: Decimal | None = None,
    lng: Decimal | None = None,
) -> SpaceReport:
    """A resident reports a neglected micro-space (发现小微)."""
    if not getattr(actor, "is_authenticated", False):
        raise ScopeError(_("请先登录"), code="unauthenticated")
    require(
        actor,
        "needs.report_space",
        committee,
        _("您不是%(name)s的居民或工作人员") % {"name": committee.name},
    )
    _check_place(committee, compound, building)
    ensure(kind in MicroSpace.Kind.values, _("请选择空间类型"), code="kind")
    place = (place or "").strip()
    ensure(place, _("请填写位置"), code="empty")
    ensure(len(place) <= 100, _("位置描述不能超过100字"), code="too_long")
    problem = _clean_text(problem, _("存在的问题"))
    cleaned = clean_photo(photo) if photo else None
    report = SpaceReport(
        committee=committee,
        compound=compound,
        building=building,
        kind=kind,
        place=place,
        problem=problem,
        lat=lat,
        lng=lng,
        reported_by=actor,
    )
    if cleaned:
        report.photo.save(cleaned.content.name, cleaned.content, save=False)
    _validate(report)
    report.save()
    audit_record(
        actor=actor,
        action="space_report.submit",
        obj=report,
        after={"place": place, "kind": kind, "compound": compound.pk},
    )
    return report


@transaction.atomic
def space_report_verify(
    *,
    actor,
    report: SpaceReport,
    name: str,
    kind: str | None = None,
    condition: str = MicroSpace.Condition.POOR,
    rights_holder: str = "",
) -> MicroSpace:
    """Staff verify a report into the micro-space register (places.MicroSpace)."""
    report = SpaceReport.objects.select_for_update().get(pk=report.pk)
    require(actor, "needs.manage_needs", report.committee, _("您无权核实该居委会的小微空间"))
    ensure(report.status == SpaceReport.Status.NEW, _("该线索已处理过"), code="done")
    ms = MicroSpace(
        compound=report.compound,
        building=report.building,
        name=(name or "").strip() or report.place[:60],
        kind=kind or report.kind,
        lat=report.lat,
        lng=report.lng,
        condition=condition,
        rights_holder=(rights_holder or "").strip(),
        description=f"居民发现：{report.problem}"[:2000],
    )
    _validate(ms)
    ms.save()
    if report.photo:
        photo = MicroSpacePhoto(
            microspace=ms,
            caption="居民发现时拍摄",
            taken_at=timezone.localdate(report.created_at),
        )
        photo.image.name = report.photo.name  # share the stored file, no copy
        _validate(photo)
        photo.save()
    audit_record(
        actor=actor,
        action="microspace.create",
        obj=ms,
        after={
            "compound": ms.compound_id,
            "name": ms.name,
            "kind": ms.kind,
            "from_report": report.pk,
        },
    )
    report.status = SpaceReport.Status.VERIFIED
    report.microspace = ms
    report.reviewed_by = actor
    _validate(report)
    report.save(update_fields=["status", "microspace", "reviewed_by"])
    audit_record(actor=actor, action="space_report.verify", obj=report, after={"microspace": ms.pk})
    return ms


@transaction.atomic
def space_report_reject(*, actor, report: SpaceReport, note: str) -> SpaceReport:
    report = SpaceReport.objects.select_for_update().get(pk=report.pk)
    require(actor, "needs.manage_needs", report.committee, _("您无权处理该线索"))
    ensure(report.status == SpaceReport.Status.NEW, _("该线索已处理过"), code="done")
    note = (note or "").strip()
    ensure(note, _("请说明未采纳的原因"), code="empty")
    report.status = SpaceReport.Status.REJECTED
    report.review_note = note[:200]
    report.reviewed_by = actor
    _validate(report)
    report.save(update_fields=["status", "review_note", "reviewed_by"])
    audit_record(actor=actor, action="space_report.reject", obj=report, after={"note": note})
    return report
