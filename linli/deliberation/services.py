"""Business actions on meetings. Each is one transaction and leaves an audit event."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import Role, RoleAssignment
from linli.audit.services import audit_record
from linli.core import checkin as core_checkin
from linli.core.errors import ScopeError, ServiceError, ensure
from linli.core.permissions import require
from linli.deliberation.meeting_types import Convener, MeetingKind, rule_for_kind, spec_for
from linli.deliberation.models import (
    SIYI_ORDER,
    AgendaItem,
    Attendance,
    FollowUp,
    Meeting,
    Minutes,
    Resolution,
    SiyiStep,
    SpeakerPoint,
)
from linli.engine.tally import TallyError, meeting_decide

CHECKIN_SALT = "linli.deliberation.checkin"


def _clean_save(obj) -> None:
    obj.full_clean()
    obj.save()


def _owners_committee_exists(compound) -> bool:
    return RoleAssignment.objects.filter(role=Role.OWNERS_COMMITTEE, compound=compound).exists()


@transaction.atomic
def meeting_create(
    *,
    actor,
    committee,
    kind: str,
    title: str,
    convener: str,
    starts_at: datetime.datetime,
    expected_count: int,
    compound=None,
    project=None,
    location: str = "",
    invitee_roles: list[str] | tuple[str, ...] = (),
    invitee_buildings: list | tuple = (),
    invited_officials: str = "",
) -> Meeting:
    require(actor, "deliberation.create_meeting", committee, _("您无权在该居委会召集会议"))
    ensure(kind in MeetingKind.values, _("会议类型不存在"))
    ensure(convener in Convener.values, _("召集方不存在"))
    spec = spec_for(kind)
    kind_label = MeetingKind(kind).label
    ensure(
        convener in spec.conveners,
        _("“%(kind_label)s”应由%(join)s召集")
        % {
            "kind_label": kind_label,
            "join": _("或").join(str(Convener(c).label) for c in spec.conveners),
        },
        code="convener",
    )
    ensure(
        compound is None or compound.committee_id == committee.pk,
        _("所选小区不属于该居委会"),
    )
    ensure(project is None or project.committee_id == committee.pk, _("所选项目不属于该居委会"))
    acting = False
    manages = actor.has_perm("places.manage_committee", committee)
    if spec.owners_matter:
        ensure(
            compound is not None,
            _("“%(kind_label)s”涉及业主权益，须选择所在小区") % {"kind_label": kind_label},
            code="compound",
        )
        has_oc = _owners_committee_exists(compound)
        if convener == Convener.COMMITTEE:
            ensure(
                not has_oc,
                _(
                    "%(name)s已成立业委会，“%(kind_label)s”应由业委会召集（居委会仅在未成立业委会时代行）"
                )
                % {"name": compound.name, "kind_label": kind_label},
                code="convener",
            )
            acting = True
        else:
            ensure(
                has_oc,
                _("%(name)s尚未成立业委会，可由居委会代行召集") % {"name": compound.name},
                code="convener",
            )
    buildings = list(invitee_buildings or [])
    if convener == Convener.BUILDING_LEADER:
        ensure(buildings, _("楼组会议须选择邀请的楼栋"), code="buildings")
    if not manages:
        from linli.accounts.scopes import scopes_for

        scopes = scopes_for(actor)
        owners_ok = (
            spec.owners_matter
            and convener == Convener.OWNERS_COMMITTEE
            and compound is not None
            and compound.pk in scopes.owners_committee_compound_ids
        )
        # building leaders convene building meetings of the buildings they lead
        leader_ok = (
            kind == MeetingKind.BUILDING
            and convener == Convener.BUILDING_LEADER
            and {b.pk for b in buildings} <= set(scopes.led_building_ids)
        )
        # the residential party organisation convenes the meetings it may convene, in its committee
        party_ok = convener == Convener.PARTY_ORG and committee.pk in scopes.party_committee_ids
        if not (owners_ok or leader_ok or party_ok):
            raise ScopeError(
                _(
                    "业委会只能召集本小区的业主会议，楼组长只能召集本楼组会议，居民区党组织只能召集本居民区党组织召集的会议"
                )
            )
    roles = list(dict.fromkeys(invitee_roles or []))
    for r in roles:
        ensure(r in Role.values, _("邀请角色“%(r)s”不存在") % {"r": r})
    for b in buildings:
        ensure(
            b.compound.committee_id == committee.pk,
            _("楼栋“%(b)s”不属于%(name)s") % {"b": b, "name": committee.name},
        )
        ensure(
            compound is None or b.compound_id == compound.pk,
            _("楼栋“%(b)s”不在所选小区") % {"b": b},
        )
    ensure(starts_at is not None, _("请填写开始时间"))
    meeting = Meeting(
        committee=committee,
        compound=compound,
        project=project,
        kind=kind,
        title=(title or "").strip(),
        convener=convener,
        acting_convener=acting,
        starts_at=starts_at,
        location=(location or "").strip(),
        expected_count=expected_count,
        invitee_roles=roles,
        invited_officials=(invited_officials or "").strip(),
        created_by=actor,
    )
    ensure(meeting.title, _("请填写会议名称"))
    _clean_save(meeting)
    if buildings:
        meeting.invitee_buildings.set(buildings)
    audit_record(
        actor=actor,
        action="meeting.create",
        obj=meeting,
        after={
            "kind": kind,
            "convener": convener,
            "acting": acting,
            "committee": committee.pk,
            "compound": compound.pk if compound else None,
            "expected": expected_count,
        },
    )
    from linli.notifications.delivery import notify

    notify("meeting_invitation", actor=actor, meeting_id=meeting.pk)
    return meeting


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


@transaction.atomic
def agenda_add(
    *,
    actor,
    meeting: Meeting,
    title: str,
    text: str = "",
    project=None,
    need=None,
    design_option=None,
) -> AgendaItem:
    """Add a topic; it may link the project, the need and the design option it is about."""
    meeting = _lock(meeting)
    require(actor, "deliberation.manage_meeting", meeting, _("您无权编辑该会议的议程"))
    ensure(meeting.status == Meeting.Status.SCHEDULED, _("会议已结束，不能再修改议程"))
    ensure(
        project is None or project.committee_id == meeting.committee_id,
        _("议题关联的项目不属于本居委会"),
    )
    ensure(
        need is None or need.committee_id == meeting.committee_id, _("议题关联的需求不属于本居委会")
    )
    ensure(
        design_option is None or design_option.round.project.committee_id == meeting.committee_id,
        _("议题关联的设计方案不属于本居委会"),
    )
    title = (title or "").strip()
    ensure(title, _("请填写议题"))
    position = meeting.agenda.count() + 1
    item = AgendaItem(
        meeting=meeting,
        position=position,
        title=title,
        text=(text or "").strip(),
        project=project,
        need=need,
        design_option=design_option,
    )
    _clean_save(item)
    audit_record(
        actor=actor,
        action="meeting.agenda_add",
        obj=meeting,
        after={
            "title": title,
            "project": project.pk if project else None,
            "need": need.pk if need else None,
            "design_option": design_option.pk if design_option else None,
        },
    )
    return item


# --- sign-in -------------------------------------------------------------------------


def checkin_token(meeting: Meeting) -> str:
    """A signed token naming the meeting and its current check-in key (shown as a QR code).

    Deterministic (no timestamp), so the QR code on a printed sign-in sheet stays valid;
    rotating ``checkin_key`` invalidates every earlier code of the meeting (linli.core.checkin,
    shared with activities).
    """
    return core_checkin.checkin_token(CHECKIN_SALT, meeting.pk, meeting.checkin_key)


def checkin_token_valid(meeting: Meeting, token: str) -> bool:
    return core_checkin.checkin_token_valid(CHECKIN_SALT, meeting.pk, meeting.checkin_key, token)


def _person_label(user) -> str:
    from linli.accounts.scopes import scopes_for
    from linli.places.models import Flat

    flat = (
        Flat.objects.filter(id__in=scopes_for(user).resident_flat_ids)
        .select_related("building")
        .order_by("id")
        .first()
    )
    return f"{flat.building.number}{flat.unit}{flat.room}室" if flat else ""


@transaction.atomic
def meeting_check_in(*, actor, meeting: Meeting, token: str) -> Attendance:
    """The logged-in resident signs in by scanning the meeting's QR code. Idempotent."""
    meeting = _lock(meeting)
    ensure(
        checkin_token_valid(meeting, token),
        _("签到二维码无效或不属于本次会议"),
        code="bad_token",
        status=403,
    )
    ensure(meeting.status == Meeting.Status.SCHEDULED, _("会议已结束，签到已关闭"), code="closed")
    require(actor, "deliberation.check_in", meeting, _("您不在本次会议的邀请范围内"))
    existing = Attendance.objects.filter(meeting=meeting, user=actor).first()
    if existing:
        return existing
    attendance = Attendance(
        meeting=meeting,
        user=actor,
        name=actor.name or str(actor),
        note=_person_label(actor),
        method=Attendance.Method.QR,
        recorded_by=actor,
    )
    _clean_save(attendance)
    audit_record(actor=actor, action="meeting.check_in", obj=meeting, after={"user": actor.pk})
    return attendance


