"""Household roster over /api/roster/: upload (multipart), status, export."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from linli.places.models import Flat
from linli.places.roster_models import RosterImport
from tests.api_client import ApiClient
from tests.places.fixtures.roster_files import xlsx

pytestmark = pytest.mark.django_db

GOOD = [["开鲁一村", "5号楼", "", "301", 3, 80.5, "陈明", "13900000001", "陈明(70,男)", ""]]


def post_file(api: ApiClient, committee_id: int, data: bytes, name: str = "名册.xlsx"):
    return api.client.post(
        f"/api/roster/committees/{committee_id}/imports",
        {"file": SimpleUploadedFile(name, data)},
        **api.headers,
    )


def test_upload_imports_and_reports_counts(world):
    api = ApiClient(world.users.staff_a)
    response = post_file(api, world.committee_a.pk, xlsx(GOOD))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "done" and body["created"] == 1 and body["errors"] == []
    assert Flat.objects.filter(room="301").exists()

    status = api.get(f"/api/roster/imports/{body['id']}")
    assert status.status_code == 200
    assert status.json()["percent"] == 100

    again = post_file(api, world.committee_a.pk, xlsx(GOOD))
    assert again.status_code == 201
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 1)


def test_bad_rows_are_a_400_report(world):
    rows = GOOD + [["开鲁一村", "5号楼", "", "302", 3, -5, "", "", "", ""]]
    api = ApiClient(world.users.staff_a)
    response = post_file(api, world.committee_a.pk, xlsx(rows))
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "failed" and "整个文件未导入" in body["detail"]
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, "建筑/专有面积(㎡)")]
    assert not Flat.objects.filter(room="301").exists()


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [("x.txt", b"hello", "仅支持"), ("x.xlsx", b"hello", "不是有效的 Excel")],
)
def test_wrong_file_is_a_400_with_chinese_detail(world, name, data, needle):
    api = ApiClient(world.users.staff_a)
    response = post_file(api, world.committee_a.pk, data, name)
    assert response.status_code == 400
    assert needle in response.json()["detail"]
    assert not RosterImport.objects.exists()


def test_missing_file_is_4xx(world):
    api = ApiClient(world.users.staff_a)
    response = api.client.post(
        f"/api/roster/committees/{world.committee_a.pk}/imports", {}, **api.headers
    )
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


@pytest.mark.parametrize(("who", "status"), [("staff_b", 404), ("resident_a", 403),
                                             ("leader_a", 403)])  # fmt: skip
def test_scope(world, who, status):
    api = ApiClient(getattr(world.users, who))
    assert post_file(api, world.committee_a.pk, xlsx(GOOD)).status_code == status
    assert api.get(f"/api/roster/committees/{world.committee_a.pk}/export").status_code == status
    assert not Flat.objects.filter(room="301").exists()


def test_status_outside_scope_and_missing_are_404(world):
    record = RosterImport.objects.create(committee=world.committee_a)
    assert ApiClient(world.users.staff_b).get(f"/api/roster/imports/{record.pk}").status_code == 404
    response = ApiClient(world.users.staff_a).get("/api/roster/imports/987654")
    assert response.status_code == 404 and "detail" in response.json()


def test_unknown_committee_is_404(world):
    api = ApiClient(world.users.staff_a)
    assert post_file(api, 987654, xlsx(GOOD)).status_code == 404


def test_export_returns_xlsx(world):
    api = ApiClient(world.users.staff_a)
    response = api.get(f"/api/roster/committees/{world.committee_a.pk}/export")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert [c.value for c in sheet[1]][:4] == ["小区", "楼号", "单元", "室号"]


def test_anonymous_is_401(client, world):
    response = client.get(f"/api/roster/committees/{world.committee_a.pk}/export")
    assert response.status_code == 401


def test_queued_import_answers_202_and_the_worker_finishes_it(world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    api = ApiClient(world.users.staff_a)
    response = post_file(api, world.committee_a.pk, xlsx(GOOD))
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["percent"] == 0
    assert not Flat.objects.filter(room="301").exists()

    from linli.places.tasks import roster_import_run

    assert roster_import_run.call(body["id"]) == "done 1/0/0"
    status = api.get(f"/api/roster/imports/{body['id']}").json()
    assert (status["status"], status["created"], status["percent"]) == ("done", 1, 100)
    assert roster_import_run.call(body["id"]) == "skipped"  # a finished import is not re-run
