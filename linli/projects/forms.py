"""Forms for project pages; the committee is chosen among those the user manages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.places.models import Compound
from linli.places.selectors import committees_managed_by
from linli.projects.models import OwnersRights, ProjectKind, ProjectOrigin, Stage


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
    kind = forms.ChoiceField(
        label=_("项目类型"),
        choices=ProjectKind.choices,
        initial=ProjectKind.OTHER,
        required=False,
        error_messages={"invalid_choice": _("项目类型不存在")},
    )
    origin = forms.ChoiceField(
        label=_("项目来源"),
        choices=ProjectOrigin.choices,
        initial=ProjectOrigin.COMMITTEE,
        required=False,
        error_messages={"invalid_choice": _("项目来源不存在")},
    )
    origin_department = forms.CharField(
        label=_("委托部门（政府实事项目必填）"), max_length=80, required=False
    )
    owners_rights = forms.ChoiceField(
        label=_("涉及业主权利"),
        choices=OwnersRights.choices,
        initial=OwnersRights.NONE,
        required=False,
        error_messages={"invalid_choice": _("涉及业主权利的选项不存在")},
        help_text=_("涉及共有部分、维修资金或改变用途的，须经业主共同决定（民法典第278条）"),
    )
    needs = forms.ModelMultipleChoiceField(
        label=_("关联居民需求（来源为居民需求时至少选一条）"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("所选需求不存在、不属于您管理的居委会或已转为项目")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from linli.needs.models import Need

        committees = committees_managed_by(user).order_by("street__name", "name")
        self.fields["committee"].queryset = committees
        # the needs of the chosen committee (from the workbench: ?committee=…); a street or
        # district account choosing among many committees picks the committee first
        chosen = self.data.get("committee") if self.is_bound else self.initial.get("committee")
        chosen = str(chosen or "")
        needs = Need.objects.filter(
            committee__in=committees,
            status=Need.Status.OPEN,
            project__isnull=True,
            merged_into__isnull=True,
        )
        if chosen.isdigit():
            needs = needs.filter(committee_id=int(chosen))
        elif committees.count() > 1:
            needs = needs.none()
            self.fields["needs"].help_text = _("从居委会工作台“新建项目”可选择该居委会的需求")
        self.fields["needs"].queryset = needs.select_related("committee").order_by("-id")
        self.fields["needs"].label_from_instance = lambda n: (
            f"{n.committee.name} · #{n.pk} {n.text[:40]}"
        )
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
        for need in data.get("needs") or []:
            if committee is not None and need.committee_id != committee.pk:
                self.add_error(
                    "needs",
                    _("所选需求#%(n)s不属于%(committee)s")
                    % {"n": need.pk, "committee": committee.name},
                )
        _check_origin_fields(self, data)
        return data


def _check_origin_fields(form, data):
    # not sent (an older form, a script): the model's defaults
    data["kind"] = data.get("kind") or ProjectKind.OTHER
    data["origin"] = data.get("origin") or ProjectOrigin.COMMITTEE
    data["owners_rights"] = data.get("owners_rights") or OwnersRights.NONE
    if (
        data.get("origin") == ProjectOrigin.GOVERNMENT
        and not (data.get("origin_department") or "").strip()
    ):
        form.add_error("origin_department", _("政府实事项目须填写委托的职能部门"))
    if (
        data.get("origin") == ProjectOrigin.NEEDS
        and "needs" in form.fields
        and not data.get("needs")
    ):
        form.add_error("needs", _("来源为居民需求的项目须关联至少一条需求"))


class ProjectEditForm(forms.Form):
    title = forms.CharField(label=_("项目名称"), max_length=80)
    summary = forms.CharField(
        label=_("项目简介"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    kind = ProjectCreateForm.base_fields["kind"]
    origin = ProjectCreateForm.base_fields["origin"]
    origin_department = ProjectCreateForm.base_fields["origin_department"]
    owners_rights = ProjectCreateForm.base_fields["owners_rights"]

    def clean(self):
        data = super().clean()
        _check_origin_fields(self, data)
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
