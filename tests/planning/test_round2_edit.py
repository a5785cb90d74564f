"""Round 2 copies round 1's options and the page says "您可以逐个修改": each copied option
has its own edit form (prefilled), saving it changes that option and writes an audit event;
bad input comes back in Chinese with a 4xx and changes nothing; others cannot edit (issue 11)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from linli.audit.models import AuditEvent
from linli.planning import services
from linli.planning.models import DesignOption

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def round2(published):
    planner = published.users.planner_a
    rnd = services.round_create(
        actor=planner, project=published.project, change_note="根据居民意见增加遮阳"
    )
    published.round2 = rnd
    published.copy_a = rnd.options.get(label="方案A：口袋花园")
    published.copy_b = rnd.options.get(label="方案B：儿童角")
    return published


def test_each_copied_option_has_a_prefilled_edit_form(round2):
    c = client_for(round2.users.planner_a)
    html = c.get(reverse("planning:design", args=[round2.project.pk])).content.decode()
    for opt in (round2.copy_a, round2.copy_b):
        assert reverse("planning:option_edit", args=[opt.pk]) in html
    assert 'value="方案A：口袋花园"' in html and 'value="1200.00"' in html
    assert "修改此方案" in html
    # published round-1 options are not editable
    assert reverse("planning:option_edit", args=[round2.option_a.pk]) not in html


def test_editing_a_copied_option_saves_it_and_audits(round2):
    c = client_for(round2.users.planner_a)
    opt = round2.copy_a
    r = c.post(
        reverse("planning:option_edit", args=[opt.pk]),
        {
            "label": "方案A：口袋花园（加遮阳）",
            "description": "保留大树，增加座椅和遮阳棚",
            "maintenance": "物业每季度检查",
            "cost_name": ["座椅", "遮阳棚", ""],
            "cost_amount": ["1200", "3000", ""],
        },
    )
    assert r.status_code == 302
    opt.refresh_from_db()
    assert opt.label == "方案A：口袋花园（加遮阳）" and opt.total_fen == 420000
    assert opt.derived_from_id == round2.option_a.pk
    # round 1 is untouched
    round2.option_a.refresh_from_db()
    assert round2.option_a.label == "方案A：口袋花园" and round2.option_a.total_fen == 200050
    ev = AuditEvent.objects.filter(action="design_option.save", object_id=str(opt.pk)).last()
    assert ev is not None and ev.before["label"] == "方案A：口袋花园"
    html = c.get(reverse("planning:design", args=[round2.project.pk])).content.decode()
    assert "方案A：口袋花园（加遮阳）" in html and "4,200.00 元" in html


def test_bad_edit_is_refused_in_chinese_and_changes_nothing(round2):
    c = client_for(round2.users.planner_a)
    opt = round2.copy_a
    before = (opt.label, opt.description, opt.total_fen)
    n = AuditEvent.objects.count()
    url = reverse("planning:option_edit", args=[opt.pk])
    r = c.post(url, {"label": "", "description": "新的说明", "cost_name": ["座椅"],
                     "cost_amount": ["100"]})  # fmt: skip
    assert r.status_code == 400 and "请填写方案名称" in r.content.decode()
    assert "新的说明" in r.content.decode()  # what was typed comes back
    r = c.post(url, {"label": "方案B：儿童角", "description": "d"})
    assert r.status_code == 400 and "本轮已有名为" in r.content.decode()
    r = c.post(url, {"label": "A", "description": "d", "cost_name": ["座椅"],
                     "cost_amount": ["-5"]})  # fmt: skip
    assert r.status_code == 400 and "必须大于0" in r.content.decode()
    opt.refresh_from_db()
    assert (opt.label, opt.description, opt.total_fen) == before
    assert AuditEvent.objects.count() == n


def test_others_cannot_edit_and_published_options_are_frozen(round2):
    opt = round2.copy_a
    url = reverse("planning:option_edit", args=[opt.pk])
    data = {"label": "居民改的", "description": "d"}
    assert client_for(round2.users.resident_a).post(url, data).status_code in (403, 404)
    assert client_for(round2.users.staff_b).post(url, data).status_code in (403, 404)
    assert client_for(round2.users.outsider).post(url, data).status_code in (403, 404)
    opt.refresh_from_db()
    assert opt.label == "方案A：口袋花园"
    planner = client_for(round2.users.planner_a)
    r = planner.post(reverse("planning:option_edit", args=[round2.option_a.pk]), data)
    assert r.status_code in (400, 409) and "已发布" in r.content.decode()
    round2.option_a.refresh_from_db()
    assert round2.option_a.label == "方案A：口袋花园"


def test_a_copied_option_can_be_removed_from_the_draft(round2):
    c = client_for(round2.users.planner_a)
    opt = round2.copy_b
    r = c.post(reverse("planning:option_remove", args=[opt.pk]))
    assert r.status_code == 302
    assert not DesignOption.objects.filter(pk=opt.pk).exists()
    assert DesignOption.objects.filter(pk=round2.option_b.pk).exists()
    assert AuditEvent.objects.filter(action="design_option.remove").count() == 1
    r = client_for(round2.users.resident_a).post(
        reverse("planning:option_remove", args=[round2.copy_a.pk])
    )
    assert r.status_code in (403, 404)
    assert DesignOption.objects.filter(pk=round2.copy_a.pk).exists()


def test_design_page_links_to_the_round_vote(published):
    import datetime

    from django.utils import timezone

    now = timezone.now()
    vote = services.round_to_vote(
        actor=published.users.staff_a, round=published.round1,
        opens_at=now + datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=8),
    )  # fmt: skip
    c = client_for(published.users.staff_a)
    html = c.get(reverse("planning:design", args=[published.project.pk])).content.decode()
    link = reverse("voting:detail", args=[vote.pk])
    assert f'href="{link}"' in html  # was a hard-coded /voting/… that answered 404
    assert c.get(link).status_code == 200
