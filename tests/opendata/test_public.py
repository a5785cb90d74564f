"""Open data: anonymous pages and exports show what was published, never a person."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from linli.accounts.models import User
from linli.opendata import selectors
from linli.places.models import Person

pytestmark = pytest.mark.django_db


def _personal(world) -> list[str]:
    """Names and phone numbers of everyone in the test world (people and users)."""
    values = set(Person.objects.values_list("name", flat=True))
    values |= set(User.objects.values_list("name", flat=True))
    values |= set(User.objects.values_list("mobile", flat=True))
    values |= {p for p in Person.objects.values_list("mobile", flat=True) if p}
    return sorted(v for v in values if v)


def _all_public_urls(world, od) -> list[str]:
    y = od.year
    s = world.street_a.pk
    urls = [
        reverse("opendata:landing"),
        reverse("opendata:dictionary"),
        reverse("opendata:dictionary_csv"),
        reverse("opendata:street", args=[s]),
        reverse("opendata:street", args=[s]) + f"?year={y}",
        reverse("opendata:notice", args=[od.published.pk]),
        reverse("opendata:vote", args=[od.vote.pk]),
        reverse("opendata:accounts", args=[od.case.project.pk]),
        reverse("opendata:accounts", args=[od.small.project.pk]),
        reverse("opendata:export_json", args=[s, y]),
        f"/api/open/streets/{s}/{y}",
        "/api/open/streets",
        "/api/open/dictionary",
    ]
    urls += [reverse("opendata:export_csv", args=[s, y, d]) for d in selectors.DATASET_KEYS]
    urls += [f"/api/open/streets/{s}/{y}/{d}.csv" for d in selectors.DATASET_KEYS]
    return urls


def _text(response) -> str:
    return response.content.decode("utf-8")


def test_everything_public_answers_without_login(world, od, client):
    for url in _all_public_urls(world, od):
        r = client.get(url)
        assert r.status_code == 200, url


def test_no_name_or_phone_of_anyone_appears(world, od, client):
    personal = _personal(world)
    assert "张建国" in personal and "住户101" in personal and "会计老李" in personal
    leaks = []
    for url in _all_public_urls(world, od):
        text = _text(client.get(url))
        leaks += [f"{url}: {v}" for v in personal if v in text]
    assert leaks == []
    # nor the needs' own text or the funding sources' names (only kinds are published)
    export = _text(client.get(reverse("opendata:export_json", args=[world.street_a.pk, od.year])))
    assert "垃圾分类点太远" not in export and "5号楼两户自筹" not in export


def test_unpublished_things_stay_out(world, od, client):
    street = _text(client.get(reverse("opendata:street", args=[world.street_a.pk])))
    assert "开鲁一村停车方案公示" in street
    assert "加装电梯意向表决" in street
    assert od.needs_list.title in street
    assert "安顺苑5号楼睦邻客厅" in street
    assert "尚未发布的草稿公示" not in street
    assert "仍在进行的表决" not in street
    assert client.get(reverse("opendata:notice", args=[od.draft.pk])).status_code == 404
    assert client.get(reverse("opendata:vote", args=[od.open_vote.pk])).status_code == 404
    export = _text(client.get(reverse("opendata:export_json", args=[world.street_a.pk, od.year])))
    assert "尚未发布的草稿公示" not in export and "仍在进行的表决" not in export
    # another street's page has none of street A's records
    other = _text(client.get(reverse("opendata:street", args=[world.street_b.pk])))
    assert "开鲁一村停车方案公示" not in other and "加装电梯意向表决" not in other


def test_suppression_rule():
    assert selectors.suppress(0) == "<5"
    assert selectors.suppress(4) == "<5"
    assert selectors.suppress(5) == 5
    assert selectors.suppress(123) == 123


def test_small_counts_are_suppressed_in_pages_and_exports(world, od, client):
    data = client.get(f"/api/open/streets/{world.street_a.pk}/{od.year}").json()
    needs = {r["category"]: r for r in data["datasets"]["needs"]["rows"]}
    assert needs["环境卫生"]["received"] == 7
    assert needs["绿化景观"]["received"] == "<5"
    assert needs["环境卫生"]["became_project"] == "<5"  # zero is a small count too
    (vote,) = data["datasets"]["votes"]["rows"]
    assert vote["electors"] == od.electors and vote["ballots"] == 12
    assert vote["agree"] == 9 and vote["disagree"] == "<5" and vote["abstain"] == "<5"
    assert vote["passed"] in ("是", "否")
    page = _text(client.get(reverse("opendata:vote", args=[od.vote.pk])))
    assert "&lt;5" in page and ">9<" in page
    # two households' own money is not shown; twelve households' is
    small = client.get(reverse("opendata:accounts", args=[od.small.project.pk]))
    assert "出资户少于5户" in _text(small)
    rows = data["datasets"]["accounts"]["rows"]
    by = {(r["project"], r["category"]): r["yuan"] for r in rows}
    assert by[("5号楼楼道灯更换", "居民自筹")] == "<5"
    assert by[("安顺苑5号楼睦邻客厅", "居民自筹")] == "48000.00"
    assert by[("安顺苑5号楼睦邻客厅", "街道配套")] == "48000.00"


def test_a_vote_with_fewer_than_five_electors_hides_its_shares(world, od):
    from linli.voting.models import VoteResult

    od.result.vote.result = VoteResult(
        vote=od.result.vote, counts={"electors": 3, "ballots": 3, "agree_owners_pct": "100.00",
        "participation_owners_pct": "100.00", "choices": {"agree": 3}}, passed=True,
    )  # fmt: skip
    s = selectors.vote_summary(od.result.vote)
    assert s["electors"] == "<5" and s["agree_pct"] is None and s["participation_pct"] is None


def test_csv_and_json_are_well_formed_and_match_the_dictionary(world, od, client):
    dictionary = client.get("/api/open/dictionary").json()
    columns = {d["key"]: [c["key"] for c in d["columns"]] for d in dictionary["datasets"]}
    assert set(columns) == set(selectors.DATASET_KEYS)
    data = json.loads(
        _text(client.get(reverse("opendata:export_json", args=[world.street_a.pk, od.year])))
    )
    assert data["year"] == od.year and data["street"]["name"] == "殷行街道"
    for key, cols in columns.items():
        assert data["datasets"][key]["columns"] == cols
        for row in data["datasets"][key]["rows"]:
            assert list(row) == cols
        r = client.get(reverse("opendata:export_csv", args=[world.street_a.pk, od.year, key]))
        assert r["Content-Type"].startswith("text/csv")
        text = _text(r)
        assert text.startswith("\ufeff")
        table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        assert table[0] == cols
        assert len(table) - 1 == len(data["datasets"][key]["rows"])
        assert all(len(row) == len(cols) for row in table)
        assert (
            _text(client.get(f"/api/open/streets/{world.street_a.pk}/{od.year}/{key}.csv")) == text
        )
    assert len(data["datasets"]["projects"]["rows"]) == 2
    assert len(data["datasets"]["notices"]["rows"]) == 1


def test_data_dictionary_lists_every_column(client):
    page = _text(client.get(reverse("opendata:dictionary")))
    rows = list(
        csv.reader(
            io.StringIO(_text(client.get(reverse("opendata:dictionary_csv"))).lstrip("\ufeff"))
        )
    )
    listed = {(r[0], r[1]) for r in rows[1:]}
    for d in selectors.DATASETS:
        assert str(d.title) in page
        for c in d.columns:
            assert f"<code>{c.key}</code>" in page and str(c.label) in page
            assert (d.key, c.key) in listed


def test_bad_year_dataset_or_street_is_404(world, od, client):
    s = world.street_a.pk
    assert client.get(reverse("opendata:export_json", args=[s, 1999])).status_code == 404
    assert (
        client.get(reverse("opendata:export_csv", args=[s, od.year, "persons"])).status_code == 404
    )
    assert client.get(reverse("opendata:street", args=[987654])).status_code == 404
    assert client.get(reverse("opendata:street", args=[s]) + "?year=abc").status_code == 404
    assert client.get(f"/api/open/streets/{s}/{od.year}/persons.csv").status_code == 404
    assert client.get(f"/api/open/streets/987654/{od.year}").status_code == 404
    assert client.post(reverse("opendata:landing")).status_code == 405


def test_anonymous_api_is_throttled(world, client, settings):
    settings.LINLI_API_RATE_ANON = "2/m"
    from django.core.cache import cache

    cache.clear()
    codes = [client.get("/api/open/streets").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_landing_lists_streets_and_is_linked_from_every_page(world, od, client):
    landing = _text(client.get(reverse("opendata:landing")))
    assert reverse("opendata:street", args=[world.street_a.pk]) in landing
    assert reverse("opendata:street", args=[world.street_b.pk]) in landing
    login = _text(client.get(reverse("accounts:login")))
    assert reverse("opendata:landing") in login
    street = _text(client.get(reverse("opendata:street", args=[world.street_a.pk])))
    assert reverse("evaluation:cases") + f"?street={world.street_a.pk}" in street
    assert reverse("needs:public_list", args=[od.needs_list.public_token]) in street
    client.force_login(world.users.street_a)
    home = _text(client.get(reverse("places:street", args=[world.street_a.pk])))
    assert reverse("opendata:street", args=[world.street_a.pk]) in home
