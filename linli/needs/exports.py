"""Files a committee prints or shares: the needs list as PDF (WeasyPrint, Noto CJK) and
.xlsx (openpyxl), and a sheet of QR codes (segno) per compound."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from linli.core.documents import XLSX, download, html_to_pdf, qr_data_uri
from linli.needs.models import NeedsList
from linli.places.models import Compound
from linli.places.ordering import sorted_buildings


def list_pdf_response(request, lst: NeedsList) -> HttpResponse:
    html = render_to_string("needs/list_pdf.html", {"lst": lst, "now": timezone.now()})
    return download(
        html_to_pdf(html, base_url=request.build_absolute_uri("/")),
        f"{lst.title}-第{lst.version}版.pdf",
    )


def list_workbook(lst: NeedsList) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "需求清单"
    ws.append(
        [
            lst.title,
            f"第{lst.version}版",
            lst.created_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M"),
        ]
    )
    ws["A1"].font = Font(bold=True, size=14)
    head = [
        "排名", "得分", "满分", "需求", "类别", "居委会", "支持人数", "线上", "线下",
        "影响户数", "涉及楼栋", "收集渠道", "年龄段", "原话条数", "状态", "支持者所在楼栋",
    ]  # fmt: skip
    ws.append(head)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for e in lst.entries:
        ws.append(
            [
                e["rank"], e["score"], e["maximum"], e["text"], e["category_label"], e["committee"],
                e["supporters"], e["online"], e["offline"], e["households"], "、".join(e["buildings"]),
                "、".join(f"{k}{v}" for k, v in e["by_channel"].items()),
                "、".join(f"{k}{v}" for k, v in e["by_age"].items()),
                len(e["texts"]), e["status"],
                "、".join(f"{k}{v}" for k, v in e.get("by_building", {}).items()),
            ]
        )  # fmt: skip
    for col, width in zip(
        "ABCDEFGHIJKLMNO", (6, 7, 6, 48, 12, 18, 9, 6, 6, 9, 16, 28, 28, 8, 8), strict=True
    ):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=3, min_col=4, max_col=4):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")

    texts = wb.create_sheet("居民原话")
    texts.append(["排名", "主需求编号", "需求编号", "原话", "渠道", "会议", "日期"])
    for e in lst.entries:
        for t in e["texts"]:
            texts.append(
                [
                    e["rank"],
                    e["need_id"],
                    t["need_id"],
                    t["text"],
                    t["channel"],
                    t["meeting"],
                    t["date"],
                ]
            )
    texts.column_dimensions["D"].width = 60

    weights = wb.create_sheet("权重与得分")
    weights.append(["因素", "权重（满分）"])
    for name, label in (
        ("supporters", "提出或附议人数"),
        ("households", "影响户数"),
        ("safety", "安全隐患"),
        ("vulnerable", "老人与儿童"),
        ("cost", "费用档次"),
    ):
        weights.append([label, lst.weights.get(name)])
    weights.append([])
    weights.append(["排名", "需求编号", "因素", "事实", "权重", "得分", "说明"])
    for e in lst.entries:
        for c in e["contributions"]:
            weights.append(
                [
                    e["rank"],
                    e["need_id"],
                    c["factor"],
                    c["value"],
                    c["weight"],
                    c["points"],
                    c["reason"],
                ]
            )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def list_xlsx_response(lst: NeedsList) -> HttpResponse:
    return download(
        list_workbook(lst),
        f"{lst.title}-第{lst.version}版.xlsx",
        content_type=XLSX,
        as_attachment=True,
    )


def qr_cards(request, compound: Compound) -> list[dict]:
    """One card per building, micro-space, and one for notices of the whole compound."""
    cards = [
        {
            "title": f"{compound.name}",
            "subtitle": "公告栏 · 全小区",
            "url": request.build_absolute_uri(reverse("needs:scan_compound", args=[compound.pk])),
        }
    ]
    for b in sorted_buildings(compound.buildings.select_related("compound")):
        cards.append(
            {
                "title": f"{compound.name} {b.number}",
                "subtitle": "楼栋",
                "url": request.build_absolute_uri(reverse("needs:scan_building", args=[b.pk])),
            }
        )
    for ms in compound.microspaces.order_by("name"):
        cards.append(
            {
                "title": ms.name,
                "subtitle": f"小微空间 · {ms.get_kind_display()}",
                "url": request.build_absolute_uri(reverse("needs:scan_microspace", args=[ms.pk])),
            }
        )
    for card in cards:
        card["qr"] = qr_data_uri(card["url"], scale=4)
    return cards


def qr_sheet_response(request, compound: Compound) -> HttpResponse:
    html = render_to_string(
        "needs/qr_sheet.html",
        {"compound": compound, "cards": qr_cards(request, compound)},
    )
    return download(
        html_to_pdf(html, base_url=request.build_absolute_uri("/")),
        compound.name + "-需求征集二维码.pdf",
    )
