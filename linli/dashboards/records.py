"""The records behind each dashboard figure: one queryset per figure (the same selector
the figure counts) and how one record shows as a row of the drill-down page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from linli.dashboards import selectors as sel
from linli.dashboards.participation import Period, source_by_key


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _dt(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        from django.utils import timezone

        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d")


@dataclass(frozen=True)
class Figure:
    title: str
    rows: object  # callable(area, period, key) -> QuerySet
    row: object  # callable(obj) -> (text, meta, url)
    keyed: str = ""  # the field the optional key filters on


def _project_row(p):
    return (
        p.title,
        f"{p.committee.name} · {p.get_kind_display()} · {p.get_stage_display()} · "
        f"{p.get_origin_display()} · {_dt(p.created_at)}",
        _url("projects:detail", p.pk),
    )


def _committee_row(c):
    return (c.name, c.street.name, _url("places:workbench", c.pk))


def _projects(qs: QuerySet) -> QuerySet:
    return qs.select_related("committee").order_by("-created_at", "-id")


def _participation_rows(area, period, key):
    source = source_by_key(key or "")
    if source is None:
        return None
    return source.rows(area.scope, period).order_by("-pk")


def _participation_row(obj):
    name = getattr(obj, "name", "") or ""
    if not name:
        for attr in ("user", "patroller", "cast_by"):
            u = getattr(obj, f"{attr}_id", None)
            if u:
                name = getattr(obj, attr).name
                break
    when = next(
        (
            getattr(obj, f)
            for f in (
                "at",
                "cast_at",
                "submitted_at",
                "created_at",
                "updated_at",
                "voted_at",
                "date",
            )
            if getattr(obj, f, None) is not None
        ),
        None,
    )
    channel = getattr(obj, "channel", "") or getattr(obj, "method", "")
    return (name or "（未留姓名）", f"{type(obj)._meta.verbose_name} · {channel} · {_dt(when)}", "")


FIGURES: dict[str, Figure] = {
    "projects": Figure(
        "全部项目",
        lambda a, p, k: _projects(sel.projects(a).filter(**({"stage": k} if k else {}))),
        _project_row,
        "stage",
    ),
    "projects_new": Figure(
        "本年新立项目",
        lambda a, p, k: _projects(sel.projects_new(a, p).filter(**({"kind": k} if k else {}))),
        _project_row,
        "kind",
    ),
    "proposals": Figure(
        "社区合伙人提案", lambda a, p, k: _projects(sel.proposals(a, p)), _project_row
    ),
    "micro_renewal": Figure(
        "微更新项目（本年立项、已进入规划师把脉及以后阶段）",
        lambda a, p, k: _projects(sel.micro_renewal(a, p)),
        _project_row,
    ),
    "bot_garages": Figure(
        "BOT模式建设运营的车库项目",
        lambda a, p, k: _projects(sel.bot_garages(a)),
        _project_row,
    ),
    "needs_received": Figure(
        "本年收到的需求",
        lambda a, p, k: (
            sel.needs_received(a, p).select_related("committee").order_by("-created_at")
        ),
        lambda n: (
            n.text[:60],
            f"{n.committee.name} · {n.get_channel_display()} · {n.get_status_display()} · {_dt(n.created_at)}",
            _url("needs:detail", n.pk),
        ),
    ),
    "needs_answered": Figure(
        "本年收到且已答复的需求",
        lambda a, p, k: (
            sel.needs_answered(a, p).select_related("committee").order_by("-created_at")
        ),
        lambda n: (
            n.text[:60],
            f"{n.committee.name} · {n.get_status_display()} · {_dt(n.created_at)}",
            _url("needs:detail", n.pk),
        ),
    ),
    "meetings": Figure(
        "本年召开的自治会议",
        lambda a, p, k: (
            sel.meetings(a, p)
            .filter(**({"kind": k} if k else {}))
            .select_related("committee")
            .order_by("-starts_at")
        ),
        lambda m: (
            m.title,
            f"{m.committee.name} · {m.get_kind_display()} · {_dt(m.starts_at)}",
            _url("deliberation:detail", m.pk),
        ),
        "kind",
    ),
    "partners": Figure(
        "在册社区合伙人",
        lambda a, p, k: (
            sel.partners(a, p)
            .filter(**({"profession": k} if k else {}))
            .select_related("home_committee")
            .order_by("name", "id")
        ),
        lambda x: (
            x.name,
            f"{x.home_committee.name} · {x.get_profession_display()} · 加入于 {_dt(x.joined_on)}",
            _url("partners:partner", x.pk),
        ),
        "profession",
    ),
    "activities": Figure(
        "本年社区营造活动",
        lambda a, p, k: (
            sel.activities(a, p).filter(**({"kind": k} if k else {})).order_by("-starts_at")
        ),
        lambda x: (
            x.title,
            f"{x.get_kind_display()} · {_dt(x.starts_at)}",
            _url("activities:detail", x.pk),
        ),
        "kind",
    ),
    "participation": Figure("参与记录", _participation_rows, _participation_row),
    "money": Figure(
        "资金来源",
        lambda a, p, k: (
            sel.funding_sources(a, p)
            .filter(**({"kind": k} if k else {}))
            .select_related("plan__project__committee")
            .order_by("-amount_fen")
        ),
        lambda s: (
            f"{s.name} · {s.amount_fen // 100:,} 元",
            f"{s.plan.project.title} · {s.plan.project.committee.name} · {s.get_kind_display()}",
            _url("funding:plan", s.plan.project_id),
        ),
        "kind",
    ),
    "pairings": Figure(
        "本年在岗的规划师结对",
        lambda a, p, k: sel.pairings(a, p).select_related("planner", "street", "committee"),
        lambda x: (
            x.planner.name,
            f"{x.committee.name if x.committee_id else x.street.name} · 自 {_dt(x.started_at)}",
            "",
        ),
    ),
    "worklogs": Figure(
        "本年规划师工作日志",
        lambda a, p, k: sel.worklogs(a, p).select_related("committee", "author").order_by("-date"),
        lambda x: (
            f"{x.author.name if x.author_id else ''} · {x.get_kind_display()}",
            f"{x.committee.name} · {_dt(x.date)}",
            "",
        ),
    ),
    "idle": Figure(
        "本年没有任何活动的居委会",
        lambda a, p, k: sel.idle_committees(
            a, p, set(sel.participation_summary(a.scope, p).by_committee)
        ).select_related("street"),
        _committee_row,
    ),
    "committees": Figure(
        "居民区（居委会）",
        lambda a, p, k: sel.committees(a).select_related("street").order_by("street__name", "name"),
        _committee_row,
    ),
    "neighbourhood_centres": Figure(
        "睦邻中心/社区服务中心",
        lambda a, p, k: sel.neighbourhood_centres(a).select_related("street").order_by("name"),
        lambda f: (f.name, f"{f.street.name} · {f.address}", ""),
    ),
}


def figure_rows(area, year: int, figure: str, key: str = ""):
    """(title, queryset, row function) or None for an unknown figure or key."""
    fig = FIGURES.get(figure)
    if fig is None:
        return None
    qs = fig.rows(area, Period(year), key)
    if qs is None:
        return None
    title = fig.title
    if figure == "participation":
        title = f"参与记录：{source_by_key(key).label}"
    return title, qs, fig.row
