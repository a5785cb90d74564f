"""Business actions of step 2. Each is one transaction, checks its named rule, validates with
``full_clean`` and leaves an audit event."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import RoleAssignment
from linli.audit.services import audit_record
from linli.core import money
from linli.core.errors import ServiceError, ensure
from linli.core.permissions import require
from linli.places.hierarchy import committee_id_of
from linli.places.models import Building, Committee, Compound, District, Street
from linli.planning.models import (
    CoBuildingUnit,
    Contribution,
    CostItem,
    DesignOption,
    DesignRound,
    Diagnosis,
    OptionComment,
    OptionFile,
    OptionRating,
    Pairing,
    Partner,
    Planner,
    PlannerRating,
    WorkLog,
    WorkLogPhoto,
)
from linli.projects.models import Project

MAX_PDF_BYTES = 20 * 1024 * 1024
MAX_FILES = 6
MAX_COST_FEN = 100_000_000_00  # 1亿元: anything above is a typing mistake


def _full_clean(obj, **kwargs) -> None:
    """``full_clean`` whose refusals read like every other business refusal (400)."""
    from django.core.exceptions import ValidationError

    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise ServiceError("；".join(exc.messages), code="invalid") from None


def _text(value) -> str:
    return (value or "").strip()


# ---------------------------------------------------------------- money


def yuan_to_fen(value) -> int:
    """A cost typed in yuan ("1,200.50", "¥ 99.9"): more than zero, at most 1 亿元."""
    return money.yuan_to_fen(value, positive=True, max_fen=MAX_COST_FEN)


# ---------------------------------------------------------------- uploads


def _clean_image(upload):
    from linli.needs.images import clean_photo

    return clean_photo(upload)


def _clean_pdf(upload) -> ContentFile:
    name = getattr(upload, "name", "文件") or "文件"
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_PDF_BYTES:
        raise ServiceError(
            _("文件“%(name)s”超过20MB，请压缩后再上传") % {"name": name}, code="file_too_large"
        )
    upload.seek(0)
    raw = upload.read(MAX_PDF_BYTES + 1)
    ensure(
        len(raw) <= MAX_PDF_BYTES,
        _("文件“%(name)s”超过20MB，请压缩后再上传") % {"name": name},
        code="file_too_large",
    )
    ensure(
        raw.startswith(b"%PDF-"),
        _("文件“%(name)s”不是有效的PDF图纸，请上传 PDF 或 JPG/PNG 图片") % {"name": name},
        code="file_invalid",
    )
    import uuid

    return ContentFile(raw, name=f"{uuid.uuid4().hex}.pdf")


def _is_pdf_name(upload) -> bool:
    return (getattr(upload, "name", "") or "").lower().endswith(".pdf")


# ---------------------------------------------------------------- talent pool and pairing


@transaction.atomic
def planner_add(
    *,
    actor,
    district: District,
    name: str,
    profession: str,
    qualifications: str = "",
    organisation: str = "",
    mobile: str = "",
    availability: str = Planner.Availability.AVAILABLE,
    user=None,
) -> Planner:
    require(actor, "planning.manage_pool", district, _("只有区级管理员可以维护规划师人才库"))
    planner = Planner(
        district=district,
        name=_text(name),
        profession=profession,
        qualifications=_text(qualifications),
        organisation=_text(organisation),
        mobile=_text(mobile),
        availability=availability,
        user=user,
    )
    ensure(planner.name, _("请填写规划师姓名"))
    _full_clean(planner)
    planner.save()
    audit_record(
        actor=actor,
        action="planner.add",
        obj=planner,
        after={"name": planner.name, "profession": profession, "district": district.pk},
    )
    return planner


@transaction.atomic
def planner_link_account(*, actor, planner: Planner, mobile: str) -> Planner:
    """Link a pool entry to the planner's platform account (found by mobile number).

    Pairings made before the link now reach her account too: she gets the PLANNER role on
    every street she is actively paired with, so the planning forms appear for her.
    """
    from linli.accounts.models import Role, User
    from linli.accounts.services import role_assign

    require(
        actor, "planning.manage_pool", planner.district, _("只有区级管理员可以维护规划师人才库")
    )
    planner = Planner.objects.select_for_update().get(pk=planner.pk)
    mobile = _text(mobile)
    ensure(mobile, _("请填写规划师登录平台所用的手机号"))
    user = User.objects.filter(mobile=mobile).first()
    ensure(
        user is not None,
        _("该手机号尚未注册平台账号：请规划师先用此手机号登录一次（短信验证码），再来关联"),
        code="no_account",
    )
    taken = Planner.objects.filter(user=user).exclude(pk=planner.pk).first()
    ensure(taken is None, _("该账号已关联人才库中的另一位规划师"), code="account_taken")
    before = planner.user_id
    planner.user = user
    planner.save(update_fields=["user"])
    streets = {p.street for p in planner.pairings.filter(ended_at__isnull=True)}
    for street in sorted(streets, key=lambda s: s.pk):
        role_assign(actor=actor, user=user, role=Role.PLANNER, scope=street)
    audit_record(
        actor=actor,
        action="planner.link_account",
        obj=planner,
        before={"user": before},
        after={"user": user.pk, "streets": sorted(s.pk for s in streets)},
    )
    return planner


@transaction.atomic
def planner_pair(
    *, actor, planner: Planner, street: Street, committee: Committee | None = None, note: str = ""
) -> Pairing:
    """Pair a planner with a street (or one committee of it) and, when the planner has an
    account, grant the PLANNER role on the street."""
    require(actor, "planning.pair", street, _("您无权为该街道结对规划师"))
    planner = Planner.objects.select_for_update().get(pk=planner.pk)
    ensure(planner.district_id == street.district_id, _("该规划师不在本区人才库中"))
    ensure(
        planner.availability != Planner.Availability.UNAVAILABLE,
        _("规划师“%(name)s”暂不接受结对") % {"name": planner.name},
    )
    if committee is not None:
        ensure(
            committee.street_id == street.pk,
            _("“%(name)s”不属于%(name2)s") % {"name": committee.name, "name2": street.name},
        )
    existing = Pairing.objects.filter(
        planner=planner, street=street, committee=committee, ended_at__isnull=True
    ).first()
    ensure(existing is None, _("该规划师已与此处结对"), code="already_paired")
    pairing = Pairing(
        planner=planner, street=street, committee=committee, note=_text(note), created_by=actor
    )
    _full_clean(pairing)
    pairing.save()
    if planner.user_id:
        from linli.accounts.models import Role
        from linli.accounts.services import role_assign

        role_assign(actor=actor, user=planner.user, role=Role.PLANNER, scope=street)
    audit_record(
        actor=actor,
        action="planner.pair",
        obj=pairing,
        after={
            "planner": planner.pk,
            "street": street.pk,
            "committee": committee.pk if committee else None,
        },
    )
    return pairing


@transaction.atomic
def planner_unpair(*, actor, pairing: Pairing) -> Pairing:
    pairing = Pairing.objects.select_for_update().select_related("planner").get(pk=pairing.pk)
    require(actor, "planning.pair", pairing.street, _("您无权解除该结对"))
    ensure(pairing.ended_at is None, _("该结对已经解除"))
    pairing.ended_at = timezone.now()
    _full_clean(pairing)
    pairing.save(update_fields=["ended_at"])
    planner = pairing.planner
    still = Pairing.objects.filter(
        planner=planner, street=pairing.street, ended_at__isnull=True
    ).exists()
    if planner.user_id and not still:
        from linli.accounts.models import Role
        from linli.accounts.services import role_revoke

        for ra in RoleAssignment.objects.filter(
            user_id=planner.user_id, role=Role.PLANNER, street=pairing.street
        ):
            role_revoke(actor=actor, assignment=ra)
    audit_record(
        actor=actor,
        action="planner.unpair",
        obj=pairing,
        before={"active": True},
        after={"active": False},
    )
    return pairing


@transaction.atomic
def planner_rate(
    *, actor, planner: Planner, project: Project, score: int, comment: str = ""
) -> PlannerRating:
    require(actor, "planning.rate_planner", project.committee, _("只有居委会可以评价规划师"))
    ensure(
        Pairing.objects.filter(planner=planner, street_id=project.committee.street_id).exists(),
        _("该规划师未与本社区结对，不能评价"),
    )
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise ServiceError(_("评分应为1到5之间的整数")) from None
    ensure(1 <= score <= 5, _("评分应为1到5之间的整数"))
    ensure(
        not PlannerRating.objects.filter(planner=planner, project=project).exists(),
        _("该项目已经评价过这位规划师"),
    )
    rating = PlannerRating(
        planner=planner,
        committee=project.committee,
        project=project,
        score=score,
        comment=_text(comment),
        rated_by=actor,
    )
    _full_clean(rating)
    rating.save()
    audit_record(actor=actor, action="planner.rate", obj=rating, after={"score": score})
    return rating


# ---------------------------------------------------------------- partners, co-building units


@transaction.atomic
def partner_add(
    *,
    actor,
    committee: Committee,
    name: str,
    profession: str,
    group: str,
    team: str = "",
    mobile: str = "",
) -> Partner:
    require(actor, "planning.manage_partners", committee, _("只有居委会可以登记社区合伙人"))
    partner = Partner(
        committee=committee,
        name=_text(name),
        profession=_text(profession),
        group=group,
        team=_text(team),
        mobile=_text(mobile),
    )
    ensure(partner.name and partner.profession, _("请填写合伙人姓名和职业"))
    _full_clean(partner)
    partner.save()
    audit_record(
        actor=actor, action="partner.add", obj=partner, after={"name": partner.name, "group": group}
    )
    return partner


@transaction.atomic
def contribution_add(
    *, actor, partner: Partner, date: datetime.date, description: str, hours=0
) -> Contribution:
    require(actor, "planning.manage_partners", partner.committee, _("只有居委会可以记录贡献"))
    try:
        hours = Decimal(str(hours or 0))
    except InvalidOperation:
        raise ServiceError(_("时长应为数字")) from None
    ensure(hours >= 0, _("时长不能为负数"))
    c = Contribution(partner=partner, date=date, description=_text(description), hours=hours)
    ensure(c.description, _("请填写贡献内容"))
    _full_clean(c)
    c.save()
    audit_record(actor=actor, action="partner.contribution", obj=c, after={"partner": partner.pk})
    return c


@transaction.atomic
def cobuilding_unit_add(
    *,
    actor,
    committee: Committee,
    name: str,
    offers: Sequence[str],
    description: str = "",
    contact: str = "",
) -> CoBuildingUnit:
    require(actor, "planning.manage_partners", committee, _("只有居委会可以登记共建单位"))
    offers = list(dict.fromkeys(offers))
    ensure(offers, _("请选择共建单位可提供的资源"))
    for o in offers:
        ensure(o in CoBuildingUnit.Offer.values, _("未知的资源类型“%(o)s”") % {"o": o})
    unit = CoBuildingUnit(
        committee=committee,
        name=_text(name),
        offers=offers,
        description=_text(description),
        contact=_text(contact),
    )
    ensure(unit.name, _("请填写单位名称"))
    _full_clean(unit)
    unit.save()
    audit_record(
        actor=actor, action="cobuilding.add", obj=unit, after={"name": unit.name, "offers": offers}
    )
    return unit


# ---------------------------------------------------------------- work log


@transaction.atomic
def worklog_add(
    *,
    actor,
    committee: Committee,
    kind: str,
    date: datetime.date,
    place: str,
    findings: str,
    people_met: str = "",
    project: Project | None = None,
    photos: Iterable = (),
) -> WorkLog:
    require(actor, "planning.plan", committee, _("您未与该居委会结对，不能记录工作日志"))
    if project is not None:
        ensure(project.committee_id == committee.pk, _("所选项目不属于该居委会"))
    ensure(date is not None and date <= timezone.localdate(), _("日期不能晚于今天"))
    photos = list(photos)
    ensure(len(photos) <= MAX_FILES, _("最多上传%(MAX_FILES)s张照片") % {"MAX_FILES": MAX_FILES})
    cleaned = [_clean_image(p) for p in photos]  # refuse before anything is written
    log = WorkLog(
        committee=committee,
        project=project,
        kind=kind,
        date=date,
        place=_text(place),
        people_met=_text(people_met),
        findings=_text(findings),
        author=actor,
    )
    ensure(log.place, _("请填写地点"))
    ensure(log.findings, _("请填写发现"))
    _full_clean(log)
    log.save()
    for c in cleaned:
        WorkLogPhoto.objects.create(log=log, image=c.content, width=c.width, height=c.height)
    audit_record(
        actor=actor,
        action="worklog.add",
        obj=log,
        after={"kind": kind, "date": date, "place": log.place, "photos": len(cleaned)},
    )
    return log


# ---------------------------------------------------------------- diagnosis


@transaction.atomic
def diagnosis_save(
    *,
    actor,
    project: Project,
    needs_analysis: str = "",
    resource_analysis: str = "",
    property_rights: str = "",
    budget_band: str = "",
    safety: str = "",
    recommendations: str = "",
    needs_list=None,
    needs: Iterable = (),
) -> Diagnosis:
    require(actor, "planning.plan", project, _("您未与该居委会结对，不能填写把脉记录"))
    project = Project.objects.select_for_update().get(pk=project.pk)
    needs = list(needs)
    if needs_list is not None:
        ensure(needs_list.committee_id == project.committee_id, _("所选需求清单不属于该居委会"))
    for n in needs:
        ensure(n.committee_id == project.committee_id, _("所选需求不属于该居委会"))
    diagnosis, _created = Diagnosis.objects.get_or_create(project=project)
    before = {"recommendations": diagnosis.recommendations, "budget_band": diagnosis.budget_band}
    diagnosis.needs_analysis = _text(needs_analysis)
    diagnosis.resource_analysis = _text(resource_analysis)
    diagnosis.property_rights = _text(property_rights)
    diagnosis.budget_band = budget_band or ""
    diagnosis.safety = _text(safety)
    diagnosis.recommendations = _text(recommendations)
    diagnosis.needs_list = needs_list
    diagnosis.updated_by = actor
    diagnosis.updated_at = timezone.now()
    _full_clean(diagnosis)
    diagnosis.save()
    diagnosis.needs.set(needs)
    audit_record(
        actor=actor,
        action="diagnosis.save",
        obj=diagnosis,
        before=before,
        after={
            "recommendations": diagnosis.recommendations,
            "budget_band": diagnosis.budget_band,
            "needs": [n.pk for n in needs],
        },
    )
    return diagnosis


# ---------------------------------------------------------------- design rounds


@transaction.atomic
def round_create(
    *,
    actor,
    project: Project,
    change_note: str = "",
    compounds: Iterable[Compound] = (),
    buildings: Iterable[Building] = (),
    copy_previous: bool = True,
) -> DesignRound:
    """Open the next round as a draft. From round 2 on a change note is required and the
    previous round's options are copied (each remembering what it was derived from)."""
    require(actor, "planning.plan", project, _("您未与该居委会结对，不能编制设计方案"))
    project = Project.objects.select_for_update().get(pk=project.pk)
    rounds = project.design_rounds.all()
    ensure(
        not rounds.filter(status=DesignRound.Status.DRAFT).exists(),
        _("已有一轮方案尚未发布，请先完成或发布该轮"),
    )
    ensure(not rounds.filter(is_final=True).exists(), _("方案已定稿，不能再开新一轮"))
    previous = rounds.order_by("-number").first()
    number = (rounds.aggregate(m=Max("number"))["m"] or 0) + 1
    change_note = _text(change_note)
    if previous is not None:
        ensure(change_note, _("请填写本轮相对上一轮的修改说明"))
    compounds, buildings = list(compounds), list(buildings)
    for item in [*compounds, *buildings]:
        ensure(
            committee_id_of(item) == project.committee_id,
            _("“%(item)s”不属于该居委会") % {"item": item},
        )
    if previous is not None and not compounds and not buildings:
        compounds = list(previous.compounds.all())
        buildings = list(previous.buildings.all())
    rnd = DesignRound(project=project, number=number, change_note=change_note, created_by=actor)
    _full_clean(rnd)
    rnd.save()
    rnd.compounds.set(compounds)
    rnd.buildings.set(buildings)
    if previous is not None and copy_previous:
        for opt in previous.options.all().prefetch_related("cost_items", "files"):
            new = DesignOption.objects.create(
                round=rnd,
                label=opt.label,
                description=opt.description,
                maintenance=opt.maintenance,
                derived_from=opt,
                position=opt.position,
            )
            for item in opt.cost_items.all():
                CostItem.objects.create(
                    option=new, name=item.name, amount_fen=item.amount_fen, position=item.position
                )
            for f in opt.files.all():
                OptionFile.objects.create(
                    option=new,
                    kind=f.kind,
                    file=f.file.name,
                    name=f.name,
                    width=f.width,
                    height=f.height,
                )
    audit_record(
        actor=actor,
        action="design_round.create",
        obj=rnd,
        after={"project": project.pk, "number": number, "change_note": change_note},
    )
    return rnd


