"""Checking answers against the questions, with skip logic. Used by the response service."""

from __future__ import annotations

from typing import Any

from linli.core.errors import ServiceError
from linli.core.validators import SCRIPT_RE
from linli.surveys.models import LONG_TEXT_MAX, SHORT_TEXT_MAX, Question


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _fail(q: Question, message: str) -> None:
    raise ServiceError(f"第{q.position}题：{message}", code="invalid_answer")


def clean_value(q: Question, value: Any) -> Any:
    """The canonical stored form of one non-empty answer, or a ServiceError in Chinese."""
    kind = q.kind
    if kind == Question.Kind.SINGLE:
        if not isinstance(value, str) or value not in q.options:
            _fail(q, "请从选项中选择一项")
        return value
    if kind == Question.Kind.MULTIPLE:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or any(v not in q.options for v in value):
            _fail(q, "请从选项中选择")
        if len(set(value)) != len(value):
            _fail(q, "选项重复")
        return [o for o in q.options if o in value]  # options' order
    if kind == Question.Kind.RATING:
        try:
            n = int(value)
        except (TypeError, ValueError):
            n = 0
        if isinstance(value, bool) or str(value).strip() not in {str(n)} or not 1 <= n <= 5:
            _fail(q, "评分应为 1 到 5 分")
        return n
    if kind == Question.Kind.RANKING:
        if not isinstance(value, list) or sorted(value) != sorted(q.options):
            _fail(q, "请为每个选项排出不重复的名次")
        return list(value)
    if kind == Question.Kind.MATRIX:
        if not isinstance(value, dict):
            _fail(q, "答案格式不正确")
        out = {}
        for row, choice in value.items():
            if row not in q.rows:
                _fail(q, f"没有“{row}”这一行")
            if _empty(choice):
                continue
            if choice not in q.options:
                _fail(q, f"“{row}”请从选项中选择")
            out[row] = choice
        if q.required and len(out) != len(q.rows):
            missing = "、".join(r for r in q.rows if r not in out)
            _fail(q, f"请为每一行作答（未答：{missing}）")
        return {r: out[r] for r in q.rows if r in out}
    if kind in (Question.Kind.SHORT, Question.Kind.LONG):
        if not isinstance(value, str):
            _fail(q, "答案应为文字")
        text = value.strip()
        limit = SHORT_TEXT_MAX if kind == Question.Kind.SHORT else LONG_TEXT_MAX
        if len(text) > limit:
            _fail(q, f"最多 {limit} 个字，现在 {len(text)} 个字")
        if SCRIPT_RE.search(text):
            _fail(q, "文本中不能包含脚本或网页代码")
        return text
    _fail(q, "未知题型")  # pragma: no cover


def clean_answers(questions: list[Question], raw: dict[int, Any]) -> dict[int, Any]:
    """Validate all answers (keyed by question id) following skip logic.

    Questions jumped over are not asked: answers given to them are dropped. Required
    questions on the path must be answered. Unknown question ids are refused.
    """
    by_id = {q.pk: q for q in questions}
    unknown = [k for k in raw if k not in by_id]
    if unknown:
        raise ServiceError("答案中包含不属于本问卷的题目", code="invalid_answer")
    ordered = sorted(questions, key=lambda q: q.position)
    cleaned: dict[int, Any] = {}
    missing: list[int] = []
    skip_to = 0
    for q in ordered:
        if q.position < skip_to:
            continue
        value = raw.get(q.pk)
        if isinstance(value, str):
            value = value.strip()
        if isinstance(value, dict):
            value = {k: v for k, v in value.items() if not _empty(v)}
        if _empty(value):
            if q.required:
                missing.append(q.position)
            continue
        cleaned[q.pk] = clean_value(q, value)
        if q.kind == Question.Kind.SINGLE and cleaned[q.pk] in (q.skip or {}):
            skip_to = int(q.skip[cleaned[q.pk]])
    if missing:
        raise ServiceError(
            "以下必答题尚未作答：" + "、".join(f"第{p}题" for p in missing), code="required"
        )
    if not cleaned:
        raise ServiceError("请至少回答一道题", code="empty")
    return cleaned


def visible_path(questions: list[Question], answers: dict[int, Any]) -> list[int]:
    """Positions of the questions a respondent with these answers was asked."""
    out = []
    skip_to = 0
    for q in sorted(questions, key=lambda q: q.position):
        if q.position < skip_to:
            continue
        out.append(q.position)
        v = answers.get(q.pk)
        if q.kind == Question.Kind.SINGLE and v in (q.skip or {}):
            skip_to = int(q.skip[v])
    return out
