"""Printable files: the community profile report and the design-round summary (WeasyPrint,
Noto CJK). The pyramid is drawn with plain HTML bars so the PDF needs no JavaScript."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone

from linli.core.documents import download, render_pdf


def _pdf_response(request, template: str, context: dict, filename: str) -> HttpResponse:
    context = {**context, "now": timezone.now()}
    pdf = render_pdf(template, context, base_url=request.build_absolute_uri("/"))
    return download(pdf, filename)


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
