"""Activity pages: list, create, sign up on a phone, QR check-in, offline sign-in, photos
and the design contest — with refusals and scoping."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from linli.activities import services
from linli.activities.models import Activity, ActivityCheckin, ActivityPhoto, ActivitySignup
from tests.activities.conftest import make_activity

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def _jpeg():
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (200, 120, 40)).save(out, "JPEG")
    return SimpleUploadedFile("a.jpg", out.getvalue(), content_type="image/jpeg")


def test_list_and_detail_scoped(client, world, act):
    _login(client, world.users.resident_a)
    page = client.get(reverse("activities:list")).content.decode()
    assert act.activity.title in page and "报名 0/2" in page
    assert client.get(reverse("activities:detail", args=[act.activity.pk])).status_code == 200
    _login(client, world.users.resident_b)
    assert act.activity.title not in client.get(reverse("activities:list")).content.decode()
    assert client.get(reverse("activities:detail", args=[act.activity.pk])).status_code == 404


def test_street_staff_create_through_the_page(client, world, act):
    _login(client, world.users.street_a)
    url = reverse("activities:create") + f"?street={world.street_a.pk}"
    assert client.get(url).status_code == 200
    start = timezone.localtime() + datetime.timedelta(days=3)
    data = {
        "street": world.street_a.pk,
        "kind": "market",
        "title": "境享好市公益市集",
        "audience": "residents",
        "organiser": "street",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": 200,
        "place": "街道广场",
        "teams": [],
    }
    r = client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    a = Activity.objects.get(title="境享好市公益市集")
    assert a.capacity == 200 and a.organiser_label == world.street_a.name
    bad = dict(data, title="长" * 81)
    assert client.post(url, bad).status_code == 400
    bad = dict(data, place="", title="没有地点")
    r = client.post(url, bad)
    assert r.status_code == 400 and "请选择小区/小微空间或填写地点" in r.content.decode()
    assert not Activity.objects.filter(title="没有地点").exists()
    _login(client, world.users.resident_a)
    assert client.get(url).status_code == 403


def test_signup_full_and_duplicate_on_the_page(client, world, act):
    a = act.activity
    url = reverse("activities:signup", args=[a.pk])
    _login(client, world.users.resident_a)
    assert client.post(url).status_code == 302
    page = client.get(reverse("activities:detail", args=[a.pk])).content.decode()
    assert "您已报名" in page and "已报名 1 / 2" in page
    r = client.post(url)
    assert r.status_code == 409 and "无需重复报名" in r.content.decode()
    _login(client, world.users.leader_a)
    assert client.post(url).status_code == 302
    _login(client, act.org.secretary)
    r = client.post(url)
    assert r.status_code == 409 and "名额已满" in r.content.decode()
    assert ActivitySignup.objects.filter(activity=a).count() == 2


def test_qr_checkin_page(client, world, act):
    a = act.activity
    Activity.objects.filter(pk=a.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
    )
    a.refresh_from_db()
    _login(client, world.users.street_a)
    detail = client.get(reverse("activities:detail", args=[a.pk])).content.decode()
    assert "<svg" in detail and "签到二维码" in detail
    token = services.checkin_token(a)
    url = reverse("activities:checkin", args=[a.pk])
    _login(client, world.users.resident_a)
    page = client.get(url, {"t": token})
    assert page.status_code == 200 and "确认签到" in page.content.decode()
    r = client.post(url, {"t": token})
    assert r.status_code == 200 and "签到成功" in r.content.decode()
    c = ActivityCheckin.objects.get(activity=a)
    assert c.channel == "online" and c.user == world.users.resident_a
    r = client.get(url, {"t": "nonsense"})
    assert r.status_code == 403 and "无效或已过期" in r.content.decode()
    # the organiser rotates the code: the old one stops working
    _login(client, world.users.street_a)
    client.post(reverse("activities:rotate_code", args=[a.pk]))
    _login(client, world.users.leader_a)
    assert client.get(url, {"t": token}).status_code == 403
    assert ActivityCheckin.objects.count() == 1


def test_checkin_outside_hours_shows_reason(client, world, act):
    a = act.activity  # starts in two days
    _login(client, world.users.resident_a)
    r = client.post(reverse("activities:checkin", args=[a.pk]), {"t": services.checkin_token(a)})
    assert r.status_code == 409 and "不在签到时间内" in r.content.decode()
    assert not ActivityCheckin.objects.exists()


def test_offline_sign_in_and_photos(client, world, act):
    a = act.activity
    Activity.objects.filter(pk=a.pk).update(
        starts_at=timezone.now(), ends_at=timezone.now() + datetime.timedelta(hours=2)
    )
    _login(client, world.users.street_a)
    r = client.post(
        reverse("activities:sign_in", args=[a.pk]), {"name": "李阿姨", "birth_year": 1950}
    )
    assert r.status_code == 302
    assert ActivityCheckin.objects.get().channel == "offline"
    assert (
        client.post(reverse("activities:sign_in", args=[a.pk]), {"name": "李阿姨"}).status_code
        == 409
    )
    assert (
        client.post(reverse("activities:sign_in", args=[a.pk]), {"name": "名" * 51}).status_code
        == 400
    )
    r = client.post(
        reverse("activities:photo_add", args=[a.pk]), {"image": _jpeg(), "caption": "合影"}
    )
    assert r.status_code == 302
    photo = ActivityPhoto.objects.get()
    _login(client, world.users.resident_a)
    assert client.get(reverse("activities:photo", args=[photo.pk])).status_code == 200
    assert client.post(reverse("activities:sign_in", args=[a.pk]), {"name": "x"}).status_code == 403
    _login(client, world.users.resident_b)
    assert client.get(reverse("activities:photo", args=[photo.pk])).status_code == 404


def test_contest_page_vote_once(client, world, act):
    contest = make_activity(world, act.org, kind="contest", capacity=50)
    e = services.entry_add(
        actor=world.users.street_a, activity=contest, title="彩虹墙", author="三年级二班"
    )
    services.voting_set(actor=world.users.street_a, activity=contest, open=True)
    _login(client, world.users.resident_a)
    page = client.get(reverse("activities:contest", args=[contest.pk])).content.decode()
    assert "彩虹墙" in page and "投这一票" in page
    assert (
        client.post(reverse("activities:vote", args=[contest.pk]), {"entry": e.pk}).status_code
        == 302
    )
    r = client.post(reverse("activities:vote", args=[contest.pk]), {"entry": e.pk})
    assert r.status_code == 409 and "每人限投一票" in r.content.decode()
    assert client.get(reverse("activities:contest", args=[act.activity.pk])).status_code == 404


def test_resident_home_lists_open_activity(client, world, act):
    _login(client, world.users.resident_a)
    page = client.get(reverse("places:my_home")).content.decode()
    assert "活动报名" in page and act.activity.title in page
    services.activity_signup(actor=world.users.resident_a, activity=act.activity)
    page = client.get(reverse("places:my_home")).content.decode()
    assert act.activity.title not in page


def test_list_query_count(client, world, act, django_assert_max_num_queries):
    for i in range(15):
        make_activity(world, act.org, title=f"沙龙{i}", kind="salon")
    _login(client, world.users.resident_a)
    with django_assert_max_num_queries(20):
        r = client.get(reverse("activities:list"))
    assert r.status_code == 200 and "沙龙14" in r.content.decode()
