"""The printable sign-in sheet of a meeting (``linli.core.documents``)."""

from __future__ import annotations

from django.utils import timezone

from linli.core.documents import qr_data_uri, render_pdf


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
