"""Actions on one's inbox, preferences, and the door-to-door record. One transaction each."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.services import audit_record
from linli.core.errors import ScopeError, ensure

# Re-exported: the hook other apps' services call.
from linli.notifications.delivery import notify  # noqa: F401
from linli.notifications.models import (
    EXTERNAL_CHANNELS,
    ChannelPreference,
    DoorContact,
    Kind,
    Notification,
)


@transaction.atomic
def notification_mark_read(*, actor, notification: Notification) -> Notification:
    """Mark one of one's own messages read (reading is personal state: not audited)."""
    if not actor.has_perm("notifications.read", notification):
        raise ScopeError(_("只能操作自己的消息"))
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor) -> int:
    ensure(getattr(actor, "is_authenticated", False), _("请先登录"), status=401)
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preferences_of(user) -> dict[tuple[str, str], bool]:
    """(kind, channel) → on/off for every kind and external channel (default on)."""
    prefs = {(k, c): True for k in Kind.values for c in EXTERNAL_CHANNELS}
    for kind, channel, enabled in ChannelPreference.objects.filter(user=user).values_list(
        "kind", "channel", "enabled"
    ):
        prefs[(kind, channel)] = enabled
    return prefs


@transaction.atomic
def preferences_set(*, actor, enabled: dict[tuple[str, str], bool]) -> dict:
    """Set one's channel preferences; pairs not given keep their value."""
    ensure(getattr(actor, "is_authenticated", False), _("请先登录"), status=401)
    before = preferences_of(actor)
    changed = {}
    for (kind, channel), on in enabled.items():
        ensure(kind in Kind.values, _("消息类型“%(kind)s”不存在") % {"kind": kind}, code="kind")
        ensure(
            channel in EXTERNAL_CHANNELS,
            _("渠道“%(channel)s”不能设置（站内消息始终保留）") % {"channel": channel},
            code="channel",
        )
        on = bool(on)
        if before[(kind, channel)] != on:
            changed[f"{kind}/{channel}"] = on
        ChannelPreference.objects.update_or_create(
            user=actor, kind=kind, channel=channel, defaults={"enabled": on}
        )
    if changed:
        audit_record(
            actor=actor,
            action="notification.preferences",
            object_type="accounts.user",
            object_id=actor.pk,
            after=changed,
        )
    return preferences_of(actor)


@transaction.atomic
def door_contact_record(
    *,
    actor,
    subject_type: str,
    subject,
    building,
    flat,
    method: str,
    told_by_name: str = "",
    told_at: datetime.datetime | None = None,
    person=None,
    method_note: str = "",
    note: str = "",
) -> DoorContact:
    """Record that a household (its flat) was told offline about a notice or a vote."""
    from linli.notifications.selectors import subject_flats

    if not actor.has_perm("notifications.record_door_contact", building):
        raise ScopeError(_("只有本楼组长或居委会工作人员可以登记上门告知"))
    ensure(subject_type in DoorContact.Subject.values, _("事项类型不正确"), code="subject")
    ensure(flat is not None, _("请选择住户"), code="flat")
    ensure(flat.building_id == building.pk, _("该住户不在本楼栋"), code="flat")
    ensure(
        subject_flats(subject_type, subject).filter(pk=flat.pk).exists(),
        _("该事项不涉及此住户"),
        code="flat",
    )
    ensure(method in DoorContact.Method.values, _("请选择告知方式"), code="method")
    method_note = (method_note or "").strip()
    ensure(method != "other" or method_note, _("选择“其他”时请说明告知方式"), code="method_note")
    ensure(len(method_note) <= 60, _("告知方式说明不能超过60字"), code="method_note")
    told_by_name = (told_by_name or "").strip() or actor.name
    ensure(len(told_by_name) <= 50, _("告知人姓名不能超过50字"), code="told_by_name")
    note = (note or "").strip()
    ensure(len(note) <= 200, _("备注不能超过200字"), code="note")
    now = timezone.now()
    told_at = told_at or now
    ensure(
        told_at <= now + datetime.timedelta(minutes=5), _("告知时间不能晚于现在"), code="told_at"
    )
    started = getattr(subject, "starts_at", None) or getattr(subject, "opens_at", None)
    ensure(
        started is None or told_at >= started - datetime.timedelta(days=1),
        _("告知时间早于该事项发布的时间"),
        code="told_at",
    )
    if person is not None:
        from linli.places.models import Ownership, Residency

        ensure(
            Residency.objects.filter(household__flat=flat, person=person).exists()
            or Ownership.objects.filter(flat=flat, person=person).exists(),
            _("所选告知对象不是该户的居民或业主"),
            code="person",
        )
    contact = DoorContact(
        subject_type=subject_type,
        subject_id=subject.pk,
        committee_id=subject.committee_id,
        flat=flat,
        person=person,
        method=method,
        method_note=method_note,
        told_by_name=told_by_name,
        told_at=told_at,
        note=note,
        recorded_by=actor,
    )
    contact.full_clean()
    contact.save()
    audit_record(
        actor=actor,
        action="notification.door_contact",
        obj=contact,
        after={
            "subject": f"{subject_type}:{subject.pk}",
            "flat": flat.pk,
            "method": method,
            "told_by": told_by_name,
            "told_at": told_at,
        },
    )
    return contact
