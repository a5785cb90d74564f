"""The printable door-to-door list (WeasyPrint + Noto CJK), like the other apps' PDFs."""

from __future__ import annotations

from django.utils import timezone

from linli.core.documents import qr_data_uri, render_pdf


def door_list_pdf(door, *, subject_url: str, show_contacts: bool) -> bytes:
    return render_pdf(
        "notifications/door_list_print.html",
        {
            "door": door,
            "qr": qr_data_uri(subject_url, scale=4),
            "subject_url": subject_url,
            "show_contacts": show_contacts,
            "printed_at": timezone.localtime(),
        },
    )
