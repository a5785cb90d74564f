"""Scoped reads of votes: there is no unscoped list."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from linli.accounts.scopes import scopes_for
from linli.voting.models import Elector, Vote


def votes_visible_to(user) -> QuerySet[Vote]:
    """Votes of the committees the user sees, plus votes the user is a voter in (an owner
    who does not live in the community still sees the votes of their flats)."""
    q = Q(committee_id__in=scopes_for(user).visible_committee_ids)
    if getattr(user, "is_authenticated", False):
        q |= Q(pk__in=Elector.objects.filter(voters__person__user=user).values("vote_id"))
    return Vote.objects.filter(q).select_related("committee", "project")


def votes_managed_by(user) -> QuerySet[Vote]:
    return Vote.objects.filter(committee_id__in=scopes_for(user).managed_committee_ids)


def electors_of_user(user, vote: Vote) -> QuerySet[Elector]:
    """The flats of ``vote`` whose ballot ``user`` may cast online."""
    if not getattr(user, "is_authenticated", False):
        return Elector.objects.none()
    return (
        Elector.objects.filter(vote=vote, voters__person__user=user)
        .select_related("flat")
        .distinct()
        .order_by("id")
    )


def electors_for(user, vote: Vote) -> QuerySet[Elector]:
    """The electorate list: all flats for managers; one's own flats otherwise."""
    if user.has_perm("voting.manage_vote", vote):
        return vote.electors.order_by("id")
    return electors_of_user(user, vote)
