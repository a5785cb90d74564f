"""Survey results: counts and percentages, cross-tabulations, clustered free text, rate."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.utils import timezone

from linli.engine.textcluster import NeedText, cluster_needs
from linli.surveys import selectors
from linli.surveys.models import Answer, Question, Response, Survey

AGE_GROUPS = ["30岁以下", "30–44岁", "45–59岁", "60–74岁", "75岁及以上", "年龄未知"]
CROSSTAB_KINDS = ("single", "multiple", "rating")


def age_group(birth_year: int | None, year: int) -> str:
    if birth_year is None:
        return AGE_GROUPS[-1]
    age = year - birth_year
    for limit, label in zip((30, 45, 60, 75), AGE_GROUPS, strict=False):
        if age < limit:
            return label
    return AGE_GROUPS[4]


def _pct(n: int, total: int) -> float:
    return round(100 * n / total, 1) if total else 0.0


def _categories(q: Question) -> list[str]:
    if q.kind == Question.Kind.RATING:
        return [str(i) for i in range(1, 6)]
    return list(q.options)


def _picked(q: Question, value) -> list[str]:
    if q.kind == Question.Kind.MULTIPLE:
        return list(value)
    return [str(value)]


def survey_results(survey: Survey) -> dict:
    """Everything the results page, the API and the charts show, as plain JSON."""
    questions = list(survey.questions.all())
    responses = list(
        Response.objects.filter(survey=survey).select_related("building", "building__compound")
    )
    n = len(responses)
    audience = selectors.audience_size(survey)
    year = timezone.localdate().year
    resp_building = {
        r.pk: (f"{r.building.compound.name}{r.building.number}" if r.building else "未登记楼栋")
        for r in responses
    }
    resp_age = {r.pk: age_group(r.birth_year, year) for r in responses}
    by_q: dict[int, list[Answer]] = defaultdict(list)
    for a in Answer.objects.filter(response__survey=survey).order_by("response_id"):
        by_q[a.question_id].append(a)
    channels = Counter(r.channel for r in responses)
    out_questions = []
    for q in questions:
        answers = by_q.get(q.pk, [])
        item: dict = {
            "id": q.pk,
            "position": q.position,
            "kind": q.kind,
            "kind_label": q.get_kind_display(),
            "text": q.text,
            "answered": len(answers),
        }
        if q.kind in ("single", "multiple", "rating"):
            cats = _categories(q)
            counts = Counter()
            for a in answers:
                counts.update(_picked(q, a.value))
            base = len(answers)
            item["rows"] = [
                {"label": c, "count": counts[c], "percent": _pct(counts[c], base)} for c in cats
            ]
            if q.kind == "rating":
                item["mean"] = round(sum(a.value for a in answers) / base, 2) if base else None
            item["crosstab"] = {
                "building": _crosstab(q, answers, resp_building, cats),
                "age": _crosstab(q, answers, resp_age, cats, order=AGE_GROUPS),
            }
        elif q.kind == "ranking":
            k = len(q.options)
            points = Counter()
            firsts = Counter()
            for a in answers:
                for i, opt in enumerate(a.value):
                    points[opt] += k - i
                firsts[a.value[0]] += 1
            base = len(answers)
            item["rows"] = sorted(
                (
                    {
                        "label": o,
                        "score": points[o],
                        "mean_rank": round(sum(a.value.index(o) + 1 for a in answers) / base, 2)
                        if base
                        else None,
                        "first": firsts[o],
                        "percent": _pct(firsts[o], base),
                    }
                    for o in q.options
                ),
                key=lambda r: (-r["score"], q.options.index(r["label"])),
            )
        elif q.kind == "matrix":
            base = len(answers)
            item["columns"] = list(q.options)
            item["matrix"] = []
            for row in q.rows:
                c = Counter(a.value.get(row) for a in answers if a.value.get(row))
                item["matrix"].append(
                    {
                        "row": row,
                        "cells": [
                            {"label": o, "count": c[o], "percent": _pct(c[o], base)}
                            for o in q.options
                        ],
                    }
                )
        else:
            texts = [NeedText(id=str(a.pk), text=a.value) for a in answers if a.value]
            clusters = cluster_needs(texts) if texts else []
            item["clusters"] = [
                {
                    "label": c.label or c.members[0].text[:12],
                    "size": c.size,
                    "representative": c.members[0].text,
                    "texts": [m.text for m in c.members],
                }
                for c in clusters
            ]
        out_questions.append(item)
    return {
        "survey": survey.pk,
        "title": survey.title,
        "status": survey.status,
        "unit": survey.unit,
        "responses": n,
        "audience": audience,
        "response_rate": _pct(n, audience),
        "channels": {c: channels.get(c, 0) for c in Response.Channel.values},
        "questions": out_questions,
    }


def _crosstab(q, answers, groups_by_response, cats, order=None) -> dict:
    table: dict[str, Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    for a in answers:
        g = groups_by_response[a.response_id]
        totals[g] += 1
        table[g].update(_picked(q, a.value))
    names = [g for g in order if g in table] if order else sorted(table)
    return {
        "columns": cats,
        "rows": [
            {
                "group": g,
                "total": totals[g],
                "cells": [
                    {"count": table[g][c], "percent": _pct(table[g][c], totals[g])} for c in cats
                ],
            }
            for g in names
        ],
    }
