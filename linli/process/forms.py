"""Forms of the process pages; choices are the project's own records only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.process import selectors
from linli.process.models import ConflictCause


class DecisionLinkForm(forms.Form):
    record = forms.ChoiceField(
        label=_("决定本项目的记录"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择决定本项目的表决结果或会议决议"),
            "invalid_choice": _("所选记录不存在或不属于本项目"),
        },
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {key: obj for key, _label, obj in selectors.decision_candidates(project)}
        self.fields["record"].choices = [
            (key, label) for key, label, _obj in selectors.decision_candidates(project)
        ]

    def records(self) -> dict:
        obj = self.candidates[self.cleaned_data["record"]]
        if self.cleaned_data["record"].startswith("vote:"):
            return {"vote_result": obj}
        return {"resolution": obj}


class ConflictOpenForm(forms.Form):
    cause = forms.ChoiceField(
        label=_("起因"),
        choices=ConflictCause.choices,
        error_messages={"invalid_choice": _("矛盾起因不存在")},
    )
    notice = forms.ModelChoiceField(
        label=_("引起异议的公示"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("所选公示不属于本项目")},
    )
    vote = forms.ModelChoiceField(
        label=_("未通过的表决"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("所选表决不属于本项目或已通过")},
    )
    description = forms.CharField(
        label=_("情况说明"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写情况说明")},
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notice"].queryset = selectors.objection_notices(project)
        self.fields["vote"].queryset = selectors.failed_votes(project)


class ConflictResolveForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label=_("化解矛盾的会议（矛盾协调会、协调会或听证会）"),
        queryset=None,
        error_messages={
            "required": _("请选择化解矛盾的会议"),
            "invalid_choice": _("所选会议不属于本项目"),
        },
    )
    resolution = forms.CharField(
        label=_("化解结果"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写化解结果")},
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = selectors.conflict_meetings(project)


class DistrictConfigForm(forms.Form):
    party_first = forms.BooleanField(
        label=_("党员先知晓、先协商、先统一：项目离开“方案与决策”前须先召开党员议事会"),
        required=False,
    )