@transaction.atomic
def meeting_sign_in(
    *, actor, meeting: Meeting, name: str, note: str = "", counts: bool = True
) -> Attendance:
    """Staff sign in someone without a phone (or an invited official, counts=False)."""
    meeting = _lock(meeting)
    require(actor, "deliberation.manage_meeting", meeting, _("您无权为该会议代签"))
    ensure(meeting.status == Meeting.Status.SCHEDULED, _("会议已结束，签到已关闭"), code="closed")
    name = (name or "").strip()
    note = (note or "").strip()
    ensure(name, _("请填写签到人姓名"))
    ensure(
        not Attendance.objects.filter(meeting=meeting, name=name, note=note).exists(),
        _("“%(name)s%(v)s”已签到") % {"name": name, "v": ("（" + note + "）") if note else ""},
        code="duplicate",
    )
    attendance = Attendance(
        meeting=meeting,
        name=name,
        note=note,
        counts=counts,
        method=Attendance.Method.STAFF,
        recorded_by=actor,
    )
    _clean_save(attendance)
    audit_record(
        actor=actor,
        action="meeting.sign_in",
        obj=meeting,
        after={"name": name, "note": note, "counts": counts},
    )
    return attendance


@transaction.atomic
def meeting_close(*, actor, meeting: Meeting) -> Meeting:
    meeting = _lock(meeting)
    require(actor, "deliberation.manage_meeting", meeting, _("您无权结束该会议"))
    ensure(meeting.status == Meeting.Status.SCHEDULED, _("会议已经结束"))
    meeting.status = Meeting.Status.CLOSED
    meeting.full_clean()
    meeting.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="meeting.close",
        obj=meeting,
        before={"status": "scheduled"},
        after={"status": "closed", "present": present_count(meeting)},
    )
    return meeting


