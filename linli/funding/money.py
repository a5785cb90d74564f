"""Yuan ↔ fen, exactly. User input like "4,000.50" becomes 400050 fen via Decimal."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from linli.core.errors import ServiceError

# No community project moves more than this in one line: 1 亿元. Anything larger is a typo
# (or an attack) and would make every figure on the page meaningless.
MAX_AMOUNT_FEN = 100_000_000 * 100


def yuan_to_fen(text: str | int | Decimal, *, allow_negative: bool = False) -> int:
    if isinstance(text, float):
        raise ServiceError("金额不能使用浮点数")
    s = str(text).strip().replace(",", "").replace("，", "").replace("¥", "").replace("元", "")
    if not s:
        raise ServiceError("请填写金额")
    try:
        d = Decimal(s)
    except InvalidOperation as exc:
        raise ServiceError(f"金额格式不正确：{text}") from exc
    if not d.is_finite():
        raise ServiceError(f"金额格式不正确：{text}")
    fen = d * 100
    if fen != fen.to_integral_value():
        raise ServiceError("金额最多精确到分（两位小数）")
    if fen < 0 and not allow_negative:
        raise ServiceError("金额不能为负数")
    if abs(fen) > MAX_AMOUNT_FEN:
        raise ServiceError("金额超出合理范围（单笔不超过 1 亿元），请核对后重新填写")
    return int(fen)


def fen_to_yuan(fen: int | None) -> str:
    """400050 → "4,000.50"."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"
