"""List pages keep a fixed number of queries however many rows they show (no N+1)."""

from __future__ import annotations

from django.test import Client

from linli.opinions import services as op
from linli.surveys import services as sv


def _count(client, url, django_assert_max_num_queries, n):
    with django_assert_max_num_queries(n):
        assert client.get(url).status_code == 200


def test_list_pages_do_not_grow_with_rows(world, django_assert_max_num_queries):
    staff = world.users.staff_a
    client = Client()
    client.force_login(staff)
    for i in range(12):
        op.conversation_create(
            actor=staff,
            committee=world.committee_a,
            topic=f"议题{i}",
            statements=["甲观点", "乙观点"],
        )
        sv.survey_create(
            actor=staff,
            committee=world.committee_a,
            title=f"问卷{i}",
            scope="building",
            building=world.building_a,
        )
    # session, user, role scopes, the list (annotated), the "can create" check
    _count(client, "/conversations/", django_assert_max_num_queries, 12)
    _count(client, "/surveys/", django_assert_max_num_queries, 12)
