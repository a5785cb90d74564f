"""What is public, read without a user: only what a committee has already made public, and
never personal data.

- 公示: notices published online (公示中 or 公示结束), never drafts or withdrawn ones.
- Votes: closed votes and their signed results, as totals (no ballot, flat or owner).
- Needs lists: published needs lists (the committee chose to publish them).
- Project accounts: income by kind of source and spending by cost item from posted journal
  entries (the funding app's transparency figures), never a household's contribution.
- Finished cases: the evaluation app's public case library (linked, not copied).

Counts of people, households or ballots below ``min_count()`` (5 unless
``LINLI_OPEN_DATA_MIN_COUNT`` says otherwise) are shown as ``"<5"`` so that no household can
be singled out; so are a vote's percentages when fewer than that many could vote, and the
money of a residents' source shared by fewer households.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.funding.models import Account, FundingPlan, JournalLine, SourceKind
from linli.needs.models import Category, Need, NeedsList
from linli.notices.models import Notice
from linli.places.models import Committee, Street
from linli.projects.models import Project, ProjectKind, Stage
from linli.voting.models import Choice, Vote, VoteResult

PUBLIC_NOTICE_STATUSES = (Notice.Status.PUBLISHED, Notice.Status.CLOSED)


def min_count() -> int:
    return int(getattr(settings, "LINLI_OPEN_DATA_MIN_COUNT", 5))


def suppressed_label() -> str:
    return f"<{min_count()}"


def suppress(n: int | None):
    """A count as published: itself when at least ``min_count()``, else ``"<5"``."""
    if n is None:
        return None
    return n if n >= min_count() else suppressed_label()


def _year_of(at) -> int | None:
    return timezone.localtime(at).year if at else None


def _yuan(fen: int) -> str:
    return f"{fen / 100:.2f}"


# ---------------------------------------------------------------- what is public


def public_notices() -> QuerySet[Notice]:
    return Notice.objects.filter(
        status__in=PUBLIC_NOTICE_STATUSES, posted_online=True, starts_at__isnull=False
    ).select_related("committee", "committee__street")


def closed_votes() -> QuerySet[Vote]:
    return Vote.objects.filter(status=Vote.Status.CLOSED, result__isnull=False).select_related(
        "committee", "committee__street", "result"
    )


def published_needs_lists() -> QuerySet[NeedsList]:
    return NeedsList.objects.filter(
        published_at__isnull=False, public_token__isnull=False
    ).select_related("committee", "street")


def plans_with_books() -> QuerySet[FundingPlan]:
    """Funding plans with at least one posted journal entry."""
    return (
        FundingPlan.objects.filter(entries__posted_at__isnull=False)
        .distinct()
        .select_related("project", "project__committee", "project__committee__street")
    )


def public_cases():
    from linli.evaluation.selectors import public_cases_with_year

    return public_cases_with_year()


def streets_overview() -> list[dict]:
    """Every street with what it has made public (one query per kind, not per street)."""
    streets = list(Street.objects.select_related("district").order_by("district__name", "name"))

    def by_street(qs, path):
        return dict(qs.values_list(path).annotate(n=Count("id", distinct=True)).order_by())

    notices = by_street(public_notices(), "committee__street_id")
    votes = by_street(closed_votes(), "committee__street_id")
    lists = by_street(
        published_needs_lists().filter(committee__isnull=False), "committee__street_id"
    )
    for sid, n in by_street(
        published_needs_lists().filter(street__isnull=False), "street_id"
    ).items():
        lists[sid] = lists.get(sid, 0) + n
    accounts = by_street(plans_with_books(), "project__committee__street_id")
    cases = by_street(public_cases(), "project__committee__street_id")
    return [
        {
            "street": s,
            "notices": notices.get(s.pk, 0),
            "votes": votes.get(s.pk, 0),
            "needs_lists": lists.get(s.pk, 0),
            "accounts": accounts.get(s.pk, 0),
            "cases": cases.get(s.pk, 0),
        }
        for s in streets
    ]


def street_or_404(street_id: int) -> Street:
    street = Street.objects.select_related("district").filter(pk=street_id).first()
    if street is None:
        raise Http404(_("街道不存在"))
    return street


def years_of(street: Street) -> list[int]:
    """Years in which the street has records, newest first (this year at least)."""
    years = {timezone.localdate().year}
    for at in Project.objects.filter(committee__street=street).values_list("created_at", flat=True):
        years.add(_year_of(at))
    for at in public_notices().filter(committee__street=street).values_list("starts_at", flat=True):
        years.add(_year_of(at))
    for at in VoteResult.objects.filter(vote__committee__street=street).values_list(
        "closed_at", flat=True
    ):
        years.add(_year_of(at))
    return sorted((y for y in years if y), reverse=True)


def street_page(street: Street, year: int | None) -> dict:
    """What the street's public page lists (all years when ``year`` is None)."""
    notices = public_notices().filter(committee__street=street).order_by("-starts_at", "-id")
    votes = closed_votes().filter(committee__street=street).order_by("-result__closed_at", "-id")
    lists = (
        published_needs_lists()
        .filter(Q(committee__street=street) | Q(street=street))
        .order_by("-published_at", "-id")
    )
    plans = plans_with_books().filter(project__committee__street=street).order_by("project_id")
    cases = [
        c
        for c in public_cases().filter(project__committee__street=street).order_by("-id")
        if year is None or _year_of(c.done_at or c.published_at) == year
    ]
    if year is not None:
        notices = notices.filter(starts_at__year=year)
        votes = votes.filter(result__closed_at__year=year)
        lists = lists.filter(published_at__year=year)
        plans = plans.filter(entries__posted_at__isnull=False, entries__date__year=year).distinct()
    return {
        "notices": list(notices),
        "votes": [{"vote": v, "summary": vote_summary(v)} for v in votes],
        "needs_lists": list(lists),
        "plans": list(plans),
        "cases": cases,
    }


