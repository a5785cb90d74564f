"""Needs pages: QR scan → form → need, supports, offline entry, triage, lists, exports."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from linli.needs import services
from linli.needs.models import Need, NeedsList, NeedSupport, SpaceReport
from tests.needs.conftest import upload

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return response.content.decode()


def test_building_qr_opens_the_prefilled_form_and_a_need_with_photo_is_submitted(world, client):
    scan = reverse("needs:scan_building", args=[world.building_a.pk])
    assert client.get(scan).url.startswith(reverse("accounts:login"))  # anonymous → log in first
    client.force_login(world.users.resident_a)
    response = client.get(scan, follow=True)
    assert response.status_code == 200
    page = body(response)
    assert "您扫码的位置" in page and "5号楼" in page
    assert f'<option value="{world.building_a.pk}" selected>' in page
    response = client.post(
        reverse("needs:submit", args=[world.committee_a.pk]) + f"?building={world.building_a.pk}",
        {"text": "5号楼楼道灯坏了", "category": "housing", "building": world.building_a.pk,
         "photos": [upload()]},
    )  # fmt: skip
    need = Need.objects.get()
    assert response.status_code == 302 and response.url == reverse("needs:detail", args=[need.pk])
    assert need.building == world.building_a and need.photos.count() == 1
    assert "5号楼楼道灯坏了" in body(client.get(response.url))


def test_qr_of_another_community_gets_a_clear_message(world, client):
    # anonymous: log in first, whether the code exists or not
    for pk in (world.building_a.pk, 987654):
        response = Client().get(reverse("needs:scan_building", args=[pk]))
        assert response.status_code == 302 and reverse("accounts:login") in response.url
    client.force_login(world.users.resident_b)
    other = client.get(reverse("needs:scan_building", args=[world.building_a.pk]))
    missing = client.get(reverse("needs:scan_building", args=[987654]))
    # another community's code and a missing one answer alike: ids reveal nothing
    assert other.status_code == missing.status_code == 404
    assert "这个二维码不属于您所在的社区" in body(other)

    def page(response):  # what the page says (not its CSRF tokens or language-switch links)
        return re.search(r"<main.*</main>", body(response), re.S).group(0)

    assert page(other) == page(missing) and "开鲁" not in body(other)
    for name, pk in (("scan_microspace", 987654), ("scan_compound", world.compound_a.pk)):
        assert client.get(reverse(f"needs:{name}", args=[pk])).status_code == 404
    client.force_login(world.users.resident_a)
    url = (
        reverse("needs:submit", args=[world.committee_a.pk])
        + f"?microspace=0&building={world.building_b.pk}"
    )
    response = client.get(url)
    assert response.status_code == 400 and "这可能是其他社区的二维码" in body(response)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"text": "", "category": "other"}, "请填写需求内容"),
        ({"text": "长" * 600, "category": "other"}, "不能超过500字"),
        ({"text": "车棚漏雨", "category": "other",
          "photos": [SimpleUploadedFile("a.jpg", b"GIF89a not really", content_type="image/jpeg")]},
         "不是有效的图片"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_in_chinese_and_the_text_is_kept(world, client, data, message):
    client.force_login(world.users.resident_a)
    response = client.post(reverse("needs:submit", args=[world.committee_a.pk]), data)
    assert response.status_code == 400
    page = body(response)
    assert message in page
    if data["text"]:
        assert data["text"][:50] in page  # nothing the resident typed is lost
    assert Need.objects.count() == 0


def test_support_once_with_htmx_and_plain_post(world, client, resident_a2):
    need = services.need_submit(actor=resident_a2, committee=world.committee_a, text="多放几张座椅")
    client.force_login(world.users.resident_a)
    url = reverse("needs:support", args=[need.pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "共 2 人需要" in body(response)
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 409 and "已经支持过" in body(response)
    response = client.post(url, follow=True)
    assert "已经支持过" in body(response)
    assert NeedSupport.objects.filter(need=need).count() == 2
    client.force_login(world.users.resident_b)
    assert client.post(url).status_code == 404  # another community's need does not exist


def test_building_leader_enters_offline_need_for_own_building_only(world, client):
    client.force_login(world.users.leader_a)
    url = reverse("needs:offline", args=[world.committee_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": "阿拉楼道灯坏脱了", "channel": "meeting",
                                 "meeting_kind": "building_council", "category": "housing",
                                 "building": world.building_a.pk, "reporter_age_group": "60_79"})  # fmt: skip
    assert response.status_code == 302
    need = Need.objects.get()
    assert need.channel == "meeting" and need.meeting_kind == "building_council"
    response = client.post(url, {"text": "楼道堆物", "channel": "visit", "category": "other",
                                 "reporter_age_group": "unknown"})  # fmt: skip
    # he may see the committee but not enter a need outside his building: 403 with the
    # reason (docs/adr/0002), and nothing written
    assert response.status_code == 403 and "楼组长只能为本楼栋录入" in body(response)
    assert Need.objects.count() == 1
    client.force_login(world.users.resident_a)
    assert client.get(url).status_code == 403


def test_staff_merge_and_split_from_the_triage_page(world, client, resident_a2):
    a = services.need_submit(
        actor=world.users.resident_a, committee=world.committee_a, text="楼道灯坏了，晚上看不见"
    )
    b = services.need_submit(
        actor=resident_a2, committee=world.committee_a, text="樓道燈壞了好幾天"
    )
    client.force_login(world.users.staff_a)
    page = body(client.get(reverse("needs:triage", args=[world.committee_a.pk])))
    assert "可能重复" in page and "樓道燈壞了好幾天" in page
    response = client.post(
        reverse("needs:merge", args=[world.committee_a.pk]),
        {"need": [a.pk, b.pk], "target": a.pk},
    )
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.merged_into == a
    detail = body(client.get(reverse("needs:detail", args=[a.pk])))
    assert "居民原话（2 条）" in detail and "樓道燈壞了好幾天" in detail
    client.post(reverse("needs:split", args=[b.pk]))
    b.refresh_from_db()
    assert b.merged_into is None and b.status == "open"
    client.force_login(world.users.resident_a)
    assert client.get(reverse("needs:triage", args=[world.committee_a.pk])).status_code == 403


def test_needs_list_versions_publish_pdf_xlsx_and_public_page(world, client, resident_a2):
    services.need_submit(
        actor=resident_a2,
        committee=world.committee_a,
        text="车棚需要充电桩",
        building=world.building_a,
    )
    services.need_record_offline(actor=world.users.staff_a, committee=world.committee_a,
                                 text="健身器材坏了", channel="reception")  # fmt: skip
    client.force_login(world.users.staff_a)
    response = client.post(reverse("needs:lists", args=[world.committee_a.pk]), {"title": ""})
    lst = NeedsList.objects.get()
    assert response.url == reverse("needs:list_detail", args=[lst.pk])
    page = body(client.get(response.url))
    assert "车棚需要充电桩" in page and "全岗通接待" in page and "第1版" in page
    pdf = client.get(reverse("needs:list_pdf", args=[lst.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("needs:list_xlsx", args=[lst.pk]))
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    cells = [c for row in wb["需求清单"].iter_rows(values_only=True) for c in row]
    assert "车棚需要充电桩" in cells and "健身器材坏了" in cells
    assert wb["权重与得分"]["B2"].value == 25.0
    # residents cannot see an unpublished version; after publishing, anyone can via the link
    client.force_login(world.users.resident_a)
    assert client.get(reverse("needs:list_detail", args=[lst.pk])).status_code == 403
    client.force_login(world.users.staff_a)
    client.post(reverse("needs:list_publish", args=[lst.pk]))
    lst.refresh_from_db()
    client.logout()
    public = client.get(reverse("needs:public_list", args=[lst.public_token]))
    assert public.status_code == 200 and "车棚需要充电桩" in body(public)
    assert client.get(reverse("needs:public_pdf", args=[lst.public_token])).content.startswith(
        b"%PDF"
    )
    assert client.get(reverse("needs:public_list", args=["nope"])).status_code == 404


def test_board_renders_the_world_with_a_pinned_query_count(
    world, client, resident_a2, django_assert_max_num_queries
):
    for i, text in enumerate(["楼道灯坏了", "车棚需要充电桩", "希望多放座椅", "健身器材坏了"]):
        services.need_submit(actor=resident_a2 if i % 2 else world.users.resident_a,
                             committee=world.committee_a, text=text)  # fmt: skip
    client.force_login(world.users.resident_a)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("needs:board", args=[world.committee_a.pk]))
    page = body(response)
    assert response.status_code == 200 and page.count('id="need-') == 4
    assert "我也需要" in page and "我已支持" in page


def test_qr_sheet_pdf_for_a_compound(world, client):
    client.force_login(world.users.staff_a)
    response = client.get(reverse("needs:qr_sheet", args=[world.compound_a.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    client.force_login(world.users.resident_a)
    assert client.get(reverse("needs:qr_sheet", args=[world.compound_a.pk])).status_code == 403


def test_space_report_from_page_to_register(world, client):
    client.force_login(world.users.resident_a)
    response = client.post(
        reverse("needs:space_report_new", args=[world.committee_a.pk]),
        {"compound": world.compound_a.pk, "kind": "stilt", "place": "5号楼架空层",
         "problem": "堆满杂物", "photo": upload()},
    )  # fmt: skip
    assert response.status_code == 302
    report = SpaceReport.objects.get()
    client.force_login(world.users.staff_a)
    assert "5号楼架空层" in body(
        client.get(reverse("needs:space_reports", args=[world.committee_a.pk]))
    )
    response = client.post(
        reverse("needs:space_verify", args=[report.pk]),
        {
            f"r{report.pk}-name": "5号楼架空层",
            f"r{report.pk}-kind": "stilt",
            f"r{report.pk}-condition": "poor",
        },
    )
    report.refresh_from_db()
    assert report.status == "verified" and response.url == reverse(
        "places:microspace", args=[report.microspace_id]
    )


def test_need_to_project_from_the_page(world, client):
    need = services.need_submit(
        actor=world.users.resident_a, committee=world.committee_a, text="楼道灯坏了"
    )
    client.force_login(world.users.staff_a)
    response = client.post(reverse("needs:to_project", args=[need.pk]), {"title": "楼道灯更新"})
    need.refresh_from_db()
    assert need.project and response.url == reverse("projects:detail", args=[need.project_id])


def test_location_on_the_site_plan_is_offered_and_saved(world, client):
    from django.core.files.base import ContentFile

    from tests.needs.conftest import image_bytes

    world.compound_a.site_plan.save("plan.png", ContentFile(image_bytes("PNG", size=(400, 300))))
    client.force_login(world.users.resident_a)
    url = reverse("needs:submit", args=[world.committee_a.pk])
    page = body(client.get(url))
    assert "在小区总平面图上标出位置" in page and world.compound_a.site_plan.url in page
    response = client.post(url, {"text": "这里的路灯不亮", "category": "safety",
                                 "compound": world.compound_a.pk, "plan_x": "0.2500", "plan_y": "0.7500"})  # fmt: skip
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.compound, str(need.plan_x), str(need.plan_y)) == (
        world.compound_a,
        "0.2500",
        "0.7500",
    )
    response = client.post(url, {"text": "坐标不对", "category": "other", "plan_x": "7"})
    assert response.status_code == 400 and Need.objects.count() == 1


def test_anonymous_visitor_is_asked_to_log_in_in_chinese(world, client):
    response = client.get(reverse("needs:submit", args=[world.committee_a.pk]), follow=True)
    assert "请先登录" in body(response) and "/accounts/login/" in response.redirect_chain[0][0]


def test_detail_shows_the_location_marked_on_the_map(world, client):
    from decimal import Decimal

    need = services.need_submit(actor=world.users.resident_a, committee=world.committee_a,
                                text="这里积水", lat=Decimal("31.290100"), lng=Decimal("121.520200"))  # fmt: skip
    client.force_login(world.users.resident_a)
    page = body(client.get(reverse("needs:detail", args=[need.pk])))
    assert 'id="map-data"' in page and "121.5202" in page


def test_manual_merge_by_number_and_refusals(world, client, resident_a2):
    a = services.need_submit(
        actor=world.users.resident_a, committee=world.committee_a, text="暑假小孩没人带"
    )
    b = services.need_submit(
        actor=resident_a2, committee=world.committee_a, text="四点半课堂，看孩子写作业"
    )
    other = services.need_submit(
        actor=world.users.resident_b, committee=world.committee_b, text="乙方需求"
    )
    client.force_login(world.users.staff_a)
    url = reverse("needs:merge", args=[world.committee_a.pk])
    assert client.post(url, {"need": f"#{b.pk}", "target": f" {a.pk} "}).status_code == 302
    b.refresh_from_db()
    assert b.merged_into == a
    response = client.post(url, {"need": str(other.pk), "target": str(a.pk)})
    assert response.status_code == 400 and "请至少选择一条" in body(
        response
    )  # B's need is not ours
    assert client.post(url, {"need": str(a.pk), "target": "x"}).status_code == 400


def test_triage_and_list_pages_have_a_pinned_query_count(
    world, client, resident_a2, django_assert_max_num_queries
):
    for i, text in enumerate(
        ["楼道灯坏了", "樓道燈壞了", "车棚需要充电桩", "充电桩太少了", "希望多放座椅"]
    ):
        services.need_submit(actor=resident_a2 if i % 2 else world.users.resident_a,
                             committee=world.committee_a, text=text)  # fmt: skip
    lst = services.needs_list_create(actor=world.users.staff_a, committee=world.committee_a)
    client.force_login(world.users.staff_a)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("needs:triage", args=[world.committee_a.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("needs:list_detail", args=[lst.pk])).status_code == 200


def test_street_staff_roll_up_from_the_board(world, client):
    services.need_submit(
        actor=world.users.resident_a, committee=world.committee_a, text="楼道灯坏了"
    )
    client.force_login(world.users.street_a)
    board = body(client.get(reverse("needs:board", args=[world.committee_a.pk])))
    url = reverse("needs:street_lists", args=[world.street_a.pk])
    assert url in board
    response = client.post(url)
    lst = NeedsList.objects.get(street=world.street_a)
    assert response.url == reverse("needs:list_detail", args=[lst.pk])
    page = body(client.get(response.url))
    assert "殷行街道需求汇总清单" in page and "楼道灯坏了" in page
    client.force_login(world.users.staff_a)
    assert client.get(url).status_code == 404
