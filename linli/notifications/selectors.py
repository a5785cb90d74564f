"""Reads scoped to the user: one's own inbox; the door-to-door list of one's buildings."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.scopes import scopes_for
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
        raise Http404(_("事项不存在"))
    return subject


def door_building(user, subject_type: str, subject, building_id: int):
    """One of the user's buildings that the subject covers, else 404."""
    building = buildings_for_door_lists(user).filter(pk=building_id).first()
    if building is None or building.compound.committee_id != subject.committee_id:
        raise Http404(_("楼栋不存在"))
    if not subject_flats(subject_type, subject).filter(building_id=building.pk).exists():
        raise Http404(_("该事项不涉及此楼栋"))
    return building


@dataclass
class DoorRow:
    flat: object
    members: list = field(default_factory=list)  # [(person, age)], oldest first
    oldest_age: int | None = None
    has_account: bool = False
    read_online: bool = False
    contacts: list = field(default_factory=list)

    @property
    def elderly(self) -> bool:
        return self.oldest_age is not None and self.oldest_age >= ELDERLY_AGE

    @property
    def reason(self) -> str:
        return _("未读") if self.has_account else _("无账号")

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


def flat_people(flat_ids) -> tuple[dict[int, list], dict[int, set[int]]]:
    """flat id → the people living there (else its owners); flat id → their accounts
    (linked people, and residents by role)."""
    from linli.accounts.models import Role, RoleAssignment
    from linli.places.models import Ownership, Residency

    people: dict[int, dict] = {f: {} for f in flat_ids}
    for r in Residency.objects.filter(household__flat_id__in=flat_ids).select_related(
        "person", "household"
    ):
        people[r.household.flat_id].setdefault(r.person.pk, r.person)
    owners: dict[int, dict] = {f: {} for f in flat_ids}
    for o in Ownership.objects.filter(flat_id__in=flat_ids).select_related("person"):
        owners[o.flat_id].setdefault(o.person.pk, o.person)
    users: dict[int, set[int]] = {f: set() for f in flat_ids}
    for fid in flat_ids:
        if not people[fid]:
            people[fid] = owners[fid]
        for p in list(people[fid].values()) + list(owners[fid].values()):
            if p.user_id:
                users[fid].add(p.user_id)
    for fid, uid in RoleAssignment.objects.filter(
        role=Role.RESIDENT, flat_id__in=flat_ids
    ).values_list("flat_id", "user_id"):
        users[fid].add(uid)
    return {f: list(d.values()) for f, d in people.items()}, users


def door_list(subject_type: str, subject, building, *, year: int | None = None) -> DoorList:
    """Households (flats) of ``building`` the subject is for that no one reached online (no
    account, or nobody living there opened the message), the oldest first."""
    year = year or timezone.localdate().year
    flats = list(
        subject_flats(subject_type, subject)
        .filter(building_id=building.pk)
        .select_related("building")
        .order_by("unit", "floor", "room", "id")
    )
    fids = [f.pk for f in flats]
    people, users = flat_people(fids)
    all_users = set().union(*users.values()) if users else set()
    readers = set(
        Notification.objects.filter(
            topic=f"{subject_type}:{subject.pk}", recipient_id__in=all_users, read_at__isnull=False
        ).values_list("recipient_id", flat=True)
    )
    contacts: dict[int, list] = {}
    for c in DoorContact.objects.filter(
        subject_type=subject_type, subject_id=subject.pk, flat_id__in=fids
    ).select_related("person"):
        contacts.setdefault(c.flat_id, []).append(c)
    rows = []
    reached = 0
    for flat in flats:
        members = [(p, p.age(year)) for p in people[flat.pk] if not p.is_organisation]
        ages = [a for _, a in members if a is not None]
        row = DoorRow(
            flat=flat,
            members=sorted(members, key=lambda pa: -(pa[1] or 0)),
            oldest_age=max(ages) if ages else None,
            has_account=bool(users[flat.pk]),
            read_online=bool(users[flat.pk] & readers),
            contacts=contacts.get(flat.pk, []),
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
        households=len(flats),
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
