"""Scoped reads of step 5: projects through the usual scopes or the user's working groups."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from linli.accounts.scopes import scopes_for
from linli.implementation.models import (
    ChangeOrder,
    Contract,
    Defect,
    DutySlot,
    Feedback,
    Milestone,
    PatrolRecord,
    PatrolSite,
    Procurement,
    QualifiedCompany,
    Signoff,
    Ticket,
    VolunteerTeam,
    WorkingGroupMember,
)
from linli.projects.models import Project

# A ticket should be answered within a day and fixed within a week.
RESPONSE_HOURS = 24
RESOLVE_DAYS = 7


def projects_visible_to(user) -> QuerySet[Project]:
    """Projects of the user's committees, plus those whose working group the user is in."""
    if not getattr(user, "is_authenticated", False):
        return Project.objects.none()
    ids = scopes_for(user).visible_committee_ids
    group = WorkingGroupMember.objects.filter(user=user, project=OuterRef("pk"))
    return (
        Project.objects.filter(Q(committee_id__in=ids) | Exists(group))
        .select_related("committee", "committee__street")
        .distinct()
    )


def _by_project(model, user) -> QuerySet:
    return model.objects.filter(project__in=projects_visible_to(user).values("pk"))


def procurements_visible_to(user) -> QuerySet[Procurement]:
    return (
        _by_project(Procurement, user)
        .select_related("project", "chosen__company", "meeting", "vote")
        .annotate(n_quotes=Count("quotes"))
    )


def contracts_visible_to(user) -> QuerySet[Contract]:
    return (
        _by_project(Contract, user)
        .select_related("project")
        .annotate(paid_fen=Sum("payments__amount_fen"))
    )


def changes_visible_to(user) -> QuerySet[ChangeOrder]:
    return ChangeOrder.objects.filter(
        contract__project__in=projects_visible_to(user).values("pk")
    ).select_related("contract", "proposed_by", "decided_by")


def milestones_visible_to(user) -> QuerySet[Milestone]:
    return _by_project(Milestone, user)


def feedback_visible_to(user) -> QuerySet[Feedback]:
    return _by_project(Feedback, user).select_related("author", "answered_by")


def defects_visible_to(user) -> QuerySet[Defect]:
    return Defect.objects.filter(
        review__project__in=projects_visible_to(user).values("pk")
    ).select_related("review")


def tickets_visible_to(user) -> QuerySet[Ticket]:
    return _by_project(Ticket, user).select_related("project", "reporter", "handler")


def teams_visible_to(user) -> QuerySet[VolunteerTeam]:
    ids = scopes_for(user).visible_committee_ids
    if not getattr(user, "is_authenticated", False):
        return VolunteerTeam.objects.none()
    return (
        VolunteerTeam.objects.filter(Q(committee_id__in=ids) | Q(members__user=user))
        .select_related("committee", "project")
        .distinct()
    )


def sites_visible_to(user) -> QuerySet[PatrolSite]:
    return PatrolSite.objects.filter(team__in=teams_visible_to(user).values("pk")).select_related(
        "team", "project"
    )


def companies_visible_to(user) -> QuerySet[QualifiedCompany]:
    """The street's list: its staff, its committees' staff and its planners read it."""
    s = scopes_for(user)
    from linli.places.models import Committee

    streets = set(s.managed_street_ids) | set(s.planner_street_ids)
    streets |= set(
        Committee.objects.filter(pk__in=s.managed_committee_ids).values_list("street_id", flat=True)
    )
    return QualifiedCompany.objects.filter(street_id__in=streets).select_related("street")


def patrol_records(team: VolunteerTeam) -> QuerySet[PatrolRecord]:
    return PatrolRecord.objects.filter(site__team=team).select_related("site", "patroller")


@dataclass
class MissedPatrol:
    team: VolunteerTeam
    date: datetime.date
    shift: str
    member_name: str


def missed_patrols(teams, *, today: datetime.date | None = None, days: int = 7) -> list:
    """Rota slots of the last ``days`` days (before today) with no patrol by that member."""
    today = today or timezone.localdate()
    start = today - datetime.timedelta(days=days)
    done = PatrolRecord.objects.filter(
        site__team_id=OuterRef("team_id"),
        patroller_id=OuterRef("member__user_id"),
        date=OuterRef("date"),
        shift=OuterRef("shift"),
    )
    slots = (
        DutySlot.objects.filter(team__in=teams, date__gte=start, date__lt=today)
        .annotate(done=Exists(done))
        .filter(done=False)
        .select_related("team", "member__user")
        .order_by("date", "shift")
    )
    return [MissedPatrol(s.team, s.date, s.get_shift_display(), s.member.user.name) for s in slots]


def overdue_tickets(tickets: QuerySet[Ticket], *, now=None) -> QuerySet[Ticket]:
    now = now or timezone.now()
    late_response = Q(
        status=Ticket.Status.OPEN, created_at__lt=now - datetime.timedelta(hours=RESPONSE_HOURS)
    )
    late_fix = Q(
        status__in=(Ticket.Status.OPEN, Ticket.Status.RESPONDED),
        created_at__lt=now - datetime.timedelta(days=RESOLVE_DAYS),
    )
    return tickets.filter(late_response | late_fix)


def ticket_deadline(ticket: Ticket) -> datetime.datetime | None:
    if ticket.status == Ticket.Status.OPEN:
        return ticket.created_at + datetime.timedelta(hours=RESPONSE_HOURS)
    if ticket.status == Ticket.Status.RESPONDED:
        return ticket.created_at + datetime.timedelta(days=RESOLVE_DAYS)
    return None


def signoffs_of(project: Project) -> dict[str, Signoff]:
    return {s.party: s for s in Signoff.objects.filter(project=project).select_related("user")}


def pending_entries(project: Project):
    """Vouchers of the project's ledger not yet posted by the cashier or reviewed by the
    supervisor, and entries whose lines do not balance (funding's own models)."""
    from linli.funding.models import JournalEntry

    entries = JournalEntry.objects.filter(plan__project_id=project.pk)
    pending = list(
        entries.filter(Q(posted_at__isnull=True) | Q(reviewed_at__isnull=True))
        .order_by("id")
        .values_list("number", flat=True)
    )
    unbalanced = list(
        entries.annotate(s=Sum("lines__amount_fen"))
        .filter(~Q(s=0) | Q(s__isnull=True))
        .values_list("number", flat=True)
    )
    return pending, unbalanced


def payable_entries(project: Project):
    """Spending vouchers of the project not yet linked to a contract payment."""
    from linli.funding.models import JournalEntry

    return (
        JournalEntry.objects.filter(plan__project_id=project.pk, kind=JournalEntry.Kind.SPENDING)
        .filter(contract_payment__isnull=True, reversed_by__isnull=True)
        .order_by("id")
    )
