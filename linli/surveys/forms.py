"""Reading an answer form (phone or paper entry) into the canonical answer shapes."""

from __future__ import annotations

from typing import Any

from linli.surveys.models import Question


def answers_from_post(questions: list[Question], post) -> dict[int, Any]:
    """Field names: q<id> (single, rating, text), q<id> repeated (multiple),
    q<id>_<option index> = rank (ranking), q<id>_r<row index> = option (matrix)."""
    raw: dict[int, Any] = {}
    for q in questions:
        name = f"q{q.pk}"
        if q.kind == Question.Kind.MULTIPLE:
            raw[q.pk] = post.getlist(name)
        elif q.kind == Question.Kind.RANKING:
            ranks = {}
            for i, opt in enumerate(q.options):
                r = (post.get(f"{name}_{i}") or "").strip()
                if r:
                    ranks[opt] = r
            if not ranks:
                raw[q.pk] = []
            else:
                try:
                    ordered = sorted(ranks.items(), key=lambda kv: int(kv[1]))
                    nums = sorted(int(v) for v in ranks.values())
                except ValueError:
                    raw[q.pk] = ["?"]
                    continue
                ok = len(ranks) == len(q.options) and nums == list(range(1, len(q.options) + 1))
                raw[q.pk] = [o for o, _ in ordered] if ok else ["?"]
        elif q.kind == Question.Kind.MATRIX:
            raw[q.pk] = {row: post.get(f"{name}_r{i}", "") for i, row in enumerate(q.rows)}
        else:
            raw[q.pk] = post.get(name, "")
    return raw
