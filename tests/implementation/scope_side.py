"""Implementation's side objects for the site-wide scope walk (tests/core/test_scope_walk.py).

Registers itself with ``tests.core.scope_sides`` when imported (tests/core/scope_sides.py
imports it): one object of every kind the implementation URLs name, for committee A and B.
"""

from __future__ import annotations

import datetime

from tests.core import scope_sides

KINDS = {
    "wgmember_id": "impl_wgmember",
    "procurement_id": "impl_procurement",
    "contract_id": "impl_contract",
    "change_id": "impl_change",
    "milestone_id": "impl_milestone",
    "feedback_id": "impl_feedback",
    "review_id": "impl_review",
    "defect_id": "impl_defect",
    "site_id": "impl_site",
    "record_id": "impl_patrol",
    "team_id": "impl_team",
    "ticket_id": "impl_ticket",
    "company_id": "impl_company",
}


def implementation_side(world, side):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from linli.implementation import services
    from linli.projects.services import project_create
    from tests.factories import make_user
    from tests.implementation.conftest import jpeg_with_gps

    w = scope_sides._who(world, side)
    u = world.users
    staff, marker = w["staff"], w["marker"]
    project = project_create(
        actor=staff, committee=w["committee"], title=f"{marker}实施项目", compounds=[w["compound"]]
    )
    from tests.funding.helpers import move_to_funding

    project = move_to_funding(staff, project)  # procurement starts with 筹资
    today = datetime.date.today()
    contractor = make_user(None, None, name=f"{marker}施工联系人")
    wg = services.group_add(actor=staff, project=project, user=contractor, role="contractor")
    company = services.company_add(
        actor=u.district, street=w["street"], name=f"{marker}建设公司", builds=True
    )
    procurement = services.procurement_create(
        actor=staff, project=project, title=f"{marker}采购", method="direct", budget_fen=100_000
    )
    services.quote_add(actor=staff, procurement=procurement, company=company, amount_fen=90_000)
    contract = services.contract_create(
        actor=staff, project=project, title=f"{marker}合同", party=f"{marker}建设公司",
        amount_fen=90_000, signed_on=today,
    )  # fmt: skip
    attachment = services.contract_attach(
        actor=staff, contract=contract,
        file=SimpleUploadedFile("c.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
    )  # fmt: skip
    change = services.change_propose(
        actor=staff, contract=contract, reason=f"{marker}变更", delta_fen=1000
    )
    milestone = services.milestone_add(
        actor=staff, project=project, title=f"{marker}节点", planned_start=today, planned_end=today
    )
    log = services.site_log_add(
        actor=staff,
        project=project,
        date=today,
        work_done=f"{marker}施工",
        photos=[jpeg_with_gps()],
    )
    feedback = services.feedback_submit(actor=w["resident"], project=project, text=f"{marker}意见")
    review = services.review_record(
        actor=staff, project=project, reviewer=f"{marker}评审人", organisation="质监站",
        date=today, items_checked="结构", defects=[(f"{marker}问题", today)],
    )  # fmt: skip
    team = services.team_create(
        actor=staff,
        committee=w["committee"],
        name=f"{marker}巡保队",
        kind="garage",
        project=project,
    )
    services.team_member_add(actor=staff, team=team, user=w["resident"])
    site = services.patrol_site_add(
        actor=staff, project=project, team=team, name=f"{marker}车库", checklist="整齐"
    )
    record, _ = services.patrol_check_in(
        actor=w["resident"], site=site, checked=["整齐"], photo=jpeg_with_gps(), at=timezone.now()
    )
    ticket = services.ticket_report(
        actor=w["resident"], project=project, place=f"{marker}入口", description="灯坏",
        photo=jpeg_with_gps(),
    )  # fmt: skip
    return {
        "impl_project": project, "impl_wgmember": wg, "impl_procurement": procurement,
        "impl_contract": contract, "impl_contract_file": attachment, "impl_change": change,
        "impl_milestone": milestone, "impl_photo": log.photos.get(), "impl_feedback": feedback,
        "impl_review": review, "impl_defect": review.defects.get(), "impl_site": site,
        "impl_patrol": record, "impl_team": team, "impl_ticket": ticket, "impl_company": company,
    }  # fmt: skip


for _k, _v in KINDS.items():
    scope_sides.KWARG_KINDS.setdefault(_k, _v)
# photo_id and file_id already mean planning's objects: map them by URL name
scope_sides.URL_NAME_OVERRIDES.setdefault(("implementation:photo", "photo_id"), "impl_photo")
scope_sides.URL_NAME_OVERRIDES.setdefault(
    ("implementation:contract_file", "file_id"), "impl_contract_file"
)
# implementation URLs name the project that carries the implementation records
scope_sides.URL_NAME_OVERRIDES.setdefault(("implementation", "project_id"), "impl_project")
if not any(getattr(f, "__name__", "") == "implementation_side" for f in scope_sides.BUILDERS):
    scope_sides.BUILDERS.append(implementation_side)