def notice_or_404(notice_id: int) -> Notice:
    notice = public_notices().filter(pk=notice_id).first()
    if notice is None:
        raise Http404(_("公示不存在或未公开"))
    return notice


def vote_or_404(vote_id: int) -> Vote:
    vote = closed_votes().filter(pk=vote_id).first()
    if vote is None:
        raise Http404(_("表决不存在或尚未结束"))
    return vote


def plan_or_404(project_id: int) -> FundingPlan:
    plan = plans_with_books().filter(project_id=project_id).first()
    if plan is None:
        raise Http404(_("该项目没有公开的账目"))
    return plan


# ---------------------------------------------------------------- votes


def vote_summary(vote: Vote) -> dict:
    """A closed vote's result as published: totals and shares, small counts suppressed; no
    owner, flat or ballot."""
    c = vote.result.counts or {}
    electors = int(c.get("electors", 0))
    small = electors < min_count()
    choices = c.get("choices") or {}
    labels = {k: str(v) for k, v in Choice.choices}
    pct = lambda v: None if small or v is None else v  # noqa: E731
    out = {
        "electors": suppress(electors),
        "ballots": suppress(int(c.get("ballots", 0))),
        "passed": vote.result.passed,
        "closed_at": vote.result.closed_at,
        "choices": [
            {"label": labels[k], "n": suppress(int(choices[k]))}
            for k in Choice.values
            if k in choices
        ],
        "options": [
            {"label": r.get("label", ""), "n": suppress(int(r.get("votes", 0)))}
            for r in (c.get("options") or [])
            if isinstance(r, dict)
        ],
        "participation_pct": pct(c.get("participation_owners_pct", c.get("present_pct"))),
        "agree_pct": pct(c.get("agree_owners_pct", c.get("agree_pct"))),
        "participation_area_pct": pct(c.get("participation_area_pct")),
        "agree_area_pct": pct(c.get("agree_area_pct")),
    }
    return out


# ---------------------------------------------------------------- accounts


def accounts_summary(plan: FundingPlan, *, year: int | None = None) -> dict:
    """Income by kind of source and spending by cost item, from posted entries; a residents'
    source shared by fewer than ``min_count()`` households is not shown in money."""
    lines = JournalLine.objects.filter(entry__plan=plan, entry__posted_at__isnull=False)
    if year is not None:
        lines = lines.filter(entry__date__year=year)
    kinds = {k: str(v) for k, v in SourceKind.choices}
    income: dict[str, int] = defaultdict(int)
    small_sources = _small_resident_sources([plan.pk])
    hidden: set[str] = set()
    for kind, source_id, total in (
        lines.filter(account__kind=Account.Kind.INCOME)
        .values_list("account__source__kind", "account__source_id")
        .annotate(s=Sum("amount_fen"))
        .order_by()
    ):
        income[kind] += -(total or 0)
        if source_id in small_sources:
            hidden.add(kind)
    spending = [
        (name, total or 0)
        for name, total in lines.filter(account__kind=Account.Kind.EXPENSE)
        .values_list("account__item__name")
        .annotate(s=Sum("amount_fen"))
        .order_by("account__item__name")
        if total
    ]
    income_rows = [
        {
            "kind": k,
            "label": kinds.get(k, k),
            "yuan": suppressed_label() if k in hidden else _yuan(v),
        }
        for k, v in sorted(income.items())
        if v
    ]
    return {
        "income": income_rows,
        "spending": [{"item": n, "yuan": _yuan(v)} for n, v in spending],
        "income_yuan": _yuan(sum(income.values())),
        "spending_yuan": _yuan(sum(v for _, v in spending)),
        "balance_yuan": _yuan(sum(income.values()) - sum(v for _, v in spending)),
        "hidden": bool(hidden),
    }


