"""The printable sign-in sheet of a meeting (``linli.core.documents``)."""

from __future__ import annotations

from django.utils import timezone

# absolute_url, qr_svg and render_pdf are imported from here by modules not yet moved to
# linli.core.documents; the primitives themselves live there.
from linli.core.documents import absolute_url, qr_data_uri, qr_svg, render_pdf

__all__ = ["absolute_url", "qr_data_uri", "qr_svg", "render_pdf", "signin_sheet_pdf"]


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
