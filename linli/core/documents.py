"""Printable documents and downloads, once for every app.

- ``render_pdf(template, context)``: a template rendered to PDF by WeasyPrint (the
  templates name the Noto CJK fonts, so Chinese prints everywhere the fonts are installed);
- ``qr_svg`` / ``qr_data_uri``: a QR code (segno, error correction M) for a page or a sheet;
- ``absolute_url``: the public address a printed QR code points to;
- ``download(data, filename)``: the response for a file made in memory, with the
  ``Content-Disposition`` Django builds (``filename*=`` for Chinese names), never by hand.

Stored files (uploads) go out through Django's ``FileResponse(handle, filename=…)``.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

PDF = "application/pdf"
# Every PDF template extends templates/pdf/base.html: the page box, the page numbers and the
# Noto CJK font stack (the fonts-noto-cjk package) are set there once.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    """The QR code as an ``<img src>`` data URI (for PDFs)."""
    return segno.make(data, error="m", micro=False).svg_data_uri(scale=scale, border=2)


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    from weasyprint import HTML  # heavy: loaded on the first document only

    return HTML(string=html, base_url=base_url or str(settings.BASE_DIR)).write_pdf()


def render_pdf(template: str, context: dict, *, base_url: str | None = None) -> bytes:
    return html_to_pdf(render_to_string(template, context), base_url=base_url)


def download(
    data: bytes, filename: str, *, content_type: str = PDF, as_attachment: bool = False
) -> HttpResponse:
    """A file made in memory: shown in the browser (PDF) or saved (``as_attachment``)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    return response