def _small_resident_sources(plan_ids) -> set[int]:
    from linli.funding.models import FundingSource

    rows = (
        FundingSource.objects.filter(plan_id__in=plan_ids, kind=SourceKind.RESIDENTS)
        .annotate(n=Count("contributions__household", distinct=True))
        .values_list("id", "n")
    )
    return {sid for sid, n in rows if n < min_count()}


# ---------------------------------------------------------------- the export


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # 整数 / 文字 / 日期 / 金额（元） / 百分比 / 是否
    description: str
    suppressed: bool = False


@dataclass(frozen=True)
class Dataset:
    key: str
    title: str
    description: str
    columns: tuple[Column, ...]


_C = Column
DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "projects",
        gettext_lazy("社区规划项目"),
        gettext_lazy("当年立项或当年仍在进行（未完成，或当年完成）的项目，每行一个项目。"),
        (
            _C(
                "project_id",
                gettext_lazy("项目编号"),
                gettext_lazy("整数"),
                gettext_lazy("平台内的项目编号"),
            ),
            _C(
                "committee",
                gettext_lazy("居委会"),
                gettext_lazy("文字"),
                gettext_lazy("项目所属居委会"),
            ),
            _C("title", gettext_lazy("项目名称"), gettext_lazy("文字"), gettext_lazy("项目名称")),
            _C(
                "kind",
                gettext_lazy("项目类型"),
                gettext_lazy("文字"),
                gettext_lazy("口袋花园、睦邻客厅、车库、楼道、加装电梯等"),
            ),
            _C(
                "stage",
                gettext_lazy("所处阶段"),
                gettext_lazy("文字"),
                gettext_lazy("导出时项目所处的阶段（需求征集 … 完成）"),
            ),
            _C(
                "created",
                gettext_lazy("立项日期"),
                gettext_lazy("日期"),
                gettext_lazy("项目在平台上创建的日期"),
            ),
        ),
    ),
    Dataset(
        "needs",
        gettext_lazy("居民需求（按类别汇总）"),
        gettext_lazy("当年提出的居民需求，按居委会和类别汇总，不含需求原文和提出人。"),
        (
            _C(
                "committee",
                gettext_lazy("居委会"),
                gettext_lazy("文字"),
                gettext_lazy("需求所属居委会"),
            ),
            _C("category", gettext_lazy("类别"), gettext_lazy("文字"), gettext_lazy("需求类别")),
            _C(
                "received",
                gettext_lazy("收到需求数"),
                gettext_lazy("整数"),
                gettext_lazy("当年提出的需求条数（合并前）"),
                True,
            ),
            _C(
                "answered",
                gettext_lazy("已回应数"),
                gettext_lazy("整数"),
                gettext_lazy("其中已合并、已转为项目或已办结的条数"),
                True,
            ),
            _C(
                "became_project",
                gettext_lazy("转为项目数"),
                gettext_lazy("整数"),
                gettext_lazy("其中已转为项目的条数"),
                True,
            ),
        ),
    ),
    Dataset(
        "notices",
        gettext_lazy("公示"),
        gettext_lazy("当年开始的网上公示（公示中或公示结束），不含草稿和已撤回的公示。"),
        (
            _C(
                "notice_id",
                gettext_lazy("公示编号"),
                gettext_lazy("整数"),
                gettext_lazy("平台内的公示编号"),
            ),
            _C(
                "committee",
                gettext_lazy("居委会"),
                gettext_lazy("文字"),
                gettext_lazy("发布公示的居委会"),
            ),
            _C(
                "kind",
                gettext_lazy("公示类型"),
                gettext_lazy("文字"),
                gettext_lazy("方案公示、结果公示、账目公示等"),
            ),
            _C("title", gettext_lazy("标题"), gettext_lazy("文字"), gettext_lazy("公示标题")),
            _C(
                "starts",
                gettext_lazy("公示开始"),
                gettext_lazy("日期"),
                gettext_lazy("公示开始日期"),
            ),
            _C(
                "ends",
                gettext_lazy("公示截止"),
                gettext_lazy("日期"),
                gettext_lazy("公示截止日期（未设定则为空）"),
            ),
            _C(
                "project_id",
                gettext_lazy("项目编号"),
                gettext_lazy("整数"),
                gettext_lazy("所属项目的编号（无则为空）"),
            ),
        ),
    ),
    Dataset(
        "votes",
        gettext_lazy("表决结果"),
        gettext_lazy(
            "当年结束并签署结果的表决，只含合计数；可投票户数少于阈值时，人数与比例均不公开。"
        ),
        (
            _C(
                "vote_id",
                gettext_lazy("表决编号"),
                gettext_lazy("整数"),
                gettext_lazy("平台内的表决编号"),
            ),
            _C(
                "committee",
                gettext_lazy("居委会"),
                gettext_lazy("文字"),
                gettext_lazy("组织表决的居委会"),
            ),
            _C(
                "kind",
                gettext_lazy("表决类型"),
                gettext_lazy("文字"),
                gettext_lazy("业主共同决定、居民表决、方案选择、参与式预算"),
            ),
            _C("title", gettext_lazy("表决事项"), gettext_lazy("文字"), gettext_lazy("表决事项")),
            _C(
                "closed",
                gettext_lazy("结束日期"),
                gettext_lazy("日期"),
                gettext_lazy("结果签署日期"),
            ),
            _C(
                "electors",
                gettext_lazy("可投票户数"),
                gettext_lazy("整数"),
                gettext_lazy("选民名册中的户数"),
                True,
            ),
            _C(
                "ballots",
                gettext_lazy("投票数"),
                gettext_lazy("整数"),
                gettext_lazy("有效投票数"),
                True,
            ),
            _C(
                "agree",
                gettext_lazy("同意票数"),
                gettext_lazy("整数"),
                gettext_lazy("选“同意”的票数（是非表决）"),
                True,
            ),
            _C(
                "disagree",
                gettext_lazy("反对票数"),
                gettext_lazy("整数"),
                gettext_lazy("选“反对”的票数（是非表决）"),
                True,
            ),
            _C(
                "abstain",
                gettext_lazy("弃权票数"),
                gettext_lazy("整数"),
                gettext_lazy("选“弃权”的票数（是非表决）"),
                True,
            ),
            _C(
                "participation_pct",
                gettext_lazy("参与率（%）"),
                gettext_lazy("百分比"),
                gettext_lazy("按人数计的参与比例"),
                True,
            ),
            _C(
                "agree_pct",
                gettext_lazy("同意率（%）"),
                gettext_lazy("百分比"),
                gettext_lazy("按人数计的同意比例"),
                True,
            ),
            _C(
                "passed",
                gettext_lazy("是否通过"),
                gettext_lazy("是否"),
                gettext_lazy("按适用规则是否通过（方案选择类为空）"),
            ),
        ),
    ),
    Dataset(
        "accounts",
        gettext_lazy("项目账目（按来源与用途汇总）"),
        gettext_lazy(
            "当年记账的项目收入（按资金来源类型）与支出（按费用项目），不含任何一户的出资。"
        ),
        (
            _C(
                "project_id",
                gettext_lazy("项目编号"),
                gettext_lazy("整数"),
                gettext_lazy("项目编号"),
            ),
            _C("project", gettext_lazy("项目名称"), gettext_lazy("文字"), gettext_lazy("项目名称")),
            _C("direction", gettext_lazy("收支"), gettext_lazy("文字"), gettext_lazy("收入或支出")),
            _C(
                "category",
                gettext_lazy("来源/用途"),
                gettext_lazy("文字"),
                gettext_lazy("收入为资金来源类型，支出为费用项目"),
            ),
            _C(
                "yuan",
                gettext_lazy("金额（元）"),
                gettext_lazy("金额（元）"),
                gettext_lazy("当年已记账金额；出资户少于阈值的居民自筹金额不公开"),
                True,
            ),
        ),
    ),  # fmt: skip
)
DATASET_KEYS = tuple(d.key for d in DATASETS)


