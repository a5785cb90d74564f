"""Named predicates for step 2. Planners act only on committees of streets (or the very
committees) they are actively paired with; managers of a committee may do the same work."""

from __future__ import annotations

import rules

from linli.accounts.scopes import scopes_for
from linli.places.hierarchy import committee_id_of
from linli.places.rules import can_manage_community, can_view_community, manages_a_street


def paired_committee_ids(user) -> frozenset[int]:
    """Committees the user's planner profile is actively paired with (street → all of it)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    from linli.places.models import Committee
    from linli.planning.models import Pairing

    pairs = list(
        Pairing.objects.filter(planner__user=user, ended_at__isnull=True).values_list(
            "street_id", "committee_id"
        )
    )
    ids = {c for _, c in pairs if c is not None}
    streets = {s for s, c in pairs if c is None}
    if streets:
        ids |= set(Committee.objects.filter(street_id__in=streets).values_list("id", flat=True))
    return frozenset(ids)


@rules.predicate
def is_paired_planner(user, obj) -> bool:
    cid = committee_id_of(obj)
    return cid is not None and cid in paired_committee_ids(user)


@rules.predicate
def manages_planner_district(user, obj) -> bool:
    """District admins of the district, and street staff of one of its streets."""
    from linli.places.models import District, Street

    district_id = obj.pk if isinstance(obj, District) else getattr(obj, "district_id", None)
    if district_id is None:
        return False
    scopes = scopes_for(user)
    if district_id in scopes.managed_district_ids:
        return True
    return Street.objects.filter(district_id=district_id, id__in=scopes.managed_street_ids).exists()


@rules.predicate
def is_district_admin(user, obj) -> bool:
    from linli.places.models import District

    district_id = obj.pk if isinstance(obj, District) else getattr(obj, "district_id", None)
    return district_id is not None and district_id in scopes_for(user).managed_district_ids


def _round_of(obj):
    from linli.planning.models import DesignOption, DesignRound, OptionComment

    if isinstance(obj, DesignRound):
        return obj
    if isinstance(obj, DesignOption):
        return obj.round
    if isinstance(obj, OptionComment):
        return obj.option.round
    return None


@rules.predicate
def lives_in_round_scope(user, obj) -> bool:
    """A resident or building leader of the buildings/compounds the round was sent down to
    (the whole committee when the round names none)."""
    from linli.places.models import Building

    rnd = _round_of(obj)
    if rnd is None:
        return False
    scopes = scopes_for(user)
    mine = Building.objects.filter(id__in=scopes.led_building_ids) | Building.objects.filter(
        flats__id__in=scopes.resident_flat_ids
    )
    mine = mine.filter(compound__committee_id=rnd.project.committee_id)
    building_ids = set(rnd.buildings.values_list("id", flat=True))
    compound_ids = set(rnd.compounds.values_list("id", flat=True))
    if not building_ids and not compound_ids:
        return mine.exists()
    return (
        mine.filter(id__in=building_ids).exists()
        or mine.filter(compound_id__in=compound_ids).exists()
    )


@rules.predicate
def round_open_for_feedback(user, obj) -> bool:
    """The latest published round of its project, not yet put to a vote (read fresh)."""
    from linli.planning.models import DesignRound

    rnd = _round_of(obj)
    if rnd is None:
        return False
    latest = (
        DesignRound.objects.filter(project_id=rnd.project_id, status="published")
        .order_by("-number")
        .values_list("pk", "vote_id")
        .first()
    )
    return latest is not None and latest[0] == rnd.pk and latest[1] is None


can_plan = is_paired_planner | can_manage_community

rules.add_perm("planning.view_committee", can_view_community)
rules.add_perm("planning.plan", can_plan)
rules.add_perm("planning.give_feedback", lives_in_round_scope & round_open_for_feedback)
rules.add_perm("planning.view_pool", manages_planner_district)
rules.add_perm("planning.see_planner_contact", manages_planner_district)
rules.add_perm("planning.manage_pool", is_district_admin)
rules.add_perm("planning.pair", manages_a_street)
rules.add_perm("planning.rate_planner", can_manage_community)
rules.add_perm("planning.manage_partners", can_manage_community)
rules.add_perm("planning.make_vote", can_manage_community)