def present_count(meeting: Meeting) -> int:
    return Attendance.objects.filter(meeting=meeting, counts=True).count()


@dataclass(frozen=True)
class Quorum:
    expected: int
    present: int
    observers: int
    met: bool
    needed: int
    rule_name: str
    rule_text: str
    message: str
    over: bool


def meeting_quorum(meeting: Meeting) -> Quorum:
    """Live quorum against the rule of the meeting type (engine ``meeting_decide``)."""
    rule = rule_for_kind(meeting.kind)
    present = present_count(meeting)
    observers = Attendance.objects.filter(meeting=meeting, counts=False).count()
    expected = meeting.expected_count
    counted = min(present, expected)
    result = meeting_decide(members=expected, present=counted, agree=0, rule=rule)
    needed = next(
        n for n in range(0, expected + 1) if rule.quorum.met(n, expected) or n == expected
    )
    if result.quorum_met:
        message = _("已到%(present)s人，达到法定人数（%(rule)s）") % {
            "present": present,
            "rule": rule.quorum.text_zh,
        }
    else:
        message = _("已到%(present)s人，还差%(missing)s人达到法定人数（%(rule)s）") % {
            "present": present,
            "missing": needed - present,
            "rule": rule.quorum.text_zh,
        }
    return Quorum(
        expected=expected,
        present=present,
        observers=observers,
        met=result.quorum_met,
        needed=needed,
        rule_name=rule.name,
        rule_text=rule.quorum.text_zh,
        message=message,
        over=present > expected,
    )


