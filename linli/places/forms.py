"""Forms for registry pages; validation messages are Chinese."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.templatetags.linli import CONDITION_LABELS, MICROSPACE_KIND_LABELS
from linli.places.models import Building, MicroSpace
from linli.places.ordering import natural_places


class MicroSpaceForm(forms.ModelForm):
    class Meta:
        model = MicroSpace
        fields = [
            "name",
            "kind",
            "building",
            "condition",
            "rights_holder",
            "area_m2",
            "lat",
            "lng",
            "plan_x",
            "plan_y",
            "description",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "lat": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
            "lng": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
        }
        labels = {
            "name": _("名称"),
            "kind": _("类型"),
            "building": _("所属楼栋"),
            "condition": _("现状"),
            "rights_holder": _("产权人"),
            "area_m2": _("面积（㎡）"),
            "lat": _("纬度"),
            "lng": _("经度"),
            "plan_x": _("总平面图横坐标（0-1）"),
            "plan_y": _("总平面图纵坐标（0-1）"),
            "description": _("描述"),
        }
        help_texts = {
            "lat": _("可在手机地图上长按获取，留空则不在地图上显示"),
            "plan_x": _("在小区总平面图上的位置，0为最左，1为最右"),
            "plan_y": _("0为最上，1为最下"),
        }

    def __init__(self, *args, compound, **kwargs):
        super().__init__(*args, **kwargs)
        self.compound = compound
        if self.instance.compound_id is None:
            self.instance.compound = compound
        self.fields["building"].queryset = Building.objects.filter(compound=compound)
        natural_places(self.fields["building"])
        self.fields["building"].required = False
        self.fields["kind"].choices = [("", "---------")] + [
            (value, MICROSPACE_KIND_LABELS.get(value, label))
            for value, label in MicroSpace.Kind.choices
        ]
        self.fields["condition"].choices = [
            (value, CONDITION_LABELS.get(value, label))
            for value, label in MicroSpace.Condition.choices
        ]

    def clean(self):
        data = super().clean()
        lat, lng = data.get("lat"), data.get("lng")
        if (lat is None) != (lng is None):
            raise forms.ValidationError(_("纬度和经度需同时填写或同时留空"))
        px, py = data.get("plan_x"), data.get("plan_y")
        if (px is None) != (py is None):
            raise forms.ValidationError(_("总平面图横、纵坐标需同时填写或同时留空"))
        return data


class MicroSpacePhotoForm(forms.Form):
    image = forms.ImageField(
        label=_("照片"),
        error_messages={
            "required": _("请选择照片"),
            "invalid_image": _("请上传有效的图片文件（JPG、PNG等）"),
        },
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    caption = forms.CharField(label=_("说明"), max_length=100, required=False)
    taken_at = forms.DateField(
        label=_("拍摄日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("日期格式应为 年-月-日")},
    )
