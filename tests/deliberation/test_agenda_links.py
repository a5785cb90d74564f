"""Agenda items link to needs and design options of the meeting's committee, never another's."""

import datetime

import pytest
from django.utils import timezone

from linli.core.errors import ServiceError
from linli.deliberation.services import agenda_add, meeting_create
from linli.needs.services import need_submit
from linli.planning.models import DesignOption, DesignRound
from linli.projects.services import project_create


def _meeting(world, staff, committee):
    return meeting_create(
        actor=staff, committee=committee, kind="residents", title="中心花园议题征询", convener="committee",
        starts_at=timezone.now() + datetime.timedelta(days=1), expected_count=20,
    )  # fmt: skip


def _option(staff, committee, label):
    project = project_create(actor=staff, committee=committee, title=f"{label}项目")
    rnd = DesignRound.objects.create(project=project, number=1)
    return DesignOption.objects.create(round=rnd, label=label, description="说明")


def test_agenda_item_links_a_need_and_a_design_option_and_shows_them(world, client):
    staff = world.users.staff_a
    meeting = _meeting(world, staff, world.committee_a)
    need = need_submit(
        actor=world.users.resident_a,
        committee=world.committee_a,
        text="中心花园缺少座椅，老人没地方坐",
    )
    option = _option(staff, world.committee_a, "方案一：保留香樟")
    client.force_login(staff)
    response = client.post(
        f"/meetings/{meeting.pk}/agenda/",
        {"title": "讨论花园座椅", "need": need.pk, "design_option": option.pk},
    )
    assert response.status_code in (200, 302)
    item = meeting.agenda.get()
    assert item.need == need and item.design_option == option
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "中心花园缺少座椅" in page and "方案一：保留香樟" in page


def test_needs_and_options_of_another_committee_are_refused(world):
    meeting = _meeting(world, world.users.staff_a, world.committee_a)
    need_b = need_submit(actor=world.users.resident_b, committee=world.committee_b, text="车棚漏雨")
    option_b = _option(world.users.staff_b, world.committee_b, "乙方方案")
    with pytest.raises(ServiceError, match="需求不属于本居委会"):
        agenda_add(actor=world.users.staff_a, meeting=meeting, title="x", need=need_b)
    with pytest.raises(ServiceError, match="方案不属于本居委会"):
        agenda_add(actor=world.users.staff_a, meeting=meeting, title="x", design_option=option_b)
    assert meeting.agenda.count() == 0