def dataset(key: str) -> Dataset:
    for d in DATASETS:
        if d.key == key:
            return d
    raise Http404(_("没有这个数据集"))


def export(street: Street, year: int) -> dict[str, list[dict]]:
    """Every dataset of a street for a year: rows as {column key: value}."""
    committees = dict(Committee.objects.filter(street=street).values_list("id", "name"))
    return {
        "projects": _projects_rows(street, year, committees),
        "needs": _needs_rows(street, year, committees),
        "notices": _notices_rows(street, year, committees),
        "votes": _votes_rows(street, year, committees),
        "accounts": _accounts_rows(street, year),
    }


def _projects_rows(street, year, committees) -> list[dict]:
    stages = {k: str(v) for k, v in Stage.choices}
    kinds = {k: str(v) for k, v in ProjectKind.choices}
    qs = (
        Project.objects.filter(committee__street=street, created_at__year__lte=year)
        .exclude(stage=Stage.DONE, stage_changed_at__year__lt=year)
        .order_by("id")
        .values("id", "committee_id", "title", "kind", "stage", "created_at")
    )
    return [
        {
            "project_id": p["id"],
            "committee": committees.get(p["committee_id"], ""),
            "title": p["title"],
            "kind": kinds.get(p["kind"], p["kind"]),
            "stage": stages.get(p["stage"], p["stage"]),
            "created": timezone.localtime(p["created_at"]).date().isoformat(),
        }
        for p in qs
    ]


