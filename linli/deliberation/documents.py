"""Printable documents and QR codes for meetings (WeasyPrint + Noto CJK, segno)."""

from __future__ import annotations

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone


def absolute_url(request, path: str) -> str:
    """The public address of ``path``: ``LINLI_PUBLIC_URL`` when set, else the request's host."""
    base = getattr(settings, "LINLI_PUBLIC_URL", "") or ""
    if base:
        return base.rstrip("/") + path
    return request.build_absolute_uri(path)


def qr_svg(data: str, *, scale: int = 6) -> str:
    """An inline SVG QR code (error correction M, no XML declaration)."""
    qr = segno.make(data, error="m", micro=False)
    return qr.svg_inline(scale=scale, border=2, dark="#111", light="#fff")


def qr_data_uri(data: str, *, scale: int = 6) -> str:
    return segno.make(data, error="m", micro=False).svg_data_uri(scale=scale, border=2)


def render_pdf(template: str, context: dict, *, base_url: str | None = None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url=base_url or str(settings.BASE_DIR)).write_pdf()


def signin_sheet_pdf(meeting, attendances, *, quorum, checkin_url: str) -> bytes:
    rows = list(attendances)
    blank = max(0, max(meeting.expected_count, 20) - len(rows))
    return render_pdf(
        "deliberation/signin_sheet.html",
        {
            "meeting": meeting,
            "rows": rows,
            "blank_rows": range(len(rows) + 1, len(rows) + blank + 1),
            "quorum": quorum,
            "qr": qr_data_uri(checkin_url, scale=4),
            "printed_at": timezone.localtime(),
        },
    )
