"""Scoped reads of meetings and the 四议 track: there is no unscoped list."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from linli.accounts.scopes import scopes_for
from linli.deliberation.models import SIYI_ORDER, Meeting, SiyiStep


def meetings_visible_to(user) -> QuerySet[Meeting]:
    ids = scopes_for(user).visible_committee_ids
    return (
        Meeting.objects.filter(committee_id__in=ids)
        .select_related("committee", "committee__street", "compound", "project")
        .annotate(n_present=Count("attendances", filter=Q(attendances__counts=True)))
    )


def meetings_for_project(user, project) -> QuerySet[Meeting]:
    return (
        meetings_visible_to(user).filter(Q(project=project) | Q(agenda__project=project)).distinct()
    )


def siyi_track(user, project) -> list[dict]:
    """The four steps of the 四议 path with their state (done / current / todo).

    Returns an empty list when the user may not see the project.
    """
    if not user.has_perm("projects.view_project", project):
        return []
    rows = {
        s.step: s
        for s in SiyiStep.objects.filter(project=project).select_related("meeting", "actor")
    }
    track = []
    current_found = False
    for value in SIYI_ORDER:
        row = rows.get(value)
        if row is not None:
            state = "done"
        elif not current_found:
            state, current_found = "current", True
        else:
            state = "todo"
        track.append(
            {
                "step": value,
                "label": str(SiyiStep.Step(value).label),
                "state": state,
                "row": row,
                "meeting": row.meeting if row else None,
            }
        )
    return track
