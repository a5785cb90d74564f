"""What each event says and to whom. A builder takes the ids the hook passed and returns the
messages to create (recipients, title, body, link, topic, de-duplication key).

Builders run in the delivery task, after the service's transaction committed: they read the
committed state, so a message never announces something that was rolled back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from linli.notifications import audience
from linli.notifications.models import Kind


@dataclass
class Message:
    kind: str
    recipients: set[int]
    title: str
    body: str
    link: str
    dedup_key: str
    topic: str = ""
    extra: dict = field(default_factory=dict)


BUILDERS: dict[str, Callable[..., list[Message]]] = {}


def builder(kind: str):
    def register(fn):
        BUILDERS[kind] = fn
        return fn

    return register


def _when(dt) -> str:
    return f"{timezone.localtime(dt):%m月%d日 %H:%M}"


def _clip(text: str, n: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


# ------------------------------------------------------------------ deliberation


def _meeting_audience(meeting) -> set[int]:
    invited = audience.role_user_ids(meeting.committee, meeting.invitee_roles or [])
    buildings = list(meeting.invitee_buildings.values_list("pk", flat=True))
    if buildings:
        flats = audience.flats_of(committee_id=meeting.committee_id, building_ids=buildings)
        invited |= audience.resident_user_ids(flats.values("pk"))
    if not invited:
        compounds = [meeting.compound_id] if meeting.compound_id else []
        flats = audience.flats_of(committee_id=meeting.committee_id, compound_ids=compounds)
        invited = audience.resident_user_ids(flats.values("pk"))
    return invited


def _meeting_message(kind, meeting, prefix) -> Message:
    where = f"，地点：{meeting.location}" if meeting.location else ""
    return Message(
        kind=kind,
        recipients=_meeting_audience(meeting),
        title=_clip(f"{prefix}：{meeting.title}", 100),
        body=f"{meeting.committee.name}{meeting.get_kind_display()}，{_when(meeting.starts_at)}召开{where}。",
        link=reverse("deliberation:detail", args=[meeting.pk]),
        dedup_key=f"{kind}:{meeting.pk}",
        topic=f"meeting:{meeting.pk}",
    )


@builder(Kind.MEETING_INVITATION)
def meeting_invitation(meeting_id: int) -> list[Message]:
    from linli.deliberation.models import Meeting

    meeting = Meeting.objects.select_related("committee__street").filter(pk=meeting_id).first()
    if meeting is None or meeting.status != Meeting.Status.SCHEDULED:
        return []
    return [_meeting_message(Kind.MEETING_INVITATION, meeting, "会议邀请")]


@builder(Kind.MEETING_REMINDER)
def meeting_reminder(meeting_id: int) -> list[Message]:
    from linli.deliberation.models import Meeting

    meeting = Meeting.objects.select_related("committee__street").filter(pk=meeting_id).first()
    if meeting is None or meeting.status != Meeting.Status.SCHEDULED:
        return []
    if meeting.starts_at <= timezone.now():
        return []
    return [_meeting_message(Kind.MEETING_REMINDER, meeting, "会议提醒")]


# ------------------------------------------------------------------ notices


def notice_flats(notice):
    """The flats a notice is for: its project's buildings and compounds, else its committee."""
    project = notice.project
    buildings, compounds = [], []
    if project is not None:
        buildings = list(project.buildings.values_list("pk", flat=True))
        compounds = list(project.compounds.values_list("pk", flat=True))
    return audience.flats_of(
        committee_id=notice.committee_id, compound_ids=compounds, building_ids=buildings
    )


@builder(Kind.NOTICE_PUBLISHED)
def notice_published(notice_id: int) -> list[Message]:
    from linli.notices.models import Notice

    notice = Notice.objects.select_related("committee", "project").filter(pk=notice_id).first()
    if notice is None or notice.status != Notice.Status.PUBLISHED or not notice.posted_online:
        return []
    until = f"公示期至{_when(notice.ends_at)}。" if notice.ends_at else ""
    return [
        Message(
            kind=Kind.NOTICE_PUBLISHED,
            recipients=audience.resident_user_ids(notice_flats(notice).values("pk")),
            title=_clip(f"公示：{notice.title}", 100),
            body=f"{notice.committee.name}发布公示。{until}{_clip(notice.body, 120)}",
            link=reverse("notices:detail", args=[notice.pk]),
            dedup_key=f"{Kind.NOTICE_PUBLISHED}:{notice.pk}",
            topic=f"notice:{notice.pk}",
        )
    ]