# --- minutes -------------------------------------------------------------------------


def _decide(meeting: Meeting, agree: int | None) -> tuple[bool | None, str]:
    if agree is None:
        return None, ""
    present = min(present_count(meeting), meeting.expected_count)
    ensure(present > 0, _("尚无人签到，不能记录表决结果"), code="no_attendance")
    ensure(
        0 <= agree <= present,
        _("同意人数应在0到出席人数（%(present)s）之间") % {"present": present},
        code="agree",
    )
    try:
        result = meeting_decide(
            members=meeting.expected_count,
            present=present,
            agree=agree,
            rule=rule_for_kind(meeting.kind),
        )
    except TallyError as exc:
        raise ServiceError(str(exc)) from exc
    if result.passed:
        return True, _("出席%(present)s人，同意%(agree)s人，通过") % {
            "present": present,
            "agree": agree,
        }
    return False, _("出席%(present)s人，同意%(agree)s人，未通过：") % {
        "present": present,
        "agree": agree,
    } + "；".join(f.message for f in result.failures)


@transaction.atomic
def minutes_save(
    *,
    actor,
    meeting: Meeting,
    summary: str = "",
    points: list[dict] | None = None,
    resolutions: list[dict] | None = None,
    follow_ups: list[dict] | None = None,
) -> Minutes:
    """Write the minutes (the lists replace the previous ones). Refused once approved.

    points: ``{"speaker", "point"}``; resolutions: ``{"text", "agree"?}``;
    follow_ups: ``{"action", "owner", "due"?}``.
    """
    meeting = _lock(meeting)
    require(actor, "deliberation.edit_minutes", meeting, _("您无权编辑该会议的纪要"))
    minutes, _created = Minutes.objects.select_for_update().get_or_create(meeting=meeting)
    ensure(not minutes.is_frozen, _("会议纪要已审定，不能再修改"), code="frozen", status=409)
    before = {"summary": minutes.summary}
    minutes.summary = (summary or "").strip()
    minutes.updated_by = actor
    minutes.updated_at = timezone.now()
    _clean_save(minutes)
    minutes.points.all().delete()
    minutes.resolutions.all().delete()
    minutes.follow_ups.all().delete()
    for i, p in enumerate(points or [], start=1):
        speaker, point = (p.get("speaker") or "").strip(), (p.get("point") or "").strip()
        if not speaker and not point:
            continue
        ensure(speaker and point, _("第%(i)s条发言须填写发言人和要点") % {"i": i})
        _clean_save(SpeakerPoint(minutes=minutes, position=i, speaker=speaker, point=point))
    for i, r in enumerate(resolutions or [], start=1):
        text = (r.get("text") or "").strip()
        agree = r.get("agree")
        if not text and agree in (None, ""):
            continue
        ensure(text, _("第%(i)s条决议须填写内容") % {"i": i})
        if agree in (None, ""):
            agree = None
        else:
            try:
                agree = int(agree)
            except (TypeError, ValueError) as exc:
                raise ServiceError(_("第%(i)s条决议的同意人数应为整数") % {"i": i}) from exc
        passed, outcome = _decide(meeting, agree)
        _clean_save(
            Resolution(
                minutes=minutes, position=i, text=text, agree=agree, passed=passed, outcome=outcome
            )
        )
    for i, f in enumerate(follow_ups or [], start=1):
        action, owner = (f.get("action") or "").strip(), (f.get("owner") or "").strip()
        due = f.get("due") or None
        if not action and not owner and not due:
            continue
        ensure(action and owner, _("第%(i)s项后续事项须填写事项和责任人") % {"i": i})
        if isinstance(due, str):
            try:
                due = datetime.date.fromisoformat(due)
            except ValueError as exc:
                raise ServiceError(
                    _("第%(i)s项后续事项的完成期限格式应为 年-月-日") % {"i": i}
                ) from exc
        _clean_save(FollowUp(minutes=minutes, position=i, action=action, owner=owner, due=due))
    audit_record(
        actor=actor,
        action="minutes.save",
        obj=minutes,
        before=before,
        after={
            "summary": minutes.summary,
            "points": minutes.points.count(),
            "resolutions": minutes.resolutions.count(),
            "follow_ups": minutes.follow_ups.count(),
        },
    )
    return minutes


