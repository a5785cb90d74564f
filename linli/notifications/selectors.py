"""Reads scoped to the user: one's own inbox; the door-to-door list of one's buildings."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from linli.accounts.scopes import scopes_for
from linli.notifications import audience
from linli.notifications.models import DoorContact, Notification

ELDERLY_AGE = 60


def inbox_of(user):
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


# ------------------------------------------------------------------ door-to-door


def buildings_for_door_lists(user):
    """Buildings whose door-to-door lists the user keeps: the ones they lead or manage."""
    from linli.places.models import Building

    scopes = scopes_for(user)
    return Building.objects.filter(
        Q(pk__in=scopes.led_building_ids)
        | Q(compound__committee_id__in=scopes.managed_committee_ids)
    ).select_related("compound__committee")


def subject_flats(subject_type: str, subject):
    """The flats a notice or vote is for."""
    from linli.notifications.events import notice_flats
    from linli.places.models import Flat

    if subject_type == DoorContact.Subject.NOTICE:
        return notice_flats(subject)
    return Flat.objects.filter(pk__in=subject.electors.values("flat_id"))


def door_subject(subject_type: str, subject_id: int):
    """The published notice or opened vote a door-to-door list is about (404 otherwise)."""
    if subject_type == DoorContact.Subject.NOTICE:
        from linli.notices.models import Notice

        subject = (
            Notice.objects.select_related("committee", "project")
            .filter(pk=subject_id, status__in=["published", "closed"])
            .first()
        )
    elif subject_type == DoorContact.Subject.VOTE:
        from linli.voting.models import Vote

        subject = (
            Vote.objects.select_related("committee")
            .filter(pk=subject_id, status__in=["open", "closed"])
            .first()
        )
    else:
        subject = None
    if subject is None:
        raise Http404("事项不存在")
    return subject


def door_building(user, subject_type: str, subject, building_id: int):
    """One of the user's buildings that the subject covers, else 404."""
    building = buildings_for_door_lists(user).filter(pk=building_id).first()
    if building is None or building.compound.committee_id != subject.committee_id:
        raise Http404("楼栋不存在")
    if not subject_flats(subject_type, subject).filter(building_id=building.pk).exists():
        raise Http404("该事项不涉及此楼栋")
    return building


@dataclass
class DoorRow:
    household: object
    flat: object
    members: list = field(default_factory=list)  # [(person, age)]
    oldest_age: int | None = None
    has_account: bool = False
    read_online: bool = False
    contacts: list = field(default_factory=list)

    @property
    def elderly(self) -> bool:
        return self.oldest_age is not None and self.oldest_age >= ELDERLY_AGE

    @property
    def reason(self) -> str:
        return "未读" if self.has_account else "无账号"

    @property
    def told(self):
        return self.contacts[0] if self.contacts else None


@dataclass
class DoorList:
    subject_type: str
    subject: object
    building: object
    rows: list  # households not reached online, elderly first
    households: int
    reached_online: int
    told_offline: int


def door_list(subject_type: str, subject, building, *, year: int | None = None) -> DoorList:
    """Households of ``building`` the subject is for that no one reached online (no account,
    or nobody in the household opened the message), the oldest first."""
    from linli.places.models import Household, Ownership, Residency

    year = year or timezone.localdate().year
    flats = subject_flats(subject_type, subject).filter(building_id=building.pk)
    households = list(
        Household.objects.filter(flat__in=flats)
        .select_related("flat__building")
        .order_by("flat__unit", "flat__floor", "flat__room", "id")
    )
    hids = [h.pk for h in households]
    members: dict[int, list] = {h: [] for h in hids}
    for r in Residency.objects.filter(household_id__in=hids).select_related("person"):
        members[r.household_id].append(r.person)
    owners: dict[int, list] = {}
    for o in Ownership.objects.filter(flat_id__in=[h.flat_id for h in households]).select_related(
        "person"
    ):
        owners.setdefault(o.flat_id, []).append(o.person)
    users = audience.user_ids_of_households(hids)
    for h in households:  # owners living here without a residency row still count
        for p in owners.get(h.flat_id, []) if not members[h.pk] else []:
            members[h.pk].append(p)
            if p.user_id:
                users[h.pk].add(p.user_id)
    all_users = set().union(*users.values()) if users else set()
    readers = set(
        Notification.objects.filter(
            topic=f"{subject_type}:{subject.pk}", recipient_id__in=all_users, read_at__isnull=False
        ).values_list("recipient_id", flat=True)
    )
    contacts: dict[int, list] = {}
    for c in DoorContact.objects.filter(
        subject_type=subject_type, subject_id=subject.pk, household_id__in=hids
    ).select_related("person"):
        contacts.setdefault(c.household_id, []).append(c)
    rows = []
    reached = 0
    for h in households:
        people = [(p, p.age(year)) for p in members[h.pk] if not p.is_organisation]
        ages = [a for _, a in people if a is not None]
        row = DoorRow(
            household=h,
            flat=h.flat,
            members=sorted(people, key=lambda pa: -(pa[1] or 0)),
            oldest_age=max(ages) if ages else None,
            has_account=bool(users[h.pk]),
            read_online=bool(users[h.pk] & readers),
            contacts=contacts.get(h.pk, []),
        )
        if row.read_online:
            reached += 1
        else:
            rows.append(row)
    rows.sort(key=lambda r: (not r.elderly, -(r.oldest_age or -1)))
    return DoorList(
        subject_type=subject_type,
        subject=subject,
        building=building,
        rows=rows,
        households=len(households),
        reached_online=reached,
        told_offline=sum(1 for r in rows if r.contacts),
    )


@dataclass
class DoorTask:
    subject_type: str
    subject: object
    building: object
    until: datetime.datetime | None


def door_tasks(user) -> list[DoorTask]:
    """Published notices and open votes touching the user's buildings."""
    from linli.notices.models import Notice
    from linli.voting.models import Vote

    buildings = list(buildings_for_door_lists(user).order_by("compound__name", "number"))
    if not buildings:
        return []
    committee_ids = {b.compound.committee_id for b in buildings}
    tasks = []
    for notice in Notice.objects.filter(
        committee_id__in=committee_ids, status="published"
    ).select_related("project")[:50]:
        covered = set(
            subject_flats("notice", notice).values_list("building_id", flat=True).distinct()
        )
        for b in buildings:
            if b.compound.committee_id == notice.committee_id and b.pk in covered:
                tasks.append(DoorTask("notice", notice, b, notice.ends_at))
    for vote in Vote.objects.filter(committee_id__in=committee_ids, status="open")[:50]:
        covered = set(vote.electors.values_list("flat__building_id", flat=True).distinct())
        for b in buildings:
            if b.pk in covered:
                tasks.append(DoorTask("vote", vote, b, vote.closes_at))
    far = timezone.now() + datetime.timedelta(days=3650)
    tasks.sort(key=lambda t: t.until or far)
    return tasks
