"""Reading an answer form (phone or paper entry) into the canonical answer shapes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.places.models import Building, Committee, Compound
from linli.surveys.models import Question, Survey

_CHOICE = {"invalid_choice": _("所选项不存在或不在您的范围内")}


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


class SurveyCreateForm(forms.Form):
    """The new-survey page (its markup is hand-written in surveys/create.html). The form
    only reads the choices in the user's scope; the service judges the rest (title, scope)."""

    committee = forms.ModelChoiceField(queryset=None, error_messages=_CHOICE)
    title = forms.CharField(max_length=100, required=False)
    description = forms.CharField(max_length=2000, required=False)
    scope = forms.ChoiceField(choices=Survey.Scope.choices, required=False)
    compound = forms.ModelChoiceField(queryset=None, required=False, error_messages=_CHOICE)
    building = forms.ModelChoiceField(queryset=None, required=False, error_messages=_CHOICE)
    unit = forms.ChoiceField(choices=Survey.Unit.choices, required=False)

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [c.pk for c in committees]
        self.fields["committee"].queryset = Committee.objects.filter(pk__in=ids)
        self.fields["compound"].queryset = Compound.objects.filter(committee_id__in=ids).order_by(
            "name"
        )
        self.fields["building"].queryset = Building.objects.filter(
            compound__committee_id__in=ids
        ).select_related("compound")

    def clean_scope(self) -> str:
        return self.cleaned_data["scope"] or Survey.Scope.COMMITTEE

    def clean_unit(self) -> str:
        return self.cleaned_data["unit"] or Survey.Unit.RESIDENT