@builder(Kind.OBJECTION_ANSWERED)
def objection_answered(objection_id: int) -> list[Message]:
    from linli.notices.models import Objection

    objection = Objection.objects.select_related("notice").filter(pk=objection_id).first()
    if objection is None or not objection.answered:
        return []
    return [
        Message(
            kind=Kind.OBJECTION_ANSWERED,
            recipients={objection.author_id},
            title=_clip(f"您的异议已答复：{objection.notice.title}", 100),
            body=_clip(objection.response, 300),
            link=reverse("notices:detail", args=[objection.notice_id]),
            dedup_key=f"{Kind.OBJECTION_ANSWERED}:{objection.pk}",
            topic=f"notice:{objection.notice_id}",
        )
    ]


# ------------------------------------------------------------------ voting


def _vote_users(vote, *, without_ballot=False) -> set[int]:
    electors = vote.electors.all()
    if without_ballot:
        electors = electors.exclude(ballots__isnull=False)
    return audience.resident_user_ids(electors.values("flat_id"))


def _vote(vote_id):
    from linli.voting.models import Vote

    return Vote.objects.select_related("committee").filter(pk=vote_id).first()


@builder(Kind.VOTE_OPENED)
def vote_opened(vote_id: int) -> list[Message]:
    vote = _vote(vote_id)
    if vote is None or vote.status != "open":
        return []
    return [
        Message(
            kind=Kind.VOTE_OPENED,
            recipients=_vote_users(vote),
            title=_clip(f"表决开始：{vote.title}", 100),
            body=f"{vote.committee.name}的表决已开始，{_when(vote.closes_at)}截止。每户一票，可在网上投票，也可填写书面表决票。",
            link=reverse("voting:detail", args=[vote.pk]),
            dedup_key=f"{Kind.VOTE_OPENED}:{vote.pk}",
            topic=f"vote:{vote.pk}",
        )
    ]


@builder(Kind.VOTE_LAST_DAY)
def vote_last_day(vote_id: int) -> list[Message]:
    vote = _vote(vote_id)
    if vote is None or vote.status != "open" or vote.closes_at <= timezone.now():
        return []
    return [
        Message(
            kind=Kind.VOTE_LAST_DAY,
            recipients=_vote_users(vote, without_ballot=True),
            title=_clip(f"表决最后一天：{vote.title}", 100),
            body=f"表决将于{_when(vote.closes_at)}截止，您家尚未投票。",
            link=reverse("voting:detail", args=[vote.pk]),
            dedup_key=f"{Kind.VOTE_LAST_DAY}:{vote.pk}",
            topic=f"vote:{vote.pk}",
        )
    ]


@builder(Kind.VOTE_RESULT)
def vote_result(vote_id: int) -> list[Message]:
    vote = _vote(vote_id)
    if vote is None or vote.status != "closed":
        return []
    result = getattr(vote, "result", None)
    passed = getattr(result, "passed", None)
    outcome = {True: "表决通过", False: "表决未通过"}.get(passed, "表决已结束")
    return [
        Message(
            kind=Kind.VOTE_RESULT,
            recipients=_vote_users(vote),
            title=_clip(f"表决结果：{vote.title}", 100),
            body=f"{outcome}。结果和计票依据可在网上查看。",
            link=reverse("voting:detail", args=[vote.pk]),
            dedup_key=f"{Kind.VOTE_RESULT}:{vote.pk}",
            topic=f"vote:{vote.pk}",
        )
    ]


# ------------------------------------------------------------------ needs


@builder(Kind.NEED_ANSWERED)
def need_answered(need_id: int) -> list[Message]:
    """The need (and those merged into it) became a project."""
    from django.db.models import Q

    from linli.needs.models import Need

    need = Need.objects.filter(pk=need_id).first()
    if need is None or need.status != Need.Status.PROJECT:
        return []
    project = getattr(need, "project", None)
    title = project.title if project is not None else ""
    link = (
        reverse("projects:detail", args=[project.pk])
        if project is not None
        else reverse("needs:detail", args=[need.pk])
    )
    out = []
    for n in Need.objects.filter(Q(pk=need.pk) | Q(merged_into=need)).exclude(author=None):
        out.append(
            Message(
                kind=Kind.NEED_ANSWERED,
                recipients={n.author_id},
                title=_clip(f"您的需求已立项：{title or _clip(n.text, 20)}", 100),
                body=f"您提出的需求“{_clip(n.text, 60)}”已转为社区项目{('“' + title + '”') if title else ''}，可在项目页跟进。",
                link=link,
                dedup_key=f"{Kind.NEED_ANSWERED}:{n.pk}",
                topic=f"need:{n.pk}",
            )
        )
    return out


