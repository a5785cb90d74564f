"""Process's side objects for the site-wide scope walk (tests/core/test_scope_walk.py):
a conflict on each side's project (opened from an objection to its notice)."""

from __future__ import annotations

from tests.core import scope_sides


def process_side(world, side):
    from linli.notices.services import notice_create, objection_lodge
    from linli.process.services import conflict_open
    from linli.projects.services import project_create

    w = scope_sides._who(world, side)
    project = project_create(
        actor=w["staff"], committee=w["committee"], title=f"{w['marker']}流程项目"
    )
    notice = notice_create(
        actor=w["staff"],
        committee=w["committee"],
        kind="plan",
        title=f"{w['marker']}方案公示",
        body="方案公示",
        project=project,
        publish=True,
    )
    objection_lodge(actor=w["resident"], notice=notice, reason=f"{w['marker']}异议")
    conflict = conflict_open(
        actor=w["staff"],
        project=project,
        cause="objections",
        description=f"{w['marker']}居民异议",
        notice=notice,
    )
    return {"process_conflict": conflict}


scope_sides.BUILDERS.append(process_side)
scope_sides.KWARG_KINDS.setdefault("conflict_id", "process_conflict")
