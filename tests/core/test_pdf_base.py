"""Every PDF template extends templates/pdf/base.html, which alone sets the page box and fonts."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import get_template

TEMPLATES = Path(settings.BASE_DIR) / "templates"
PDF_TEMPLATES = [
    "dashboards/report_pdf.html",
    "deliberation/signin_sheet.html",
    "evaluation/convention_poster.html",
    "evaluation/report_pdf.html",
    "funding/receipt_pdf.html",
    "needs/list_pdf.html",
    "needs/qr_sheet.html",
    "notices/poster.html",
    "notifications/door_list_print.html",
    "planning/profile_pdf.html",
    "planning/rounds_pdf.html",
    "surveys/questionnaire_pdf.html",
    "voting/ballots_pdf.html",
]


def test_only_the_base_sets_the_page_box():
    own_page = sorted(
        str(p.relative_to(TEMPLATES))
        for p in TEMPLATES.rglob("*.html")
        if "@page" in p.read_text(encoding="utf-8") and p != TEMPLATES / "pdf" / "base.html"
    )
    assert own_page == []


def test_every_pdf_template_extends_the_base():
    for name in PDF_TEMPLATES:
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        assert text.startswith('{% extends "pdf/base.html" %}'), name
        get_template(name)  # parses: blocks and loads in the right places


def test_the_base_renders_page_box_font_and_numbers():
    html = get_template("pdf/base.html").render({})
    assert "@page { size: A4; margin: 16mm 14mm;" in html
    assert "counter(pages)" in html
    assert '"Noto Sans CJK SC"' in html
    receipt = get_template("funding/receipt_pdf.html").template.source
    assert "A5 landscape" in receipt
