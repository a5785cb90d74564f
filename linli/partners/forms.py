"""Forms of the partner pages. Amounts are typed in yuan and cleaned to integer fen."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.implementation.forms import DATE, YuanField
from linli.partners.models import (
    CoBuildingUnit,
    Contribution,
    Partner,
    PartnerCommittee,
    PartnerOrganisation,
    Profession,
)
from linli.places.models import Committee


def _committee_field(org: PartnerOrganisation):
    return forms.ModelChoiceField(
        label=_("所在居民区"),
        queryset=Committee.objects.filter(street_id=org.street_id).order_by("name"),
        empty_label=_("请选择"),
    )


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("组织名称"), max_length=60, help_text=_("如：境聚里社区合伙人"))
    intro = forms.CharField(label=_("简介"), max_length=1000, required=False, widget=forms.Textarea)


class ApplyForm(forms.Form):
    profession = forms.ChoiceField(
        label=_("职业"), choices=[("", _("请选择"))] + Profession.choices
    )
    skills = forms.CharField(
        label=_("专长"), max_length=200, required=False, help_text=_("如：儿科医生、会画画、懂法律")
    )
    workplace = forms.CharField(label=_("工作单位"), max_length=80, required=False)
    birth_year = forms.IntegerField(
        label=_("出生年份"), required=False, min_value=1900, max_value=2100
    )
    motivation = forms.CharField(
        label=_("参与意愿"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, organisation: PartnerOrganisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"home_committee": _committee_field(organisation), **self.fields}


class RecommendForm(ApplyForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    mobile = forms.CharField(
        label=_("手机号"), max_length=11, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    recommendation = forms.CharField(
        label=_("推荐理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, organisation=organisation, **kwargs)
        self.fields.pop("motivation")
        order = [
            "name",
            "mobile",
            "home_committee",
            "profession",
            "skills",
            "workplace",
            "birth_year",
            "recommendation",
        ]
        self.fields = {k: self.fields[k] for k in order}


def _pc_field(org, label, required=False):
    return forms.ModelChoiceField(
        label=label,
        queryset=PartnerCommittee.objects.filter(organisation=org),
        required=required,
        empty_label=_("暂不分配"),
    )


def _partner_field(org, label, required=True):
    return forms.ModelChoiceField(
        label=label,
        queryset=Partner.objects.filter(organisation=org, status=Partner.Status.ACTIVE).order_by(
            "name"
        ),
        required=required,
        empty_label=_("请选择") if required else _("暂无"),
    )


class ApproveForm(forms.Form):
    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_committee"] = _pc_field(organisation, _("分配到委员会"))


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("未通过原因"), max_length=200)


class PartnerEditForm(forms.Form):
    in_secretariat = forms.BooleanField(label=_("秘书处成员"), required=False)
    secretariat_title = forms.CharField(label=_("秘书处职务"), max_length=30, required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"partner_committee": _pc_field(organisation, _("所属委员会")), **self.fields}


class CommitteeForm(forms.Form):
    duties = forms.CharField(label=_("职责"), max_length=200, required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "leader": _partner_field(organisation, _("主任"), required=False),
            **self.fields,
        }


class TeamForm(forms.Form):
    name = forms.CharField(label=_("团队名称"), max_length=60)
    purpose = forms.CharField(label=_("团队宗旨"), max_length=300, required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_committee"] = _pc_field(organisation, _("归口委员会"))
        self.fields["leader"] = _partner_field(organisation, _("队长"), required=False)


class MemberForm(forms.Form):
    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"] = _partner_field(organisation, _("合伙人"))


class UnitForm(forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=80)
    kind = forms.ChoiceField(label=_("类别"), choices=CoBuildingUnit.Kind.choices)
    contact = forms.CharField(label=_("联系人及电话"), max_length=60, required=False)
    offers = forms.CharField(label=_("可提供的资源"), max_length=300, required=False)
    signed_on = forms.DateField(label=_("签约共建日期"), required=False, widget=DATE)


class ContributionForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=Contribution.Kind.choices)
    description = forms.CharField(label=_("贡献内容"), max_length=200)
    hours = forms.DecimalField(
        label=_("时长（小时）"), required=False, max_digits=6, decimal_places=1
    )
    amount_fen = YuanField(label=_("金额（元）"), required=False)
    on_date = forms.DateField(label=_("日期"), widget=DATE)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        from linli.activities.models import Activity
        from linli.projects.models import Project

        self.fields = {
            "partner": _partner_field(organisation, _("合伙人"), required=False),
            "unit": forms.ModelChoiceField(
                label=_("或：共建单位"),
                queryset=CoBuildingUnit.objects.filter(
                    street_id=organisation.street_id, active=True
                ),
                required=False,
                empty_label=_("无"),
            ),
            **self.fields,
            "project": forms.ModelChoiceField(
                label=_("关联项目"),
                queryset=Project.objects.filter(
                    committee__street_id=organisation.street_id
                ).order_by("-id"),
                required=False,
                empty_label=_("无"),
            ),
            "activity": forms.ModelChoiceField(
                label=_("关联活动"),
                queryset=Activity.objects.filter(street_id=organisation.street_id).order_by(
                    "-starts_at"
                ),
                required=False,
                empty_label=_("无"),
            ),
        }