def _parse_cost_items(cost_items) -> list[tuple[str, int]]:
    out = []
    for name, amount in cost_items:
        name = _text(name)
        if not name and (amount is None or str(amount).strip() == ""):
            continue
        ensure(name, _("请填写费用项名称"), code="cost_invalid")
        out.append((name, yuan_to_fen(amount)))
    return out


def _draft_round(actor, rnd: DesignRound) -> DesignRound:
    require(actor, "planning.plan", rnd, _("您未与该居委会结对，不能编制设计方案"))
    rnd = DesignRound.objects.select_for_update().get(pk=rnd.pk)
    ensure(rnd.status == DesignRound.Status.DRAFT, _("该轮方案已发布，不能再修改；请开启新一轮"))
    return rnd


@transaction.atomic
def option_save(
    *,
    actor,
    round: DesignRound,
    label: str,
    description: str,
    maintenance: str = "",
    cost_items: Iterable[tuple[str, object]] = (),
    files: Iterable = (),
    option: DesignOption | None = None,
) -> DesignOption:
    """Add an option to a draft round, or revise one (``option``): cost items are replaced
    by the ones given; files are added. Every upload is checked before anything is saved."""
    rnd = _draft_round(actor, round)
    items = _parse_cost_items(cost_items)
    files = list(files)
    cleaned = []
    for f in files:
        if _is_pdf_name(f):
            cleaned.append(("pdf", _clean_pdf(f), 0, 0, f.name))
        else:
            c = _clean_image(f)
            cleaned.append(("image", c.content, c.width, c.height, f.name))
    if option is None:
        opt = DesignOption(round=rnd, position=rnd.options.count())
    else:
        ensure(option.round_id == rnd.pk, _("该方案不属于这一轮"))
        opt = DesignOption.objects.get(pk=option.pk)
    before = {"label": opt.label, "total_fen": opt.total_fen} if opt.pk else None
    opt.label = _text(label)
    opt.description = _text(description)
    opt.maintenance = _text(maintenance)
    ensure(opt.label, _("请填写方案名称"))
    ensure(opt.description, _("请填写方案说明"))
    ensure(
        not rnd.options.filter(label=opt.label).exclude(pk=opt.pk).exists(),
        _("本轮已有名为“%(label)s”的方案") % {"label": opt.label},
    )
    ensure(opt.files.count() + len(cleaned) <= MAX_FILES if opt.pk else len(cleaned) <= MAX_FILES,
           _("每个方案最多上传%(MAX_FILES)s个文件") % {"MAX_FILES": MAX_FILES})  # fmt: skip
    _full_clean(opt)
    opt.save()
    if option is not None:
        opt.cost_items.all().delete()
    for i, (name, fen) in enumerate(items):
        _full_clean(CostItem(option=opt, name=name, amount_fen=fen, position=i), exclude=["option"])
        CostItem.objects.create(option=opt, name=name, amount_fen=fen, position=i)
    for kind, content, w, h, name in cleaned:
        OptionFile.objects.create(
            option=opt, kind=kind, file=content, name=name[:120], width=w, height=h
        )
    audit_record(
        actor=actor,
        action="design_option.save",
        obj=opt,
        before=before,
        after={"label": opt.label, "round": rnd.pk, "total_fen": sum(f for _, f in items)},
    )
    return opt


