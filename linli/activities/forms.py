"""Forms of the activity pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.activities.models import MAX_CAPACITY, Activity, ActivityKind, Audience
from linli.implementation.forms import UserByMobileField

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ActivityForm(forms.Form):
    """Create an activity of one street; the choices are limited to that street."""

    kind = forms.ChoiceField(label=_("活动类型"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("活动名称"), max_length=80)
    description = forms.CharField(
        label=_("活动介绍"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    audience = forms.ChoiceField(label=_("面向"), choices=Audience.choices)
    organiser = forms.ChoiceField(label=_("主办方"), choices=Activity.Organiser.choices)
    starts_at = forms.DateTimeField(
        label=_("开始时间"), widget=DT, input_formats=["%Y-%m-%dT%H:%M"]
    )
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DT, input_formats=["%Y-%m-%dT%H:%M"])
    capacity = forms.IntegerField(label=_("名额"), min_value=1, max_value=MAX_CAPACITY)
    place = forms.CharField(label=_("地点"), max_length=100, required=False)

    def __init__(self, *args, street, user, **kwargs):
        super().__init__(*args, **kwargs)
        from linli.partners.models import PartnerCommittee, PartnerTeam
        from linli.places.models import Committee, Compound, MicroSpace
        from linli.projects.models import Project

        street_wide = user.has_perm("partners.manage_organisation", street)
        committees = Committee.objects.filter(street=street).order_by("name")
        if not street_wide:
            from linli.accounts.scopes import scopes_for

            committees = committees.filter(id__in=scopes_for(user).managed_committee_ids)
        self.fields["committee"] = forms.ModelChoiceField(
            label=_("居委会"),
            queryset=committees,
            required=not street_wide,
            empty_label=_("全街道"),
        )
        self.fields["partner_committee"] = forms.ModelChoiceField(
            label=_("主办的合伙人委员会"),
            queryset=PartnerCommittee.objects.filter(organisation__street=street),
            required=False,
            empty_label=_("无"),
        )
        self.fields["teams"] = forms.ModelMultipleChoiceField(
            label=_("参与的合伙人团队"),
            queryset=PartnerTeam.objects.filter(organisation__street=street).order_by("name"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["compound"] = forms.ModelChoiceField(
            label=_("小区"),
            queryset=Compound.objects.filter(committee__in=committees).order_by("name"),
            required=False,
            empty_label=_("不限"),
        )
        self.fields["microspace"] = forms.ModelChoiceField(
            label=_("小微空间"),
            queryset=MicroSpace.objects.filter(compound__committee__in=committees)
            .select_related("compound")
            .order_by("compound__name", "name"),
            required=False,
            empty_label=_("不限"),
        )
        self.fields["projects"] = forms.ModelMultipleChoiceField(
            label=_("关联项目"),
            queryset=Project.objects.filter(committee__in=committees).order_by("-id"),
            required=False,
        )


class OfflineSignInForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    birth_year = forms.IntegerField(
        label=_("出生年份"), required=False, min_value=1900, max_value=2100
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)


class PhotoForm(forms.Form):
    image = forms.ImageField(label=_("照片"))
    caption = forms.CharField(label=_("说明"), max_length=100, required=False)


class EntryForm(forms.Form):
    title = forms.CharField(label=_("作品名称"), max_length=80)
    author = forms.CharField(label=_("作者"), max_length=80)
    description = forms.CharField(
        label=_("作品说明"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class JurorForm(forms.Form):
    user = UserByMobileField(label=_("评委手机号"))


class ScoreForm(forms.Form):
    score = forms.IntegerField(label=_("评分（1–10）"), min_value=1, max_value=10)
    comment = forms.CharField(label=_("评语"), max_length=200, required=False)


class ProjectLinkForm(forms.Form):
    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        from linli.projects.models import Project

        self.fields["project"] = forms.ModelChoiceField(
            label=_("关联项目"),
            queryset=Project.objects.filter(committee__street_id=activity.street_id).order_by(
                "-id"
            ),
        )
