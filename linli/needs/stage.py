"""Needs on the project page: where the project came from (the residents' needs it answers)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.projects.models import Stage
from linli.projects.registry import StageApp, records_section


def needs_section(project, user):
    from linli.needs.selectors import needs_visible_to

    return records_section(
        title=_("来自居民的需求"),
        url=reverse("needs:board", args=[project.committee_id]),
        rows=needs_visible_to(user).filter(project=project).order_by("-id"),
        item_url=lambda n: reverse("needs:detail", args=[n.pk]),
        item_status=lambda n: n.get_status_display(),
    )


STAGE_APP = StageApp(label="needs", order=10, stages=(Stage.NEEDS,), section=needs_section)
