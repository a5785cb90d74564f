"""Needs services: intake online and offline, photos, supports, merge/split, lists, 发现小微."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from PIL import Image

from linli.audit.models import AuditEvent
from linli.core.errors import ScopeError, ServiceError
from linli.needs import adapters, services
from linli.needs.models import Need, NeedPhoto, NeedsList, NeedSupport, SpaceReport
from linli.places.models import MicroSpace
from tests.needs.conftest import GPS_IFD, upload

pytestmark = pytest.mark.django_db


def submit(world, user=None, text="楼道灯坏了，晚上看不见", **kw):
    return services.need_submit(
        actor=user or world.users.resident_a, committee=world.committee_a, text=text, **kw
    )


def test_resident_submits_need_with_photo_and_counts_as_first_supporter(world):
    need = submit(world, building=world.building_a, category="housing", photos=[upload()])
    assert need.channel == "online" and need.compound == world.compound_a
    origin = need.supports.get()
    assert origin.is_origin and origin.user == world.users.resident_a
    assert origin.building == world.building_a
    photo = need.photos.get()
    assert max(photo.width, photo.height) == 1600
    assert AuditEvent.objects.filter(action="need.submit", object_id=str(need.pk)).exists()


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "请填写需求内容"),
        ("   ", "请填写需求内容"),
        ("灯" * 501, "不能超过500字（现在是501字）"),
    ],
)
def test_empty_or_over_long_text_is_refused_in_chinese(world, text, message):
    with pytest.raises(ServiceError, match=message.replace("（", r"\（").replace("）", r"\）")):
        submit(world, text=text)
    assert Need.objects.count() == 0


def test_non_image_gif_and_oversized_uploads_are_refused_and_nothing_is_saved(world, settings):
    fake = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ServiceError, match="不是有效的图片"):
        submit(world, photos=[fake])
    with pytest.raises(ServiceError, match="格式不受支持"):
        submit(world, photos=[upload("a.gif", "GIF", size=(20, 20))])
    big = SimpleUploadedFile("big.jpg", b"\xff" * (8 * 1024 * 1024 + 1), content_type="image/jpeg")
    with pytest.raises(ServiceError, match="超过8MB"):
        submit(world, photos=[big])
    assert Need.objects.count() == 0 and NeedPhoto.objects.count() == 0


def _gps_of(photo: NeedPhoto) -> dict:
    with photo.image.open("rb") as fh:
        return dict(Image.open(io.BytesIO(fh.read())).getexif().get_ifd(GPS_IFD))


def test_exif_location_is_stripped_unless_shared(world, resident_a2):
    need = submit(world, photos=[upload(gps=True)])
    assert _gps_of(need.photos.get()) == {} and not need.photos.get().location_kept
    kept = submit(
        world, user=resident_a2, text="车棚漏雨", photos=[upload(gps=True)], share_location=True
    )
    assert _gps_of(kept.photos.get())[1] == "N" and kept.photos.get().location_kept


def test_png_and_webp_are_accepted(world):
    need = submit(
        world,
        photos=[upload("a.png", "PNG", size=(300, 200)), upload("b.webp", "WEBP", size=(300, 200))],
    )
    names = sorted(p.image.name.rsplit(".", 1)[1] for p in need.photos.all())
    assert names == ["png", "webp"]


def test_qr_of_another_community_and_outsiders_get_clear_messages(world):
    with pytest.raises(ServiceError, match="不属于开鲁新村第一居委会：这可能是其他社区的二维码"):
        submit(world, building=world.building_b)
    with pytest.raises(ScopeError, match="您不是开鲁新村第一居委会的居民"):
        submit(world, user=world.users.resident_b)
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ScopeError, match="请先登录"):
        submit(world, user=AnonymousUser())


def test_offline_entry_channels_meetings_and_building_leaders(world):
    staff, leader = world.users.staff_a, world.users.leader_a
    with pytest.raises(ServiceError, match="请选择会议类型"):
        services.need_record_offline(
            actor=staff, committee=world.committee_a, text="加装电梯", channel="meeting"
        )
    need = services.need_record_offline(
        actor=staff, committee=world.committee_a, text="希望加装电梯", channel="meeting",
        meeting_kind="building_council", building=world.building_a, reporter_label="5号楼居民",
        reporter_age_group="60_79",
    )  # fmt: skip
    assert need.entered_by == staff and need.supports.get().user is None
    assert services.need_record_offline(
        actor=leader, committee=world.committee_a, text="楼道堆物", channel="visit",
        building=world.building_a,
    ).channel == "visit"  # fmt: skip
    with pytest.raises(ScopeError, match="楼组长只能为本楼栋"):
        services.need_record_offline(
            actor=leader, committee=world.committee_a, text="楼道堆物", channel="visit"
        )
    with pytest.raises(ScopeError):
        services.need_record_offline(
            actor=world.users.resident_a, committee=world.committee_a, text="x", channel="phone",
            building=world.building_a,
        )  # fmt: skip


def test_offline_and_online_needs_are_counted_identically(world, resident_a2):
    """Same building, same age group, one supporter each: same numbers, same score."""
    online = submit(world, user=resident_a2, text="车棚里需要充电桩", building=world.building_a)
    offline = services.need_record_offline(
        actor=world.users.staff_a, committee=world.committee_a, text="健身器材坏了需要修",
        channel="reception", building=world.building_a, reporter_age_group="60_79",
    )  # fmt: skip
    # one more supporter each: an online 我也需要 and one heard on a door-to-door visit
    services.need_support(actor=world.users.resident_a, need=online)
    services.need_support_offline(
        actor=world.users.leader_a, need=offline, channel="visit", building=world.building_a,
        age_group="35_59",
    )  # fmt: skip
    services.need_support(actor=world.users.resident_a, need=offline)
    services.need_support_offline(
        actor=world.users.staff_a, need=online, channel="visit", building=world.building_a,
        age_group="35_59",
    )  # fmt: skip
    entries = {
        e["need_id"]: e
        for e in adapters.ranked_entries(
            [world.committee_a.pk], adapters.weights_for(world.committee_a)
        )
    }
    a, b = entries[online.pk], entries[offline.pk]
    for key in ("supporters", "households", "buildings", "score", "rank"):
        assert a[key] == b[key], key
    assert a["supporters"] == 3 and a["buildings"] == ["5号楼"] and a["households"] == 2
    assert sum(a["by_age"].values()) == sum(b["by_age"].values()) == 3
    assert a["by_building"] == b["by_building"] == {"5号楼": 3}
    assert a["online"] + a["offline"] == b["online"] + b["offline"] == 3
    totals = adapters.list_totals(list(entries.values()))
    assert totals["supporters"] == 6 and totals["online"] + totals["offline"] == 6
    assert totals["by_building"] == {"5号楼": 6}


def test_support_once_merged_groups_and_the_database_constraint(world, resident_a2):
    first = submit(world, text="楼道灯坏了")
    dup = submit(world, user=resident_a2, text="樓道燈壞了好幾天")
    with pytest.raises(ServiceError, match="已经支持过") as exc:
        services.need_support(actor=world.users.resident_a, need=first)  # the author
    assert exc.value.status == 409
    services.need_merge(actor=world.users.staff_a, target=first, needs=[dup])
    # supporting the merged copy supports the group once; resident_a2 is already in it
    with pytest.raises(ServiceError, match="已经支持过"):
        services.need_support(actor=resident_a2, need=dup)
    leader_support = services.need_support(actor=world.users.leader_a, need=dup)
    assert leader_support.need == first
    with transaction.atomic(), pytest.raises(IntegrityError):
        NeedSupport.objects.create(need=first, user=world.users.leader_a, channel="online")


def test_merge_keeps_every_text_supporter_and_channel_and_split_undoes_it(world, resident_a2):
    staff = world.users.staff_a
    a = submit(world, text="楼道灯坏了")
    b = submit(world, user=resident_a2, text="楼道里的灯不亮了")
    c = services.need_record_offline(
        actor=staff, committee=world.committee_a, text="阿拉楼道灯坏脱了", channel="phone"
    )
    services.need_merge(actor=staff, target=b, needs=[c])
    services.need_merge(actor=staff, target=a, needs=[b])  # c moves along with b
    assert set(Need.objects.filter(merged_into=a).values_list("id", flat=True)) == {b.pk, c.pk}
    (entry,) = adapters.ranked_entries(
        [world.committee_a.pk], adapters.weights_for(world.committee_a)
    )
    assert entry["supporters"] == 3
    assert [t["text"] for t in entry["texts"]] == [
        "楼道灯坏了",
        "楼道里的灯不亮了",
        "阿拉楼道灯坏脱了",
    ]
    assert entry["by_channel"] == {"线上（居社互动）": 2, "电话": 1}
    services.need_split(actor=staff, need=c)
    assert (
        len(
            adapters.ranked_entries([world.committee_a.pk], adapters.weights_for(world.committee_a))
        )
        == 2
    )
    with pytest.raises(ScopeError):
        services.need_merge(actor=world.users.staff_b, target=a, needs=[c])
    with pytest.raises(ServiceError, match="没有被合并"):
        services.need_split(actor=staff, need=c)


def test_engine_groups_duplicates_for_triage(world, resident_a2):
    submit(world, text="楼道灯坏了，晚上看不见")
    submit(world, user=resident_a2, text="樓道燈壞了好幾天")
    submit(world, user=world.users.leader_a, text="希望小区里多放几张座椅")
    clusters = adapters.duplicate_clusters(world.committee_a)
    assert [sorted(n.text for n in c["needs"]) for c in clusters] == [
        ["楼道灯坏了，晚上看不见", "樓道燈壞了好幾天"]
    ]
    assert "楼道灯" in clusters[0]["terms"] and 0 < clusters[0]["similarity"] <= 1
    (best, _sim), *_ = adapters.duplicate_suggestions(world.committee_a, "楼道里的灯不亮")
    assert "灯" in best.text or "燈" in best.text


def test_weights_are_adjustable_and_recorded_with_each_versioned_list(world, resident_a2):
    staff = world.users.staff_a
    hazard = submit(world, text="有人在楼道飞线充电")
    popular = submit(world, user=resident_a2, text="希望多放几张座椅")
    services.need_support(actor=world.users.resident_a, need=popular)
    services.need_assess(actor=staff, need=hazard, safety_hazard=3, cost_band="low")
    v1 = services.needs_list_create(actor=staff, committee=world.committee_a)
    assert [e["need_id"] for e in v1.entries] == [hazard.pk, popular.pk]
    assert v1.weights["safety"] == 30.0 and v1.version == 1
    services.weights_update(actor=staff, committee=world.committee_a, safety=0, cost=0)
    v2 = services.needs_list_create(actor=staff, committee=world.committee_a)
    assert v2.version == 2 and v2.weights["safety"] == 0.0
    assert [e["need_id"] for e in v2.entries] == [popular.pk, hazard.pk]
    with pytest.raises(ServiceError, match="不能全部为0"):
        services.weights_update(
            actor=staff, committee=world.committee_a, supporters=0, households=0, vulnerable=0
        )
    with pytest.raises(ServiceError):
        services.weights_update(actor=staff, committee=world.committee_a, safety="abc")
    with pytest.raises(ScopeError):
        services.weights_update(actor=world.users.resident_a, committee=world.committee_a, safety=1)
    published = services.needs_list_publish(actor=staff, needs_list=v2)
    assert published.public_token and published.published_at
    assert (
        services.needs_list_publish(actor=staff, needs_list=v2).public_token
        == published.public_token
    )


def test_street_roll_up_lists_all_committees_of_the_street(world):
    submit(world, text="楼道灯坏了")
    lst = services.needs_list_create(actor=world.users.street_a, street=world.street_a)
    assert lst.street == world.street_a and lst.entries[0]["committee"] == "开鲁新村第一居委会"
    with pytest.raises(ScopeError):
        services.needs_list_create(actor=world.users.staff_a, street=world.street_a)
    assert NeedsList.objects.count() == 1


def test_need_becomes_a_project_keeping_the_link(world, resident_a2):
    a = submit(world, text="楼道灯坏了", building=world.building_a)
    b = submit(world, user=resident_a2, text="楼道里的灯不亮了")
    services.need_merge(actor=world.users.staff_a, target=a, needs=[b])
    project = services.need_to_project(actor=world.users.staff_a, need=b, title="楼道灯更新")
    a.refresh_from_db()
    assert a.project == project and a.status == "project"
    assert list(project.buildings.all()) == [world.building_a]
    assert "楼道里的灯不亮了" in project.summary
    with pytest.raises(ServiceError, match="已经转为项目"):
        services.need_to_project(actor=world.users.staff_a, need=a, title="again")


def test_space_report_verified_into_the_microspace_register(world):
    report = services.space_report_submit(
        actor=world.users.resident_a, committee=world.committee_a, compound=world.compound_a,
        kind="stilt", place="5号楼架空层", problem="堆满杂物，没人管", building=world.building_a,
        photo=upload(),
    )  # fmt: skip
    with pytest.raises(ScopeError):
        services.space_report_verify(actor=world.users.resident_a, report=report, name="x")
    ms = services.space_report_verify(actor=world.users.staff_a, report=report, name="5号楼架空层")
    assert MicroSpace.objects.get(pk=ms.pk).compound == world.compound_a
    assert ms.photos.count() == 1 and "堆满杂物" in ms.description
    assert AuditEvent.objects.filter(action="microspace.create", object_id=str(ms.pk)).exists()
    report.refresh_from_db()
    assert report.status == SpaceReport.Status.VERIFIED and report.microspace == ms
    with pytest.raises(ServiceError, match="已处理过"):
        services.space_report_verify(actor=world.users.staff_a, report=report, name="x")


def test_photo_with_too_many_pixels_is_refused(world, monkeypatch):
    from linli.needs import images

    monkeypatch.setattr(images, "MAX_PIXELS", 1000)
    with pytest.raises(ServiceError, match="像素过大"):
        submit(world, photos=[upload(size=(100, 100))])
    assert Need.objects.count() == 0
