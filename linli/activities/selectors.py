"""Scoped reads of activities: a user sees the activities of the streets they have a role in."""

from __future__ import annotations

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from linli.activities.models import Activity, ActivityCheckin, ActivitySignup, ContestEntry
from linli.partners.rules import streets_seen


def activities_visible_to(user) -> QuerySet[Activity]:
    return Activity.objects.filter(street_id__in=streets_seen(user)).select_related(
        "street", "committee", "partner_committee", "compound", "microspace"
    )


def with_counts(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    return qs.annotate(
        n_signed=Count(
            "signups", filter=Q(signups__status=ActivitySignup.Status.SIGNED), distinct=True
        ),
        n_checked=Count("checkins", distinct=True),
    )


def open_for_signup(user, now=None) -> QuerySet[Activity]:
    """Open activities of the user's streets that have not started, that the user has not
    signed up for, soonest first."""
    now = now or timezone.now()
    if not getattr(user, "is_authenticated", False):
        return Activity.objects.none()
    mine = ActivitySignup.objects.filter(user=user, status=ActivitySignup.Status.SIGNED)
    return (
        activities_visible_to(user)
        .filter(status=Activity.Status.OPEN, starts_at__gt=now)
        .exclude(pk__in=mine.values("activity_id"))
        .order_by("starts_at", "id")
    )


def open_votes_for(user) -> QuerySet[Activity]:
    """Design contests whose public vote is open and where the user has not voted yet."""
    if not getattr(user, "is_authenticated", False):
        return Activity.objects.none()
    return (
        activities_visible_to(user)
        .filter(kind="contest", voting_open=True, status=Activity.Status.OPEN)
        .exclude(public_votes__user=user)
        .order_by("starts_at", "id")
    )


def signed_count(activity) -> int:
    return activity.signups.filter(status=ActivitySignup.Status.SIGNED).count()


def checkins_of(activity) -> QuerySet[ActivityCheckin]:
    return activity.checkins.select_related("user", "person").order_by("at", "id")


def ranking(activity) -> list[ContestEntry]:
    """Entries ranked by the jury's average score, then by public votes, then by title.

    Each entry carries ``jury_avg`` (None without scores), ``n_scores``, ``n_votes`` and
    ``rank`` (1-based; equal keys share a rank)."""
    entries = list(
        activity.entries.annotate(
            jury_avg=Avg("scores__score"),
            n_scores=Count("scores", distinct=True),
            n_votes=Count("votes", distinct=True),
        )
    )
    entries.sort(key=lambda e: (-(e.jury_avg or 0), -e.n_votes, e.title, e.pk))
    previous, rank = None, 0
    for i, e in enumerate(entries, 1):
        key = (round(e.jury_avg or 0, 4), e.n_votes)
        if key != previous:
            rank, previous = i, key
        e.rank = rank
    return entries
