"""Scoped reads for step 6, and the figures the report and the case library show."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.scopes import scopes_for
from linli.evaluation.models import (
    CRITERIA,
    Audit,
    AuditorAssignment,
    Case,
    Convention,
    Criterion,
    Endorsement,
    Evaluation,
    EvaluatorAssignment,
    Finding,
    ProjectPhoto,
    Score,
)
from linli.places.models import Flat, Household
from linli.projects.models import Project, Stage


def _user_id(user):
    return user.pk if getattr(user, "is_authenticated", False) else None


def evaluator_project_ids(user) -> set[int]:
    uid = _user_id(user)
    if uid is None:
        return set()
    return set(EvaluatorAssignment.objects.filter(user_id=uid).values_list("project_id", flat=True))


def auditor_project_ids(user) -> set[int]:
    uid = _user_id(user)
    if uid is None:
        return set()
    return set(AuditorAssignment.objects.filter(user_id=uid).values_list("project_id", flat=True))


def projects_for_evaluation(user) -> QuerySet[Project]:
    """Projects whose evaluation pages the user may open: the committee's people, and the
    third-party evaluator of that one project."""
    scopes = scopes_for(user)
    return Project.objects.filter(
        Q(committee_id__in=scopes.visible_committee_ids) | Q(pk__in=evaluator_project_ids(user))
    ).select_related("committee", "committee__street")


def projects_for_audit(user) -> QuerySet[Project]:
    """Projects whose audit pages the user may open: managers and the assigned auditor."""
    scopes = scopes_for(user)
    return Project.objects.filter(
        Q(committee_id__in=scopes.managed_committee_ids) | Q(pk__in=auditor_project_ids(user))
    ).select_related("committee", "committee__street")


def evaluations_visible_to(user) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(project__in=projects_for_evaluation(user)).select_related(
        "project", "project__committee", "meeting", "survey", "completion_notice"
    )


def audits_visible_to(user) -> QuerySet[Audit]:
    return Audit.objects.filter(project__in=projects_for_audit(user)).select_related(
        "project", "project__committee"
    )


def conventions_visible_to(user) -> QuerySet[Convention]:
    scopes = scopes_for(user)
    qs = Convention.objects.filter(
        Q(committee_id__in=scopes.managed_committee_ids)
        | (Q(committee_id__in=scopes.visible_committee_ids) & ~Q(status=Convention.Status.DRAFT))
    )
    return qs.select_related(
        "committee", "building__compound", "compound", "microspace__compound", "project"
    )


def cases_visible_to(user) -> QuerySet[Case]:
    """Managers see their committees' cases, drafts included; published ones are public."""
    scopes = scopes_for(user)
    return Case.objects.filter(
        Q(project__committee_id__in=scopes.managed_committee_ids) | Q(published_at__isnull=False)
    ).select_related("project", "project__committee", "project__committee__street")


def public_cases() -> QuerySet[Case]:
    return Case.objects.filter(published_at__isnull=False).select_related(
        "project", "project__committee", "project__committee__street"
    )


# ---------------------------------------------------------------- scores


@dataclass
class ScoreSummary:
    n: int
    n_online: int
    n_paper: int
    averages: list[tuple[str, str, float | None]]  # (criterion, label, average)
    distribution: dict[str, list[int]] = field(default_factory=dict)  # criterion → counts 1..5
    overall: float | None = None


def score_summary(evaluation: Evaluation) -> ScoreSummary:
    rows = list(evaluation.scores.values("channel", *[f"score_{c}" for c in CRITERIA]))
    dist = {c: [0] * 5 for c in CRITERIA}
    sums = Counter()
    for r in rows:
        for c in CRITERIA:
            v = r[f"score_{c}"]
            dist[c][v - 1] += 1
            sums[c] += v
    n = len(rows)
    averages = [
        (c, str(Criterion(c).label), round(sums[c] / n, 2) if n else None) for c in CRITERIA
    ]
    overall = round(sum(sums.values()) / (n * len(CRITERIA)), 2) if n else None
    return ScoreSummary(
        n=n,
        n_online=sum(1 for r in rows if r["channel"] == "online"),
        n_paper=sum(1 for r in rows if r["channel"] == "paper"),
        averages=averages,
        distribution=dist,
        overall=overall,
    )


def score_of(user, evaluation: Evaluation) -> Score | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return evaluation.scores.filter(user=user).first()


# ---------------------------------------------------------------- audit


def findings_of(audit: Audit) -> QuerySet[Finding]:
    return audit.findings.select_related("entry", "created_by", "responded_by")


