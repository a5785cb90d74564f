"""The figures of a street's or a district's dashboard for one calendar year.

Every figure is an aggregate over records (a fixed number of SQL queries, whatever the
number of committees or rows) and names the records behind it: ``records(...)`` returns
the queryset that a figure counts, so the drill-down page lists exactly what was counted.
What each figure counts is written in docs/dashboards.md.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from linli.dashboards.participation import Period, Scope, participation_summary
from linli.places.models import Committee, District, Facility, Household, Street
from linli.projects.models import STAGE_ORDER, Project, ProjectKind, ProjectOrigin, Stage

FIRST_YEAR = 2014  # Yangpu became a national community-governance pilot in 2014 (seed 000)


def years() -> list[int]:
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:  # pragma: no cover - app not installed
        return None


@dataclass(frozen=True)
class Area:
    """A street or a district, as the dashboards see it."""

    kind: str  # "street" | "district"
    obj: Street | District

    @property
    def scope(self) -> Scope:
        if self.kind == "street":
            return Scope(street_id=self.obj.pk)
        return Scope(district_id=self.obj.pk)

    def committee_filter(self, path: str = "committee") -> dict:
        return self.scope.lookup(path)

    def street_filter(self, path: str = "street") -> dict:
        if self.kind == "street":
            return {f"{path}_id": self.obj.pk}
        return {f"{path}__district_id": self.obj.pk}


# ---------------------------------------------------------------- the records behind figures


def committees(area: Area) -> QuerySet:
    if area.kind == "street":
        return Committee.objects.filter(street_id=area.obj.pk)
    return Committee.objects.filter(street__district_id=area.obj.pk)


def projects(area: Area) -> QuerySet:
    return Project.objects.filter(**area.committee_filter())


def projects_new(area: Area, period: Period) -> QuerySet:
    return projects(area).filter(created_at__gte=period.start, created_at__lt=period.end)


def proposals(area: Area, period: Period) -> QuerySet:
    """提案: projects proposed by community partners in the year."""
    return projects_new(area, period).filter(origin=ProjectOrigin.PARTNER)


def micro_renewal(area: Area, period: Period) -> QuerySet:
    """微更新项目: projects of the year taken beyond the needs stage (立项推进)."""
    return projects_new(area, period).exclude(stage=Stage.NEEDS)


def needs_received(area: Area, period: Period) -> QuerySet:
    Need = _model("needs.Need")
    return Need.objects.filter(
        **area.committee_filter(), created_at__gte=period.start, created_at__lt=period.end
    )


ANSWERED_STATUSES = ("project", "closed", "merged")


def needs_answered(area: Area, period: Period) -> QuerySet:
    return needs_received(area, period).filter(status__in=ANSWERED_STATUSES)


def meetings(area: Area, period: Period) -> QuerySet:
    Meeting = _model("deliberation.Meeting")
    return Meeting.objects.filter(
        **area.committee_filter(), starts_at__gte=period.start, starts_at__lt=period.end
    )


def partners(area: Area, period: Period) -> QuerySet:
    """Partners on the roll (在册) at some time in the year."""
    Partner = _model("partners.Partner")
    if Partner is None:  # pragma: no cover
        return Project.objects.none()
    return Partner.objects.filter(
        **area.street_filter("organisation__street"),
        joined_on__lt=period.end_date,
        status__in=("active", "left"),
    ).filter(Q(left_on__isnull=True) | Q(left_on__gte=period.start_date))


def activities(area: Area, period: Period) -> QuerySet:
    Activity = _model("activities.Activity")
    if Activity is None:  # pragma: no cover
        return Project.objects.none()
    return Activity.objects.filter(
        **area.street_filter(), starts_at__gte=period.start, starts_at__lt=period.end
    ).exclude(status="cancelled")


def funding_sources(area: Area, period: Period) -> QuerySet:
    FundingSource = _model("funding.FundingSource")
    return FundingSource.objects.filter(
        **area.committee_filter("plan__project__committee"),
        plan__created_at__gte=period.start,
        plan__created_at__lt=period.end,
    )


def households(area: Area) -> QuerySet:
    return Household.objects.filter(**area.committee_filter("flat__building__compound__committee"))


def pairings(area: Area, period: Period) -> QuerySet:
    """Planner pairings in force at some time in the year."""
    Pairing = _model("planning.Pairing")
    return Pairing.objects.filter(**area.street_filter(), started_at__lt=period.end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=period.start)
    )


def worklogs(area: Area, period: Period) -> QuerySet:
    WorkLog = _model("planning.WorkLog")
    return WorkLog.objects.filter(
        **area.committee_filter(), date__gte=period.start_date, date__lt=period.end_date
    )


def neighbourhood_centres(area: Area) -> QuerySet:
    return Facility.objects.filter(**area.street_filter(), kind=Facility.Kind.NEIGHBOURHOOD_CENTRE)


def bot_garages(area: Area) -> QuerySet:
    """Garage projects built and run under a BOT contract (funding.BotContract)."""
    BotContract = _model("funding.BotContract")
    return projects(area).filter(
        kind=ProjectKind.GARAGE,
        id__in=BotContract.objects.values("project_id"),
    )


def idle_committees(area: Area, period: Period, active_ids: set[int]) -> QuerySet:
    """Committees with no meeting, need, new project or participation in the year."""
    qs = committees(area).exclude(id__in=active_ids)
    Meeting = _model("deliberation.Meeting")
    Need = _model("needs.Need")
    return qs.exclude(
        Exists(
            Meeting.objects.filter(
                committee=OuterRef("pk"), starts_at__gte=period.start, starts_at__lt=period.end
            )
        )
        | Exists(
            Need.objects.filter(
                committee=OuterRef("pk"), created_at__gte=period.start, created_at__lt=period.end
            )
        )
        | Exists(
            Project.objects.filter(
                committee=OuterRef("pk"), created_at__gte=period.start, created_at__lt=period.end
            )
        )
    ).order_by("street__name", "name")


# ---------------------------------------------------------------- figures


def _choices_rows(counts: dict, choices, extra_unknown: bool = False) -> list[dict]:
    rows = [{"key": k, "label": str(label), "n": counts.get(k, 0)} for k, label in choices]
    if extra_unknown:
        known = {k for k, _ in choices}
        other = sum(n for k, n in counts.items() if k not in known)
        if other:
            rows.append({"key": "", "label": "其他", "n": other})
    return rows


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def _grouped(qs: QuerySet, field: str) -> dict:
    return dict(qs.order_by().values_list(field).annotate(n=Count("id")))


def dashboard(area: Area, year: int) -> dict:
    """All figures of the dashboard (the page, the PDF and the API give this same dict)."""
    period = Period(year)
    from linli.deliberation.meeting_types import MeetingKind
    from linli.funding.models import SourceKind

    # projects: current stage and kind of every project; new projects by year
    all_projects = projects(area)
    by_stage = _grouped(all_projects, "stage")
    new = projects_new(area, period)
    new_by_kind = _grouped(new, "kind")
    by_year = {
        y: n
        for y, n in all_projects.order_by().values_list("created_at__year").annotate(n=Count("id"))
        if y is not None
    }
    new_counts = new.aggregate(
        n=Count("id"),
        proposals=Count("id", filter=Q(origin=ProjectOrigin.PARTNER)),
        micro=Count("id", filter=~Q(stage=Stage.NEEDS)),
    )

    # needs
    need_counts = needs_received(area, period).aggregate(
        received=Count("id"), answered=Count("id", filter=Q(status__in=ANSWERED_STATUSES))
    )

    # meetings by type
    meeting_kinds = _grouped(meetings(area, period), "kind")

    # partners and activities
    partner_qs = partners(area, period)
    partner_by_profession = _grouped(partner_qs, "profession")
    Partner = _model("partners.Partner")
    profession_choices = (
        Partner._meta.get_field("profession").choices if Partner is not None else []
    )
    activity_qs = activities(area, period)
    activity_by_kind = _grouped(activity_qs, "kind")
    Activity = _model("activities.Activity")
    activity_choices = Activity._meta.get_field("kind").choices if Activity is not None else []

    # participation
    part = participation_summary(area.scope, period)

    # money by source kind, and per household
    money = dict(
        funding_sources(area, period).order_by().values_list("kind").annotate(fen=Sum("amount_fen"))
    )
    money_total = sum(v or 0 for v in money.values())
    n_households = households(area).count()

    # planners: pairings in force, committees covered, work logs per planner
    pairing_rows = list(
        pairings(area, period)
        .order_by()
        .values_list("planner_id", "planner__name", "street_id", "committee_id")
    )
    planner_names = {pid: name for pid, name, _s, _c in pairing_rows}
    logs_by_author = dict(
        worklogs(area, period).order_by().values_list("author_id").annotate(n=Count("id"))
    )
    Planner = _model("planning.Planner")
    planner_users = dict(Planner.objects.filter(id__in=planner_names).values_list("id", "user_id"))
    street_paired = {s for _p, _n, s, c in pairing_rows if c is None}
    committee_paired = {c for _p, _n, _s, c in pairing_rows if c is not None}
    committee_rows = list(committees(area).values_list("id", "street_id"))
    covered = sum(
        1 for cid, sid in committee_rows if sid in street_paired or cid in committee_paired
    )
    per_planner = sorted(
        (
            {
                "id": pid,
                "name": name,
                "pairings": sum(1 for p, *_ in pairing_rows if p == pid),
                "worklogs": logs_by_author.get(planner_users.get(pid), 0),
            }
            for pid, name in planner_names.items()
        ),
        key=lambda r: (-r["worklogs"], r["name"]),
    )

    # committees with no activity in the year
    idle = list(idle_committees(area, period, set(part.by_committee)).values_list("id", "name"))

    return {
        "area": {"kind": area.kind, "id": area.obj.pk, "name": area.obj.name},
        "year": year,
        "committees": {"n": len(committee_rows), "idle": [{"id": i, "name": n} for i, n in idle]},
        "projects": {
            "total": sum(by_stage.values()),
            "by_stage": [
                {"key": s, "label": str(Stage(s).label), "n": by_stage.get(s, 0)}
                for s in STAGE_ORDER
            ],
            "new_in_year": new_counts["n"],
            "new_by_kind": _choices_rows(new_by_kind, ProjectKind.choices),
            "by_year": [{"year": y, "n": by_year[y]} for y in sorted(by_year)],
            "micro_renewal": new_counts["micro"],
            "proposals": new_counts["proposals"],
            "bot_garages": bot_garages(area).count(),
        },
        "needs": {"received": need_counts["received"], "answered": need_counts["answered"]},
        "meetings": {
            "total": sum(meeting_kinds.values()),
            "by_kind": [r for r in _choices_rows(meeting_kinds, MeetingKind.choices) if r["n"]],
        },
        "partners": {
            "n": sum(partner_by_profession.values()),
            "by_profession": [
                r for r in _choices_rows(partner_by_profession, profession_choices) if r["n"]
            ],
        },
        "activities": {
            "n": sum(activity_by_kind.values()),
            "by_kind": [r for r in _choices_rows(activity_by_kind, activity_choices) if r["n"]],
        },
        "participation": part.as_dict(),
        "money": {
            "total_fen": money_total,
            "by_source": [
                {
                    "key": k,
                    "label": str(label),
                    "fen": money.get(k) or 0,
                    "yuan": _yuan(money.get(k) or 0),
                }
                for k, label in SourceKind.choices
            ],
            "total_yuan": _yuan(money_total),
            "households": n_households,
            "per_household_fen": money_total // n_households if n_households else 0,
            "per_household_yuan": _yuan(money_total // n_households if n_households else 0),
        },
        "planners": {
            "pairings": len(pairing_rows),
            "planners": len(planner_names),
            "committees_covered": covered,
            "committees_total": len(committee_rows),
            "worklogs": sum(logs_by_author.values()),
            "per_planner": per_planner,
        },
        "facilities": {"neighbourhood_centres": neighbourhood_centres(area).count()},
    }


# ---------------------------------------------------------------- the cache

# A street's or a district's figures are a few seconds of aggregates over the whole
# registry at district scale (1.24 M residents), the same for every viewer of the area:
# they are computed once per (area, year, language) and kept in Django's cache (Redis
# when REDIS_URL is set, so every server process shares them). A copy younger than
# LINLI_DASHBOARD_CACHE_SECONDS is served as it is; an older one is recomputed by one
# request while the others keep getting the older copy (never a queue of requests all
# recomputing the same figures). The page says when the figures were computed.
STALE_KEEP_SECONDS = 24 * 3600


def _fresh_seconds() -> int:
    from django.conf import settings

    return int(getattr(settings, "LINLI_DASHBOARD_CACHE_SECONDS", 60))


def _cache_key(area: Area, year: int, language: str | None = None) -> str:
    from django.utils.translation import get_language

    language = language or get_language() or ""
    return f"dashboards:v1:{area.kind}:{area.obj.pk}:{year}:{language}"


def dashboard_cached(area: Area, year: int) -> tuple[dict, datetime.datetime]:
    """``dashboard(area, year)`` through the cache, and when those figures were computed."""
    from django.core.cache import cache

    fresh = _fresh_seconds()
    if fresh <= 0:
        return dashboard(area, year), timezone.now()
    key = _cache_key(area, year)
    entry = cache.get(key)
    if entry is not None:
        age = (timezone.now() - entry["at"]).total_seconds()
        if age < fresh:
            return entry["data"], entry["at"]
        # stale: one request recomputes (the one that gets the lock), the others serve
        # the stale copy meanwhile
        if not cache.add(f"{key}:lock", 1, timeout=max(fresh, 30)):
            return entry["data"], entry["at"]
    at = timezone.now()
    data = dashboard(area, year)
    cache.set(key, {"at": at, "data": data}, timeout=STALE_KEEP_SECONDS)
    cache.delete(f"{key}:lock")
    return data, at


def dashboard_forget(area: Area, year: int) -> None:
    """Drop the cached figures of one area and year in every language (the next view
    recomputes them)."""
    from django.conf import settings
    from django.core.cache import cache

    cache.delete_many([_cache_key(area, year, code) for code, _name in settings.LANGUAGES])


def period_of(year: int) -> Period:
    return Period(year)


def default_year() -> int:
    return timezone.localdate().year


def parse_year(value) -> int | None:
    """A year from a query string, or None when it is not one of ``years()``."""
    try:
        y = int(str(value)[:4])
    except (TypeError, ValueError):
        return None
    return y if y in years() else None


__all__ = [
    "Area",
    "dashboard",
    "dashboard_cached",
    "years",
    "parse_year",
    "default_year",
    "datetime",
]
