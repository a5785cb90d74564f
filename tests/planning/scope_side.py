"""Planning's side objects for the site-wide scope walk (tests/core/test_scope_walk.py).

Registers itself with ``tests.core.scope_sides`` when imported; ``tests/planning/conftest.py``
imports it, and ``tests/core/scope_sides.py`` should import it too so that running
``tests/core`` alone also knows planning's URL parameters."""

from __future__ import annotations

import datetime

from tests.core import scope_sides

scope_sides.KWARG_KINDS.update(
    {
        "photo_id": "worklog_photo",
        "round_id": "design_round",
        "option_id": "design_option",
        "file_id": "option_file",
        "comment_id": "option_comment",
        "pairing_id": "pairing",
        "planner_id": "planner",
    }
)


def planning_side(world, side):
    from linli.planning import services
    from tests.factories import make_user
    from tests.planning.conftest import png

    w = scope_sides._who(world, side)
    u = world.users
    user = make_user(None, None, name=f"{w['marker']}规划师")
    planner = services.planner_add(actor=u.district, district=world.district,
                                   name=f"{w['marker']}规划师", profession="planning", user=user)  # fmt: skip
    pairing = services.planner_pair(actor=u.district, planner=planner, street=w["street"])
    project = w.get("project") or __import__(
        "linli.projects.services", fromlist=["x"]
    ).project_create(actor=w["staff"], committee=w["committee"], title=f"{w['marker']}设计项目")
    log = services.worklog_add(actor=user, committee=w["committee"], kind="site_visit",
                               date=datetime.date.today(), place=f"{w['marker']}花园",
                               findings=f"{w['marker']}发现", photos=[png("s.png")])  # fmt: skip
    rnd = services.round_create(actor=user, project=project)
    opt = services.option_save(actor=user, round=rnd, label=f"{w['marker']}方案",
                               description=f"{w['marker']}说明", files=[png()])  # fmt: skip
    rnd = services.round_publish(actor=user, round=rnd)
    comment = services.option_comment(actor=w["resident"], option=opt, text=f"{w['marker']}意见")
    return {
        "worklog_photo": log.photos.get(),
        "design_round": rnd,
        "design_option": opt,
        "option_file": opt.files.get(),
        "option_comment": comment,
        "pairing": pairing,
        "planner": planner,
    }


if planning_side not in scope_sides.BUILDERS and not any(
    getattr(f, "__name__", "") == "planning_side" for f in scope_sides.BUILDERS
):
    scope_sides.BUILDERS.append(planning_side)
