"""Helpers for needs tests: real image files made with Pillow, uploads, a second resident."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825


def image_bytes(fmt: str = "JPEG", size=(2400, 1800), *, gps: bool = False) -> bytes:
    img = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    kwargs = {}
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "TestCam"  # Make
        exif[GPS_IFD] = {1: "N", 2: (31.0, 17.0, 24.0), 3: "E", 4: (121.0, 31.0, 12.0)}
        kwargs["exif"] = exif.tobytes()
    img.save(out, fmt, **kwargs)
    return out.getvalue()


def upload(name="photo.jpg", fmt="JPEG", **kw) -> SimpleUploadedFile:
    content_type = {
        "JPEG": "image/jpeg",
        "PNG": "image/png",
        "WEBP": "image/webp",
        "GIF": "image/gif",
    }
    return SimpleUploadedFile(
        name, image_bytes(fmt, **kw), content_type=content_type.get(fmt, "application/octet-stream")
    )


@pytest.fixture
def resident_a2(world):
    """A second resident of committee A (flat 201 of building 5), born 1950."""
    from linli.accounts.models import Role
    from linli.places.models import Person
    from tests.factories import make_user

    user = make_user(Role.RESIDENT, world.flat_a2, name="王伟")
    person = Person.objects.filter(name="王伟").first()
    person.user = user
    person.birth_year = 1950
    person.save()
    return user
