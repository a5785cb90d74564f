"""Attachment checks: images (JPEG, PNG, GIF, WebP) or PDF only, by content, within a size limit."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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
            _("附件“%(name)s”超过%(v)sMB 上限") % {"name": f.name, "v": limit // (1024 * 1024)},
            code="attachment_size",
        )
    if size == 0:
        raise ValidationError(
            _("附件“%(name)s”是空文件") % {"name": f.name}, code="attachment_empty"
        )
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
            _("附件“%(name)s”格式不支持：只能上传图片（JPG/PNG/GIF/WebP）或 PDF 文件")
            % {"name": f.name},
            code="attachment_type",
        )
    _check_content(f, kind)


_PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
# Active content a PDF reader may run or open: refused in residents' uploads.
_PDF_ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")


def _check_content(f, kind: str) -> None:
    """The whole file, not only its first bytes: an image must decode as the format its
    signature claims (pixel count checked from the header first), a PDF must end like one
    and carry no scripts, launch actions or embedded files."""
    import io

    pos = f.tell() if hasattr(f, "tell") else 0
    try:
        f.seek(0)
        data = f.read(max_bytes() + 1)
    finally:
        f.seek(pos)
    if isinstance(data, str):
        data = data.encode("latin-1", "ignore")
    bad = ValidationError(
        _("附件“%(name)s”内容已损坏或与格式不符，请重新导出后上传") % {"name": f.name},
        code="attachment_content",
    )
    if kind == "pdf":
        if b"%%EOF" not in data[-2048:]:
            raise bad
        if any(marker in data for marker in _PDF_ACTIVE):
            raise ValidationError(
                _("附件“%(name)s”含有脚本或嵌入文件，请另存为普通 PDF 后上传") % {"name": f.name},
                code="attachment_active",
            )
        return
    from PIL import Image, UnidentifiedImageError

    from linli.needs.images import MAX_PIXELS

    try:
        image = Image.open(io.BytesIO(data))
        if image.format != _PIL_FORMATS[kind]:
            raise bad
        if image.size[0] * image.size[1] > MAX_PIXELS:
            raise ValidationError(
                _("图片“%(name)s”像素过大，请缩小后再上传") % {"name": f.name},
                code="attachment_size",
            )
        image.verify()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise bad from exc
