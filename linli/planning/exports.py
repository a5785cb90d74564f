"""Printable files: the community profile report and the design-round summary (WeasyPrint,
Noto CJK). The pyramid is drawn with plain HTML bars so the PDF needs no JavaScript."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

PDF_CSS_FONT = '"Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif'


def _pdf_response(request, template: str, context: dict, filename: str) -> HttpResponse:
    from weasyprint import HTML

    html = render_to_string(template, {**context, "font": PDF_CSS_FONT, "now": timezone.now()})
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response


def profile_pdf_response(request, committee, data: dict) -> HttpResponse:
    pop = data["population"]
    peak = max([*pop["male"], *pop["female"], 1])
    rows = [
        {
            "band": b,
            "male": m,
            "female": f,
            "mw": round(100 * m / peak),
            "fw": round(100 * f / peak),
        }
        for b, m, f in zip(pop["bands"], pop["male"], pop["female"], strict=True)
    ]
    return _pdf_response(
        request,
        "planning/profile_pdf.html",
        {"committee": committee, "rows": list(reversed(rows)), **data},
        f"{committee.name}-社区画像.pdf",
    )


def rounds_pdf_response(request, project, rounds) -> HttpResponse:
    return _pdf_response(
        request,
        "planning/rounds_pdf.html",
        {"project": project, "rounds": rounds},
        f"{project.title}-方案征询汇总.pdf",
    )
