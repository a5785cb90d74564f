"""A NUL byte anywhere in what a client sends is a 400 with a Chinese message, never a 500.

PostgreSQL refuses NUL in text; the schema fuzzer found /api/notices/?status=…%00 answering
500 there. The same request is refused on SQLite too, so both databases answer alike."""

from __future__ import annotations

import json

import pytest

from linli.projects.models import Project
from tests.api_client import ApiClient

pytestmark = pytest.mark.django_db


def test_nul_in_an_api_query_is_a_400(world):
    r = ApiClient(world.users.staff_a).get("/api/notices/", status="open\x00")
    assert r.status_code == 400
    assert "无效字符" in r.json()["detail"]


def test_nul_in_a_json_body_is_a_400_and_writes_nothing(world):
    api = ApiClient(world.users.staff_a)
    r = api.client.post(
        "/api/projects/",
        json.dumps({"committee_id": world.committee_a.pk, "title": "花园\u0000改造"}),
        content_type="application/json",
        **api.headers,
    )
    assert r.status_code == 400
    assert not Project.objects.exists()


def test_nul_in_a_form_is_a_400_page(client, world):
    client.force_login(world.users.staff_a)
    r = client.post("/projects/new/", {"committee": world.committee_a.pk, "title": "花园\x00改造"})
    assert r.status_code == 400
    assert "无效字符" in r.content.decode()
    assert not Project.objects.exists()


def test_a_file_may_contain_nul_bytes(client, world):
    """Uploaded files are binary: only the text fields are checked."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.users.staff_a)
    upload = SimpleUploadedFile("x.bin", b"\x00\x01\x02", content_type="application/octet-stream")
    r = client.post("/projects/new/", {"committee": world.committee_a.pk, "title": "", "f": upload})
    assert r.status_code != 500
    assert "无效字符" not in r.content.decode()
