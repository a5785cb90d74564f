"""Named permission predicates for votes (the same names guard pages, API and templates)."""

from __future__ import annotations

import rules

from linli.places.rules import can_manage_community, can_view_community


@rules.predicate
def vote_is_open(user, vote) -> bool:
    return vote is not None and vote.is_open()


@rules.predicate
def vote_is_closed(user, vote) -> bool:
    return vote is not None and vote.status == "closed"


@rules.predicate
def vote_results_public(user, vote) -> bool:
    return vote is not None and not vote.hide_results and vote.status != "draft"


@rules.predicate
def vote_is_proposing(user, vote) -> bool:
    return vote is not None and vote.status == "proposing"


@rules.predicate
def is_voter_of(user, vote) -> bool:
    """The user is linked (Person.user) to an owner — or, for non-owner votes, a resident —
    of a flat in the vote's electorate snapshot."""
    if vote is None or not getattr(user, "is_authenticated", False):
        return False
    from linli.voting.selectors import electors_of_user

    return electors_of_user(user, vote).exists()


rules.add_perm("voting.view_vote", can_view_community | is_voter_of)
rules.add_perm("voting.manage_vote", can_manage_community)
rules.add_perm("voting.cast_ballot", is_voter_of & vote_is_open)
rules.add_perm("voting.enter_paper", can_manage_community & vote_is_open)
rules.add_perm("voting.propose_option", can_view_community & vote_is_proposing)
rules.add_perm(
    "voting.view_results",
    can_manage_community
    | ((can_view_community | is_voter_of) & (vote_is_closed | vote_results_public)),
)
