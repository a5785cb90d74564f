"""Masking of personal numbers for people without the need to see them."""

from __future__ import annotations


def mask_mobile(mobile: str | None) -> str:
    """``13812345678`` → ``138****5678``; short or empty values are masked whole."""
    if not mobile:
        return ""
    digits = str(mobile).strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_id_number(id_number: str | None) -> str:
    """``310110195501011234`` → ``3101**********1234`` (region prefix and last four kept)."""
    if not id_number:
        return ""
    value = str(id_number).strip()
    if len(value) < 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"
