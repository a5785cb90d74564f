"""Step 6's side objects for the site-wide scope walk (tests/core/test_scope_walk.py).

Registers itself with ``tests.core.scope_sides`` on import. Committee B's case stays a
draft, so the public case pages (no login) show none of B's objects to A and B's case is
404 by id; a published case is public on purpose (see tests/evaluation/test_views.py).
"""

from __future__ import annotations

import datetime

from tests.core import scope_sides

# photo_id already means planning's work-log photo: map evaluation's by URL name
scope_sides.URL_NAME_OVERRIDES.setdefault(("evaluation:photo", "photo_id"), "eval_photo")
scope_sides.KWARG_KINDS.update(
    {
        "finding_id": "audit_finding",
        "convention_id": "convention",
        "case_id": "case",
    }
)


def evaluation_side(world, side):
    from django.utils import timezone

    from linli.deliberation.services import meeting_create
    from linli.evaluation import services
    from linli.evaluation.models import Audit
    from linli.projects.models import Project
    from linli.projects.services import project_create
    from tests.evaluation.conftest import png
    from tests.factories import make_user

    w = scope_sides._who(world, side)
    staff = w["staff"]
    project = project_create(actor=staff, committee=w["committee"], title=f"{w['marker']}评议项目")
    Project.objects.filter(pk=project.pk).update(stage="evaluation")
    project.refresh_from_db()
    services.evaluation_open(actor=staff, project=project)
    photo = services.photo_add(actor=staff, project=project, kind="before", image=png())
    auditor = make_user(None, None, name=f"{w['marker']}审计师")
    services.auditor_assign(
        actor=staff, project=project, user=auditor, organisation=f"{w['marker']}所"
    )
    finding = services.finding_add(
        actor=auditor, audit=Audit.objects.get(project=project), severity="low",
        title=f"{w['marker']}审计问题", text=f"{w['marker']}说明",
    )  # fmt: skip
    meeting = meeting_create(
        actor=staff, committee=w["committee"], kind="building", title=f"{w['marker']}楼组会议",
        convener="committee", starts_at=timezone.now(), expected_count=3,
    )  # fmt: skip
    convention = services.convention_draft(
        actor=staff, committee=w["committee"], title=f"{w['marker']}楼组公约",
        text=f"{w['marker']}条文", scope="building", building=w["building"],
    )  # fmt: skip
    convention = services.convention_adopt(
        actor=staff, convention=convention, meeting=meeting, in_force_from=datetime.date.today()
    )
    case = services.case_save(
        actor=staff, project=project, project_type="garage", problem=f"{w['marker']}问题"
    )
    return {
        "eval_photo": photo,
        "audit_finding": finding,
        "convention": convention,
        "case": case,
    }


if not any(getattr(f, "__name__", "") == "evaluation_side" for f in scope_sides.BUILDERS):
    scope_sides.BUILDERS.append(evaluation_side)