def audit_status_label(project) -> tuple[str, str]:
    """(status key, Chinese sentence) of the project's audit, for residents."""
    audit = Audit.objects.filter(project_id=project.pk).first()
    if audit is None:
        return "none", _("尚未开展审计")
    n = audit.findings.count()
    open_n = audit.findings.filter(responded_at__isnull=True).count()
    if audit.status == Audit.Status.CLOSED:
        return "closed", (
            _("审计已结束（%(localtime)s），发现问题%(n)s项，均已答复")
            % {"localtime": format(timezone.localtime(audit.closed_at), "%Y-%m-%d"), "n": n}
            if n
            else _("审计已结束（%(localtime)s），未发现问题")
            % {"localtime": format(timezone.localtime(audit.closed_at), "%Y-%m-%d")}
        )
    return "open", _("审计进行中：已提出问题%(n)s项，待答复%(open_n)s项") % {
        "n": n,
        "open_n": open_n,
    }


def pending_entries(project):
    """Ledger entries of the project not yet confirmed by the cashier or reviewed."""
    from linli.funding.models import JournalEntry

    return JournalEntry.objects.filter(plan__project_id=project.pk).filter(
        Q(posted_at__isnull=True) | Q(reviewed_at__isnull=True)
    )


# ---------------------------------------------------------------- conventions


def scope_flats(convention: Convention) -> QuerySet[Flat]:
    if convention.scope == Convention.Scope.BUILDING:
        return Flat.objects.filter(building_id=convention.building_id)
    if convention.scope == Convention.Scope.COMPOUND:
        return Flat.objects.filter(building__compound_id=convention.compound_id)
    space = convention.microspace
    if space.building_id:
        return Flat.objects.filter(building_id=space.building_id)
    return Flat.objects.filter(building__compound_id=space.compound_id)


def scope_flat_ids(convention: Convention) -> set[int]:
    cache = getattr(convention, "_scope_flat_ids", None)
    if cache is None:
        cache = set(scope_flats(convention).values_list("id", flat=True))
        convention._scope_flat_ids = cache
    return cache


def scope_households(convention: Convention) -> QuerySet[Household]:
    return Household.objects.filter(flat__in=scope_flats(convention))


def endorsement_figure(convention: Convention) -> tuple[int, int]:
    """(households that endorsed, households in scope)."""
    total = scope_households(convention).count()
    done = convention.endorsements.count()
    return done, total


def household_of_user_for(user, convention: Convention) -> Household | None:
    flats = scopes_for(user).resident_flat_ids
    if not flats:
        return None
    return (
        scope_households(convention)
        .filter(flat_id__in=flats)
        .select_related("flat")
        .order_by("flat_id", "id")
        .first()
    )


def convention_history(convention: Convention) -> list[Convention]:
    """Every version of this convention, oldest first."""
    root = convention
    seen = {root.pk}
    while root.previous_id and root.previous_id not in seen:
        root = Convention.objects.get(pk=root.previous_id)
        seen.add(root.pk)
    versions = [root]
    current = root
    while True:
        nxt = Convention.objects.filter(previous_id=current.pk).first()
        if nxt is None:
            break
        versions.append(nxt)
        current = nxt
    return versions


def conventions_for_flats(flat_ids) -> QuerySet[Convention]:
    """Adopted conventions whose scope includes one of these flats."""
    flats = Flat.objects.filter(id__in=flat_ids).values("building_id", "building__compound_id")
    buildings = {f["building_id"] for f in flats}
    compounds = {f["building__compound_id"] for f in flats}
    return (
        Convention.objects.filter(status=Convention.Status.ADOPTED)
        .filter(
            Q(building_id__in=buildings)
            | Q(compound_id__in=compounds)
            | Q(microspace__building_id__in=buildings)
            | Q(microspace__building__isnull=True, microspace__compound_id__in=compounds)
        )
        .select_related("building__compound", "compound", "microspace__compound")
        .annotate(n_endorsed=Count("endorsements"))
    )


# ---------------------------------------------------------------- case figures


def photos_of(project) -> dict[str, list[ProjectPhoto]]:
    photos = {"before": [], "after": []}
    for p in ProjectPhoto.objects.filter(project_id=project.pk).order_by("kind", "id"):
        photos[p.kind].append(p)
    return photos


def stage_dates(project) -> list[dict]:
    """When the project entered each stage (from its timeline), in the loop's order."""
    from linli.projects.models import ProjectEvent

    entered = {Stage.NEEDS.value: project.created_at}
    for ev in ProjectEvent.objects.filter(project_id=project.pk, kind=ProjectEvent.Kind.STAGE):
        entered[ev.to_stage] = ev.at  # a later re-entry replaces an earlier one
    # str(): the labels are lazy translations; the API's schemas take plain strings
    return [{"stage": s.value, "label": str(s.label), "at": entered.get(s.value)} for s in Stage]


