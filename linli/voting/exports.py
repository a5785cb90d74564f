"""Written ballots (书面表决票): one A4 page per flat with its unguessable code and QR."""

from __future__ import annotations

import io

import segno
from django.template.loader import render_to_string

from linli.voting.models import Choice, Vote


def qr_svg_data_uri(text: str) -> str:
    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="svg", scale=4, border=1)
    import base64

    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()


def ballots_pdf_bytes(vote: Vote) -> bytes:
    from weasyprint import HTML

    pages = [
        {"elector": e, "qr": qr_svg_data_uri(f"LINLI-VOTE:{vote.pk}:{e.paper_code}")}
        for e in vote.electors.order_by("id")
    ]
    html = render_to_string(
        "voting/ballots_pdf.html",
        {
            "vote": vote,
            "pages": pages,
            "options": list(vote.options.all()),
            "choices": Choice.choices,
        },
    )
    return HTML(string=html).write_pdf()
