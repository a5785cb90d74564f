"""Funding objects on each side for the site-wide scope walk (tests/core/scope_sides.py).

``register()`` adds the builder and the URL parameter kinds; tests/core/scope_sides.py
should import and call it (see docs/funding.md) so the site-wide walk covers funding URLs.
"""

from __future__ import annotations


def funding_objects(world, side):
    from linli.accounts.models import Role
    from linli.funding import services
    from linli.projects.services import project_create
    from tests.core.scope_sides import _who
    from tests.factories import make_user

    w = _who(world, side)
    project = project_create(
        actor=w["staff"],
        committee=w["committee"],
        title=f"{w['marker']}筹资项目",
        buildings=[w["building"]],
    )
    plan = services.plan_open(actor=w["staff"], project=project)
    accountant = make_user(Role.RESIDENT, w["flat"], name=f"{w['marker']}会计")
    cashier = make_user(Role.RESIDENT, w["flat"], name=f"{w['marker']}出纳")
    services.duty_assign(actor=w["staff"], user=accountant, project=project, duty="accountant")
    services.duty_assign(actor=w["staff"], user=cashier, project=project, duty="cashier")
    services.cost_item_add(actor=w["staff"], plan=plan, name=f"{w['marker']}施工", amount_fen=100)
    source = services.source_add(
        actor=w["staff"],
        plan=plan,
        kind="residents",
        name=f"{w['marker']}居民自筹",
        amount_fen=100,
        status="approved",
    )
    contribution = services.contributions_split(actor=w["staff"], source=source, total_fen=100)[0]
    receipt = services.contribution_receive(
        actor=accountant,
        source=source,
        household=contribution.household,
        amount_fen=contribution.share_fen,
    )
    services.entry_confirm(actor=cashier, entry=receipt.entry)
    from django.core.files.uploadedfile import SimpleUploadedFile

    attachment = services.attachment_add(
        actor=accountant,
        entry=receipt.entry,
        kind="invoice",
        file=SimpleUploadedFile(
            "invoice.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
        ),
    )
    return {
        "funding_project": project,
        "funding_source": source,
        "funding_entry": receipt.entry,
        "funding_receipt": receipt,
        "funding_contribution": contribution,
        "funding_attachment": attachment,
    }


KINDS = {
    "source_id": "funding_source",
    "entry_id": "funding_entry",
    "receipt_id": "funding_receipt",
    "contribution_id": "funding_contribution",
}


def register():
    from tests.core import scope_sides

    if funding_objects not in scope_sides.BUILDERS:
        scope_sides.BUILDERS.append(funding_objects)
    for k, v in KINDS.items():
        scope_sides.KWARG_KINDS.setdefault(k, v)
    # funding URLs name the project with a plan, not the bare project of the core builder
    scope_sides.URL_NAME_OVERRIDES.setdefault(("funding", "project_id"), "funding_project")
    scope_sides.URL_NAME_OVERRIDES.setdefault(
        ("funding:attachment", "attachment_id"), "funding_attachment"
    )