def _needs_rows(street, year, committees) -> list[dict]:
    cats = {k: str(v) for k, v in Category.choices}
    answered = ~Q(status=Need.Status.OPEN) | Q(merged_into__isnull=False)
    qs = (
        Need.objects.filter(committee__street=street, created_at__year=year)
        .values("committee_id", "category")
        .annotate(
            received=Count("id"),
            answered=Count("id", filter=answered),
            became_project=Count("id", filter=Q(status=Need.Status.PROJECT)),
        )
        .order_by("committee_id", "category")
    )
    return [
        {
            "committee": committees.get(r["committee_id"], ""),
            "category": cats.get(r["category"], r["category"]),
            "received": suppress(r["received"]),
            "answered": suppress(r["answered"]),
            "became_project": suppress(r["became_project"]),
        }
        for r in qs
    ]


def _notices_rows(street, year, committees) -> list[dict]:
    from linli.notices.models import NoticeKind

    kinds = {k: str(v) for k, v in NoticeKind.choices}
    qs = (
        public_notices()
        .filter(committee__street=street, starts_at__year=year)
        .order_by("starts_at", "id")
    )
    return [
        {
            "notice_id": n.pk,
            "committee": committees.get(n.committee_id, ""),
            "kind": kinds.get(n.kind, n.kind),
            "title": n.title,
            "starts": timezone.localtime(n.starts_at).date().isoformat(),
            "ends": timezone.localtime(n.ends_at).date().isoformat() if n.ends_at else "",
            "project_id": n.project_id or "",
        }
        for n in qs
    ]


def _votes_rows(street, year, committees) -> list[dict]:
    kinds = {k: str(v) for k, v in Vote.Kind.choices}
    rows = []
    for v in (
        closed_votes()
        .filter(committee__street=street, result__closed_at__year=year)
        .order_by("result__closed_at", "id")
    ):
        s = vote_summary(v)
        c = v.result.counts.get("choices") or {}
        small = int(v.result.counts.get("electors", 0)) < min_count()
        rows.append(
            {
                "vote_id": v.pk,
                "committee": committees.get(v.committee_id, ""),
                "kind": kinds.get(v.kind, v.kind),
                "title": v.title,
                "closed": timezone.localtime(v.result.closed_at).date().isoformat(),
                "electors": s["electors"],
                "ballots": s["ballots"],
                "agree": suppress(int(c["agree"])) if "agree" in c else "",
                "disagree": suppress(int(c["disagree"])) if "disagree" in c else "",
                "abstain": suppress(int(c["abstain"])) if "abstain" in c else "",
                "participation_pct": _pct_cell(s["participation_pct"], small),
                "agree_pct": _pct_cell(s["agree_pct"], small),
                "passed": "" if s["passed"] is None else ("是" if s["passed"] else "否"),
            }
        )
    return rows


def _pct_cell(value, small: bool):
    if small:
        return suppressed_label()
    return "" if value is None else value


def _accounts_rows(street, year) -> list[dict]:
    rows = []
    for plan in plans_with_books().filter(project__committee__street=street).order_by("project_id"):
        a = accounts_summary(plan, year=year)
        for r in a["income"]:
            rows.append(
                {"project_id": plan.project_id, "project": plan.project.title,
                 "direction": "收入", "category": r["label"], "yuan": r["yuan"]}
            )  # fmt: skip
        for r in a["spending"]:
            rows.append(
                {"project_id": plan.project_id, "project": plan.project.title,
                 "direction": "支出", "category": r["item"], "yuan": r["yuan"]}
            )  # fmt: skip
    return rows
