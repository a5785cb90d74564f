"""The one adapter between needs models and the engine (textcluster + priority).

Groups: a primary need with the needs merged into it. A group's supporters are the distinct
people behind any of its needs: each offline row is one person, online rows count once per
account. Online and offline rows are counted by exactly the same code.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict
from decimal import Decimal

from django.db.models import Count

from linli.engine import priority
from linli.engine.textcluster import NeedText, cluster_needs, likely_duplicates
from linli.needs.models import (
    WEIGHT_FIELDS,
    AgeGroup,
    Category,
    Channel,
    MeetingKind,
    Need,
    NeedSupport,
    PriorityWeightSet,
)
from linli.places.models import Flat

CHANNEL_LABELS = dict(Channel.choices)
AGE_LABELS = dict(AgeGroup.choices)
CATEGORY_LABELS = dict(Category.choices)
MEETING_LABELS = dict(MeetingKind.choices)
LIVE_STATUSES = (Need.Status.OPEN, Need.Status.PROJECT)


def weights_for(committee) -> priority.PriorityWeights:
    row = PriorityWeightSet.objects.filter(committee=committee).first() if committee else None
    if row is None:
        return priority.PriorityWeights()
    return priority.PriorityWeights(**{f: float(getattr(row, f)) for f in WEIGHT_FIELDS})


def weights_record(weights: priority.PriorityWeights) -> dict:
    data = asdict(weights)
    data["cost_scale"] = {str(k): v for k, v in weights.cost_scale.items()}
    data["maximum"] = weights.maximum
    return data


def _decimal_weights(weights: priority.PriorityWeights) -> dict[str, Decimal]:
    return {f: Decimal(str(getattr(weights, f))) for f in WEIGHT_FIELDS}


def group_members(needs: list[Need]) -> dict[int, list[Need]]:
    """{primary id: [primary, merged …]} for the given needs of one or more committees."""
    groups: dict[int, list[Need]] = defaultdict(list)
    for n in sorted(needs, key=lambda n: (n.merged_into_id is not None, n.created_at, n.pk)):
        groups[n.merged_into_id or n.pk].append(n)
    return groups


def _people(rows) -> dict:
    """Distinct people among support rows: one per account, one per offline row."""
    people: dict = {}
    for row in rows:
        key = ("u", row["user_id"]) if row["user_id"] else ("o", row["id"])
        people.setdefault(key, row)
    return people


def group_stats(committee_ids: list[int], *, statuses=LIVE_STATUSES) -> list[dict]:
    """One dict per group of live needs, with supporters, buildings, channels and facts."""
    needs = list(
        Need.objects.filter(committee_id__in=committee_ids)
        .select_related("building", "committee", "microspace", "merged_into")
        .order_by("created_at", "id")
    )
    groups = group_members(needs)
    rows_by_need: dict[int, list[dict]] = defaultdict(list)
    for row in NeedSupport.objects.filter(need__committee_id__in=committee_ids).values(
        "id", "need_id", "user_id", "building_id", "building__number", "age_group", "channel"
    ):
        rows_by_need[row["need_id"]].append(row)
    flats = dict(
        Flat.objects.filter(building__compound__committee_id__in=committee_ids)
        .values_list("building_id")
        .annotate(n=Count("id"))
    )
    out = []
    for primary_id, members in groups.items():
        primary = members[0]
        if primary.pk != primary_id or primary.status not in statuses:
            continue
        rows = [r for m in members for r in rows_by_need[m.pk]]
        people = _people(rows)
        buildings: dict[int, str] = {}
        for m in members:
            if m.building_id:
                buildings[m.building_id] = m.building.number
        for r in people.values():
            if r["building_id"]:
                buildings.setdefault(r["building_id"], r["building__number"])
        by_age = Counter(r["age_group"] for r in people.values())
        by_building = Counter(r["building__number"] or "未填楼栋" for r in people.values())
        by_channel = Counter(r["channel"] for r in people.values())
        flat_count = sum(flats.get(b, 0) for b in buildings)
        households = primary.households_affected or flat_count or len(people)
        out.append(
            {
                "primary": primary,
                "members": members,
                "supporters": len(people),
                "online": by_channel.get(Channel.ONLINE, 0),
                "offline": len(people) - by_channel.get(Channel.ONLINE, 0),
                "by_age": {k: by_age[k] for k in AgeGroup.values if by_age.get(k)},
                "by_channel": {k: by_channel[k] for k in Channel.values if by_channel.get(k)},
                "by_building": dict(sorted(by_building.items())),
                "buildings": sorted(buildings.values()),
                "building_ids": sorted(buildings),
                "households": households,
                "households_source": "staff"
                if primary.households_affected
                else ("flats" if flat_count else "supporters"),
            }
        )
    return out


def facts_of(group: dict) -> priority.NeedFacts:
    p: Need = group["primary"]
    return priority.NeedFacts(
        supporters=group["supporters"],
        households_affected=group["households"],
        safety_hazard=priority.Hazard(p.safety_hazard),
        affects_elderly=p.affects_elderly,
        affects_children=p.affects_children,
        cost_band=priority.CostBand(p.cost_band),
    )


def ranked_entries(
    committee_ids: list[int], weights: priority.PriorityWeights, *, statuses=LIVE_STATUSES
) -> list[dict]:
    """The ranked, JSON-ready entries of a needs list (same shape for page, API, PDF, xlsx)."""
    groups = {str(g["primary"].pk): g for g in group_stats(committee_ids, statuses=statuses)}
    ranked = priority.rank_needs(
        [(gid, facts_of(g)) for gid, g in sorted(groups.items(), key=lambda kv: int(kv[0]))],
        weights,
    )
    entries = []
    for r in ranked:
        g = groups[r.id]
        p: Need = g["primary"]
        entries.append(
            {
                "rank": r.rank,
                "need_id": p.pk,
                "committee": p.committee.name,
                "text": p.text,
                "category": p.category,
                "category_label": str(CATEGORY_LABELS.get(p.category, p.category)),
                "status": p.status,
                "project_id": p.project_id,
                "microspace": p.microspace.name if p.microspace_id else "",
                "supporters": g["supporters"],
                "online": g["online"],
                "offline": g["offline"],
                "by_age": {str(AGE_LABELS[k]): v for k, v in g["by_age"].items()},
                "by_channel": {str(CHANNEL_LABELS[k]): v for k, v in g["by_channel"].items()},
                "by_building": g["by_building"],
                "buildings": g["buildings"],
                "households": g["households"],
                "score": round(r.score.total, 1),
                "maximum": round(r.score.maximum, 1),
                "contributions": [
                    {
                        "factor": c.factor,
                        "value": c.value,
                        "weight": c.weight,
                        "points": round(c.points, 2),
                        "reason": c.reason,
                    }
                    for c in r.score.contributions
                ],
                "texts": [
                    {
                        "need_id": m.pk,
                        "text": m.text,
                        "channel": str(CHANNEL_LABELS.get(m.channel, m.channel)),
                        "meeting": str(MEETING_LABELS.get(m.meeting_kind, ""))
                        if m.meeting_kind
                        else "",
                        "date": m.created_at.date().isoformat(),
                    }
                    for m in g["members"]
                ],
            }
        )
    return entries


def list_totals(entries: list[dict]) -> dict:
    by_channel: Counter = Counter()
    by_category: Counter = Counter()
    by_age: Counter = Counter()
    by_building: Counter = Counter()
    buildings: set[str] = set()
    for e in entries:
        prefix = f"{e['committee']}·" if len({x["committee"] for x in entries}) > 1 else ""
        by_building.update({f"{prefix}{k}": v for k, v in e.get("by_building", {}).items()})
        by_channel.update(e["by_channel"])
        by_category[e["category_label"]] += 1
        by_age.update(e["by_age"])
        buildings.update(f"{e['committee']}·{b}" for b in e["buildings"])
    return {
        "needs": len(entries),
        "texts": sum(len(e["texts"]) for e in entries),
        "supporters": sum(e["supporters"] for e in entries),
        "online": sum(e["online"] for e in entries),
        "offline": sum(e["offline"] for e in entries),
        "by_channel": dict(by_channel.most_common()),
        "by_category": dict(by_category.most_common()),
        "by_age": dict(by_age.most_common()),
        "by_building": dict(by_building.most_common()),
        "buildings": len(buildings),
    }


def duplicate_clusters(committee) -> list[dict]:
    """Open, unmerged needs grouped by likely duplicates (size > 1 only), surest first.

    Each group: ``needs`` (most typical first), ``similarity`` (the similarity of its least
    alike pair) and ``terms`` (the words the engine found shared), so staff can
    judge a weak grouping (e.g. two short texts joined by one common character) before
    merging.
    """
    needs = list(
        Need.objects.filter(
            committee=committee, merged_into__isnull=True, status=Need.Status.OPEN
        ).order_by("created_at", "id")
    )
    if len(needs) < 2:
        return []
    by_id = {str(n.pk): n for n in needs}
    clusters = cluster_needs([NeedText(str(n.pk), n.text) for n in needs])
    groups = [
        {
            "needs": [by_id[m.id] for m in c.members],
            "similarity": round(c.cohesion, 2),  # weakest pair, not cosine to centre
            "terms": list(c.label_terms),
        }
        for c in clusters
        if len(c.members) > 1
    ]
    return sorted(groups, key=lambda g: (-g["similarity"], g["needs"][0].pk))


def duplicate_suggestions(committee, text: str, *, k: int = 3) -> list[tuple[Need, float]]:
    """Existing live needs that look like ``text`` (for "someone already said this")."""
    needs = list(
        Need.objects.filter(committee=committee, merged_into__isnull=True, status__in=LIVE_STATUSES)
    )
    if not needs or not (text or "").strip():
        return []
    by_id = {str(n.pk): n for n in needs}
    found = likely_duplicates(text, [NeedText(str(n.pk), n.text) for n in needs], k=k)
    return [(by_id[c.id], c.similarity) for c in found]
