"""Printable documents of step 6 (WeasyPrint + Noto CJK): the project evaluation report
and the convention poster with a QR code for the notice board."""

from __future__ import annotations

from django.utils import timezone

from linli.core.documents import qr_data_uri, render_pdf


def evaluation_report_pdf(evaluation, *, report: dict) -> bytes:
    """Scores per criterion (bars), the satisfaction survey, costs and the timeline."""
    return render_pdf(
        "evaluation/report_pdf.html",
        {**report, "evaluation": evaluation, "printed_at": timezone.localtime()},
    )


def convention_poster_pdf(convention, *, url: str, figure: tuple[int, int]) -> bytes:
    return render_pdf(
        "evaluation/convention_poster.html",
        {
            "convention": convention,
            "paragraphs": [p.strip() for p in convention.text.splitlines() if p.strip()],
            "qr": qr_data_uri(url, scale=5),
            "url": url,
            "endorsed": figure[0],
            "households": figure[1],
            "printed_at": timezone.localtime(),
        },
    )