@transaction.atomic
def option_add_files(*, actor, option: DesignOption, files: Iterable) -> DesignOption:
    """Attach drawings/renderings to an option of a draft round (all checked first)."""
    rnd = _draft_round(actor, option.round)
    files = list(files)
    ensure(files, _("请选择要上传的文件"))
    ensure(
        option.files.count() + len(files) <= MAX_FILES,
        _("每个方案最多上传%(MAX_FILES)s个文件") % {"MAX_FILES": MAX_FILES},
    )
    cleaned = []
    for f in files:
        if _is_pdf_name(f):
            cleaned.append(("pdf", _clean_pdf(f), 0, 0, f.name))
        else:
            c = _clean_image(f)
            cleaned.append(("image", c.content, c.width, c.height, f.name))
    for kind, content, w, h, name in cleaned:
        OptionFile.objects.create(
            option=option, kind=kind, file=content, name=name[:120], width=w, height=h
        )
    audit_record(actor=actor, action="design_option.files", obj=option,
                 after={"round": rnd.pk, "files": [c[4] for c in cleaned]})  # fmt: skip
    return option


@transaction.atomic
def option_remove(*, actor, option: DesignOption) -> None:
    rnd = _draft_round(actor, option.round)
    audit_record(
        actor=actor,
        action="design_option.remove",
        obj=option,
        before={"label": option.label, "round": rnd.pk},
    )
    option.delete()


