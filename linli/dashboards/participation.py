"""Participation 人次, counted once across every channel (issue 14).

Every act of taking part that the platform records is one *participation row*: a sign-in
at a meeting or an activity, a ballot, a survey response, a need or a "我也需要", a design
rating or comment, a conversation vote, a patrol, an evaluation score, a convention
endorsement. Each row is reduced, inside the database, to five columns::

    p_source     which channel of the loop (``SOURCES`` below)
    p_key        who: "u<user id>" for an account (a registry person with an account
                 counts as that account), "p<person id>" for a registry person without
                 one, "c<participant id>" for an imported conversation participant;
                 NULL when the record does not say who (a name on a paper sign-in sheet,
                 a paper ballot of a flat, a paper endorsement of a household)
    p_channel    "online" (phone/page) or "offline" (in person, on paper, by staff)
    p_band       age band rank 0–5 (unknown, <18, 18–34, 35–59, 60–79, 80+), from the
                 person's birth year in the registry (or the form's own birth year or age
                 group), at the reference year
    p_committee  the committee the record belongs to

The rows of all sources are combined with ``UNION ALL`` and aggregated by the database:
three queries whatever the number of rows or committees (``participation_summary``), so a
district of 1.24 M residents costs the same number of round trips as one committee.

人次 = number of rows. People = distinct ``p_key``; rows without a key are counted in 人次
and reported as "未识别身份" but never guessed into people.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection
from django.db.models import Case as CaseExpr
from django.db.models import (
    CharField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy

ONLINE = "online"
OFFLINE = "offline"
CHANNEL_LABELS = {ONLINE: gettext_lazy("线上"), OFFLINE: gettext_lazy("线下")}

# age bands, by rank; the labels follow needs.AgeGroup
BANDS = [
    (0, "unknown", "年龄未知"),
    (1, "under_18", "18岁以下"),
    (2, "18_34", "18–34岁"),
    (3, "35_59", "35–59岁"),
    (4, "60_79", "60–79岁"),
    (5, "80_up", "80岁及以上"),
]
BAND_KEYS = {rank: key for rank, key, _ in BANDS}
BAND_LABELS = {key: label for _, key, label in BANDS}
OVER_60_RANKS = (4, 5)


@dataclass(frozen=True)
class Period:
    """A calendar year (the dashboards' period)."""

    year: int

    @property
    def start_date(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end_date(self) -> datetime.date:  # exclusive
        return datetime.date(self.year + 1, 1, 1)

    @property
    def start(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime(self.year, 1, 1))

    @property
    def end(self) -> datetime.datetime:  # exclusive
        return timezone.make_aware(datetime.datetime(self.year + 1, 1, 1))


@dataclass(frozen=True)
class Scope:
    """Where: a street, a district, or explicit committees."""

    street_id: int | None = None
    district_id: int | None = None
    committee_ids: frozenset[int] | None = None

    def lookup(self, committee_path: str, street_path: str | None = None) -> dict:
        """Filter kwargs; ``street_path`` for records that belong to a street directly
        (an activity of the town, with or without a committee)."""
        if self.committee_ids is not None:
            return {f"{committee_path}_id__in": sorted(self.committee_ids)}
        street = street_path or f"{committee_path}__street"
        if self.street_id is not None:
            return {f"{street}_id": self.street_id}
        if self.district_id is not None:
            return {f"{street}__district_id": self.district_id}
        raise ValueError("scope needs a street, a district or committees")


def _user_key(path: str):
    return Concat(Value("u"), Cast(path, CharField()), output_field=CharField())


def _band_from_birth(path: str, year: int):
    """Rank 0–5 from a birth-year column (NULL → 0)."""
    return CaseExpr(
        When(**{f"{path}__isnull": True}, then=Value(0)),
        When(**{f"{path}__lte": year - 80}, then=Value(5)),
        When(**{f"{path}__lte": year - 60}, then=Value(4)),
        When(**{f"{path}__lte": year - 35}, then=Value(3)),
        When(**{f"{path}__lte": year - 18}, then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )


def _channel_from(field_name: str, online_values: tuple[str, ...]):
    return CaseExpr(
        When(**{f"{field_name}__in": online_values}, then=Value(ONLINE)),
        default=Value(OFFLINE),
        output_field=CharField(),
    )


def _key_user_or_null(user_path: str):
    return CaseExpr(
        When(**{f"{user_path}__isnull": False}, then=_user_key(user_path)),
        default=Value(None, output_field=CharField()),
        output_field=CharField(),
    )


@dataclass(frozen=True)
class Source:
    """One participation channel: a model and how its rows become participation rows."""

    key: str
    label: str
    step: str
    model: str  # "app_label.Model"
    committee: str  # path to the committee FK
    when: str  # date or datetime field
    person: object  # callable() -> expression for p_key
    channel: object  # callable() -> expression for p_channel
    birth: str | None = None  # path to a birth year (None: unknown)
    band: object | None = None  # callable(year) -> expression for p_band (overrides birth)
    extra: Q = field(default_factory=Q)
    prepare: object | None = None  # callable(qs) -> qs, annotations the band needs
    street: str | None = None  # path to the street, when the committee may be empty

    def model_class(self):
        return apps.get_model(self.model)

    def is_date_field(self) -> bool:
        f = self.model_class()._meta.get_field(self.when)
        return f.get_internal_type() == "DateField"

    def rows(self, scope: Scope, period: Period) -> QuerySet:
        """The source's records in scope and period (the records behind its figure)."""
        model = self.model_class()
        if self.is_date_field():
            when = {f"{self.when}__gte": period.start_date, f"{self.when}__lt": period.end_date}
        else:
            when = {f"{self.when}__gte": period.start, f"{self.when}__lt": period.end}
        return model.objects.filter(**scope.lookup(self.committee, self.street), **when).filter(
            self.extra
        )

    def values(self, scope: Scope, period: Period) -> QuerySet:
        qs = self.rows(scope, period)
        if self.prepare is not None:
            qs = self.prepare(qs)
        if self.band is not None:
            band = self.band(period.year)
        elif self.birth:
            band = _band_from_birth(self.birth, period.year)
        else:
            band = Value(0, output_field=IntegerField())
        return (
            qs.order_by()
            .annotate(
                p_source=Value(self.key, output_field=CharField()),
                p_key=self.person(),
                p_channel=self.channel(),
                p_band=band,
                p_committee=F(f"{self.committee}_id"),
            )
            .values_list("p_source", "p_key", "p_channel", "p_band", "p_committee")
        )


def _person_key():
    """An account, else a registry person's account, else the registry person."""
    return CaseExpr(
        When(user_id__isnull=False, then=_user_key("user_id")),
        When(person__user_id__isnull=False, then=_user_key("person__user_id")),
        When(
            person_id__isnull=False,
            then=Concat(Value("p"), Cast("person_id", CharField()), output_field=CharField()),
        ),
        default=Value(None, output_field=CharField()),
        output_field=CharField(),
    )


def _survey_band(year: int):
    return _band_from_birth("p_birth", year)


def _need_band(year: int):
    ranks = {"under_18": 1, "18_34": 2, "35_59": 3, "60_79": 4, "80_up": 5}
    return CaseExpr(
        *[When(age_group=k, then=Value(v)) for k, v in ranks.items()],
        default=_band_from_birth("user__person__birth_year", year),
        output_field=IntegerField(),
    )


def _opinion_key():
    return CaseExpr(
        When(participant__user_id__isnull=False, then=_user_key("participant__user_id")),
        default=Concat(Value("c"), Cast("participant_id", CharField()), output_field=CharField()),
        output_field=CharField(),
    )


def _const(value):
    return lambda: Value(value, output_field=CharField())


SOURCES: list[Source] = [
    Source(
        key="meeting_signin",
        label=gettext_lazy("会议签到"),
        step="deliberation",
        model="deliberation.Attendance",
        committee="meeting__committee",
        when="at",
        person=lambda: _key_user_or_null("user_id"),
        # scanning the meeting's QR code with one's phone is online, a staff sign-in offline
        # (the same rule as activity check-ins)
        channel=lambda: _channel_from("method", ("qr",)),
        birth="user__person__birth_year",
        extra=Q(counts=True),
    ),
    Source(
        key="ballot",
        label=gettext_lazy("投票表决"),
        step="voting",
        model="voting.Ballot",
        committee="vote__committee",
        when="cast_at",
        # online ballots are cast by the voter; paper, meeting and proxy ballots are a flat's
        # ballot keyed in by staff, whose voter the record does not name
        person=lambda: CaseExpr(
            When(channel="online", cast_by_id__isnull=False, then=_user_key("cast_by_id")),
            default=Value(None, output_field=CharField()),
            output_field=CharField(),
        ),
        channel=lambda: _channel_from("channel", ("online",)),
        band=lambda year: CaseExpr(
            When(channel="online", then=_band_from_birth("cast_by__person__birth_year", year)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    ),
    Source(
        key="survey_response",
        label=gettext_lazy("问卷填答"),
        step="surveys",
        model="surveys.Response",
        committee="survey__committee",
        when="submitted_at",
        person=_person_key,
        channel=lambda: _channel_from("channel", ("online",)),
        band=_survey_band,
        prepare=lambda qs: qs.annotate(
            p_birth=Coalesce("birth_year", "person__birth_year", "user__person__birth_year")
        ),
    ),
    Source(
        key="need",
        label=gettext_lazy("需求与“我也需要”"),
        step="needs",
        model="needs.NeedSupport",
        committee="need__committee",
        when="created_at",
        person=lambda: _key_user_or_null("user_id"),
        channel=lambda: _channel_from("channel", ("online",)),
        band=_need_band,
    ),
    Source(
        key="design_rating",
        label=gettext_lazy("方案评分"),
        step="planning",
        model="planning.OptionRating",
        committee="option__round__project__committee",
        when="updated_at",
        person=lambda: _user_key("user_id"),
        channel=_const(ONLINE),
        birth="user__person__birth_year",
    ),
    Source(
        key="design_comment",
        label=gettext_lazy("方案意见"),
        step="planning",
        model="planning.OptionComment",
        committee="option__round__project__committee",
        when="created_at",
        person=lambda: _user_key("user_id"),
        channel=_const(ONLINE),
        birth="user__person__birth_year",
    ),
    Source(
        key="opinion_vote",
        label=gettext_lazy("议题观点表态"),
        step="opinions",
        model="opinions.OpinionVote",
        committee="statement__conversation__committee",
        when="voted_at",
        person=_opinion_key,
        channel=_const(ONLINE),
        birth="participant__user__person__birth_year",
    ),
    Source(
        key="patrol",
        label=gettext_lazy("巡查值守"),
        step="implementation",
        model="implementation.PatrolRecord",
        committee="site__project__committee",
        when="date",
        person=lambda: _user_key("patroller_id"),
        channel=_const(OFFLINE),
        birth="patroller__person__birth_year",
    ),
    Source(
        key="evaluation_score",
        label=gettext_lazy("项目评议评分"),
        step="evaluation",
        model="evaluation.Score",
        committee="evaluation__project__committee",
        when="at",
        person=lambda: _key_user_or_null("user_id"),
        channel=lambda: _channel_from("channel", ("online",)),
        birth="user__person__birth_year",
    ),
    Source(
        key="endorsement",
        label=gettext_lazy("公约签署"),
        step="evaluation",
        model="evaluation.Endorsement",
        committee="convention__committee",
        when="at",
        person=lambda: _key_user_or_null("user_id"),
        channel=lambda: _channel_from("channel", ("online",)),
        birth="user__person__birth_year",
    ),
]


SOURCES += [
    Source(
        key="activity_checkin",
        label=gettext_lazy("营造活动签到"),
        step="activities",
        model="activities.ActivityCheckin",
        committee="activity__committee",
        street="activity__street",
        when="at",
        person=_person_key,
        channel=lambda: _channel_from("channel", ("online",)),
        band=_survey_band,
        prepare=lambda qs: qs.annotate(
            p_birth=Coalesce("birth_year", "person__birth_year", "user__person__birth_year")
        ),
    ),
    Source(
        key="contest_vote",
        label=gettext_lazy("设计赛公众投票"),
        step="activities",
        model="activities.PublicVote",
        committee="activity__committee",
        street="activity__street",
        when="at",
        person=lambda: _user_key("user_id"),
        channel=_const(ONLINE),
        birth="user__person__birth_year",
    ),
]


def register(source: Source) -> None:
    """Another app adds its participation channel (e.g. activity check-ins)."""
    if not any(s.key == source.key for s in SOURCES):
        SOURCES.append(source)


def source_by_key(key: str) -> Source | None:
    return next((s for s in SOURCES if s.key == key), None)


def _installed(source: Source) -> bool:
    try:
        source.model_class()
    except LookupError:
        return False
    return True


def active_sources() -> list[Source]:
    """The sources whose app is installed."""
    return [s for s in SOURCES if _installed(s)]


COLUMNS = "p_source, p_key, p_channel, p_band, p_committee"


def union_sql(scope: Scope, period: Period) -> tuple[str, list]:
    """The UNION ALL of every source's participation rows, as SQL and params."""
    parts = []
    for s in active_sources():
        qs = s.values(scope, period)
        sql, params = qs.query.get_compiler(connection=connection).as_sql()
        parts.append((sql, list(params)))
    sql = " UNION ALL ".join(
        f"SELECT {COLUMNS} FROM ({p}) AS s{i}" for i, (p, _) in enumerate(parts)
    )
    params = [x for _, ps in parts for x in ps]
    return sql, params


@dataclass
class Participation:
    year: int
    participations: int = 0  # 人次
    people: int = 0  # distinct identified people
    unidentified: int = 0  # 人次 whose record does not say who
    by_channel: dict = field(default_factory=dict)  # channel -> {"n", "people"}
    by_source: list = field(default_factory=list)  # [{"key","label","step","n","online","offline"}]
    by_band: list = field(default_factory=list)  # [{"key","label","n","people"}]
    over_60: dict = field(default_factory=dict)  # {"n", "people"}
    by_committee: dict = field(default_factory=dict)  # committee id -> n

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "participations": self.participations,
            "people": self.people,
            "unidentified": self.unidentified,
            "by_channel": self.by_channel,
            "by_source": self.by_source,
            "by_band": self.by_band,
            "over_60": self.over_60,
        }


def participation_summary(scope: Scope, period: Period) -> Participation:
    """人次, distinct people, by channel, source and age band: three SQL queries."""
    sql, params = union_sql(scope, period)
    out = Participation(year=period.year)
    with connection.cursor() as cur:
        # 1. 人次 by source, channel and band
        cur.execute(
            "SELECT p_source, p_channel, p_band, COUNT(*), "
            "SUM(CASE WHEN p_key IS NULL THEN 1 ELSE 0 END) "
            f"FROM ({sql}) AS u GROUP BY p_source, p_channel, p_band",
            params,
        )
        grouped = cur.fetchall()
        # 2. 人次 by committee (committees with no participation at all are idle)
        cur.execute(f"SELECT p_committee, COUNT(*) FROM ({sql}) AS u GROUP BY p_committee", params)
        out.by_committee = {cid: n for cid, n in cur.fetchall()}
        # 3. distinct people: one row per person (band: the best known), then by band
        cur.execute(
            "SELECT band, COUNT(*), SUM(CASE WHEN n_on > 0 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN n_off > 0 THEN 1 ELSE 0 END) FROM ("
            "SELECT p_key, MAX(p_band) AS band, "
            "SUM(CASE WHEN p_channel = 'online' THEN 1 ELSE 0 END) AS n_on, "
            "SUM(CASE WHEN p_channel = 'offline' THEN 1 ELSE 0 END) AS n_off "
            f"FROM ({sql}) AS u WHERE p_key IS NOT NULL GROUP BY p_key) AS per "
            "GROUP BY band",
            params,
        )
        people_rows = cur.fetchall()

    per_source: dict[str, dict] = {}
    band_n: dict[int, int] = {}
    channel_n = {ONLINE: 0, OFFLINE: 0}
    for source, channel, band, n, anon in grouped:
        out.participations += n
        out.unidentified += anon or 0
        entry = per_source.setdefault(source, {ONLINE: 0, OFFLINE: 0})
        entry[channel] += n
        channel_n[channel] += n
        band_n[band] = band_n.get(band, 0) + n
    band_people: dict[int, int] = {}
    channel_people = {ONLINE: 0, OFFLINE: 0}
    for band, n, n_on, n_off in people_rows:
        out.people += n
        band_people[band] = n
        channel_people[ONLINE] += n_on or 0
        channel_people[OFFLINE] += n_off or 0
    out.by_channel = {
        c: {"label": CHANNEL_LABELS[c], "n": channel_n[c], "people": channel_people[c]}
        for c in (ONLINE, OFFLINE)
    }
    out.by_source = [
        {
            "key": s.key,
            "label": s.label,
            "step": s.step,
            "n": sum(per_source.get(s.key, {}).values()),
            "online": per_source.get(s.key, {}).get(ONLINE, 0),
            "offline": per_source.get(s.key, {}).get(OFFLINE, 0),
        }
        for s in active_sources()
    ]
    out.by_band = [
        {"key": key, "label": label, "n": band_n.get(rank, 0), "people": band_people.get(rank, 0)}
        for rank, key, label in BANDS[1:] + BANDS[:1]
    ]
    out.over_60 = {
        "n": sum(band_n.get(r, 0) for r in OVER_60_RANKS),
        "people": sum(band_people.get(r, 0) for r in OVER_60_RANKS),
    }
    return out
