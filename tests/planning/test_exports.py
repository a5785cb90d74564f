"""The printable profile and round summary are real PDFs with the numbers in them."""

from __future__ import annotations

import subprocess

import pytest
from django.test import Client

from linli.planning import services
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip


def test_profile_and_rounds_pdf(published, tmp_path):
    w = published
    services.option_comment(actor=w.users.resident_a, option=w.option_b, text="滑梯太吵")
    c = Client()
    c.force_login(w.users.staff_a)
    r = c.get(f"/planning/committee/{w.committee_a.pk}/profile.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content, tmp_path)
    assert "社区画像" in text and "登记居民 3 人" in text
    r = c.get(f"/planning/project/{w.project.pk}/rounds.pdf")
    assert r.status_code == 200
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "planning-rounds-summary.pdf").write_bytes(r.content)
    text = pdf_text(r.content, tmp_path)
    assert "第1轮" in text and "2,000.50" in text and "滑梯太吵" in text
    c.force_login(w.users.staff_b)
    assert c.get(f"/planning/project/{w.project.pk}/rounds.pdf").status_code == 404
