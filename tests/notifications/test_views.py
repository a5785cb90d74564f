"""Pages: inbox (badge, open, mark read, mark all), preferences, door-to-door list and PDF."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.notifications.models import ChannelPreference, DoorContact, Notification

pytestmark = pytest.mark.django_db


def _many(user, n):
    Notification.objects.bulk_create(
        [
            Notification(recipient=user, kind="notice_published", title=f"公示{i}", body="内容",
                         link="/notices/", dedup_key=f"k{i}")
            for i in range(n)
        ]
    )  # fmt: skip


def test_inbox_lists_own_messages_only(client, world, notice_a):
    _many(world.users.resident_b, 1)
    client.force_login(world.users.resident_a)
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert "公示：5号楼楼道改造公示" in html and "1 条未读" in html
    assert "公示0" not in html


def test_badge_counts_unread_and_is_empty_for_anonymous(client, world, notice_a):
    assert (
        client.get(reverse("notifications:badge")).content.decode().strip()
        == '<span id="inbox-badge"></span>'
    )
    client.force_login(world.users.resident_a)
    html = client.get(reverse("notifications:badge")).content.decode()
    assert ">1</span>" in html and "unread" in html


def test_every_page_header_links_the_inbox_and_loads_the_badge(client, world):
    client.force_login(world.users.resident_a)
    html = client.get(reverse("notices:list")).content.decode()
    assert reverse("notifications:inbox") in html
    assert f'hx-get="{reverse("notifications:badge")}"' in html


def test_opening_a_message_marks_it_read_and_goes_to_its_page(client, world, notice_a):
    n = Notification.objects.get(recipient=world.users.resident_a)
    client.force_login(world.users.resident_a)
    r = client.post(reverse("notifications:open", args=[n.pk]))
    assert r.status_code == 302 and r["Location"] == f"/notices/{notice_a.pk}/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_open_refuses_get_and_other_peoples_messages(client, world, notice_a):
    n = Notification.objects.get(recipient=world.users.resident_a)
    client.force_login(world.users.resident_a)
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 405
    client.force_login(world.users.resident_b)
    assert client.post(reverse("notifications:open", args=[n.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[n.pk])).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_read_and_mark_all_read(client, world):
    _many(world.users.resident_a, 3)
    first = Notification.objects.filter(recipient=world.users.resident_a).first()
    client.force_login(world.users.resident_a)
    r = client.post(reverse("notifications:read", args=[first.pk]), follow=True)
    assert "已标记为已读" in r.content.decode() and "2 条未读" in r.content.decode()
    r = client.post(reverse("notifications:read_all"), follow=True)
    assert "全部消息已标记为已读" in r.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


@pytest.mark.parametrize("n", [1, 40])
def test_inbox_query_count_is_flat(client, world, n, django_assert_max_num_queries):
    _many(world.users.resident_a, n)
    client.force_login(world.users.resident_a)
    with django_assert_max_num_queries(8):
        r = client.get(reverse("notifications:inbox"))
    assert r.content.decode().count("card-item notification") == min(n, 30)


def test_preferences_page_saves_choices(client, world):
    client.force_login(world.users.resident_a)
    html = client.get(reverse("notifications:preferences")).content.decode()
    assert "公示发布" in html and "短信" in html
    data = {"notice_published__wechat": "on"}  # sms off for everything, wechat only for notices
    r = client.post(reverse("notifications:preferences"), data, follow=True)
    assert "通知设置已保存" in r.content.decode()
    off = set(ChannelPreference.objects.filter(enabled=False).values_list("kind", "channel"))
    assert ("notice_published", "sms") in off and ("notice_published", "wechat") not in off
    assert ("vote_opened", "wechat") in off


def test_anonymous_is_sent_to_login(client):
    r = client.get(reverse("notifications:inbox"))
    assert r.status_code == 302 and "login" in r["Location"]


# ------------------------------------------------------------------ door-to-door


def test_leader_home_links_the_door_list(client, world, notice_a):
    client.force_login(world.users.leader_a)
    home = client.get(reverse("places:my_home")).content.decode()
    assert reverse("notifications:door_home") in home
    html = client.get(reverse("notifications:door_home")).content.decode()
    url = reverse("notifications:door_notice", args=[notice_a.pk, world.building_a.pk])
    assert url in html and "5号楼楼道改造公示" in html


def test_door_page_lists_and_records(client, world, notice_a):
    url = reverse("notifications:door_notice", args=[notice_a.pk, world.building_a.pk])
    client.force_login(world.users.leader_a)
    html = client.get(url).content.decode()
    assert "5号楼101室" in html and "5号楼201室" in html and "无账号" in html and "未读" in html
    r = client.post(
        url,
        {"flat": world.flat_a2.pk, "method": "door", "told_by_name": "", "note": "已当面告知"},
        follow=True,
    )
    assert r.status_code == 200 and "已登记告知情况" in r.content.decode()
    c = DoorContact.objects.get()
    assert (c.flat_id, c.method, c.told_by_name) == (world.flat_a2.pk, "door", "楼组长老王")
    assert "上门告知 · 楼组长老王" in r.content.decode()


def test_door_page_refusal_is_chinese_400_and_records_nothing(client, world, notice_a):
    url = reverse("notifications:door_notice", args=[notice_a.pk, world.building_a.pk])
    client.force_login(world.users.leader_a)
    r = client.post(url, {"flat": world.flat_a2.pk, "method": "other"})
    assert r.status_code == 400 and "选择“其他”时请说明告知方式" in r.content.decode()
    r = client.post(url, {"flat": world.flat_b.pk, "method": "door"})
    assert r.status_code == 400
    r = client.post(url, {"flat": world.flat_a2.pk, "method": "door", "note": "长" * 201})
    assert r.status_code == 400
    assert not DoorContact.objects.exists()


@pytest.mark.parametrize("who", ["resident_a", "resident_b", "staff_b", "outsider"])
def test_door_pages_are_404_outside_ones_buildings(client, world, notice_a, who):
    client.force_login(getattr(world.users, who))
    for name in ("notifications:door_notice", "notifications:door_notice_pdf"):
        url = reverse(name, args=[notice_a.pk, world.building_a.pk])
        assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("notifications:door_notice", args=[notice_a.pk, world.building_a.pk]),
            {"flat": world.flat_a2.pk, "method": "door"},
        ).status_code
        == 404
    )
    assert not DoorContact.objects.exists()


def test_door_list_of_a_draft_is_404(client, world):
    from linli.notices.services import notice_create

    draft = notice_create(
        actor=world.users.staff_a,
        committee=world.committee_a,
        kind="other",
        title="草稿",
        body="内容",
    )
    client.force_login(world.users.leader_a)
    assert (
        client.get(
            reverse("notifications:door_notice", args=[draft.pk, world.building_a.pk])
        ).status_code
        == 404
    )


def test_door_list_pdf(client, world, notice_a):
    client.force_login(world.users.leader_a)
    r = client.get(
        reverse("notifications:door_notice_pdf", args=[notice_a.pk, world.building_a.pk])
    )
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")


def test_leaders_do_not_see_residents_full_numbers(client, world, notice_a):
    from linli.places.models import Person

    wang = Person.objects.get(name="王伟")
    url = reverse("notifications:door_notice", args=[notice_a.pk, world.building_a.pk])
    client.force_login(world.users.leader_a)
    assert wang.mobile not in client.get(url).content.decode()


@pytest.mark.parametrize("n", [2, 25])
def test_door_page_query_count_is_flat(client, world, notice_a, n, django_assert_max_num_queries):
    from tests.factories import flat_with_people

    for i in range(n):
        flat_with_people(world.building_a, f"6{i:02d}", 6, "50.00", [f"住户{i}"])
    client.force_login(world.users.leader_a)
    url = reverse("notifications:door_notice", args=[notice_a.pk, world.building_a.pk])
    with django_assert_max_num_queries(22):
        r = client.get(url)
    assert r.status_code == 200 and r.content.decode().count('class="door-row') == n + 2
