"""Objection and notice attachments are checked by their whole content, not their first bytes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.notices.validators import validate_attachment
from tests.notices.conftest import PDF, PNG


def test_real_image_and_plain_pdf_pass():
    validate_attachment(SimpleUploadedFile("现场.png", PNG))
    validate_attachment(SimpleUploadedFile("说明.pdf", PDF))


@pytest.mark.parametrize(
    "name, content, code",
    [
        # the right first bytes, then HTML: passed the old check, refused now
        ("x.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "attachment_content"),
        ("x.jpg", b"\xff\xd8\xff<svg onload=alert(1)>", "attachment_content"),
        ("x.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>", "attachment_content"),
        ("x.pdf", PDF.replace(b"trailer", b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>trailer"),
         "attachment_active"),
    ],
)  # fmt: skip
def test_files_whose_content_is_not_what_they_claim_are_refused(name, content, code):
    with pytest.raises(ValidationError) as exc:
        validate_attachment(SimpleUploadedFile(name, content))
    assert exc.value.code == code
