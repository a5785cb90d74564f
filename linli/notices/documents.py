"""The printable A4 notice poster (WeasyPrint + Noto CJK) with a QR code to the notice."""

from __future__ import annotations

from django.utils import timezone

from linli.core.documents import qr_data_uri, render_pdf


def notice_poster_pdf(notice, *, notice_url: str) -> bytes:
    return render_pdf(
        "notices/poster.html",
        {
            "notice": notice,
            "qr": qr_data_uri(notice_url, scale=5),
            "notice_url": notice_url,
            "paragraphs": [p.strip() for p in notice.body.splitlines() if p.strip()],
            "attachments": list(notice.attachments.all()),
            "printed_at": timezone.localtime(),
        },
    )
