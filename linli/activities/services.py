"""Business actions on activities. Each is one transaction and leaves an audit event.

Sign-up respects capacity and allows one sign-up per account (the activity row is locked,
and a DB constraint backs it); QR check-in uses the meetings' signed token
(linli.core.checkin) and is open from one hour before the start to one hour after the end.
"""

from __future__ import annotations

import datetime
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.activities.models import (
    JURY_MAX,
    MAX_CAPACITY,
    Activity,
    ActivityCheckin,
    ActivityKind,
    ActivityPhoto,
    ActivitySignup,
    Audience,
    ContestEntry,
    ContestJuror,
    JuryScore,
    PublicVote,
)
from linli.audit.services import audit_record
from linli.core import checkin as core_checkin
from linli.core.errors import ServiceError, ensure
from linli.core.permissions import require

CHECKIN_SALT = "linli.activities.checkin"
CHECKIN_BEFORE = datetime.timedelta(hours=1)
CHECKIN_AFTER = datetime.timedelta(hours=1)
MAX_PHOTOS = 12


def _text(value, label: str, max_len: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required:
        ensure(value, _("请填写%(label)s") % {"label": label}, code="required")
    ensure(
        len(value) <= max_len,
        _("%(label)s不能超过%(max_len)s字") % {"label": label, "max_len": max_len},
        code="too_long",
    )
    return value


def _save(obj) -> None:
    obj.full_clean()
    obj.save()


def _lock(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().select_related("street").get(pk=activity.pk)


# ---------------------------------------------------------------- create and manage


@transaction.atomic
def activity_create(
    *,
    actor,
    street,
    kind: str,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    capacity: int,
    organiser: str = Activity.Organiser.STREET,
    description: str = "",
    audience: str = Audience.RESIDENTS,
    committee=None,
    partner_committee=None,
    teams=(),
    compound=None,
    microspace=None,
    place: str = "",
    projects=(),
) -> Activity:
    """Create an open activity of ``street``. Committee staff create activities of their
    own 居委会; the street's staff and the partner secretariat any of the street's."""
    require(actor, "activities.create_activity", street, _("您无权在该街道（镇）发起活动"))
    ensure(kind in ActivityKind.values, _("请选择活动类型"), code="kind")
    ensure(audience in Audience.values, _("请选择面向人群"), code="audience")
    ensure(organiser in Activity.Organiser.values, _("请选择主办方"), code="organiser")
    title = _text(title, _("活动名称"), 80)
    description = _text(description, _("活动介绍"), 2000, required=False)
    place = _text(place, _("地点"), 100, required=False)
    ensure(
        starts_at is not None and ends_at is not None, _("请填写开始和结束时间"), code="starts_at"
    )
    ensure(ends_at > starts_at, _("结束时间必须晚于开始时间"), code="ends_at")
    ensure(
        ends_at - starts_at <= datetime.timedelta(days=31),
        _("活动时长不能超过31天"),
        code="ends_at",
    )
    try:
        capacity = int(capacity)
    except (TypeError, ValueError) as exc:
        raise ServiceError(_("名额必须是整数"), code="capacity") from exc
    ensure(
        1 <= capacity <= MAX_CAPACITY,
        _("名额应在1到%(MAX_CAPACITY)s之间") % {"MAX_CAPACITY": MAX_CAPACITY},
        code="capacity",
    )
    if microspace is not None and compound is None:
        compound = microspace.compound
    ensure(
        compound is not None or microspace is not None or place,
        _("请选择小区/小微空间或填写地点"),
        code="place",
    )
    if organiser == Activity.Organiser.COMMITTEE:
        ensure(committee is not None, _("居委会主办的活动请选择居委会"), code="committee")
    if organiser == Activity.Organiser.PARTNER_COMMITTEE:
        ensure(
            partner_committee is not None, _("请选择主办的合伙人委员会"), code="partner_committee"
        )
    street_wide = actor.has_perm("partners.manage_organisation", street)
    if not street_wide:
        # committee staff: only activities of a 居委会 they run
        ensure(
            committee is not None and actor.has_perm("places.manage_committee", committee),
            _("居委会工作人员只能发起本居委会的活动"),
            code="committee",
            status=403,
        )
    if compound is not None and committee is None:
        committee = compound.committee
    teams = list(teams or [])
    for team in teams:
        ensure(
            team.organisation.street_id == street.pk, _("所选团队不属于本街道（镇）"), code="teams"
        )
    projects = list(projects or [])
    for p in projects:
        ensure(p.committee.street_id == street.pk, _("所选项目不属于本街道（镇）"), code="projects")
    activity = Activity(
        street=street,
        kind=kind,
        title=title,
        description=description,
        audience=audience,
        organiser=organiser,
        committee=committee,
        partner_committee=partner_committee,
        compound=compound,
        microspace=microspace,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        created_by=actor,
    )
    _save(activity)
    if teams:
        activity.teams.set(teams)
    if projects:
        activity.projects.set(projects)
    audit_record(
        actor=actor,
        action="activities.create",
        obj=activity,
        after={
            "kind": kind,
            "title": title,
            "street": street.pk,
            "capacity": capacity,
            "starts_at": starts_at.isoformat(),
            "projects": [p.pk for p in projects],
            "teams": [t.pk for t in teams],
        },
    )
    return activity


@transaction.atomic
def activity_link_project(*, actor, activity: Activity, project) -> Activity:
    require(actor, "activities.manage_activity", activity, _("您无权管理该活动"))
    ensure(
        project.committee.street_id == activity.street_id,
        _("所选项目不属于本街道（镇）"),
        code="project",
    )
    activity.projects.add(project)
    audit_record(
        actor=actor, action="activities.link_project", obj=activity, after={"project": project.pk}
    )
    return activity


@transaction.atomic
def activity_cancel(*, actor, activity: Activity, reason: str) -> Activity:
    require(actor, "activities.manage_activity", activity, _("您无权管理该活动"))
    activity = _lock(activity)
    ensure(
        activity.status == Activity.Status.OPEN,
        _("只能取消报名中的活动"),
        code="status",
        status=409,
    )
    reason = _text(reason, _("取消原因"), 200)
    activity.status = Activity.Status.CANCELLED
    activity.voting_open = False
    activity.save(update_fields=["status", "voting_open"])
    audit_record(
        actor=actor,
        action="activities.cancel",
        obj=activity,
        before={"status": "open"},
        after={"status": "cancelled", "reason": reason},
    )
    return activity


@transaction.atomic
def activity_finish(*, actor, activity: Activity) -> Activity:
    require(actor, "activities.manage_activity", activity, _("您无权管理该活动"))
    activity = _lock(activity)
    ensure(
        activity.status == Activity.Status.OPEN, _("活动已结束或已取消"), code="status", status=409
    )
    activity.status = Activity.Status.FINISHED
    activity.voting_open = False
    activity.save(update_fields=["status", "voting_open"])
    audit_record(
        actor=actor,
        action="activities.finish",
        obj=activity,
        before={"status": "open"},
        after={"status": "finished", "checkins": activity.checkins.count()},
    )
    return activity


# ---------------------------------------------------------------- sign-up


def _signed(activity) -> int:
    return activity.signups.filter(status=ActivitySignup.Status.SIGNED).count()


@transaction.atomic
def activity_signup(*, actor, activity: Activity, note: str = "", now=None) -> ActivitySignup:
    """Sign up the logged-in user: before the start, within capacity, once."""
    require(actor, "activities.sign_up", activity, _("您不在该活动的街道（镇）范围内"))
    activity = _lock(activity)
    now = now or timezone.now()
    ensure(
        activity.status == Activity.Status.OPEN,
        _("活动已结束或已取消，不能报名"),
        code="closed",
        status=409,
    )
    ensure(now < activity.starts_at, _("活动已开始，报名已截止"), code="started", status=409)
    note = _text(note, _("备注"), 100, required=False)
    signup = ActivitySignup.objects.filter(activity=activity, user=actor).first()
    if signup is not None and signup.status == ActivitySignup.Status.SIGNED:
        raise ServiceError(_("您已报名该活动，无需重复报名"), code="duplicate", status=409)
    ensure(
        _signed(activity) < activity.capacity,
        _("名额已满（共%(capacity)s个名额）") % {"capacity": activity.capacity},
        code="full",
        status=409,
    )
    if signup is None:
        signup = ActivitySignup(activity=activity, user=actor, name=actor.name or actor.mobile)
    signup.status = ActivitySignup.Status.SIGNED
    signup.note = note
    signup.created_at = now
    try:
        with transaction.atomic():
            _save(signup)
    except IntegrityError as exc:
        raise ServiceError(_("您已报名该活动，无需重复报名"), code="duplicate", status=409) from exc
    audit_record(actor=actor, action="activities.signup", obj=activity, after={"user": actor.pk})
    return signup


@transaction.atomic
def activity_cancel_signup(*, actor, activity: Activity, now=None) -> ActivitySignup:
    activity = _lock(activity)
    now = now or timezone.now()
    signup = ActivitySignup.objects.filter(
        activity=activity, user=actor, status=ActivitySignup.Status.SIGNED
    ).first()
    ensure(signup is not None, _("您没有报名该活动"), code="not_signed", status=404)
    ensure(now < activity.starts_at, _("活动已开始，不能取消报名"), code="started", status=409)
    signup.status = ActivitySignup.Status.CANCELLED
    signup.save(update_fields=["status"])
    audit_record(
        actor=actor, action="activities.cancel_signup", obj=activity, before={"user": actor.pk}
    )
    return signup


# ---------------------------------------------------------------- check-in


def checkin_token(activity: Activity) -> str:
    """The token in the activity's QR code (see linli.core.checkin)."""
    return core_checkin.checkin_token(CHECKIN_SALT, activity.pk, activity.checkin_key)


def checkin_token_valid(activity: Activity, token: str) -> bool:
    return core_checkin.checkin_token_valid(CHECKIN_SALT, activity.pk, activity.checkin_key, token)


def checkin_window(activity: Activity) -> tuple[datetime.datetime, datetime.datetime]:
    return activity.starts_at - CHECKIN_BEFORE, activity.ends_at + CHECKIN_AFTER


def _check_window(activity: Activity, now) -> None:
    ensure(
        activity.status != Activity.Status.CANCELLED, _("活动已取消"), code="cancelled", status=409
    )
    opens, closes = checkin_window(activity)
    ensure(
        opens <= now <= closes,
        _("不在签到时间内：签到从活动开始前1小时开放，到结束后1小时关闭"),
        code="window",
        status=409,
    )


def _person_of(user):
    from linli.places.models import Person

    return Person.objects.filter(user=user).first()


@transaction.atomic
def activity_checkin(*, actor, activity: Activity, token: str, now=None) -> ActivityCheckin:
    """The logged-in person scanned the activity's QR code: one online check-in (idempotent)."""
    activity = _lock(activity)
    now = now or timezone.now()
    ensure(
        checkin_token_valid(activity, token),
        _("签到二维码无效或已过期，请扫描现场最新的二维码"),
        code="bad_token",
        status=403,
    )
    _check_window(activity, now)
    require(actor, "activities.check_in", activity, _("您不在该活动的街道（镇）范围内"))
    existing = ActivityCheckin.objects.filter(activity=activity, user=actor).first()
    if existing is not None:
        return existing
    person = _person_of(actor)
    if person is not None:
        prior = ActivityCheckin.objects.filter(activity=activity, person=person).first()
        if prior is not None:  # staff already signed this registry person in
            return prior
    checkin = ActivityCheckin(
        activity=activity,
        user=actor,
        person=person,
        name=actor.name or actor.mobile,
        birth_year=person.birth_year if person is not None else None,
        channel=ActivityCheckin.Channel.ONLINE,
        recorded_by=actor,
        at=now,
    )
    _save(checkin)
    audit_record(
        actor=actor,
        action="activities.checkin",
        obj=activity,
        after={"user": actor.pk, "channel": "online"},
    )
    return checkin


@transaction.atomic
def activity_sign_in_offline(
    *,
    actor,
    activity: Activity,
    name: str,
    birth_year: int | None = None,
    person=None,
    now=None,
) -> ActivityCheckin:
    """Staff sign in someone without a phone (offline channel)."""
    require(actor, "activities.manage_activity", activity, _("您无权为该活动代签"))
    activity = _lock(activity)
    now = now or timezone.now()
    _check_window(activity, now)
    name = _text(name, _("签到人姓名"), 50)
    if birth_year not in (None, ""):
        birth_year = int(birth_year)
        ensure(
            1900 <= birth_year <= timezone.localdate().year, _("出生年份不正确"), code="birth_year"
        )
    else:
        birth_year = None
    if person is not None:
        ensure(
            not ActivityCheckin.objects.filter(activity=activity, person=person).exists(),
            _("“%(name)s”已签到") % {"name": person.name},
            code="duplicate",
            status=409,
        )
        birth_year = birth_year or person.birth_year
    else:
        ensure(
            not ActivityCheckin.objects.filter(
                activity=activity, name=name, user__isnull=True, person__isnull=True
            ).exists(),
            _("“%(name)s”已签到") % {"name": name},
            code="duplicate",
            status=409,
        )
    checkin = ActivityCheckin(
        activity=activity,
        person=person,
        name=name,
        birth_year=birth_year,
        channel=ActivityCheckin.Channel.OFFLINE,
        recorded_by=actor,
        at=now,
    )
    _save(checkin)
    audit_record(
        actor=actor,
        action="activities.sign_in_offline",
        obj=activity,
        after={"name": name, "person": person.pk if person else None, "channel": "offline"},
    )
    return checkin


@transaction.atomic
def activity_rotate_code(*, actor, activity: Activity) -> Activity:
    """A new QR code: every earlier code of the activity stops working."""
    require(actor, "activities.manage_activity", activity, _("您无权管理该活动"))
    activity = _lock(activity)
    activity.checkin_key = secrets.token_hex(8)
    activity.save(update_fields=["checkin_key"])
    audit_record(actor=actor, action="activities.rotate_code", obj=activity)
    return activity


# ---------------------------------------------------------------- photos


@transaction.atomic
def activity_photo_add(*, actor, activity: Activity, image, caption: str = "") -> ActivityPhoto:
    from linli.needs.images import clean_photo

    require(actor, "activities.manage_activity", activity, _("您无权为该活动上传照片"))
    ensure(image is not None, _("请选择照片"), code="image")
    caption = _text(caption, _("照片说明"), 100, required=False)
    ensure(
        activity.photos.count() < MAX_PHOTOS,
        _("每个活动最多%(MAX_PHOTOS)s张照片") % {"MAX_PHOTOS": MAX_PHOTOS},
        code="too_many",
    )
    clean = clean_photo(image)
    photo = ActivityPhoto(
        activity=activity,
        image=clean.content,
        caption=caption,
        width=clean.width,
        height=clean.height,
        uploaded_by=actor,
    )
    photo.save()
    audit_record(
        actor=actor, action="activities.photo_add", obj=photo, after={"activity": activity.pk}
    )
    return photo


# ---------------------------------------------------------------- design contests


def _contest(activity: Activity) -> None:
    ensure(
        activity.kind == ActivityKind.CONTEST,
        _("只有设计赛有作品、评委和公众投票"),
        code="not_contest",
    )


@transaction.atomic
def entry_add(
    *,
    actor,
    activity: Activity,
    title: str,
    author: str,
    description: str = "",
    author_user=None,
) -> ContestEntry:
    require(actor, "activities.manage_activity", activity, _("您无权管理该设计赛"))
    activity = _lock(activity)
    _contest(activity)
    ensure(
        activity.status == Activity.Status.OPEN,
        _("设计赛已结束或已取消"),
        code="closed",
        status=409,
    )
    title = _text(title, _("作品名称"), 80)
    ensure(
        not activity.entries.filter(title=title).exists(),
        _("已有名为“%(title)s”的作品") % {"title": title},
        code="duplicate",
        status=409,
    )
    entry = ContestEntry(
        activity=activity,
        title=title,
        author=_text(author, _("作者"), 80),
        description=_text(description, _("作品说明"), 2000, required=False),
        author_user=author_user,
        submitted_by=actor,
    )
    _save(entry)
    audit_record(
        actor=actor,
        action="activities.entry_add",
        obj=entry,
        after={"activity": activity.pk, "title": title},
    )
    return entry


@transaction.atomic
def juror_add(*, actor, activity: Activity, user) -> ContestJuror:
    require(actor, "activities.manage_activity", activity, _("您无权管理该设计赛"))
    _contest(activity)
    ensure(user is not None, _("请填写评委的手机号（须已注册）"), code="user")
    ensure(
        not ContestJuror.objects.filter(activity=activity, user=user).exists(),
        _("%(name)s已是评委") % {"name": user.name},
        code="duplicate",
        status=409,
    )
    juror = ContestJuror.objects.create(activity=activity, user=user)
    audit_record(actor=actor, action="activities.juror_add", obj=activity, after={"user": user.pk})
    return juror


@transaction.atomic
def jury_score(*, actor, entry: ContestEntry, score, comment: str = "") -> JuryScore:
    """A juror scores an entry 1–10; scoring again revises the juror's score."""
    activity = entry.activity
    require(actor, "activities.score", activity, _("只有本设计赛的评委可以评分"))
    activity = _lock(activity)
    ensure(
        activity.status == Activity.Status.OPEN,
        _("设计赛已结束，评分已关闭"),
        code="closed",
        status=409,
    )
    try:
        score = int(score)
    except (TypeError, ValueError) as exc:
        raise ServiceError(
            _("评分必须是1到%(JURY_MAX)s的整数") % {"JURY_MAX": JURY_MAX}, code="score"
        ) from exc
    ensure(
        1 <= score <= JURY_MAX,
        _("评分必须是1到%(JURY_MAX)s的整数") % {"JURY_MAX": JURY_MAX},
        code="score",
    )
    comment = _text(comment, _("评语"), 200, required=False)
    juror = ContestJuror.objects.get(activity=activity, user=actor)
    row = JuryScore.objects.filter(entry=entry, juror=juror).first()
    before = {"score": row.score} if row else None
    if row is None:
        row = JuryScore(entry=entry, juror=juror)
    row.score, row.comment, row.at = score, comment, timezone.now()
    _save(row)
    audit_record(
        actor=actor,
        action="activities.jury_score",
        obj=entry,
        before=before,
        after={"score": score, "juror": juror.pk},
    )
    return row


@transaction.atomic
def voting_set(*, actor, activity: Activity, open: bool) -> Activity:  # noqa: A002
    require(actor, "activities.manage_activity", activity, _("您无权管理该设计赛"))
    activity = _lock(activity)
    _contest(activity)
    if open:
        ensure(
            activity.status == Activity.Status.OPEN,
            _("设计赛已结束或已取消"),
            code="closed",
            status=409,
        )
        ensure(activity.entries.exists(), _("还没有参赛作品，不能开启投票"), code="no_entries")
    before = {"voting_open": activity.voting_open}
    activity.voting_open = bool(open)
    _save(activity)
    audit_record(
        actor=actor,
        action="activities.voting_set",
        obj=activity,
        before=before,
        after={"voting_open": activity.voting_open},
    )
    return activity


@transaction.atomic
def public_vote(*, actor, activity: Activity, entry: ContestEntry) -> PublicVote:
    """One public vote per account and contest, while the organiser keeps the vote open."""
    require(actor, "activities.vote", activity, _("您不在该设计赛的街道（镇）范围内"))
    activity = _lock(activity)
    _contest(activity)
    ensure(activity.voting_open, _("公众投票未开放"), code="closed", status=409)
    ensure(entry.activity_id == activity.pk, _("该作品不属于本设计赛"), code="entry")
    ensure(
        not PublicVote.objects.filter(activity=activity, user=actor).exists(),
        _("您已投过票，每人限投一票"),
        code="duplicate",
        status=409,
    )
    try:
        with transaction.atomic():
            vote = PublicVote.objects.create(activity=activity, entry=entry, user=actor)
    except IntegrityError as exc:
        raise ServiceError(_("您已投过票，每人限投一票"), code="duplicate", status=409) from exc
    audit_record(
        actor=actor, action="activities.public_vote", obj=activity, after={"entry": entry.pk}
    )
    return vote
