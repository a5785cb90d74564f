"""Photo uploads are checked from the image header before any pixel is decoded."""

from __future__ import annotations

import io
import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from linli.core.errors import ServiceError
from linli.needs.images import MAX_PIXELS, clean_photo


def _upload(fmt: str, size: tuple[int, int], mode: str = "L") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new(mode, size, 0).save(out, fmt)
    return SimpleUploadedFile(f"x.{fmt.lower()}", out.getvalue())


def test_a_small_file_with_too_many_pixels_is_refused_before_decoding():
    bomb = _upload("PNG", (6400, 4800))  # 30.7 MP of one colour: a few KB on disk
    assert bomb.size < 200_000 and 6400 * 4800 > MAX_PIXELS
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ServiceError, match="像素过大"):
        clean_photo(bomb)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 0.5 and peak < 5_000_000  # never decoded (full decode: ~30 MB)


def test_a_large_jpeg_is_decoded_at_reduced_scale_and_scaled_to_1600px():
    photo = clean_photo(_upload("JPEG", (4000, 3000), mode="RGB"))  # a 12 MP phone photo
    assert max(photo.width, photo.height) == 1600
