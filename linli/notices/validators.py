"""Attachment checks: images (JPEG, PNG, GIF, WebP) or PDF only, by content, within a size limit."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 5

_SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
]
_EXTENSIONS = {
    "pdf": {".pdf"},
    "jpeg": {".jpg", ".jpeg"},
    "png": {".png"},
    "gif": {".gif"},
    "webp": {".webp"},
}


def max_bytes() -> int:
    return int(getattr(settings, "LINLI_ATTACHMENT_MAX_BYTES", MAX_ATTACHMENT_BYTES))


def sniff(head: bytes) -> str | None:
    for sig, kind in _SIGNATURES:
        if head.startswith(sig):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def validate_attachment(f) -> None:
    """Refuse anything but an image or a PDF (checked by its first bytes), or too large."""
    size = getattr(f, "size", None)
    limit = max_bytes()
    if size is not None and size > limit:
        raise ValidationError(
            f"附件“{f.name}”超过{limit // (1024 * 1024)}MB 上限", code="attachment_size"
        )
    if size == 0:
        raise ValidationError(f"附件“{f.name}”是空文件", code="attachment_empty")
    pos = f.tell() if hasattr(f, "tell") else 0
    try:
        f.seek(0)
        head = f.read(16)
    finally:
        f.seek(pos)
    if isinstance(head, str):
        head = head.encode("latin-1", "ignore")
    kind = sniff(head)
    name = (f.name or "").lower()
    ext = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if kind is None or ext not in _EXTENSIONS[kind]:
        raise ValidationError(
            f"附件“{f.name}”格式不支持：只能上传图片（JPG/PNG/GIF/WebP）或 PDF 文件",
            code="attachment_type",
        )
