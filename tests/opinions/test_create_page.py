"""Starting a conversation through the one view idiom: another committee is refused on
the form (400, Chinese), nothing is written; success lands on the conversation."""

from __future__ import annotations

import pytest
from django.test import Client

from linli.opinions.models import Conversation

pytestmark = pytest.mark.django_db


def test_other_committee_refused_then_created(world):
    c = Client()
    c.force_login(world.users.staff_a)
    r = c.post(
        "/conversations/new/",
        {"committee": world.committee_b.pk, "topic": "花园怎么改？", "statements": "多种花"},
    )
    assert r.status_code == 400 and "所选居委会不存在或不在您的范围内" in r.content.decode()
    assert not Conversation.objects.exists()
    r = c.post(
        "/conversations/new/",
        {"committee": world.committee_a.pk, "topic": "花园怎么改？", "statements": "多种花\n\n"},
    )
    conv = Conversation.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/conversations/{conv.pk}/"
    assert list(conv.statements.values_list("text", flat=True)) == ["多种花"]