@transaction.atomic
def round_publish(*, actor, round: DesignRound) -> DesignRound:
    """Send the round down to residents (一下). Refused without options."""
    rnd = _draft_round(actor, round)
    ensure(rnd.options.exists(), _("本轮还没有任何设计方案，不能发布"), code="round_empty")
    rnd.status = DesignRound.Status.PUBLISHED
    rnd.published_at = timezone.now()
    _full_clean(rnd)
    rnd.save(update_fields=["status", "published_at"])
    audit_record(
        actor=actor,
        action="design_round.publish",
        obj=rnd,
        before={"status": "draft"},
        after={"status": "published", "options": list(rnd.options.values_list("label", flat=True))},
    )
    from linli.notifications.delivery import notify

    notify("design_round", actor=actor, round_id=rnd.pk)
    return rnd


@transaction.atomic
def option_rate(*, actor, option: DesignOption, score) -> OptionRating:
    """One rating per resident per option (DB constraint); rating again replaces it."""
    require(
        actor, "planning.give_feedback", option, _("您不在本轮方案的征询范围内，或本轮已结束征询")
    )
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise ServiceError(_("评分应为1到5颗星")) from None
    ensure(1 <= score <= 5, _("评分应为1到5颗星"))
    DesignOption.objects.select_for_update().get(pk=option.pk)
    rating = OptionRating.objects.filter(option=option, user=actor).first()
    before = {"score": rating.score} if rating else None
    if rating is None:
        rating = OptionRating(option=option, user=actor, score=score)
    rating.score = score
    rating.updated_at = timezone.now()
    _full_clean(rating, validate_unique=False)
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:  # a concurrent first rating won: update that one
        rating = OptionRating.objects.get(option=option, user=actor)
        rating.score = score
        rating.save(update_fields=["score"])
    audit_record(
        actor=actor, action="design_option.rate", obj=rating, before=before, after={"score": score}
    )
    return rating


