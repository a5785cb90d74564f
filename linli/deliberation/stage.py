"""Meetings' part of the project spine: the project's meetings and 四议, invitations to-do."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.projects.models import Stage
from linli.projects.registry import ProjectSection, SectionItem, StageApp, Todo


def meetings_section(project, user):
    from linli.deliberation.selectors import meetings_for_project

    meetings = list(meetings_for_project(user, project).order_by("-starts_at", "-id")[:8])
    section = ProjectSection(
        title=_("会议与四议"),
        url=reverse("deliberation:list") + f"?project={project.pk}",
        status=_("%(n)s 次会议") % {"n": len(meetings)} if meetings else _("尚无会议"),
    )
    for m in meetings:
        section.items.append(
            SectionItem(
                m.title,
                reverse("deliberation:detail", args=[m.pk]),
                f"{timezone.localtime(m.starts_at):%Y-%m-%d} · {m.get_status_display()}",
            )
        )
    section.actions.append(
        SectionItem(_("四议进程"), reverse("deliberation:siyi", args=[project.pk]))
    )
    if user.has_perm("places.manage_committee", project.committee):
        section.actions.append(
            SectionItem(_("召开会议"), reverse("deliberation:create") + f"?project={project.pk}")
        )
    return section


def meeting_todos(user):
    """Meetings still to come that this user is invited to."""
    from linli.deliberation.models import Meeting
    from linli.deliberation.rules import is_invited
    from linli.deliberation.selectors import meetings_visible_to

    rows = (
        meetings_visible_to(user)
        .filter(status=Meeting.Status.SCHEDULED, starts_at__gte=timezone.now())
        .prefetch_related("invitee_buildings")
        .order_by("starts_at")[:20]
    )
    return [
        Todo(
            kind=_("会议"),
            title=m.title,
            url=reverse("deliberation:detail", args=[m.pk]),
            until=m.starts_at,
        )
        for m in rows
        if is_invited(user, m)
    ][:8]


STAGE_APP = StageApp(
    label="deliberation",
    order=30,
    stages=(Stage.DECISION, Stage.EVALUATION),
    section=meetings_section,
    todos=meeting_todos,
)
