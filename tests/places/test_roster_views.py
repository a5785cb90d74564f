"""Household roster pages: upload, progress/report, export, template; scope answers."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from linli.places.models import Flat
from linli.places.roster_models import RosterImport
from tests.places.fixtures.roster_files import xlsx

pytestmark = pytest.mark.django_db

GOOD = [["开鲁一村", "5号楼", "", "301", 3, 80.5, "陈明", "13900000001", "陈明(70,男)", ""]]


def upload_file(data: bytes, name: str = "名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def login(client, user):
    client.force_login(user)
    return client


def test_upload_page_for_committee_staff(client, world):
    login(client, world.users.staff_a)
    response = client.get(reverse("roster:upload", args=[world.committee_a.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'enctype="multipart/form-data"' in body and "建筑/专有面积(㎡)" in body


@pytest.mark.parametrize(("who", "status"), [("staff_b", 404), ("resident_a", 403),
                                             ("leader_a", 403), ("outsider", 404)])  # fmt: skip
def test_upload_page_refuses_others(client, world, who, status):
    login(client, getattr(world.users, who))
    url = reverse("roster:upload", args=[world.committee_a.pk])
    assert client.get(url).status_code == status
    response = client.post(url, {"file": upload_file(xlsx(GOOD))})
    assert response.status_code == status
    assert not Flat.objects.filter(room="301").exists()


def test_good_upload_redirects_to_the_finished_status_page(client, world):
    login(client, world.users.staff_a)
    response = client.post(
        reverse("roster:upload", args=[world.committee_a.pk]), {"file": upload_file(xlsx(GOOD))}
    )
    record = RosterImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("roster:status", args=[record.pk])
    assert record.status == RosterImport.Status.DONE
    assert (record.created, record.total_rows, record.processed_rows) == (1, 1, 1)
    assert Flat.objects.filter(room="301").exists()

    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    # a finished import stops polling (the header's inbox badge loads once on every page)
    assert "导入完成" in body and 'hx-trigger="every' not in body


def test_bad_rows_answer_400_with_the_report(client, world):
    rows = GOOD + [["开鲁一村", "99号楼", "", "302", 3, 60, "", "", "", ""]]
    login(client, world.users.staff_a)
    response = client.post(
        reverse("roster:upload", args=[world.committee_a.pk]), {"file": upload_file(xlsx(rows))}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert '<th class="num">行</th>' in body and "99号楼" in body and "楼号" in body
    assert RosterImport.objects.get().status == RosterImport.Status.FAILED
    assert not Flat.objects.filter(room="301").exists()


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("名册.csv", b"a,b\n", "仅支持"),
        ("名册.xls", b"\xd0\xcf\x11\xe0", ".xls"),
        ("名册.xlsx", b"not a zip at all", "不是有效的 Excel"),
        ("名册.xlsx", b"", "空的"),
    ],
)
def test_wrong_files_answer_400_in_chinese(client, world, name, data, needle):
    login(client, world.users.staff_a)
    response = client.post(
        reverse("roster:upload", args=[world.committee_a.pk]), {"file": upload_file(data, name)}
    )
    assert response.status_code == 400
    assert needle in response.content.decode()
    assert not RosterImport.objects.exists()


def test_missing_file_answers_400(client, world):
    login(client, world.users.staff_a)
    response = client.post(reverse("roster:upload", args=[world.committee_a.pk]), {})
    assert response.status_code == 400
    assert "请选择" in response.content.decode()


def test_running_import_polls_with_htmx(client, world):
    record = RosterImport.objects.create(
        committee=world.committee_a,
        created_by=world.users.staff_a,
        status=RosterImport.Status.VALIDATING,
        total_rows=4000,
        processed_rows=1200,
    )
    login(client, world.users.staff_a)
    url = reverse("roster:status", args=[record.pk])
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page and f'hx-get="{url}"' in page
    assert 'value="30"' in page and "1200 / 4000" in page
    partial = client.get(url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    assert 'id="roster-progress"' in partial.content.decode()


def test_status_of_another_committees_import_is_404(client, world):
    record = RosterImport.objects.create(committee=world.committee_a)
    login(client, world.users.staff_b)
    assert client.get(reverse("roster:status", args=[record.pk])).status_code == 404
    login(client, world.users.resident_a)
    assert client.get(reverse("roster:status", args=[record.pk])).status_code == 404
    assert client.get(reverse("roster:status", args=[99999])).status_code == 404


def test_export_download(client, world):
    login(client, world.users.staff_a)
    response = client.get(reverse("roster:export", args=[world.committee_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert sheet["B2"].value == "5号楼" and sheet.max_row == 3


@pytest.mark.parametrize(("who", "status"), [("staff_b", 404), ("leader_a", 403),
                                             ("resident_a", 403)])  # fmt: skip
def test_export_refused_to_others(client, world, who, status):
    login(client, getattr(world.users, who))
    response = client.get(reverse("roster:export", args=[world.committee_a.pk]))
    assert response.status_code == status


def test_template_and_index(client, world):
    login(client, world.users.staff_a)
    response = client.get(reverse("roster:template"))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
                .iter_rows(values_only=True))  # fmt: skip
    assert rows[0][1] == "楼号" and len(rows) == 1
    index = client.get(reverse("roster:index"))
    assert index.status_code == 200
    assert reverse("roster:upload", args=[world.committee_a.pk]) in index.content.decode()


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("roster:upload", args=[world.committee_a.pk]))
    assert response.status_code == 302


def test_queued_upload_redirects_to_a_polling_status_page(client, world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    login(client, world.users.staff_a)
    response = client.post(
        reverse("roster:upload", args=[world.committee_a.pk]), {"file": upload_file(xlsx(GOOD))}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page


def test_files_over_10_mb_are_refused(client, world):
    login(client, world.users.staff_a)
    big = b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024)
    response = client.post(
        reverse("roster:upload", args=[world.committee_a.pk]), {"file": upload_file(big)}
    )
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()
    assert not RosterImport.objects.exists()
