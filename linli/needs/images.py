"""Uploaded photos: verified with Pillow, JPEG/PNG/WebP only, size-limited, EXIF location
removed unless the resident chose to share it, and scaled down to at most 1600 px."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from linli.core.errors import ServiceError

MAX_BYTES = 8 * 1024 * 1024
MAX_SIDE = 1600
MAX_PHOTOS = 6
ALLOWED = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
GPS_IFD = 0x8825
# Checked from the header, before any pixel is decoded. 24 MP covers the photos phones save
# by default (12 MP; 48/50 MP sensors bin to 12) and refuses decompression bombs (a 115 KB
# file of 39.6 MP cost 150 MB and 1.6 s to decode at full size).
MAX_PIXELS = 24_000_000


@dataclass
class CleanPhoto:
    content: ContentFile
    width: int
    height: int
    location_kept: bool


def clean_photo(upload, *, keep_location: bool = False) -> CleanPhoto:
    """Validate and re-encode one uploaded photo; raise ServiceError with a Chinese reason."""
    name = getattr(upload, "name", _("照片")) or _("照片")
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ServiceError(
            _("照片“%(name)s”超过8MB，请压缩后再上传") % {"name": name}, code="photo_too_large"
        )
    try:
        upload.seek(0)
        raw = upload.read(MAX_BYTES + 1)
    except Exception as exc:  # pragma: no cover - broken upload stream
        raise ServiceError(
            _("照片“%(name)s”读取失败，请重新上传") % {"name": name}, code="photo_invalid"
        ) from exc
    if len(raw) > MAX_BYTES:
        raise ServiceError(
            _("照片“%(name)s”超过8MB，请压缩后再上传") % {"name": name}, code="photo_too_large"
        )
    try:
        probe = Image.open(io.BytesIO(raw))
        fmt = probe.format
        if probe.size[0] * probe.size[1] > MAX_PIXELS:
            raise ServiceError(
                _("照片“%(name)s”像素过大，请缩小后再上传") % {"name": name}, code="photo_too_large"
            )
        probe.verify()
        image = Image.open(io.BytesIO(raw))
        # JPEG decodes straight to a smaller scale (1/2, 1/4, 1/8) when that still leaves
        # more than MAX_SIDE: a quarter of the memory and time for a 12 MP photo.
        image.draft("RGB", (MAX_SIDE, MAX_SIDE))
        image.load()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise ServiceError(
            _("文件“%(name)s”不是有效的图片，请上传 JPG、PNG 或 WebP 格式的照片") % {"name": name},
            code="photo_invalid",
        ) from exc
    if fmt not in ALLOWED:
        raise ServiceError(
            _("文件“%(name)s”的格式不受支持，请上传 JPG、PNG 或 WebP 格式的照片") % {"name": name},
            code="photo_format",
        )
    exif = image.getexif()
    gps = dict(exif.get_ifd(GPS_IFD)) if keep_location else {}
    image = ImageOps.exif_transpose(image)  # apply orientation before the EXIF goes
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    save_kwargs: dict = {}
    if fmt == "JPEG":
        if image.mode != "RGB":
            image = image.convert("RGB")
        save_kwargs = {"quality": 85, "optimize": True}
    elif fmt == "WEBP":
        save_kwargs = {"quality": 85}
    if gps:
        new_exif = Image.Exif()
        new_exif[GPS_IFD] = gps
        save_kwargs["exif"] = new_exif.tobytes()
    image.save(out, fmt, **save_kwargs)
    filename = f"{uuid.uuid4().hex}.{ALLOWED[fmt]}"
    return CleanPhoto(
        content=ContentFile(out.getvalue(), name=filename),
        width=image.width,
        height=image.height,
        location_kept=bool(gps),
    )
