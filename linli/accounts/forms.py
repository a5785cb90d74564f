"""Forms for logging in and for the profile page; messages in Chinese."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.validators import MOBILE_RE

MOBILE_WIDGET = forms.TextInput(
    attrs={"inputmode": "numeric", "autocomplete": "username", "maxlength": "11"}
)


def clean_mobile_value(value: str) -> str:
    value = (value or "").strip().replace(" ", "")
    if not MOBILE_RE.match(value):
        raise forms.ValidationError(_("手机号格式不正确，应为11位数字并以1开头"))
    return value


class PasswordLoginForm(forms.Form):
    mobile = forms.CharField(label=_("手机号"), max_length=20, widget=MOBILE_WIDGET)
    password = forms.CharField(
        label=_("密码"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_mobile(self):
        return clean_mobile_value(self.cleaned_data["mobile"])


class SmsRequestForm(forms.Form):
    mobile = forms.CharField(label=_("手机号"), max_length=20, widget=MOBILE_WIDGET)

    def clean_mobile(self):
        return clean_mobile_value(self.cleaned_data["mobile"])


class SmsLoginForm(SmsRequestForm):
    code = forms.CharField(
        label=_("验证码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"min_length": _("验证码为6位数字"), "max_length": _("验证码为6位数字")},
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("验证码为6位数字"))
        return code


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("令牌用途"),
        max_length=60,
        help_text=_("例如：数据对接、报表导出"),
    )
