"""Money, once for every app: amounts are integer fen; people type and read yuan.

``yuan_to_fen("4,000.50") == 400050`` (exactly, through Decimal; a float is refused) and
``fen_to_yuan(400050) == "4,000.50"``. Every refusal is a 400 with a Chinese message that
names what was typed.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from linli.core.errors import ServiceError

# No community project moves more than this in one line: 1 亿元. Anything larger is a typo
# (or an attack) and would make every figure on the page meaningless.
MAX_AMOUNT_FEN = 100_000_000 * 100


def yuan_to_fen(
    text: str | int | Decimal | None,
    *,
    allow_negative: bool = False,
    positive: bool = False,
    max_fen: int = MAX_AMOUNT_FEN,
) -> int:
    """Parse a yuan amount typed by a person ("1200", "1,200.50", "¥ 99.9", "99元") into fen.

    ``positive`` refuses zero too (a cost line, a quote); ``allow_negative`` lets a
    correction through; more than two decimals and more than ``max_fen`` are refused."""
    if isinstance(text, float):
        raise ServiceError(_("金额不能使用浮点数"), code="amount")
    s = str(text if text is not None else "").strip()
    for mark in (",", "，", "¥", "￥", "元"):
        s = s.replace(mark, "")
    s = s.strip()
    if not s:
        raise ServiceError(_("请填写金额"), code="amount")
    try:
        amount = Decimal(s)
    except InvalidOperation:
        raise ServiceError(
            _("金额“%(text)s”不是有效的数字") % {"text": text}, code="amount"
        ) from None
    if not amount.is_finite():
        raise ServiceError(_("金额“%(text)s”不是有效的数字") % {"text": text}, code="amount")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ServiceError(
            _("金额“%(text)s”最多保留两位小数（精确到分）") % {"text": text}, code="amount"
        )
    if positive and fen <= 0:
        raise ServiceError(_("金额“%(text)s”必须大于0") % {"text": text}, code="amount")
    if fen < 0 and not allow_negative:
        raise ServiceError(_("金额不能为负数"), code="amount")
    if abs(fen) > max_fen:
        raise ServiceError(
            _("金额“%(text)s”超出合理范围（单笔不超过 %(fen_to_yuan)s 元），请核对后重新填写")
            % {"text": text, "fen_to_yuan": fen_to_yuan(max_fen)},
            code="amount",
        )
    return int(fen)


def fen_to_yuan(fen: int | str | None) -> str:
    """400050 → "4,000.50"; nothing (None, or not a number) → ""."""
    try:
        fen = int(fen)
    except (TypeError, ValueError):
        return ""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"
