"""Survey files: responses as .xlsx (one row per response) and the printable questionnaire."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from linli.core.documents import render_pdf
from linli.surveys.models import Answer, Question, Response, Survey


def _cell(q: Question, value) -> str | int:
    if value is None:
        return ""
    if q.kind == Question.Kind.MULTIPLE:
        return "、".join(value)
    if q.kind == Question.Kind.RANKING:
        return " > ".join(value)
    if q.kind == Question.Kind.MATRIX:
        return "；".join(f"{r}：{v}" for r, v in value.items())
    return value


def responses_xlsx(survey: Survey) -> bytes:
    questions = list(survey.questions.all())
    wb = Workbook()
    ws = wb.active
    ws.title = "答卷"
    head = ["答卷编号", "提交时间", "渠道", "楼栋", "出生年份"] + [
        f"{q.position}. {q.text}" for q in questions
    ]
    ws.append(head)
    for c in ws[1]:
        c.font = Font(bold=True)
    answers: dict[int, dict[int, object]] = {}
    for a in Answer.objects.filter(response__survey=survey):
        answers.setdefault(a.response_id, {})[a.question_id] = a.value
    for r in Response.objects.filter(survey=survey).select_related(
        "building", "building__compound"
    ):
        got = answers.get(r.pk, {})
        ws.append(
            [
                r.pk,
                r.submitted_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                r.get_channel_display(),
                f"{r.building.compound.name}{r.building.number}" if r.building else "",
                r.birth_year or "",
            ]
            + [_cell(q, got.get(q.pk)) for q in questions]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def questionnaire_pdf(survey: Survey) -> bytes:
    return render_pdf(
        "surveys/questionnaire_pdf.html",
        {"survey": survey, "questions": list(survey.questions.all())},
    )
