"""The rules of seed 003 part 三 as read-only checks (the stage guards call these).

Each returns a :class:`~linli.projects.registry.GuardResult` with a full Chinese sentence:
which rule, which record is missing, who can make it and where (``link``).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.deliberation.meeting_types import MeetingKind
from linli.projects.models import OwnersRights, ProjectOrigin, Stage
from linli.projects.registry import met, missing

STAFF = "居委会工作人员"

# the meetings that must come after the party-member meeting (党员先知晓、先协商、先统一)
AFTER_PARTY = (
    MeetingKind.BUILDING,
    MeetingKind.REPRESENTATIVES,
    MeetingKind.RESIDENTS,
    MeetingKind.OWNER_REPRESENTATIVES,
    MeetingKind.OWNERS_ASSEMBLY,
)
# the meetings whose passed resolution decides a project that touches no owners' rights
RESIDENT_BODIES = (MeetingKind.RESIDENTS, MeetingKind.REPRESENTATIVES)
# the owners' matters (art. 278 items) that decide each kind of owners' rights
OWNERS_MATTERS = {
    OwnersRights.COMMON_PARTS: ("278-7", "elevator", "278-9"),
    OwnersRights.MAINTENANCE_FUND: ("278-5", "278-6"),
    OwnersRights.CHANGE_OF_USE: ("278-8",),
}
# the meetings that resolve a conflict
CONFLICT_MEETINGS = (MeetingKind.CONFLICT, MeetingKind.COORDINATION, MeetingKind.HEARING)

# 六会一平台 (seed 004): the project meetings each stage expects
SIX_MEETINGS = {
    Stage.DIAGNOSIS: (MeetingKind.PROJECT_REVIEW,),
    Stage.DECISION: (MeetingKind.DECISION_HEARING,),
    Stage.IMPLEMENTATION: (MeetingKind.PROGRESS,),
    Stage.ACCEPTANCE: (MeetingKind.ACCEPTANCE, MeetingKind.OPERATIONS),
}


def process_url(project) -> str:
    return reverse("process:project", args=[project.pk])


def meeting_new_url(project, kind: str) -> str:
    """The meeting form for ``kind`` on the project, its convener pre-selected (the first
    one the kind allows: the form's own default, 居民区党组织, would be refused)."""
    from linli.deliberation.meeting_types import spec_for

    convener = spec_for(kind).conveners[0]
    return reverse("deliberation:create") + f"?project={project.pk}&kind={kind}&convener={convener}"


# ------------------------------------------------------------------ configuration


def party_first_required(district_id: int) -> bool:
    """Whether the district asks for party members first (on when never configured)."""
    from linli.process.models import DistrictProcessConfig

    row = DistrictProcessConfig.objects.filter(district_id=district_id).first()
    return True if row is None else row.party_first


def project_district_id(project) -> int:
    return project.committee.street.district_id


# ------------------------------------------------------------------ the decision


def decision_body_label(project) -> str:
    if project.owners_rights != OwnersRights.NONE:
        return _("业主共同决定（民法典第278条，%(what)s）") % {
            "what": project.get_owners_rights_display()
        }
    return _("居民会议或居民代表会议的决议")


def record_problem(project, *, vote_result=None, resolution=None) -> str:
    """Why the record cannot decide this project ('' when it can)."""
    if vote_result is not None:
        vote = vote_result.vote
        if vote.project_id != project.pk:
            return _("表决“%(t)s”不属于本项目") % {"t": vote.title}
        if project.owners_rights == OwnersRights.NONE:
            return _("本项目不涉及业主共有权利，应由居民会议或居民代表会议决定，而不是业主表决")
        if vote.kind != vote.Kind.OWNERS:
            return _("表决“%(t)s”不是业主共同决定") % {"t": vote.title}
        matters = OWNERS_MATTERS[project.owners_rights]
        if vote.matter not in matters:
            return _("表决“%(t)s”的事项（%(m)s）与本项目涉及的业主权利（%(r)s）不符") % {
                "t": vote.title,
                "m": vote.get_matter_display(),
                "r": project.get_owners_rights_display(),
            }
        if vote_result.passed is not True:
            return _("业主表决“%(t)s”未通过") % {"t": vote.title}
        return ""
    if resolution is not None:
        minutes = resolution.minutes
        meeting = minutes.meeting
        if meeting.project_id != project.pk:
            return _("会议“%(t)s”不属于本项目") % {"t": meeting.title}
        if project.owners_rights != OwnersRights.NONE:
            return _(
                "本项目涉及业主共有权利（%(r)s），须由业主共同决定（民法典第278条），会议决议不能代替"
            ) % {"r": project.get_owners_rights_display()}
        if meeting.kind not in RESIDENT_BODIES:
            return _("“%(k)s”不是决定项目的会议，应为居民会议或居民代表会议") % {
                "k": meeting.get_kind_display()
            }
        if minutes.status != minutes.Status.APPROVED:
            return _("会议“%(t)s”的纪要尚未审定") % {"t": meeting.title}
        if resolution.passed is not True:
            return _("会议“%(t)s”的决议未获通过") % {"t": meeting.title}
        return ""
    return _("请选择决定本项目的表决结果或会议决议")


def decision_notices(decision):
    """The 公示 of the decision: notices whose subject is the decision's record."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from linli.notices.models import Notice

    q = Q()
    for obj in decision.subjects:
        q |= Q(subject_type=ContentType.objects.get_for_model(obj), subject_id=obj.pk)
    return (
        Notice.objects.filter(q, committee_id=decision.project.committee_id)
        .exclude(status__in=(Notice.Status.DRAFT, Notice.Status.WITHDRAWN))
        .order_by("-ends_at", "-id")
    )


def check_decision(project):
    """A decision before money: the right body's passed decision, published, period over."""
    from linli.notices.models import Objection
    from linli.process.models import ProjectDecision

    link = process_url(project)
    body = decision_body_label(project)
    decision = (
        ProjectDecision.objects.filter(project_id=project.pk)
        .select_related("vote_result__vote", "resolution__minutes__meeting")
        .first()
    )
    if decision is None:
        return missing(
            _("离开“方案与决策”前须有%(body)s；尚未登记决定本项目的表决结果或会议纪要")
            % {"body": body},
            link,
            STAFF,
        )
    problem = record_problem(
        project, vote_result=decision.vote_result, resolution=decision.resolution
    )
    if problem:
        return missing(
            _("登记的决定不符合规定：%(p)s。离开“方案与决策”前须有%(body)s")
            % {"p": problem, "body": body},
            link,
            STAFF,
        )
    notices = list(decision_notices(decision))
    publish_link = reverse("notices:create") + "?subject=" + subject_key(decision)
    if not notices:
        return missing(
            _("决定（%(r)s）尚未公示：会议结果须线上线下公示，公示期满且异议均已答复后才能进入筹资")
            % {"r": record_label(decision)},
            publish_link,
            STAFF,
        )
    now = timezone.now()
    ended = [n for n in notices if n.ends_at and n.ends_at <= now]
    if not ended:
        first = notices[0]
        return missing(
            _("决定的公示《%(t)s》%(end)s 才期满，期满后才能进入筹资")
            % {
                "t": first.title,
                "end": timezone.localtime(first.ends_at).strftime("%Y-%m-%d %H:%M")
                if first.ends_at
                else "",
            },
            reverse("notices:detail", args=[first.pk]),
            STAFF,
        )
    notice = ended[0]
    open_objections = Objection.objects.filter(
        notice_id__in=[n.pk for n in ended], responded_at__isnull=True
    ).count()
    if open_objections:
        return missing(
            _("决定的公示《%(t)s》尚有%(n)s条异议未答复")
            % {"t": notice.title, "n": open_objections},
            reverse("notices:detail", args=[notice.pk]),
            STAFF,
        )
    return met(
        _("%(r)s已通过，公示《%(t)s》已期满，异议均已答复")
        % {"r": record_label(decision), "t": notice.title},
        link,
    )


def subject_key(decision) -> str:
    """How the notices app names the decision's record as a 公示 subject."""
    if decision.vote_result_id:
        return f"voting.vote:{decision.vote_result.vote_id}"
    return f"deliberation.minutes:{decision.resolution.minutes_id}"


def record_label(decision) -> str:
    if decision.vote_result_id:
        return _("业主表决“%(t)s”") % {"t": decision.vote_result.vote.title}
    meeting = decision.resolution.minutes.meeting
    return _("%(k)s“%(t)s”的决议") % {"k": meeting.get_kind_display(), "t": meeting.title}


# ------------------------------------------------------------------ party members first


def check_party_first(project):
    from linli.deliberation.models import Meeting

    if not party_first_required(project_district_id(project)):
        return met(_("本区未要求党员议事会先行"))
    link = meeting_new_url(project, MeetingKind.PARTY)
    meetings = Meeting.objects.filter(project_id=project.pk)
    party = (
        meetings.filter(kind=MeetingKind.PARTY, status=Meeting.Status.CLOSED)
        .order_by("starts_at")
        .first()
    )
    first_other = meetings.filter(kind__in=AFTER_PARTY).order_by("starts_at").first()
    if party is None:
        return missing(
            _(
                "党员先知晓、先协商、先统一：居民区党组织须先就本项目召开党员议事会，"
                "再召开楼组、居民（代表）或业主会议；尚无已召开的党员议事会"
            ),
            link,
            _("居民区党组织"),
        )
    if first_other is not None and first_other.starts_at < party.starts_at:
        return missing(
            _(
                "党员议事会（%(p)s）晚于%(k)s“%(t)s”（%(o)s）召开：党员议事会应在楼组、居民、业主会议之前"
            )
            % {
                "p": timezone.localtime(party.starts_at).strftime("%Y-%m-%d"),
                "k": first_other.get_kind_display(),
                "t": first_other.title,
                "o": timezone.localtime(first_other.starts_at).strftime("%Y-%m-%d"),
            },
            link,
            _("居民区党组织"),
        )
    return met(
        _("党员议事会“%(t)s”已于%(d)s召开，在其他会议之前")
        % {"t": party.title, "d": timezone.localtime(party.starts_at).strftime("%Y-%m-%d")},
        reverse("deliberation:detail", args=[party.pk]),
    )


# ------------------------------------------------------------------ conflicts, origin


def check_no_open_conflict(project):
    from linli.process.models import Conflict

    rows = list(Conflict.objects.filter(project_id=project.pk, resolved_at__isnull=True))
    link = process_url(project) + "#conflicts"
    if not rows:
        return met(_("没有未化解的矛盾"), link)
    return missing(
        _("项目有%(n)s项矛盾（%(c)s）尚未化解：须召开矛盾协调会或听证会并登记化解结果后才能推进")
        % {"n": len(rows), "c": "、".join(dict.fromkeys(str(r.get_cause_display()) for r in rows))},
        link,
        STAFF,
    )


def check_government_funds(project):
    """A government project's money comes from the government source (财政资金)."""
    if project.origin != ProjectOrigin.GOVERNMENT:
        return met(_("非政府实事项目，资金按多渠道筹措"))
    from linli.funding.models import FundingPlan, SourceKind, SourceStatus

    link = reverse("funding:plan", args=[project.pk])
    plan = FundingPlan.objects.filter(project_id=project.pk).first()
    if (
        plan is None
        or not plan.sources.filter(
            kind=SourceKind.GOVERNMENT, status=SourceStatus.APPROVED
        ).exists()
    ):
        return missing(
            _(
                "政府实事项目（委托部门：%(d)s）应使用财政资金：筹资方案中尚无已批准的政府财政资金来源"
            )
            % {"d": project.origin_department or _("未填写")},
            link,
            STAFF,
        )
    return met(_("政府实事项目使用已批准的财政资金"), link)


def six_meetings(project) -> list[dict]:
    """Per stage, the 六会 it expects and whether each was held (closed) on the project."""
    from linli.deliberation.models import Meeting

    held = set(
        Meeting.objects.filter(project_id=project.pk, status=Meeting.Status.CLOSED).values_list(
            "kind", flat=True
        )
    )
    rows = []
    for stage, kinds in SIX_MEETINGS.items():
        for kind in kinds:
            rows.append(
                {
                    "stage": stage,
                    "stage_label": str(Stage(stage).label),
                    "kind": kind,
                    "label": str(MeetingKind(kind).label),
                    "held": kind in held,
                    "current": project.stage == stage,
                    "url": meeting_new_url(project, kind),
                }
            )
    from linli.process.models import Conflict

    if Conflict.objects.filter(project_id=project.pk).exists():
        rows.append(
            {
                "stage": "",
                "stage_label": _("出现矛盾时"),
                "kind": MeetingKind.CONFLICT,
                "label": str(MeetingKind.CONFLICT.label),
                "held": MeetingKind.CONFLICT in held,
                "current": Conflict.objects.filter(
                    project_id=project.pk, resolved_at__isnull=True
                ).exists(),
                "url": meeting_new_url(project, MeetingKind.CONFLICT),
            }
        )
    return rows


def check_six_meetings(project):
    """Informational: the 六会 the current stage expects (never refuses a move)."""
    rows = [r for r in six_meetings(project) if r["stage"] == project.stage]
    if not rows:
        return met(_("本阶段没有“六会”要求"))
    todo = [str(r["label"]) for r in rows if not r["held"]]
    if todo:
        return met(
            _("本阶段宜召开：%(k)s（尚未召开，供参考，不影响推进）") % {"k": "、".join(todo)},
            rows[0]["url"],
        )
    return met(_("本阶段的%(k)s已召开") % {"k": "、".join(str(r["label"]) for r in rows)})
