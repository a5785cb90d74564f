"""Scoped reads of projects: there is no unscoped list."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from linli.accounts.scopes import scopes_for
from linli.projects.models import Project


def projects_visible_to(user) -> QuerySet[Project]:
    """Projects of the committees the user sees, and projects that span one of them
    (``partner_committees``: e.g. a garden between two communities of one street)."""
    ids = scopes_for(user).visible_committee_ids
    spanning = Project.partner_committees.through.objects.filter(committee_id__in=ids).values(
        "project_id"
    )
    return Project.objects.filter(Q(committee_id__in=ids) | Q(id__in=spanning)).select_related(
        "committee", "committee__street"
    )


def projects_for_committee(user, committee) -> QuerySet[Project]:
    return projects_visible_to(user).filter(committee=committee)


def projects_for_street(user, street) -> QuerySet[Project]:
    return projects_visible_to(user).filter(committee__street=street)
