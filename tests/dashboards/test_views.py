"""Street and district dashboards: page, drill-down records, PDF and API give the same
figures; other streets are 404; query counts do not grow with rows."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from linli.deliberation import services as meetings
from linli.projects.services import project_create
from tests.api_client import ApiClient

YEAR = timezone.localdate().year


def _meeting(world, n=1):
    for i in range(n):
        m = meetings.meeting_create(
            actor=world.users.staff_a,
            committee=world.committee_a,
            kind="residents",
            title=f"居民会议{i}",
            convener="committee",
            starts_at=timezone.now() + datetime.timedelta(hours=1),
            expected_count=20,
        )
        meetings.meeting_sign_in(actor=world.users.staff_a, meeting=m, name=f"居民{i}")


@pytest.fixture
def figures(world):
    _meeting(world)
    project_create(
        actor=world.users.staff_a,
        committee=world.committee_a,
        title="开鲁一村口袋花园",
        kind="garden",
        origin="partner",
    )
    project_create(actor=world.users.staff_b, committee=world.committee_b, title="乙方专属车库")
    return world


def test_street_staff_sees_own_street_figures(client, figures):
    client.force_login(figures.users.street_a)
    page = client.get(f"/dashboards/street/{figures.street_a.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "殷行街道" in html and "数据看板" in html
    assert 'id="dashboard-charts"' in html  # chart data via json_script
    api = ApiClient(figures.users.street_a).get(
        f"/api/dashboards/street/{figures.street_a.pk}", year=YEAR
    )
    assert api.status_code == 200
    data = api.json()
    assert data["meetings"]["total"] == 1
    assert data["projects"]["proposals"] == 1
    assert data["projects"]["new_in_year"] == 1  # 乙方's project is in the other street
    assert data["participation"]["participations"] == 1
    assert data["committees"]["n"] == 1


def test_every_figure_links_to_its_records(client, figures):
    client.force_login(figures.users.street_a)
    base = f"/dashboards/street/{figures.street_a.pk}/records/"
    page = client.get(f"{base}proposals/?year={YEAR}").content.decode()
    assert "开鲁一村口袋花园" in page and "乙方专属" not in page
    page = client.get(f"{base}meetings/?year={YEAR}&key=residents").content.decode()
    assert "居民会议0" in page
    page = client.get(f"{base}participation/?year={YEAR}&key=meeting_signin").content.decode()
    assert "居民0" in page
    assert client.get(f"{base}nothing/?year={YEAR}").status_code == 404
    assert client.get(f"{base}participation/?year={YEAR}&key=nope").status_code == 404


def test_other_street_and_other_roles_are_refused(client, figures):
    u = figures.users
    client.force_login(u.street_a)
    assert client.get(f"/dashboards/street/{figures.street_b.pk}/").status_code == 404
    assert (
        client.get(f"/dashboards/street/{figures.street_b.pk}/records/projects/").status_code == 404
    )
    assert client.get(f"/dashboards/district/{figures.district.pk}/").status_code == 404
    assert (
        ApiClient(u.street_a).get(f"/api/dashboards/street/{figures.street_b.pk}").status_code
        == 404
    )
    for user in (u.staff_a, u.resident_a, u.planner_a):
        client.force_login(user)
        assert client.get(f"/dashboards/street/{figures.street_a.pk}/").status_code == 404
    client.force_login(u.district)
    assert client.get(f"/dashboards/street/{figures.street_b.pk}/").status_code == 200
    data = ApiClient(u.district).get(f"/api/dashboards/district/{figures.district.pk}").json()
    assert data["projects"]["total"] == 2 and data["committees"]["n"] == 2


def test_bad_year_is_a_chinese_400(client, figures):
    client.force_login(figures.users.street_a)
    r = client.get(f"/dashboards/street/{figures.street_a.pk}/?year=1999")
    assert r.status_code == 400 and "年份" in r.content.decode()
    r = ApiClient(figures.users.street_a).get(
        f"/api/dashboards/street/{figures.street_a.pk}", year=1999
    )
    assert r.status_code == 400 and "年份" in r.json()["detail"]


def test_annual_report_pdf(client, figures):
    client.force_login(figures.users.street_a)
    r = client.get(f"/dashboards/street/{figures.street_a.pk}/report.pdf?year={YEAR}")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")


@pytest.mark.parametrize("n", [1, 12])
def test_dashboard_query_count_is_flat(client, figures, n, django_assert_num_queries):
    """The same number of queries for 1 and 12 meetings (and their sign-ins), street and
    district: session + user + roles, then a fixed set of aggregates."""
    _meeting(figures, n)
    client.force_login(figures.users.district)
    for url in (
        f"/dashboards/street/{figures.street_a.pk}/?year={YEAR}",
        f"/dashboards/district/{figures.district.pk}/?year={YEAR}",
    ):
        with django_assert_num_queries(QUERIES):
            assert client.get(url).status_code == 200


QUERIES = 25


def test_home_pages_link_to_the_dashboards(client, figures):
    client.force_login(figures.users.street_a)
    home = client.get(f"/places/street/{figures.street_a.pk}/").content.decode()
    assert f"/dashboards/street/{figures.street_a.pk}/" in home
    client.force_login(figures.users.district)
    home = client.get(f"/places/district/{figures.district.pk}/").content.decode()
    assert f"/dashboards/district/{figures.district.pk}/" in home
