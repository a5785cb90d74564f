"""Django's own ImageField (micro-space photos, site plans) refuses a decompression bomb."""

from __future__ import annotations

import io
import struct
import zlib

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims huge dimensions (a decompression bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


class PhotoForm(forms.Form):
    photo = forms.ImageField()


def test_imagefield_refuses_a_bomb_and_accepts_a_photo():
    bomb = SimpleUploadedFile("bomb.png", _png_header_only(10_000, 10_000), "image/png")
    form = PhotoForm(files={"photo": bomb})
    assert not form.is_valid()

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 120, 60)).save(out, "PNG")
    ok = SimpleUploadedFile("ok.png", out.getvalue(), "image/png")
    assert PhotoForm(files={"photo": ok}).is_valid()
