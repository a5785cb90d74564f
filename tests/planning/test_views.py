"""Pages: bad input answers 4xx in Chinese and saves nothing; scope is 404/403."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from linli.planning.models import DesignOption, WorkLog
from tests.planning.conftest import png

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_not_an_image_and_negative_cost_on_the_page(paired):
    from linli.planning import services

    rnd = services.round_create(actor=paired.users.planner_a, project=paired.project)
    c = client_for(paired.users.planner_a)
    fake = SimpleUploadedFile("效果图.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    r = c.post(f"/planning/round/{rnd.pk}/options/new/",
               {"label": "A", "description": "d", "cost_name": ["座椅"], "cost_amount": ["100"], "files": [fake]})  # fmt: skip
    assert r.status_code == 400 and "不是有效的图片" in r.content.decode()
    r = c.post(f"/planning/round/{rnd.pk}/options/new/",
               {"label": "A", "description": "d", "cost_name": ["座椅"], "cost_amount": ["-100"]})  # fmt: skip
    assert r.status_code == 400 and "必须大于0" in r.content.decode()
    html = r.content.decode()  # the form comes back with what was typed
    assert 'id="form-error"' in html and 'value="-100"' in html and 'value="座椅"' in html
    r = c.post(f"/planning/round/{rnd.pk}/publish/")
    assert r.status_code == 400 and "还没有任何设计方案" in r.content.decode()
    assert DesignOption.objects.count() == 0
    r = c.post(f"/planning/round/{rnd.pk}/options/new/",
               {"label": "A", "description": "d", "cost_name": ["座椅", ""], "cost_amount": ["100", ""],
                "files": [png()]})  # fmt: skip
    assert r.status_code == 302
    opt = DesignOption.objects.get()
    assert opt.total_fen == 10000
    # drafts (and their files) are not shown to residents
    f = opt.files.get()
    assert (
        client_for(paired.users.resident_a).get(f"/planning/option-file/{f.pk}/").status_code == 404
    )
    assert c.get(f"/planning/option-file/{f.pk}/").status_code == 200


def test_planner_acting_outside_pairing_is_refused(paired):
    from linli.accounts.models import Role
    from linli.accounts.services import role_assign

    # give the planner sight of street B without pairing: seeing is not acting
    role_assign(actor=None, user=paired.users.planner_a, role=Role.PLANNER, scope=paired.street_b)
    c = client_for(paired.users.planner_a)
    r = c.post(f"/planning/committee/{paired.committee_b.pk}/log/",
               {"kind": "site_visit", "date": datetime.date.today().isoformat(), "place": "x", "findings": "y"})  # fmt: skip
    assert r.status_code == 403 and "未与该居委会结对" in r.content.decode()
    assert WorkLog.objects.count() == 0
    r = c.post(f"/planning/committee/{paired.committee_a.pk}/log/",
               {"kind": "site_visit", "date": "昨天", "place": "x", "findings": "y"})  # fmt: skip
    assert r.status_code == 400 and "日期格式不正确" in r.content.decode()
    bad = SimpleUploadedFile("site.jpg", b"not a photo", content_type="image/jpeg")
    r = c.post(f"/planning/committee/{paired.committee_a.pk}/log/",
               {"kind": "site_visit", "date": datetime.date.today().isoformat(), "place": "中心花园",
                "findings": "铺地破损", "photos": [bad]})  # fmt: skip
    html = r.content.decode()
    assert r.status_code == 400 and "不是有效的图片" in html and "铺地破损</textarea>" in html
    assert WorkLog.objects.count() == 0


def test_pages_render_for_each_role(published):
    w = published
    pages = [
        f"/planning/committee/{w.committee_a.pk}/",
        f"/planning/committee/{w.committee_a.pk}/log/",
        f"/planning/committee/{w.committee_a.pk}/partners/",
        f"/planning/project/{w.project.pk}/",
        f"/planning/project/{w.project.pk}/compare/",
        f"/planning/project/{w.project.pk}/diagnosis/",
    ]
    for user in (w.users.planner_a, w.users.staff_a, w.users.resident_a):
        c = client_for(user)
        for url in pages:
            assert c.get(url).status_code == 200, (user, url)
    outsider = client_for(w.users.staff_b)
    for url in pages:
        assert outsider.get(url).status_code == 404, url
    for url in ("/planning/pool/", "/planning/coverage/"):
        assert client_for(w.users.district).get(url).status_code == 200


def test_list_pages_query_count_is_flat(published, django_assert_max_num_queries):
    from linli.planning import services

    for i in range(3):
        services.option_comment(
            actor=published.users.resident_a, option=published.option_a, text=f"意见{i}"
        )
    c = client_for(published.users.resident_a)
    c.get(f"/planning/project/{published.project.pk}/")
    with django_assert_max_num_queries(22) as ctx:
        c.get(f"/planning/project/{published.project.pk}/")
    n = len(ctx.captured_queries)
    services.option_comment(
        actor=published.users.resident_a, option=published.option_b, text="再来"
    )
    with django_assert_max_num_queries(n):
        c.get(f"/planning/project/{published.project.pk}/")


def test_pool_pairing_and_rating_through_the_pages(paired):
    from linli.planning.models import Pairing, Planner, PlannerRating

    c = client_for(paired.users.district)
    r = c.post("/planning/pool/", {"district": paired.district.pk, "name": "赵老师", "profession": "fine_art",
                                   "mobile": "13700001111", "availability": "available"})  # fmt: skip
    assert r.status_code == 302
    zhao = Planner.objects.get(name="赵老师")
    r = c.post("/planning/pair/", {"planner": zhao.pk, "street": paired.street_b.pk})
    assert (
        r.status_code == 302
        and Pairing.objects.filter(planner=zhao, street=paired.street_b).exists()
    )
    r = c.post(
        "/planning/pool/", {"district": paired.district.pk, "name": "x", "profession": "magic"}
    )
    assert r.status_code == 400
    staff = client_for(paired.users.staff_a)
    assert (
        "评价规划师" in staff.get(f"/planning/committee/{paired.committee_a.pk}/").content.decode()
    )
    r = staff.post(
        f"/planning/project/{paired.project.pk}/rate-planner/",
        {"planner": paired.planner.pk, "score": "4"},
    )
    assert r.status_code == 302 and PlannerRating.objects.get().score == 4
    r = staff.post(
        f"/planning/project/{paired.project.pk}/rate-planner/", {"planner": zhao.pk, "score": "4"}
    )
    assert r.status_code == 404  # not paired with this street


def test_pool_shows_projects_served(published):
    html = client_for(published.users.district).get("/planning/pool/").content.decode()
    assert '<td class="served">1</td>' in html
