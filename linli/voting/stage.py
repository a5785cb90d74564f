"""Votes' part of the project spine: the project's votes and results, ballots to cast."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.projects.models import Stage
from linli.projects.registry import ProjectSection, SectionItem, StageApp, Todo, records_section


def votes_section(project, user):
    from linli.voting.selectors import votes_visible_to

    can_manage = user.has_perm("voting.manage_vote", project)
    section = records_section(
        title=_("表决"),
        url=reverse("voting:list") + f"?project={project.pk}",
        rows=votes_visible_to(user).filter(project=project).order_by("-id"),
        item_url=lambda v: reverse("voting:detail", args=[v.pk]),
        item_status=lambda v: f"{v.get_kind_display()} · {v.get_status_display()}",
    )
    if can_manage:
        if section is None:
            section = ProjectSection(title=_("表决"), status=_("尚未发起表决"))
        section.actions.append(
            SectionItem(_("发起表决"), reverse("voting:create") + f"?project={project.pk}")
        )
    return section


def ballot_todos(user):
    """Open votes in which one of the user's flats has not voted yet."""
    from linli.voting.models import Elector, Vote

    if not getattr(user, "is_authenticated", False):
        return []
    electors = (
        Elector.objects.filter(
            vote__status=Vote.Status.OPEN, voters__person__user=user, ballots__isnull=True
        )
        .select_related("vote")
        .order_by("vote__closes_at", "vote_id")
        .distinct()[:20]
    )
    seen, todos = set(), []
    for e in electors:
        if e.vote_id in seen:
            continue
        seen.add(e.vote_id)
        todos.append(
            Todo(
                kind=_("表决"),
                title=e.vote.title,
                url=reverse("voting:detail", args=[e.vote_id]),
                until=e.vote.closes_at,
            )
        )
    return todos[:8]


STAGE_APP = StageApp(
    label="voting",
    order=32,
    stages=(Stage.DECISION,),
    section=votes_section,
    todos=ballot_todos,
)
