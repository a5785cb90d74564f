"""Uploaded files are served only through the scope check of the object that owns them:
a photo of committee A's micro-space, need or space report, or A's site plan, is readable
by those who may see that object and a 404 for everyone else (as for a missing file)."""

import pytest
from django.core.files.base import ContentFile

from linli.needs.models import Need, NeedPhoto, SpaceReport
from linli.places.models import MicroSpace, MicroSpacePhoto


@pytest.fixture
def media_files(settings, world):
    root = settings.MEDIA_ROOT
    (root / "roster_imports" / "2026" / "11").mkdir(parents=True)
    (root / "roster_imports" / "2026" / "11" / "roster.xlsx").write_bytes(b"phones")
    (root / "microspaces").mkdir(parents=True)
    (root / "microspaces" / "orphan.jpg").write_bytes(b"no owner")
    space = MicroSpace.objects.create(compound=world.compound_a, name="中心花园", kind="garden")
    photo = MicroSpacePhoto(microspace=space)
    photo.image.save("garden.jpg", ContentFile(b"jpeg-a"), save=True)
    world.compound_a.site_plan.save("plan-a.png", ContentFile(b"plan-a"), save=True)
    need = Need.objects.create(
        committee=world.committee_a, text="楼道灯坏了", author=world.users.resident_a
    )
    need_photo = NeedPhoto(need=need)
    need_photo.image.save("lamp.jpg", ContentFile(b"lamp"), save=True)
    report = SpaceReport.objects.create(
        committee=world.committee_a, compound=world.compound_a, kind="garden", place="车棚后",
        problem="杂草", reported_by=world.users.resident_a,
    )  # fmt: skip
    report.photo.save("weeds.jpg", ContentFile(b"weeds"), save=True)
    return {
        "microspace": "/media/" + photo.image.name,
        "site_plan": "/media/" + world.compound_a.site_plan.name,
        "need": "/media/" + need_photo.image.name,
        "space_report": "/media/" + report.photo.name,
    }


def test_photos_follow_their_objects_scope(world, client, media_files):
    for url in media_files.values():
        assert client.get(url).status_code == 302  # anonymous: log in first
    client.force_login(world.users.resident_a)
    response = client.get(media_files["microspace"])
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"jpeg-a"
    for url in (media_files["site_plan"], media_files["need"]):
        assert client.get(url).status_code == 200, url
    # a signed-in user of another committee: the same 404 as for a file that does not exist
    client.force_login(world.users.resident_b)
    for name, url in media_files.items():
        assert client.get(url).status_code == 404, name
    assert client.get("/media/microspaces/nothing.jpg").status_code == 404
    # staff of committee A see the space report photo; staff of B do not
    client.force_login(world.users.staff_a)
    assert client.get(media_files["space_report"]).status_code == 200
    client.force_login(world.users.staff_b)
    assert client.get(media_files["space_report"]).status_code == 404


def test_files_without_an_owner_or_outside_the_prefixes_are_never_served(
    world, client, media_files
):
    client.force_login(world.users.staff_a)
    assert client.get("/media/microspaces/orphan.jpg").status_code == 404
    assert client.get("/media/roster_imports/2026/11/roster.xlsx").status_code == 404
    assert client.get("/media/microspaces/../roster_imports/2026/11/roster.xlsx").status_code == 404
