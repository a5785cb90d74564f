"""Named predicates of activities (see linli/partners/rules.py for the street scoping).

Everyone with a role in the street sees its activities and may sign up, check in and vote
in its design contests; the street's staff, the partner secretariat and — for activities
held by their 居委会 — committee staff manage them; jurors score contest entries.
"""

from __future__ import annotations

import rules

from linli.accounts.scopes import scopes_for
from linli.partners.rules import (
    in_secretariat_of,
    manages_street_of,
    sees_street_of,
    staff_of_a_committee_in_street,
)


@rules.predicate
def manages_activity_committee(user, activity) -> bool:
    cid = getattr(activity, "committee_id", None)
    return cid is not None and cid in scopes_for(user).managed_committee_ids


@rules.predicate
def is_juror(user, activity) -> bool:
    from linli.activities.models import ContestJuror

    return (
        activity is not None
        and getattr(user, "is_authenticated", False)
        and getattr(activity, "kind", None) == "contest"
        and ContestJuror.objects.filter(activity=activity, user=user).exists()
    )


manage = manages_street_of | in_secretariat_of | manages_activity_committee

rules.add_perm("activities.view_activity", sees_street_of)
# on a Street: may create an activity there
rules.add_perm(
    "activities.create_activity",
    manages_street_of | in_secretariat_of | staff_of_a_committee_in_street,
)
rules.add_perm("activities.manage_activity", manage)
rules.add_perm("activities.sign_up", sees_street_of)
rules.add_perm("activities.check_in", sees_street_of)
rules.add_perm("activities.vote", sees_street_of)
rules.add_perm("activities.score", is_juror)
