"""Scoped reads for step 2. Nothing is listed without the acting user."""

from __future__ import annotations

from django.db.models import Avg, Count, Prefetch, Q, QuerySet

from linli.accounts.scopes import scopes_for
from linli.places.models import Committee, District, Street
from linli.planning.models import (
    CoBuildingUnit,
    DesignOption,
    DesignRound,
    OptionComment,
    OptionRating,
    Pairing,
    Partner,
    Planner,
    WorkLog,
)


def _pool_district_ids(user) -> set[int]:
    scopes = scopes_for(user)
    ids = set(scopes.managed_district_ids)
    if scopes.managed_street_ids:
        ids |= set(
            Street.objects.filter(id__in=scopes.managed_street_ids).values_list(
                "district_id", flat=True
            )
        )
    return ids


def districts_of_pool(user) -> QuerySet[District]:
    return District.objects.filter(id__in=_pool_district_ids(user))


def planners_visible_to(user) -> QuerySet[Planner]:
    """The talent pool of the districts the user manages (district admin or street staff)."""
    return (
        Planner.objects.filter(district_id__in=_pool_district_ids(user))
        .annotate(
            avg_score=Avg("ratings__score"),
            n_ratings=Count("ratings", distinct=True),
            n_active=Count("pairings", filter=Q(pairings__ended_at__isnull=True), distinct=True),
        )
        .select_related("district", "user")
    )


def pairings_visible_to(user) -> QuerySet[Pairing]:
    return Pairing.objects.filter(planner__district_id__in=_pool_district_ids(user)).select_related(
        "planner", "street", "committee", "created_by"
    )


def coverage(user) -> dict:
    """Streets and committees of the user's districts with and without an active planner."""
    district_ids = _pool_district_ids(user)
    streets = list(
        Street.objects.filter(district_id__in=district_ids).order_by("district_id", "name")
    )
    active = list(
        Pairing.objects.filter(
            ended_at__isnull=True, street__district_id__in=district_ids
        ).select_related("planner")
    )
    street_planners: dict[int, list] = {}
    committee_planners: dict[int, list] = {}
    for p in active:
        if p.committee_id:
            committee_planners.setdefault(p.committee_id, []).append(p.planner)
        else:
            street_planners.setdefault(p.street_id, []).append(p.planner)
    committees = list(
        Committee.objects.filter(street__district_id__in=district_ids).order_by("street_id", "name")
    )
    rows = []
    for s in streets:
        rows.append(
            {
                "street": s,
                "planners": street_planners.get(s.pk, []),
                "committees": [
                    {"committee": c, "planners": committee_planners.get(c.pk, [])}
                    for c in committees
                    if c.street_id == s.pk
                ],
            }
        )
    uncovered_streets = [r["street"] for r in rows if not r["planners"]]
    uncovered_committees = [
        c["committee"]
        for r in rows
        for c in r["committees"]
        if not c["planners"] and not r["planners"]
    ]
    without_own = [c["committee"] for r in rows for c in r["committees"] if not c["planners"]]
    return {
        "rows": rows,
        "uncovered_streets": uncovered_streets,
        "uncovered_committees": uncovered_committees,
        "committees_without_own_planner": without_own,
    }


def committee_planners(committee: Committee) -> list[Planner]:
    ids = (
        Pairing.objects.filter(ended_at__isnull=True)
        .filter(Q(committee=committee) | Q(street_id=committee.street_id, committee__isnull=True))
        .values("planner_id")
    )
    return list(Planner.objects.filter(id__in=ids))


def worklogs_for(user, committee: Committee) -> QuerySet[WorkLog]:
    if committee.pk not in scopes_for(user).visible_committee_ids:
        return WorkLog.objects.none()
    return (
        WorkLog.objects.filter(committee=committee)
        .select_related("author", "project")
        .prefetch_related("photos")
    )


def worklogs_visible_to(user) -> QuerySet[WorkLog]:
    return WorkLog.objects.filter(committee_id__in=scopes_for(user).visible_committee_ids)


def rounds_for(user, project) -> QuerySet[DesignRound]:
    """Rounds of a project: drafts only for those who plan; published ones for the community."""
    qs = project.design_rounds.all()
    if not user.has_perm("planning.plan", project):
        qs = qs.filter(status=DesignRound.Status.PUBLISHED)
    return qs.prefetch_related(
        Prefetch(
            "options",
            queryset=DesignOption.objects.annotate(
                avg_score=Avg("ratings__score"), n_ratings=Count("ratings", distinct=True)
            ).prefetch_related(
                Prefetch(
                    "ratings",
                    queryset=OptionRating.objects.filter(user_id=getattr(user, "pk", None)),
                    to_attr="my_ratings",
                ),
                "cost_items",
                "files",
                Prefetch("comments", queryset=OptionComment.objects.select_related("user")),
            ),
        ),
        "buildings",
        "compounds",
    ).order_by("number")


def rounds_visible_to(user) -> QuerySet[DesignRound]:
    return DesignRound.objects.filter(
        project__committee_id__in=scopes_for(user).visible_committee_ids
    ).select_related("project")


def options_visible_to(user) -> QuerySet[DesignOption]:
    return DesignOption.objects.filter(
        round__project__committee_id__in=scopes_for(user).visible_committee_ids
    ).select_related("round", "round__project")


def comments_visible_to(user) -> QuerySet[OptionComment]:
    return OptionComment.objects.filter(
        option__round__project__committee_id__in=scopes_for(user).visible_committee_ids
    ).select_related("option", "option__round", "option__round__project")


def partners_for(user, committee) -> QuerySet[Partner]:
    if committee.pk not in scopes_for(user).visible_committee_ids:
        return Partner.objects.none()
    return Partner.objects.filter(committee=committee).prefetch_related("contributions")


def units_for(user, committee) -> QuerySet[CoBuildingUnit]:
    if committee.pk not in scopes_for(user).visible_committee_ids:
        return CoBuildingUnit.objects.none()
    return CoBuildingUnit.objects.filter(committee=committee)