def money_by_source(project) -> dict:
    """Planned and received money by source (funding), and the posted spending."""
    from linli.funding.models import FundingPlan
    from linli.funding.selectors import plan_coverage, transparency

    plan = FundingPlan.objects.filter(project_id=project.pk).first()
    if plan is None:
        return {"plan": None, "sources": [], "t": None}
    cov = plan_coverage(plan)
    sources = [
        {
            "kind": line.source.get_kind_display(),
            "name": line.source.name,
            "amount_fen": line.effective_fen,
            "received_fen": line.received_fen,
        }
        for line in cov.lines
    ]
    return {"plan": plan, "sources": sources, "t": transparency(plan), "coverage": cov}


@dataclass
class Participation:
    rows: list[tuple[str, int, int]]  # (label, people, 人次)

    @property
    def people(self) -> int:
        return sum(r[1] for r in self.rows)

    @property
    def times(self) -> int:
        return sum(r[2] for r in self.rows)


def participation(project) -> Participation:
    """People and 人次 behind the project, from the records that can be counted.

    People are distinct accounts (or names on paper) per kind of record; 人次 counts every
    record. Across kinds the same person may appear twice, which is why 人次 is the total.
    """
    from linli.deliberation.models import Attendance
    from linli.needs.models import NeedSupport
    from linli.voting.models import Ballot

    rows = []
    supports = NeedSupport.objects.filter(need__project_id=project.pk)
    n = supports.count()
    people = (
        supports.exclude(user__isnull=True).values("user_id").distinct().count()
        + supports.filter(user__isnull=True).count()
    )
    rows.append((_("需求提出与附议"), people, n))
    evaluation = Evaluation.objects.filter(project_id=project.pk).first()
    if evaluation is not None and evaluation.survey_id:
        responses = evaluation.survey.responses.all()
        n = responses.count()
        rows.append((_("满意度调查答卷"), responses.values("respondent_key").distinct().count(), n))
    else:
        rows.append((_("满意度调查答卷"), 0, 0))
    ballots = Ballot.objects.filter(vote__project_id=project.pk)
    n = ballots.count()
    rows.append((_("表决投票"), ballots.values("elector_id").distinct().count(), n))
    signins = Attendance.objects.filter(meeting__project_id=project.pk)
    n = signins.count()
    people = (
        signins.exclude(user__isnull=True).values("user_id").distinct().count()
        + signins.filter(user__isnull=True).values("name").distinct().count()
    )
    rows.append((_("会议签到"), people, n))
    scores = Score.objects.filter(evaluation__project_id=project.pk).count()
    rows.append((_("评议评分"), scores, scores))
    endorsements = Endorsement.objects.filter(convention__project_id=project.pk)
    n = endorsements.count()
    rows.append((_("公约签署（户）"), endorsements.values("household_id").distinct().count(), n))
    return Participation(rows)


def case_conventions(project) -> list[Convention]:
    return list(
        Convention.objects.filter(project_id=project.pk)
        .exclude(status=Convention.Status.DRAFT)
        .exclude(status=Convention.Status.SUPERSEDED)
        .select_related("building__compound", "compound", "microspace__compound")
    )


def public_cases_with_year() -> QuerySet[Case]:
    """Published cases with ``done_at`` (when the project reached 完成) in the same query."""
    from django.db.models import OuterRef, Subquery

    from linli.projects.models import ProjectEvent

    done = (
        ProjectEvent.objects.filter(project_id=OuterRef("project_id"), to_stage=Stage.DONE)
        .order_by("-at")
        .values("at")[:1]
    )
    return public_cases().annotate(done_at=Subquery(done))


def case_year(case: Case) -> int | None:
    from linli.projects.models import ProjectEvent

    if hasattr(case, "done_at"):
        at = case.done_at or case.published_at
        return timezone.localtime(at).year if at else None
    done = (
        ProjectEvent.objects.filter(project_id=case.project_id, to_stage=Stage.DONE)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    at = done or case.published_at
    return timezone.localtime(at).year if at else None


def evaluation_report(evaluation: Evaluation) -> dict:
    """Everything the evaluation report shows: scores, survey, money, timeline, participation."""
    from linli.surveys.results import survey_results

    project = evaluation.project
    summary = score_summary(evaluation)
    survey = survey_results(evaluation.survey) if evaluation.survey_id else None
    ratings = []
    if survey:
        ratings = [q for q in survey["questions"] if q["kind"] == "rating"]
    return {
        "project": project,
        "summary": summary,
        "bars": [
            {"label": label, "avg": avg, "pct": round((avg or 0) / 5 * 100)}
            for _c, label, avg in summary.averages
        ],
        "survey": survey,
        "ratings": ratings,
        "money": money_by_source(project),
        "timeline": stage_dates(project),
        "participation": participation(project),
        "audit": Audit.objects.filter(project_id=project.pk).first(),
    }
