"""Validators shared by models and forms; messages in Chinese."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
ID_NUMBER_RE = re.compile(r"^\d{17}[\dXx]$")
SCRIPT_RE = re.compile(r"<\s*/?\s*script|javascript:|on\w+\s*=", re.IGNORECASE)


def validate_mobile(value: str) -> None:
    if value and not MOBILE_RE.match(value):
        raise ValidationError(_("手机号格式不正确，应为11位数字并以1开头"), code="mobile")


def validate_id_number(value: str) -> None:
    if value and not ID_NUMBER_RE.match(value):
        raise ValidationError(_("身份证号格式不正确，应为18位"), code="id_number")


def validate_no_script(value: str) -> None:
    """Refuse text that carries markup meant to run in a browser (stored XSS)."""
    if value and SCRIPT_RE.search(value):
        raise ValidationError(_("文本中不能包含脚本或网页代码"), code="script")
