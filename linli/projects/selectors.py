"""Scoped reads of projects: there is no unscoped list."""

from __future__ import annotations

from django.db.models import QuerySet

from linli.accounts.scopes import scopes_for
from linli.projects.models import Project


def projects_visible_to(user) -> QuerySet[Project]:
    ids = scopes_for(user).visible_committee_ids
    return Project.objects.filter(committee_id__in=ids).select_related(
        "committee", "committee__street"
    )


def projects_for_committee(user, committee) -> QuerySet[Project]:
    return projects_visible_to(user).filter(committee=committee)


def projects_for_street(user, street) -> QuerySet[Project]:
    return projects_visible_to(user).filter(committee__street=street)
