"""Surveys on the home pages: open surveys this user has not answered yet."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.projects.registry import StageApp, Todo


def survey_todos(user):
    from linli.surveys.models import Survey
    from linli.surveys.selectors import response_of, surveys_visible_to

    if not getattr(user, "is_authenticated", False):
        return []
    todos = []
    for survey in surveys_visible_to(user).filter(status=Survey.Status.OPEN).order_by("-id")[:12]:
        if not user.has_perm("surveys.answer_survey", survey):
            continue
        if response_of(user, survey) is not None:
            continue
        todos.append(
            Todo(
                kind=_("问卷"), title=survey.title, url=reverse("surveys:detail", args=[survey.pk])
            )
        )
    return todos[:8]


STAGE_APP = StageApp(label="surveys", order=12, todos=survey_todos)