@builder(Kind.NEED_MERGED)
def need_merged(target_id: int, need_ids: list[int]) -> list[Message]:
    from linli.needs.models import Need

    target = Need.objects.filter(pk=target_id).first()
    if target is None:
        return []
    out = []
    for n in Need.objects.filter(pk__in=need_ids, merged_into=target).exclude(author=None):
        out.append(
            Message(
                kind=Kind.NEED_MERGED,
                recipients={n.author_id},
                title="您的需求已与相同的需求合并",
                body=f"您提出的需求“{_clip(n.text, 60)}”与“{_clip(target.text, 60)}”合并办理，您的意见和支持都保留。",
                link=reverse("needs:detail", args=[target.pk]),
                dedup_key=f"{Kind.NEED_MERGED}:{n.pk}:{target.pk}",
                topic=f"need:{n.pk}",
            )
        )
    return out


# ------------------------------------------------------------------ implementation


CHANGE_LABELS = {"route": "已改派", "responded": "已响应", "resolved": "已处理", "closed": "已关闭"}


@builder(Kind.TICKET_UPDATED)
def ticket_updated(ticket_id: int, change: str) -> list[Message]:
    from linli.implementation.models import Ticket

    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        return []
    texts = {
        "route": f"您的报修（{ticket.place}）已改派{ticket.get_route_display()}处理。",
        "responded": f"您的报修（{ticket.place}）已响应：{_clip(ticket.response, 120)}",
        "resolved": f"您的报修（{ticket.place}）已处理：{_clip(ticket.resolution, 120)}。请确认后关闭工单。",
        "closed": f"您的报修（{ticket.place}）已关闭。",
    }
    if change not in texts:
        return []
    suffix = f":{ticket.route}" if change == "route" else ""
    return [
        Message(
            kind=Kind.TICKET_UPDATED,
            recipients={ticket.reporter_id},
            title=f"报修进展：{CHANGE_LABELS[change]}",
            body=texts[change],
            link=reverse("implementation:ticket", args=[ticket.pk]),
            dedup_key=f"{Kind.TICKET_UPDATED}:{ticket.pk}:{change}{suffix}",
            topic=f"ticket:{ticket.pk}",
        )
    ]


@builder(Kind.PATROL_DUE)
def patrol_due(slot_id: int) -> list[Message]:
    from linli.implementation.models import DutySlot

    slot = DutySlot.objects.select_related("team", "member").filter(pk=slot_id).first()
    if slot is None or slot.date < timezone.localdate():
        return []
    return [
        Message(
            kind=Kind.PATROL_DUE,
            recipients={slot.member.user_id},
            title=f"巡查值班：{slot.date:%m月%d日}{slot.get_shift_display()}",
            body=f"您在“{slot.team.name}”{slot.date:%m月%d日}{slot.get_shift_display()}值班，请到巡查点扫码签到。",
            link=reverse("implementation:team", args=[slot.team_id]),
            dedup_key=f"{Kind.PATROL_DUE}:{slot.pk}",
            topic=f"patrol:{slot.pk}",
        )
    ]


# ------------------------------------------------------------------ planning


@builder(Kind.DESIGN_ROUND)
def design_round(round_id: int) -> list[Message]:
    from linli.planning.models import DesignRound

    rnd = DesignRound.objects.select_related("project").filter(pk=round_id).first()
    if rnd is None or rnd.status != DesignRound.Status.PUBLISHED:
        return []
    project = rnd.project
    buildings = list(rnd.buildings.values_list("pk", flat=True))
    compounds = list(rnd.compounds.values_list("pk", flat=True))
    if not buildings and not compounds:
        buildings = list(project.buildings.values_list("pk", flat=True))
        compounds = list(project.compounds.values_list("pk", flat=True))
    flats = audience.flats_of(
        committee_id=project.committee_id, compound_ids=compounds, building_ids=buildings
    )
    return [
        Message(
            kind=Kind.DESIGN_ROUND,
            recipients=audience.resident_user_ids(flats.values("pk")),
            title=_clip(f"设计方案征询：{project.title}", 100),
            body=f"“{project.title}”第{rnd.number}轮设计方案已发布，欢迎查看、打分和留言。",
            link=reverse("planning:design", args=[project.pk]),
            dedup_key=f"{Kind.DESIGN_ROUND}:{rnd.pk}",
            topic=f"round:{rnd.pk}",
        )
    ]
