"""Notification endpoints (/api/notifications/): inbox, preferences, door-to-door lists."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from linli.core.errors import ServiceError
from linli.core.permissions import get_visible, require
from linli.notifications import selectors, services
from linli.notifications.models import EXTERNAL_CHANNELS, Notification

router = Router(tags=["消息通知"])


class NotificationOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    link: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class InboxOut(Schema):
    unread: int
    items: list[NotificationOut]


def _out(n: Notification) -> NotificationOut:
    return NotificationOut(
        id=n.pk,
        kind=n.kind,
        kind_label=n.get_kind_display(),
        title=n.title,
        body=n.body,
        link=n.link,
        created_at=n.created_at,
        read_at=n.read_at,
    )


@router.get("/", response=InboxOut, summary="我的消息（最新在前）")
def inbox(request, unread_only: bool = False, limit: int = 50, offset: int = 0):
    limit = max(1, min(int(limit), 200))
    offset = max(0, int(offset))
    qs = selectors.inbox_of(request.auth).order_by("-created_at", "-id")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return InboxOut(
        unread=selectors.unread_count(request.auth),
        items=[_out(n) for n in qs[offset : offset + limit]],
    )


@router.post("/{int:notification_id}/read", response=NotificationOut, summary="标为已读")
def mark_read(request, notification_id: int):
    n = get_visible(selectors.inbox_of(request.auth), pk=notification_id)
    return _out(services.notification_mark_read(actor=request.auth, notification=n))


class ReadAllOut(Schema):
    marked: int


@router.post("/read-all", response=ReadAllOut, summary="全部标为已读")
def mark_all_read(request):
    return ReadAllOut(marked=services.notifications_mark_all_read(actor=request.auth))


class NotifPreferenceItem(Schema):
    kind: str = Field(..., max_length=30)
    channel: str = Field(..., max_length=10, description="sms 或 wechat（站内消息始终开启）")
    enabled: bool


class NotifPreferencesOut(Schema):
    items: list[NotifPreferenceItem]


class NotifPreferencesIn(Schema):
    items: list[NotifPreferenceItem] = Field(default=[], max_length=100)


def _prefs(user) -> NotifPreferencesOut:
    return NotifPreferencesOut(
        items=[
            NotifPreferenceItem(kind=k, channel=c, enabled=on)
            for (k, c), on in services.preferences_of(user).items()
            if c in EXTERNAL_CHANNELS
        ]
    )


@router.get("/preferences", response=NotifPreferencesOut, summary="我的通知设置")
def get_preferences(request):
    return _prefs(request.auth)


@router.put("/preferences", response=NotifPreferencesOut, summary="修改通知设置")
def put_preferences(request, payload: NotifPreferencesIn):
    services.preferences_set(
        actor=request.auth,
        enabled={(i.kind, i.channel): i.enabled for i in payload.items},
    )
    return _prefs(request.auth)


# ------------------------------------------------------------------ door-to-door


class DoorPersonOut(Schema):
    id: int
    name: str
    age: int | None


class DoorContactOut(Schema):
    id: int
    flat_id: int
    person_id: int | None
    method: str
    method_label: str
    method_note: str
    told_by_name: str
    told_at: datetime.datetime
    note: str


class DoorRowOut(Schema):
    flat_id: int
    flat: str
    members: list[DoorPersonOut]
    elderly: bool
    reason: str
    contacts: list[DoorContactOut]


class DoorListOut(Schema):
    subject_type: str
    subject_id: int
    title: str
    building_id: int
    building: str
    households: int
    reached_online: int
    told_offline: int
    rows: list[DoorRowOut]


def _contact(c) -> DoorContactOut:
    return DoorContactOut(
        id=c.pk,
        flat_id=c.flat_id,
        person_id=c.person_id,
        method=c.method,
        method_label=c.get_method_display(),
        method_note=c.method_note,
        told_by_name=c.told_by_name,
        told_at=c.told_at,
        note=c.note,
    )


def _door(request, subject_type, subject_id, building_id):
    subject = selectors.door_subject(subject_type, subject_id)
    building = selectors.door_building(request.auth, subject_type, subject, building_id)
    require(request.auth, "notifications.door_list", building)
    return subject, building


def _door_out(door) -> DoorListOut:
    return DoorListOut(
        subject_type=door.subject_type,
        subject_id=door.subject.pk,
        title=door.subject.title,
        building_id=door.building.pk,
        building=f"{door.building.compound.name} {door.building.number}",
        households=door.households,
        reached_online=door.reached_online,
        told_offline=door.told_offline,
        rows=[
            DoorRowOut(
                flat_id=r.flat.pk,
                flat=str(r.flat),
                members=[DoorPersonOut(id=p.pk, name=p.name, age=a) for p, a in r.members],
                elderly=r.elderly,
                reason=r.reason,
                contacts=[_contact(c) for c in r.contacts],
            )
            for r in door.rows
        ],
    )


class DoorContactIn(Schema):
    flat_id: int | None = None
    person_id: int | None = None
    method: str = Field(
        "", max_length=10, description="door 上门告知 / phone 电话 / poster 张贴 / other 其他"
    )
    method_note: str = Field("", max_length=60)
    told_by_name: str = Field("", max_length=50)
    told_at: datetime.datetime | None = None
    note: str = Field("", max_length=200)


def _record(request, subject_type, subject_id, building_id, payload: DoorContactIn):
    from linli.places.models import Flat, Person

    subject, building = _door(request, subject_type, subject_id, building_id)
    flat = (
        Flat.objects.filter(pk=payload.flat_id, building=building).first()
        if payload.flat_id
        else None
    )
    if flat is None:
        raise ServiceError(_("请选择本楼栋的住户"), code="flat")
    person = Person.objects.filter(pk=payload.person_id).first() if payload.person_id else None
    if payload.person_id and person is None:
        raise ServiceError(_("所选告知对象不是该户的居民或业主"), code="person")
    contact = services.door_contact_record(
        actor=request.auth,
        subject_type=subject_type,
        subject=subject,
        building=building,
        flat=flat,
        person=person,
        method=payload.method,
        method_note=payload.method_note,
        told_by_name=payload.told_by_name,
        told_at=payload.told_at,
        note=payload.note,
    )
    return Status(201, _contact(contact))


@router.get(
    "/door/notice/{int:notice_id}/{int:building_id}",
    response=DoorListOut,
    summary="公示的上门告知清单（本楼未在网上收到的住户，老人优先）",
)
def door_notice(request, notice_id: int, building_id: int):
    subject, building = _door(request, "notice", notice_id, building_id)
    return _door_out(selectors.door_list("notice", subject, building))


@router.post(
    "/door/notice/{int:notice_id}/{int:building_id}/contacts",
    response={201: DoorContactOut},
    summary="登记公示的告知情况",
)
def door_notice_record(request, notice_id: int, building_id: int, payload: DoorContactIn):
    return _record(request, "notice", notice_id, building_id, payload)


@router.get(
    "/door/vote/{int:vote_id}/{int:building_id}",
    response=DoorListOut,
    summary="表决的上门告知清单（本楼未在网上收到的住户，老人优先）",
)
def door_vote(request, vote_id: int, building_id: int):
    subject, building = _door(request, "vote", vote_id, building_id)
    return _door_out(selectors.door_list("vote", subject, building))


@router.post(
    "/door/vote/{int:vote_id}/{int:building_id}/contacts",
    response={201: DoorContactOut},
    summary="登记表决的告知情况",
)
def door_vote_record(request, vote_id: int, building_id: int, payload: DoorContactIn):
    return _record(request, "vote", vote_id, building_id, payload)
