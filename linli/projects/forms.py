"""Forms for project pages; the committee is chosen among those the user manages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.places.models import Compound
from linli.places.selectors import committees_managed_by
from linli.projects.models import Stage


class ProjectCreateForm(forms.Form):
    committee = forms.ModelChoiceField(
        label=_("所属居委会"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("请选择您管理的居委会")},
    )
    title = forms.CharField(label=_("项目名称"), max_length=80)
    summary = forms.CharField(
        label=_("项目简介"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    compounds = forms.ModelMultipleChoiceField(
        label=_("涉及小区"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("所选小区不存在或不属于您管理的居委会")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        committees = committees_managed_by(user).order_by("street__name", "name")
        self.fields["committee"].queryset = committees
        self.fields["compounds"].queryset = (
            Compound.objects.filter(committee__in=committees)
            .select_related("committee")
            .order_by("committee__name", "name")
        )
        self.fields["compounds"].label_from_instance = lambda c: f"{c.committee.name} · {c.name}"

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("请填写项目名称"))
        return title

    def clean(self):
        data = super().clean()
        committee = data.get("committee")
        for compound in data.get("compounds") or []:
            if committee is not None and compound.committee_id != committee.pk:
                self.add_error(
                    "compounds",
                    _("所选小区“%(name)s”不属于%(committee)s")
                    % {"name": compound.name, "committee": committee.name},
                )
        return data


class StageChangeForm(forms.Form):
    to_stage = forms.ChoiceField(
        label=_("目标阶段"),
        choices=Stage.choices,
        error_messages={"invalid_choice": _("目标阶段不存在")},
    )
    note = forms.CharField(
        label=_("说明"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("进展记录"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写进展内容")},
    )


class ProjectFilterForm(forms.Form):
    committee = forms.IntegerField(required=False)
    street = forms.IntegerField(required=False)
    stage = forms.ChoiceField(choices=[("", "")] + list(Stage.choices), required=False)
    q = forms.CharField(required=False, max_length=80)
