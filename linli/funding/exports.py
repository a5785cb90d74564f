"""Printable receipts (PDF, WeasyPrint + Noto CJK) and the .xlsx report."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.template.loader import render_to_string

from linli.core.money import fen_to_yuan
from linli.funding import selectors
from linli.funding.models import FundingPlan, Receipt


def _y(fen: int) -> Decimal:
    """Fen as an exact Decimal of yuan for the spreadsheet (never a float)."""
    return Decimal(int(fen)).scaleb(-2)


def receipt_pdf_bytes(receipt: Receipt) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "funding/receipt_pdf.html",
        {
            "r": receipt,
            "project": receipt.contribution.source.plan.project,
            "amount": fen_to_yuan(receipt.amount_fen),
            "household": receipt.contribution.household,
        },
    )
    return HTML(string=html).write_pdf()


def report_xlsx_bytes(plan: FundingPlan, start: datetime.date, end: datetime.date) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "按来源余额"
    ws.append(["资金来源", "状态", "计划/可提供（元）", "已到账（元）", "可用余额（元）", "条件"])
    cov = selectors.plan_coverage(plan)
    for line in cov.lines:
        ws.append(
            [
                str(line.source),
                line.source.get_status_display(),
                _y(line.effective_fen),
                _y(line.received_fen),
                _y(line.available_fen),
                line.condition_failure or line.source.conditions,
            ]
        )
    ws.append(["项目费用合计", "", _y(cov.cost_fen), _y(cov.received_fen), "", ""])

    t = selectors.transparency(plan)
    ws2 = wb.create_sheet("收支公开")
    ws2.append(["类别", "名称", "金额（元）"])
    for name, fen in t.income:
        ws2.append(["收入", name, _y(fen)])
    for name, fen in t.spending:
        ws2.append(["支出", name, _y(fen)])
    ws2.append(["结余", "", _y(t.balance_fen)])

    s = selectors.statement(plan, start, end)
    ws3 = wb.create_sheet("期间明细")
    ws3.append([f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}", "", "期初余额", _y(s["opening_fen"])])
    ws3.append(["日期", "凭证号", "摘要", "收入（元）", "支出（元）", "余额（元）", "状态"])
    for row in s["rows"]:
        e = row["entry"]
        ws3.append(
            [
                e.date.isoformat(),
                e.number,
                e.memo,
                _y(row["in_fen"]),
                _y(row["out_fen"]),
                _y(row["balance_fen"]),
                e.status_label,
            ]
        )
    ws3.append(["", "", "期末余额", "", "", _y(s["closing_fen"])])

    ws4 = wb.create_sheet("认缴与实缴核对")
    ws4.append(["来源", "户", "应摊（元）", "认缴（元）", "实缴净额（元）", "未缴（元）", "状态"])
    for rec in selectors.reconciliation(plan):
        for r in rec["rows"]:
            ws4.append(
                [
                    rec["source"].name,
                    str(r["household"].flat),
                    _y(r["share_fen"]),
                    _y(r["pledged_fen"]),
                    _y(r["net_fen"]),
                    _y(r["outstanding_fen"]),
                    r["status"],
                ]
            )
        ws4.append(
            [
                rec["source"].name,
                "合计（账面到账）",
                _y(rec["share_fen"]),
                _y(rec["pledged_fen"]),
                _y(rec["ledger_fen"]),
                "",
                "",
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
