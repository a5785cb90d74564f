"""Partners' and activities' side objects for the site-wide scope walk
(tests/core/test_scope_walk.py); registers itself with ``tests.core.scope_sides`` on import."""

from __future__ import annotations

import datetime

from tests.core import scope_sides

KINDS = {
    "org_id": "partner_org",
    "partner_id": "partner",
    "partner_committee_id": "partner_committee",
    "activity_id": "activity",
    "entry_id": "contest_entry",
}


def partners_side(world, side):
    from django.utils import timezone

    from linli.activities import services as acts
    from linli.partners import services
    from tests.factories import make_user
    from tests.implementation.conftest import jpeg_with_gps

    w = scope_sides._who(world, side)
    marker = w["marker"]
    boss = world.users.street_a if side == "a" else world.users.district
    org = services.organisation_create(actor=boss, street=w["street"], name=f"{marker}合伙人组织")
    person = make_user(None, None, name=f"{marker}合伙人")
    partner = services.partner_recommend(
        actor=boss,
        organisation=org,
        name=f"{marker}合伙人",
        mobile=person.mobile,
        home_committee=w["committee"],
        profession="designer",
        recommendation=f"{marker}推荐",
    )
    partner = services.partner_approve(actor=boss, partner=partner)
    team = services.team_create(actor=boss, organisation=org, name=f"{marker}团队", leader=partner)
    start = timezone.now() + datetime.timedelta(days=1)
    activity = acts.activity_create(
        actor=boss,
        street=w["street"],
        kind="contest",
        title=f"{marker}设计赛",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=20,
        place=f"{marker}广场",
        teams=[team],
    )
    entry = acts.entry_add(
        actor=boss, activity=activity, title=f"{marker}作品", author=f"{marker}作者"
    )
    photo = acts.activity_photo_add(
        actor=boss, activity=activity, image=jpeg_with_gps(), caption=f"{marker}照片"
    )
    services.contribution_record(
        actor=boss,
        organisation=org,
        partner=partner,
        kind="expertise",
        description=f"{marker}贡献",
        on_date=datetime.date.today(),
        activity=activity,
    )
    services.unit_add(actor=boss, street=w["street"], name=f"{marker}共建单位", kind="enterprise")
    return {
        "partner_org": org,
        "partner": partner,
        "partner_team": team,
        "partner_committee": org.committees.first(),
        "activity": activity,
        "contest_entry": entry,
        "activity_photo": photo,
    }


for _k, _v in KINDS.items():
    scope_sides.KWARG_KINDS.setdefault(_k, _v)
scope_sides.URL_NAME_OVERRIDES.setdefault(("partners:team", "team_id"), "partner_team")
scope_sides.URL_NAME_OVERRIDES.setdefault(("api:partners_team", "team_id"), "partner_team")
scope_sides.URL_NAME_OVERRIDES.setdefault(("activities:photo", "photo_id"), "activity_photo")
if not any(getattr(f, "__name__", "") == "partners_side" for f in scope_sides.BUILDERS):
    scope_sides.BUILDERS.append(partners_side)
