"""Uploaded files are not served wholesale: private prefixes are never reachable by URL."""

import pytest


@pytest.fixture
def media_files(settings):
    root = settings.MEDIA_ROOT
    (root / "roster_imports" / "2026" / "11").mkdir(parents=True)
    (root / "roster_imports" / "2026" / "11" / "roster.xlsx").write_bytes(b"phones")
    (root / "microspaces").mkdir(parents=True)
    (root / "microspaces" / "garden.jpg").write_bytes(b"jpeg")
    return root


def test_public_photo_is_served_to_signed_in_users_only(world, client, media_files):
    assert client.get("/media/microspaces/garden.jpg").status_code == 302
    client.force_login(world.users.resident_a)
    response = client.get("/media/microspaces/garden.jpg")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"jpeg"


def test_roster_uploads_are_never_served_by_url(world, client, media_files):
    client.force_login(world.users.staff_a)
    assert client.get("/media/roster_imports/2026/11/roster.xlsx").status_code == 404
    assert client.get("/media/microspaces/../roster_imports/2026/11/roster.xlsx").status_code == 404
