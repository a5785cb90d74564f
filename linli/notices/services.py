"""Business actions on notices and objections. One transaction each, audited."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.services import audit_record
from linli.core.errors import ScopeError, ServiceError, ensure
from linli.core.permissions import require
from linli.notices.models import (
    Notice,
    NoticeAttachment,
    NoticeEvent,
    NoticeKind,
    Objection,
    ObjectionAttachment,
    notice_days,
)
from linli.notices.validators import MAX_ATTACHMENTS, validate_attachment
from linli.places.hierarchy import committee_id_of


def _clean_save(obj) -> None:
    obj.full_clean()
    obj.save()


def _check_files(files) -> list:
    files = [f for f in (files or []) if f]
    ensure(
        len(files) <= MAX_ATTACHMENTS,
        _("附件最多%(MAX_ATTACHMENTS)s个") % {"MAX_ATTACHMENTS": MAX_ATTACHMENTS},
        code="attachment_count",
    )
    for f in files:
        try:
            validate_attachment(f)
        except ValidationError as exc:
            raise ServiceError("；".join(exc.messages), code="attachment") from exc
    return files


def subject_committee_id(subject) -> int | None:
    """The committee of a published object: directly, or through its project or meeting."""
    cid = committee_id_of(subject)
    if cid is not None:
        return cid
    for attr in ("project", "meeting"):
        parent = getattr(subject, attr, None)
        if parent is not None:
            return committee_id_of(parent)
    return None


def _subject_project(subject):
    """The project a published object belongs to, directly or through its meeting."""
    from linli.projects.models import Project

    if isinstance(subject, Project):
        return subject
    for holder in (subject, getattr(subject, "meeting", None)):
        if holder is not None and getattr(holder, "project_id", None):
            return holder.project
    return None


def _event(notice, kind, *, actor, note="", ends_before=None, ends_after=None) -> NoticeEvent:
    event = NoticeEvent(
        notice=notice,
        kind=kind,
        note=note,
        ends_before=ends_before,
        ends_after=ends_after,
        actor=actor,
    )
    event.save()
    return event


def _lock(notice: Notice) -> Notice:
    return Notice.objects.select_for_update().get(pk=notice.pk)


def _publish(notice: Notice, *, actor, starts_at=None, ends_at=None, days=None) -> None:
    starts_at = starts_at or timezone.now()
    if ends_at is None:
        days = notice_days(notice.kind) if days is None else int(days)
        ensure(1 <= days <= 90, _("公示期应在1到90天之间"), code="days")
        ends_at = starts_at + datetime.timedelta(days=days)
    ensure(ends_at > starts_at, _("公示截止时间必须晚于开始时间"), code="period")
    ensure(
        notice.posted_online or notice.board_list,
        _("请至少选择一种公示方式：网上公示或张贴的公告栏"),
        code="where",
    )
    notice.starts_at, notice.ends_at = starts_at, ends_at
    notice.status = Notice.Status.PUBLISHED
    _clean_save(notice)
    _event(notice, NoticeEvent.Kind.PUBLISHED, actor=actor, ends_after=ends_at)
    audit_record(
        actor=actor,
        action="notice.publish",
        obj=notice,
        before={"status": "draft"},
        after={"status": "published", "starts_at": starts_at, "ends_at": ends_at},
    )
    from linli.notifications.delivery import notify

    notify("notice_published", actor=actor, notice_id=notice.pk)


@transaction.atomic
def notice_create(
    *,
    actor,
    committee,
    kind: str,
    title: str,
    body: str,
    project=None,
    subject=None,
    posted_online: bool = True,
    boards: str = "",
    attachments: list | None = None,
    publish: bool = False,
    starts_at: datetime.datetime | None = None,
    ends_at: datetime.datetime | None = None,
    days: int | None = None,
) -> Notice:
    """Create a notice (a draft, or published at once with ``publish=True``).

    ``subject`` is any object the notice publishes (minutes, a vote result, an account …);
    it must belong to the same committee.
    """
    require(actor, "notices.create_notice", committee, _("您无权在该居委会发布公示"))
    ensure(kind in NoticeKind.values, _("公示类型不存在"))
    ensure(project is None or project.committee_id == committee.pk, _("所选项目不属于该居委会"))
    if subject is not None:
        ensure(
            subject_committee_id(subject) == committee.pk,
            _("公示对象不属于该居委会"),
            code="subject",
        )
        if project is None:
            project = _subject_project(subject)
    files = _check_files(attachments)
    notice = Notice(
        committee=committee,
        project=project,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
        kind=kind,
        title=(title or "").strip(),
        body=(body or "").strip(),
        posted_online=posted_online,
        boards=(boards or "").strip(),
        created_by=actor,
    )
    ensure(notice.title, _("请填写公示标题"))
    ensure(notice.body, _("请填写公示内容"))
    _clean_save(notice)
    for f in files:
        _clean_save(NoticeAttachment(notice=notice, file=f, name=f.name[:120]))
    _event(notice, NoticeEvent.Kind.CREATED, actor=actor)
    audit_record(
        actor=actor,
        action="notice.create",
        obj=notice,
        after={
            "kind": kind,
            "title": notice.title,
            "project": project.pk if project else None,
            "subject": f"{notice.subject_type_id}:{notice.subject_id}" if subject else None,
        },
    )
    if publish:
        _publish(notice, actor=actor, starts_at=starts_at, ends_at=ends_at, days=days)
    return notice


@transaction.atomic
def notice_publish(
    *,
    actor,
    notice: Notice,
    starts_at: datetime.datetime | None = None,
    ends_at: datetime.datetime | None = None,
    days: int | None = None,
) -> Notice:
    notice = _lock(notice)
    require(actor, "notices.manage_notice", notice, _("您无权发布该公示"))
    ensure(notice.status == Notice.Status.DRAFT, _("只有草稿可以发布"), code="status")
    _publish(notice, actor=actor, starts_at=starts_at, ends_at=ends_at, days=days)
    return notice


@transaction.atomic
def notice_extend(*, actor, notice: Notice, ends_at: datetime.datetime, reason: str) -> Notice:
    notice = _lock(notice)
    require(actor, "notices.manage_notice", notice, _("您无权延长该公示"))
    ensure(notice.status == Notice.Status.PUBLISHED, _("只有公示中的公示可以延长"), code="status")
    reason = (reason or "").strip()
    ensure(reason, _("请说明延长公示期的原因"), code="reason_required")
    ensure(ends_at is not None, _("请填写新的截止时间"), code="period")
    ensure(ends_at > notice.ends_at, _("新的截止时间必须晚于原截止时间"), code="period")
    before = notice.ends_at
    notice.ends_at = ends_at
    _clean_save(notice)
    _event(
        notice,
        NoticeEvent.Kind.EXTENDED,
        actor=actor,
        note=reason,
        ends_before=before,
        ends_after=ends_at,
    )
    audit_record(
        actor=actor,
        action="notice.extend",
        obj=notice,
        before={"ends_at": before},
        after={"ends_at": ends_at, "reason": reason},
    )
    return notice


@transaction.atomic
def notice_withdraw(*, actor, notice: Notice, reason: str) -> Notice:
    notice = _lock(notice)
    require(actor, "notices.manage_notice", notice, _("您无权撤回该公示"))
    ensure(
        notice.status in (Notice.Status.DRAFT, Notice.Status.PUBLISHED),
        _("该公示已结束或已撤回"),
        code="status",
    )
    reason = (reason or "").strip()
    ensure(reason, _("请说明撤回的原因"), code="reason_required")
    before = notice.status
    notice.status = Notice.Status.WITHDRAWN
    _clean_save(notice)
    _event(notice, NoticeEvent.Kind.WITHDRAWN, actor=actor, note=reason)
    audit_record(
        actor=actor,
        action="notice.withdraw",
        obj=notice,
        before={"status": before},
        after={"status": "withdrawn", "reason": reason},
    )
    return notice


@transaction.atomic
def notice_close(*, actor, notice: Notice) -> Notice:
    """End a notice whose period is over (the period is never cut short: withdraw instead).

    ``actor=None`` is the system (the ``close_expired_notices`` command).
    """
    notice = _lock(notice)
    if actor is not None and not actor.has_perm("notices.manage_notice", notice):
        raise ScopeError(_("您无权结束该公示"))
    ensure(notice.status == Notice.Status.PUBLISHED, _("只有公示中的公示可以结束"), code="status")
    ensure(
        timezone.now() > notice.ends_at,
        _("公示期至%(localtime)s，期满后才能结束")
        % {"localtime": format(timezone.localtime(notice.ends_at), "%Y-%m-%d %H:%M")},
        code="period",
    )
    notice.status = Notice.Status.CLOSED
    _clean_save(notice)
    unanswered = notice.objections.filter(responded_at__isnull=True).count()
    _event(
        notice,
        NoticeEvent.Kind.CLOSED,
        actor=actor,
        note=f"尚有{unanswered}条异议未答复" if unanswered else "",
    )
    audit_record(
        actor=actor,
        action="notice.close",
        obj=notice,
        before={"status": "published"},
        after={"status": "closed", "unanswered": unanswered},
    )
    return notice


def notices_close_expired(*, now=None) -> int:
    """Close every published notice whose period has ended (one transaction per notice)."""
    now = now or timezone.now()
    closed = 0
    for notice in Notice.objects.filter(status=Notice.Status.PUBLISHED, ends_at__lt=now):
        try:
            notice_close(actor=None, notice=notice)
        except ServiceError:
            continue  # changed meanwhile (extended or withdrawn)
        closed += 1
    return closed


@transaction.atomic
def objection_lodge(
    *, actor, notice: Notice, reason: str, attachments: list | None = None
) -> Objection:
    """A resident (any logged-in user with a role in the committee) objects during the period."""
    notice = _lock(notice)
    ensure(getattr(actor, "is_authenticated", False), _("请先登录后再提出异议"), status=401)
    ensure(notice.status != Notice.Status.DRAFT, _("公示尚未发布"), code="status")
    ensure(notice.is_open_for_objections(), _("不在公示期内，不能提出异议"), code="period")
    require(
        actor, "notices.object", notice, _("只有本居委会范围内登记的居民和相关人员可以提出异议")
    )
    reason = (reason or "").strip()
    ensure(reason, _("请填写异议理由"), code="reason_required")
    ensure(len(reason) <= 4000, _("异议理由不能超过4000字"))
    files = _check_files(attachments)
    objection = Objection(notice=notice, author=actor, reason=reason)
    _clean_save(objection)
    for f in files:
        _clean_save(ObjectionAttachment(objection=objection, file=f, name=f.name[:120]))
    _event(notice, NoticeEvent.Kind.OBJECTION, actor=actor, note=f"异议#{objection.pk}")
    audit_record(
        actor=actor,
        action="objection.lodge",
        obj=objection,
        after={"notice": notice.pk, "reason": reason, "attachments": len(files)},
    )
    return objection


@transaction.atomic
def objection_respond(*, actor, objection: Objection, response: str) -> Objection:
    objection = Objection.objects.select_for_update().select_related("notice").get(pk=objection.pk)
    require(actor, "notices.respond", objection.notice, _("您无权答复该异议"))
    ensure(not objection.answered, _("该异议已答复"), code="answered", status=409)
    response = (response or "").strip()
    ensure(response, _("请填写答复内容"), code="response_required")
    objection.response = response
    objection.responded_by = actor
    objection.responded_at = timezone.now()
    _clean_save(objection)
    _event(objection.notice, NoticeEvent.Kind.RESPONDED, actor=actor, note=f"异议#{objection.pk}")
    audit_record(
        actor=actor,
        action="objection.respond",
        obj=objection,
        before={"response": ""},
        after={"response": response},
    )
    from linli.notifications.delivery import notify

    notify("objection_answered", actor=actor, objection_id=objection.pk)
    return objection
