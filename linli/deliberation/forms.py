"""Forms for meeting pages; choices are limited to what the user may act on."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import Role
from linli.accounts.scopes import scopes_for
from linli.deliberation.meeting_types import Convener, MeetingKind
from linli.deliberation.models import SiyiStep
from linli.places.models import Building, Committee, Compound
from linli.places.ordering import natural_places
from linli.projects.models import Project


class MeetingCreateForm(forms.Form):
    committee = forms.ModelChoiceField(
        label=_("居委会"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("请选择您可以召集会议的居委会")},
    )
    kind = forms.ChoiceField(label=_("会议类型"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("会议名称"), max_length=80)
    convener = forms.ChoiceField(label=_("召集方"), choices=Convener.choices)
    compound = forms.ModelChoiceField(
        label=_("范围：小区（业主会议必选）"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("所选小区不存在或不在您的范围内")},
    )
    project = forms.ModelChoiceField(
        label=_("所属项目"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("所选项目不存在或不在您的范围内")},
    )
    starts_at = forms.DateTimeField(
        label=_("开始时间"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("请填写正确的开始时间"), "required": _("请填写开始时间")},
    )
    location = forms.CharField(label=_("地点"), max_length=100, required=False)
    expected_count = forms.IntegerField(
        label=_("应到人数"),
        min_value=1,
        max_value=100000,
        error_messages={"min_value": _("应到人数至少为1"), "invalid": _("应到人数应为整数")},
    )
    invitee_roles = forms.MultipleChoiceField(
        label=_("邀请角色（不选则范围内所有人）"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    invitee_buildings = forms.ModelMultipleChoiceField(
        label=_("邀请楼栋"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("所选楼栋不存在或不在您的范围内")},
    )
    invited_officials = forms.CharField(
        label=_("约请的街镇及职能部门代表"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scopes = scopes_for(user)
        oc_committees = Compound.objects.filter(id__in=scopes.owners_committee_compound_ids).values(
            "committee_id"
        )
        led_committees = Building.objects.filter(id__in=scopes.led_building_ids).values(
            "compound__committee_id"
        )
        committees = (
            Committee.objects.filter(id__in=scopes.managed_committee_ids)
            | Committee.objects.filter(id__in=oc_committees)
            | Committee.objects.filter(id__in=led_committees)
            | Committee.objects.filter(id__in=scopes.party_committee_ids)
        )
        committees = committees.distinct().order_by("name")
        self.fields["committee"].queryset = committees
        self.fields["compound"].queryset = Compound.objects.filter(
            committee__in=committees
        ).order_by("name")
        self.fields["project"].queryset = Project.objects.filter(committee__in=committees).order_by(
            "-created_at"
        )
        self.fields["invitee_buildings"].queryset = (
            Building.objects.filter(compound__committee__in=committees)
            .select_related("compound")
            .order_by("compound__name", "number")
        )
        self.fields["invitee_buildings"].label_from_instance = lambda b: (
            f"{b.compound.name} {b.number}"
        )
        natural_places(self.fields["invitee_buildings"])  # 1号楼 … 10号楼, by compound


class AgendaForm(forms.Form):
    title = forms.CharField(label=_("议题"), max_length=120)
    text = forms.CharField(
        label=_("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    project = forms.ModelChoiceField(
        label=_("关联项目"),
        queryset=Project.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("所选项目不属于本居委会")},
    )

    need = forms.ModelChoiceField(
        label=_("关联需求"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("所选需求不属于本居委会")},
    )
    design_option = forms.ModelChoiceField(
        label=_("关联设计方案"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("所选设计方案不属于本居委会")},
    )

    def __init__(self, *args, meeting, **kwargs):
        from linli.needs.models import Need
        from linli.planning.models import DesignOption

        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(committee_id=meeting.committee_id)
        self.fields["need"].queryset = Need.objects.filter(
            committee_id=meeting.committee_id, merged_into__isnull=True
        ).order_by("-id")
        self.fields["design_option"].queryset = DesignOption.objects.filter(
            round__project__committee_id=meeting.committee_id
        ).select_related("round")


class SignInForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    note = forms.CharField(label=_("楼栋/室号或身份"), max_length=60, required=False)
    observer = forms.BooleanField(label=_("列席（不计入应到人员）"), required=False)


class SiyiForm(forms.Form):
    step = forms.ChoiceField(label=_("环节"), choices=SiyiStep.Step.choices)
    meeting = forms.ModelChoiceField(label=_("对应会议"), queryset=None, required=False)
    note = forms.CharField(
        label=_("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        from linli.deliberation.models import Meeting

        self.fields["meeting"].queryset = Meeting.objects.filter(
            committee_id=project.committee_id
        ).order_by("-starts_at")


def minutes_rows(post, prefix: str, fields: tuple[str, ...], limit: int = 50) -> list[dict]:
    """Rows ``prefix-<i>-<field>`` of the minutes form, in order, as dicts."""
    rows = []
    for i in range(limit):
        row = {f: (post.get(f"{prefix}-{i}-{f}") or "").strip() for f in fields}
        if any(f"{prefix}-{i}-{f}" in post for f in fields):
            rows.append(row)
    return rows
