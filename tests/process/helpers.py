"""Making the records seed 003 asks for before a project leaves 方案与决策, through services.

``decide(staff, project)`` holds a party-member meeting, then a residents' representatives'
meeting that passes the project (approved minutes), links that resolution as the project's
decision and publishes it as a 公示 whose period ended yesterday — what a committee does.
Owners'-rights projects get a passed owners' vote instead (``owners_result``).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from linli.deliberation import services as ds
from linli.notices import services as ns
from linli.process import services as ps


def held_meeting(
    staff, project, kind, *, days_ago, convener="committee", agree=3, text="通过项目方案"
):
    """A meeting of ``kind`` on the project, held ``days_ago``, with approved minutes."""
    m = ds.meeting_create(
        actor=staff,
        committee=project.committee,
        kind=kind,
        title=f"{project.title}·{kind}",
        convener=convener,
        starts_at=timezone.now() - datetime.timedelta(days=days_ago),
        expected_count=3,
        project=project,
    )
    for i in range(3):
        ds.meeting_sign_in(actor=staff, meeting=m, name=f"代表{i + 1}", note=f"{i + 1}号楼")
    ds.meeting_close(actor=staff, meeting=m)
    ds.minutes_save(
        actor=staff,
        meeting=m,
        summary="会议讨论项目方案。",
        resolutions=[{"text": text, "agree": agree}] if agree is not None else [],
    )
    ds.minutes_approve(actor=staff, meeting=m)
    m.refresh_from_db()
    return m


def party_meeting(staff, project, *, days_ago=30):
    return held_meeting(
        staff, project, "party", days_ago=days_ago, convener="party_org", text="党员先统一意见"
    )


def publish(staff, project, subject, *, ended=True, days_ago=10):
    """Publish ``subject`` as a 7-day 公示; ``ended`` puts its period in the past."""
    starts = timezone.now() - datetime.timedelta(days=days_ago if ended else 1)
    return ns.notice_create(
        actor=staff,
        committee=project.committee,
        kind="minutes",
        title=f"{project.title}决定公示",
        body="决定内容见会议纪要。",
        subject=subject,
        project=project,
        publish=True,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(days=7),
    )


def decide(staff, project, *, party=True, ended=True):
    """Party meeting first, the representatives' resolution, linked and published."""
    if party:
        party_meeting(staff, project, days_ago=30)
    m = held_meeting(staff, project, "representatives", days_ago=20)
    resolution = m.minutes.resolutions.get()
    ps.decision_link(actor=staff, project=project, resolution=resolution)
    notice = publish(staff, project, m.minutes, ended=ended)
    return m, notice
