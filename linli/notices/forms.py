"""Forms for notice pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.notices.models import NoticeKind
from linli.notices.validators import MAX_ATTACHMENTS
from linli.places.selectors import committees_managed_by
from linli.projects.models import Project


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service (type and size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        if not isinstance(data, list | tuple):
            data = [data]
        if len(data) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("附件最多%(n)s个") % {"n": MAX_ATTACHMENTS})
        return [super(MultipleFileField, self).clean(d, initial) for d in data]


class NoticeCreateForm(forms.Form):
    committee = forms.ModelChoiceField(
        label=_("居委会"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("请选择您管理的居委会")},
    )
    kind = forms.ChoiceField(label=_("公示类型"), choices=NoticeKind.choices)
    project = forms.ModelChoiceField(
        label=_("所属项目"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("所选项目不存在或不在您的范围内")},
    )
    title = forms.CharField(label=_("标题"), max_length=100)
    body = forms.CharField(
        label=_("公示内容"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8})
    )
    posted_online = forms.BooleanField(label=_("网上公示"), required=False, initial=True)
    boards = forms.CharField(
        label=_("张贴的公告栏（每行一个）"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    days = forms.IntegerField(
        label=_("公示天数（不填按类型默认，一般为7天）"),
        min_value=1,
        max_value=90,
        required=False,
        error_messages={
            "min_value": _("公示期应在1到90天之间"),
            "max_value": _("公示期应在1到90天之间"),
        },
    )
    attachments = MultipleFileField(label=_("附件（图片或PDF，每个不超过5MB）"), required=False)
    publish = forms.BooleanField(label=_("立即发布"), required=False, initial=True)
    subject = forms.CharField(required=False, widget=forms.HiddenInput, max_length=80)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        committees = committees_managed_by(user).order_by("name")
        self.fields["committee"].queryset = committees
        self.fields["project"].queryset = Project.objects.filter(committee__in=committees).order_by(
            "-created_at"
        )


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        label=_("异议理由"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写异议理由")},
    )
    attachments = MultipleFileField(label=_("附件（图片或PDF，每个不超过5MB）"), required=False)


class ResponseForm(forms.Form):
    response = forms.CharField(
        label=_("答复"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写答复内容")},
    )


class ExtendForm(forms.Form):
    ends_at = forms.DateTimeField(
        label=_("新的截止时间"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("请填写正确的截止时间"), "required": _("请填写新的截止时间")},
    )
    reason = forms.CharField(label=_("延长原因"), max_length=500)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=500)


def parse_subject(value: str | None) -> tuple[str | None, str | None]:
    """``"deliberation.minutes:12"`` → ``("deliberation.minutes", "12")``."""
    if not value:
        return None, None
    label, _sep, pk = str(value).partition(":")
    return label or None, pk or None