@transaction.atomic
def option_comment(*, actor, option: DesignOption, text: str) -> OptionComment:
    require(
        actor, "planning.give_feedback", option, _("您不在本轮方案的征询范围内，或本轮已结束征询")
    )
    c = OptionComment(option=option, user=actor, text=_text(text))
    ensure(c.text, _("请填写意见"))
    _full_clean(c)
    c.save()
    audit_record(actor=actor, action="design_option.comment", obj=c, after={"option": option.pk})
    return c


@transaction.atomic
def comment_reply(*, actor, comment: OptionComment, reply: str) -> OptionComment:
    require(actor, "planning.plan", comment.option.round, _("只有结对的规划师或居委会可以答复意见"))
    comment = OptionComment.objects.select_for_update().get(pk=comment.pk)
    before = {"reply": comment.reply}
    comment.reply = _text(reply)
    ensure(comment.reply, _("请填写答复"))
    comment.replied_by = actor
    comment.replied_at = timezone.now()
    _full_clean(comment)
    comment.save()
    audit_record(
        actor=actor,
        action="design_option.reply",
        obj=comment,
        before=before,
        after={"reply": comment.reply},
    )
    return comment


@transaction.atomic
def round_to_vote(
    *,
    actor,
    round: DesignRound,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    title: str = "",
    method: str = "single",
):
    """The final options become the choices of an options vote (``voting.vote_create``)."""
    from linli.voting.services import vote_create

    require(actor, "planning.make_vote", round, _("只有居委会可以发起方案表决"))
    rnd = DesignRound.objects.select_for_update().select_related("project").get(pk=round.pk)
    ensure(rnd.status == DesignRound.Status.PUBLISHED, _("只有已发布征询的一轮方案可以付诸表决"))
    ensure(rnd.vote_id is None, _("这一轮方案已经发起表决"))
    latest = rnd.project.design_rounds.order_by("-number").first()
    ensure(latest.pk == rnd.pk, _("只能以最新一轮方案发起表决"))
    options = list(rnd.options.all())
    ensure(len(options) >= 2, _("至少需要两个方案才能发起表决"))
    compounds = list(rnd.compounds.all())
    buildings = list(rnd.buildings.all())
    if not compounds and not buildings:
        compounds = list(Compound.objects.filter(committee_id=rnd.project.committee_id))
    vote = vote_create(
        actor=actor,
        committee=rnd.project.committee,
        project=rnd.project,
        title=_text(title) or f"{rnd.project.title}：设计方案选择",
        description=f"第{rnd.number}轮设计方案定稿后的方案选择",
        kind="options",
        method=method,
        opens_at=opens_at,
        closes_at=closes_at,
        compounds=compounds,
        buildings=buildings,
        options=[o.label for o in options],
    )
    rnd.vote = vote
    rnd.is_final = True
    rnd.save(update_fields=["vote", "is_final"])
    audit_record(actor=actor, action="design_round.to_vote", obj=rnd, after={"vote": vote.pk})
    return vote
