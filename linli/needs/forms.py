"""Page forms. Forms only parse input; the services decide (their Chinese messages are shown
on the form, with everything the resident typed kept)."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.needs.models import (
    OFFLINE_CHANNELS,
    TEXT_MAX,
    AgeGroup,
    Category,
    Channel,
    CostBand,
    Hazard,
    MeetingKind,
)
from linli.places.models import Building, Compound, MicroSpace
from linli.places.ordering import natural_places

OFFLINE_CHOICES = [(c, label) for c, label in Channel.choices if c in OFFLINE_CHANNELS]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files in one input; each is validated by the service (Pillow)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleImageField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _text_field(label: str, placeholder: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,  # the service says "请填写…" in its own words
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_MAX, "placeholder": placeholder}),
        # lazy: the field is built once at import, the help text is read per request
        help_text=lazy(lambda: _("最多%(TEXT_MAX)s字") % {"TEXT_MAX": TEXT_MAX}, str)(),
    )


class PlaceFields(forms.Form):
    """Building / micro-space choices limited to one committee."""

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.committee = committee
        if "building" in self.fields:
            self.fields["building"].queryset = Building.objects.filter(
                compound__committee=committee
            ).select_related("compound")
        if "microspace" in self.fields:
            self.fields["microspace"].queryset = MicroSpace.objects.filter(
                compound__committee=committee
            ).select_related("compound")
        if "compound" in self.fields:
            self.fields["compound"].queryset = Compound.objects.filter(committee=committee)
        # 1号楼 … 10号楼, grouped by compound; micro-spaces labelled with where they are
        natural_places(*(self.fields[f] for f in ("building", "microspace") if f in self.fields))


class NeedForm(PlaceFields):
    text = _text_field(
        gettext_lazy("您希望社区改善什么？"),
        gettext_lazy("例如：5号楼楼道灯坏了，晚上老人上下楼看不见"),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("类别"), choices=Category.choices, initial=Category.OTHER
    )
    building = forms.ModelChoiceField(
        label=gettext_lazy("相关楼栋（可不填）"), queryset=Building.objects.none(), required=False
    )
    microspace = forms.ModelChoiceField(
        label=gettext_lazy("相关小微空间（可不填）"),
        queryset=MicroSpace.objects.none(),
        required=False,
    )
    photos = MultipleImageField(
        label=gettext_lazy("照片（可不传，最多6张）"),
        help_text=gettext_lazy("JPG、PNG 或 WebP，每张不超过8MB"),
    )
    anonymous = forms.BooleanField(
        label=gettext_lazy("对其他居民匿名（居委会仍可看到您的姓名）"), required=False
    )
    share_location = forms.BooleanField(
        label=gettext_lazy("保留照片中的拍摄位置（默认会删除）"), required=False
    )
    compound = forms.ModelChoiceField(
        queryset=Compound.objects.none(), required=False, widget=forms.HiddenInput
    )
    lat = forms.DecimalField(
        required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6
    )
    lng = forms.DecimalField(
        required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6
    )
    plan_x = forms.DecimalField(
        required=False, widget=forms.HiddenInput, max_digits=5, decimal_places=4
    )
    plan_y = forms.DecimalField(
        required=False, widget=forms.HiddenInput, max_digits=5, decimal_places=4
    )


class OfflineNeedForm(PlaceFields):
    text = _text_field(
        gettext_lazy("听到的需求"), gettext_lazy("按居民原话记录，例如：阿拉楼道灯坏脱了")
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("收集渠道"),
        choices=OFFLINE_CHOICES,
    )
    meeting_kind = forms.ChoiceField(
        label=gettext_lazy("来自哪个会议（渠道为“会议”时必填）"),
        choices=MeetingKind.choices,
        required=False,
    )
    meeting_date = forms.DateField(
        label=gettext_lazy("会议日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("类别"), choices=Category.choices, initial=Category.OTHER
    )
    building = forms.ModelChoiceField(
        label=gettext_lazy("楼栋"), queryset=Building.objects.none(), required=False,
        help_text=gettext_lazy("楼组长请选择本楼栋"),
    )  # fmt: skip
    microspace = forms.ModelChoiceField(
        label=gettext_lazy("相关小微空间"), queryset=MicroSpace.objects.none(), required=False
    )
    reporter_label = forms.CharField(
        label=gettext_lazy("提出人（可写“3楼王阿姨”，可不填）"), max_length=50, required=False
    )
    reporter_age_group = forms.ChoiceField(
        label=gettext_lazy("提出人年龄段"), choices=AgeGroup.choices, initial=AgeGroup.UNKNOWN
    )
    photos = MultipleImageField(label=gettext_lazy("照片（可不传）"))


class OfflineSupportForm(PlaceFields):
    channel = forms.ChoiceField(label=gettext_lazy("渠道"), choices=OFFLINE_CHOICES)
    building = forms.ModelChoiceField(
        label=gettext_lazy("楼栋"), queryset=Building.objects.none(), required=False
    )
    age_group = forms.ChoiceField(
        label=gettext_lazy("年龄段"), choices=AgeGroup.choices, initial=AgeGroup.UNKNOWN
    )


class AssessForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("类别"), choices=Category.choices)
    households_affected = forms.IntegerField(
        label=gettext_lazy("影响户数（0 = 按楼栋户数自动计算）"), min_value=0, max_value=100000
    )
    safety_hazard = forms.TypedChoiceField(
        label=gettext_lazy("安全隐患"), choices=Hazard.choices, coerce=int
    )
    affects_elderly = forms.BooleanField(label=gettext_lazy("涉及老人"), required=False)
    affects_children = forms.BooleanField(label=gettext_lazy("涉及儿童"), required=False)
    cost_band = forms.ChoiceField(label=gettext_lazy("费用档次"), choices=CostBand.choices)


class WeightsForm(forms.Form):
    supporters = forms.DecimalField(
        label=gettext_lazy("提出或附议人数"), min_value=0, max_value=100, decimal_places=1
    )
    households = forms.DecimalField(
        label=gettext_lazy("影响户数"), min_value=0, max_value=100, decimal_places=1
    )
    safety = forms.DecimalField(
        label=gettext_lazy("安全隐患"), min_value=0, max_value=100, decimal_places=1
    )
    vulnerable = forms.DecimalField(
        label=gettext_lazy("老人与儿童"), min_value=0, max_value=100, decimal_places=1
    )
    cost = forms.DecimalField(
        label=gettext_lazy("费用档次（越省越高）"), min_value=0, max_value=100, decimal_places=1
    )


class ProjectForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("项目名称"), max_length=80)
    summary = forms.CharField(
        label=gettext_lazy("项目简介（不填则自动附上全部居民原话）"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class SpaceReportForm(PlaceFields):
    compound = forms.ModelChoiceField(label=gettext_lazy("小区"), queryset=Compound.objects.none())
    building = forms.ModelChoiceField(
        label=gettext_lazy("附近楼栋（可不填）"), queryset=Building.objects.none(), required=False
    )
    kind = forms.ChoiceField(label=gettext_lazy("空间类型"), choices=MicroSpace.Kind.choices)
    place = forms.CharField(
        label=gettext_lazy("具体位置"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("例如：5号楼北侧架空层")}),
    )
    problem = _text_field(
        gettext_lazy("它现在有什么问题？"), gettext_lazy("例如：堆满杂物，长期没人管")
    )
    photo = forms.FileField(
        label=gettext_lazy("照片"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )  # fmt: skip


class VerifySpaceForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("登记名称"), max_length=60)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=MicroSpace.Kind.choices)
    condition = forms.ChoiceField(
        label=gettext_lazy("现状"),
        choices=MicroSpace.Condition.choices,
        initial=MicroSpace.Condition.POOR,
    )
    rights_holder = forms.CharField(
        label=gettext_lazy("产权人（可不填）"), max_length=100, required=False
    )
