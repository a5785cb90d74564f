"""Every role's home page renders; the English catalogue is complete and used."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from linli.projects.services import project_create

pytestmark = pytest.mark.django_db


def _home(client, user):
    client.force_login(user)
    return client.get(reverse("home"), follow=True)


def test_anonymous_home_goes_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_district_admin_home(client, world):
    response = _home(client, world.users.district)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("places:district", args=[world.district.pk])
    html = response.content.decode()
    assert "殷行街道" in html and "五角场街道" in html


def test_street_staff_home(client, world):
    project_create(actor=world.users.staff_a, committee=world.committee_a, title="加装电梯")
    response = _home(client, world.users.street_a)
    assert response.redirect_chain[-1][0] == reverse("places:street", args=[world.street_a.pk])
    html = response.content.decode()
    assert "开鲁新村第一居委会" in html
    assert "铁路新村居委会" not in html


def test_committee_staff_home_is_workbench(client, world):
    response = _home(client, world.users.staff_a)
    assert response.redirect_chain[-1][0] == reverse(
        "places:workbench", args=[world.committee_a.pk]
    )
    html = response.content.decode()
    assert "开鲁一村" in html
    assert f"/places/roster/committee/{world.committee_a.pk}/import/" in html
    assert "铁路新村" not in html


def test_planner_home_lists_paired_committees(client, world):
    response = _home(client, world.users.planner_a)
    assert response.redirect_chain[-1][0] == reverse("places:planner_home")
    html = response.content.decode()
    assert "殷行街道" in html and "开鲁新村第一居委会" in html
    assert "铁路新村居委会" not in html


def test_resident_home_shows_own_flat_and_open_projects(client, world):
    project_create(actor=world.users.staff_a, committee=world.committee_a, title="楼道微更新")
    project_create(actor=world.users.staff_b, committee=world.committee_b, title="别处的项目")
    response = _home(client, world.users.resident_a)
    assert response.redirect_chain[-1][0] == reverse("places:my_home")
    html = response.content.decode()
    assert "张建国" in html and "李秀英" in html  # own flat's owners
    assert "王伟" not in html  # neighbour's flat is not shown
    assert "楼道微更新" in html
    assert "别处的项目" not in html


def test_user_without_role_sees_explanation(client, world):
    response = _home(client, world.users.outsider)
    assert response.status_code == 200
    assert "还没有任何角色" in response.content.decode()


def test_pages_fit_a_phone(client, world):
    client.force_login(world.users.staff_a)
    html = client.get(reverse("places:workbench", args=[world.committee_a.pk])).content.decode()
    assert 'name="viewport"' in html and "width=device-width" in html
    css = (Path(settings.BASE_DIR) / "static" / "css" / "linli.css").read_text()
    assert ".large-text" in css


def _po_entries(text: str):
    """(msgid, [msgstr...], flags) for each entry of a .po file; enough for this check."""
    entries, current, key, flags = [], None, None, []
    for line in text.splitlines() + [""]:
        line = line.strip()
        if not line:
            if current is not None:
                entries.append(current)
            current, key, flags = None, None, []
            continue
        if line.startswith("#,"):
            flags = [f.strip() for f in line[2:].split(",")]
            continue
        if line.startswith("#"):
            continue
        if current is None:
            current = {"msgid": "", "msgstr": {}, "flags": flags}
        if line.startswith("msgid_plural"):
            key = None
            continue
        if line.startswith("msgid "):
            key = "msgid"
            current["msgid"] = line[6:].strip().strip('"')
        elif line.startswith("msgstr"):
            name, _, rest = line.partition(" ")
            key = name
            current["msgstr"][name] = rest.strip().strip('"')
        elif line.startswith('"') and key:
            if key == "msgid":
                current["msgid"] += line.strip('"')
            else:
                current["msgstr"][key] += line.strip('"')
    return entries


def test_english_catalogue_is_complete():
    po = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert po.exists() and mo.exists(), "run makemessages -l en and compilemessages"
    entries = [e for e in _po_entries(po.read_text(encoding="utf-8")) if e["msgid"]]
    assert len(entries) > 100
    missing = [e["msgid"] for e in entries if not all(v for v in e["msgstr"].values())]
    assert missing == [], f"untranslated: {missing[:10]}"
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert fuzzy == [], f"fuzzy: {fuzzy[:10]}"


def test_page_renders_in_english(client, world):
    client.force_login(world.users.staff_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("places:workbench", args=[world.committee_a.pk])).content.decode()
    assert '<html lang="en">' in html
    assert "Workbench" in html and "New project" in html
    assert "工作台" not in html and "新建项目" not in html


def test_page_renders_in_chinese_by_default(client, world):
    client.force_login(world.users.staff_a)
    html = client.get(reverse("places:workbench", args=[world.committee_a.pk])).content.decode()
    assert "工作台" in html and "新建项目" in html


def test_admin_changelists_render_in_chinese(client, world):
    from django.contrib import admin

    from linli.accounts.models import User

    admin_user = User.objects.create_superuser(
        mobile="13900000001", password="x" * 10, name="管理员"
    )
    client.force_login(admin_user)
    index = client.get("/admin/").content.decode()
    assert "邻里 · 后台管理" in index and "社区登记" in index
    for model in admin.site._registry:
        if model._meta.app_label not in {"accounts", "places", "projects"}:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 200, url
        assert "选择" in response.content.decode()  # Chinese admin chrome
    response = client.get(reverse("admin:places_flat_change", args=[world.flat_a.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/places/mine/",
        "/places/planner/",
        "/places/district/1/",
        "/places/street/1/",
        "/places/committee/1/",
        "/places/compounds/1/",
        "/places/buildings/1/",
        "/places/flats/1/",
        "/places/facilities/",
        "/projects/",
        "/projects/new/",
        "/projects/1/",
        "/accounts/profile/",
    ],
)
def test_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_partner_and_owners_committee_land_on_community_home(client, world):
    from linli.accounts.models import Role
    from tests.factories import make_user

    partner = make_user(Role.PARTNER, world.committee_a, name="社区合伙人小沈")
    owners = make_user(Role.OWNERS_COMMITTEE, world.compound_a, name="业委会老魏")
    for user in (partner, owners):
        response = _home(client, user)
        assert response.redirect_chain[-1][0] == reverse("places:my_home")
        html = response.content.decode()
        assert "开鲁一村" in html and "铁路新村" not in html


def test_workbench_query_count_is_pinned(client, world, django_assert_max_num_queries):
    from linli.places.services import microspace_create

    for i in range(10):
        microspace_create(
            actor=world.users.staff_a, compound=world.compound_a, name=f"空间{i}", kind="garden"
        )
        project_create(actor=world.users.staff_a, committee=world.committee_a, title=f"项目{i}")
    client.force_login(world.users.staff_a)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("places:workbench", args=[world.committee_a.pk]))
    assert response.status_code == 200


def test_admin_role_grant_goes_through_the_audited_service(client, world):
    from linli.accounts.models import RoleAssignment, User
    from linli.audit.models import AuditEvent

    admin_user = User.objects.create_superuser(
        mobile="13900000002", password="x" * 10, name="管理员"
    )
    client.force_login(admin_user)
    target = world.users.outsider
    response = client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": target.pk, "role": "resident", "flat": world.flat_a2.pk, "title": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ra = RoleAssignment.objects.get(user=target)
    assert ra.flat == world.flat_a2
    assert AuditEvent.objects.filter(action="role.assign", object_id=str(ra.pk)).exists()
    response = client.post(
        reverse("admin:accounts_roleassignment_delete", args=[ra.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(user=target).exists()
    assert AuditEvent.objects.filter(action="role.revoke").exists()


def test_admin_project_add_uses_the_service(client, world):
    from linli.accounts.models import User
    from linli.projects.models import Project

    admin_user = User.objects.create_superuser(
        mobile="13900000003", password="x" * 10, name="管理员"
    )
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:projects_project_add"),
        {
            "committee": world.committee_a.pk,
            "title": "后台创建的项目",
            "summary": "",
            "kind": "garden",
            "origin": "committee",
            "owners_rights": "none",
            "compounds": [world.compound_a.pk],
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get(title="后台创建的项目")
    assert project.created_by == admin_user
    assert project.events.filter(kind="created").count() == 1
    assert list(project.compounds.all()) == [world.compound_a]


def test_admin_microspace_add_and_change_are_audited(client, world):
    from linli.accounts.models import User
    from linli.audit.models import AuditEvent
    from linli.places.models import MicroSpace

    admin_user = User.objects.create_superuser(
        mobile="13900000004", password="x" * 10, name="管理员"
    )
    client.force_login(admin_user)
    data = {
        "compound": world.compound_a.pk,
        "name": "后台登记的花园",
        "kind": "garden",
        "condition": "fair",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:places_microspace_add"), data)
    assert response.status_code == 302
    ms = MicroSpace.objects.get(name="后台登记的花园")
    assert AuditEvent.objects.filter(action="microspace.create", object_id=str(ms.pk)).exists()
    data.update(name="改名的花园", condition="good")
    response = client.post(reverse("admin:places_microspace_change", args=[ms.pk]), data)
    assert response.status_code == 302
    ms.refresh_from_db()
    assert ms.name == "改名的花园" and ms.condition == "good"
    assert AuditEvent.objects.filter(action="microspace.update", object_id=str(ms.pk)).exists()


def test_chinese_is_the_default_even_for_an_english_browser(client, world):
    """Residents' phones may be set to English; the UI stays Chinese until they choose otherwise."""
    client.force_login(world.users.resident_a)
    html = client.get("/places/mine/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-CN"' in html
