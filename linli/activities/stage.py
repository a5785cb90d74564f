"""Activities in the project spine: a project-page section (activities linked to the
project) and the residents' '等您参与' to-dos (open activities of their street to sign up
for, and design contests open for the public vote). Activities serve no stage of their
own (``stages=()``) and guard nothing."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from linli.projects.registry import StageApp, Todo, records_section


def activities_section(project, user):
    from linli.activities.selectors import activities_visible_to

    rows = activities_visible_to(user).filter(projects=project).order_by("-starts_at")
    return records_section(
        title=gettext("社区营造活动"),
        url=reverse("activities:list") + f"?project={project.pk}",
        rows=rows,
        item_url=lambda a: reverse("activities:detail", args=[a.pk]),
        item_status=lambda a: (
            f"{a.get_kind_display()} · {timezone.localtime(a.starts_at):%Y-%m-%d}"
        ),
    )


def activities_todos(user):
    from linli.activities.selectors import open_for_signup, open_votes_for

    items = []
    for a in open_for_signup(user)[:5]:
        items.append(
            Todo(
                kind=gettext("活动报名"),
                title=f"{a.get_kind_display()}：{a.title}",
                url=reverse("activities:detail", args=[a.pk]),
                until=a.starts_at,
            )
        )
    for a in open_votes_for(user)[:3]:
        items.append(
            Todo(
                kind=gettext("设计赛投票"),
                title=a.title,
                url=reverse("activities:contest", args=[a.pk]),
                until=None,
            )
        )
    return items


STAGE_APP = StageApp(
    label="activities",
    order=95,
    stages=(),
    section=activities_section,
    todos=activities_todos,
)