@transaction.atomic
def minutes_approve(*, actor, meeting: Meeting) -> Minutes:
    """Approve the minutes; from then on they are frozen."""
    meeting = _lock(meeting)
    require(actor, "deliberation.approve_minutes", meeting, _("您无权审定该会议的纪要"))
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    ensure(minutes is not None, _("尚未填写会议纪要"), code="no_minutes")
    ensure(not minutes.is_frozen, _("会议纪要已审定"), code="frozen", status=409)
    ensure(meeting.status == Meeting.Status.CLOSED, _("请先结束会议再审定纪要"), code="open")
    ensure(
        minutes.summary or minutes.resolutions.exists() or minutes.points.exists(),
        _("纪要内容为空，不能审定"),
    )
    minutes.status = Minutes.Status.APPROVED
    minutes.approved_by = actor
    minutes.approved_at = timezone.now()
    _clean_save(minutes)
    audit_record(
        actor=actor,
        action="minutes.approve",
        obj=minutes,
        before={"status": "draft"},
        after={"status": "approved"},
    )
    return minutes


# --- 四议 ---------------------------------------------------------------------------


@transaction.atomic
def siyi_record(*, actor, project, step: str, meeting: Meeting | None = None, note: str = ""):
    """Record one step of the 四议 path; steps go in order 提议 → 商议 → 动议 → 评议."""
    from linli.projects.models import Project

    project = Project.objects.select_for_update().get(pk=project.pk)
    require(actor, "deliberation.record_siyi", project, _("您无权记录该项目的四议环节"))
    ensure(step in SIYI_ORDER, _("四议环节不存在"))
    done = set(project.siyi_steps.values_list("step", flat=True))
    label = SiyiStep.Step(step).label
    ensure(step not in done, _("“%(label)s”环节已记录") % {"label": label}, code="duplicate")
    index = SIYI_ORDER.index(step)
    if index > 0:
        prev = SIYI_ORDER[index - 1]
        ensure(
            prev in done,
            _("请先完成“%(label)s”环节再进行“%(label2)s”")
            % {"label": SiyiStep.Step(prev).label, "label2": label},
            code="order",
        )
    ensure(
        meeting is None or meeting.committee_id == project.committee_id,
        _("所选会议不属于本项目所在居委会"),
    )
    row = SiyiStep(
        project=project, step=step, meeting=meeting, note=(note or "").strip(), actor=actor
    )
    try:
        with transaction.atomic():
            _clean_save(row)
    except IntegrityError as exc:
        raise ServiceError(_("“%(label)s”环节已记录") % {"label": label}, code="duplicate") from exc
    audit_record(
        actor=actor,
        action="siyi.record",
        obj=project,
        after={"step": step, "meeting": meeting.pk if meeting else None, "note": row.note},
    )
    return row
