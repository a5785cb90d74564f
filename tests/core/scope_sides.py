"""Objects on each side (committee A and committee B) for the site-wide scope walk.

Each builder makes, through the apps' own services, one object of every kind its URLs name,
and returns them by kind. Committee B's objects carry the marker "乙方专属" in their titles so
a leak into A's pages is visible. A new app adds a builder here and its kinds below.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

BUILDERS = []


def builder(fn):
    BUILDERS.append(fn)
    return fn


def side_objects(world, side: str) -> dict:
    objs: dict = {}
    for fn in BUILDERS:
        objs.update(fn(world, side) or {})
    return objs


def _who(world, side):
    u = world.users
    if side == "a":
        return dict(staff=u.staff_a, resident=u.resident_a, committee=world.committee_a, street=world.street_a,
                    compound=world.compound_a, building=world.building_a, flat=world.flat_a, marker="甲方")  # fmt: skip
    return dict(staff=u.staff_b, resident=u.resident_b, committee=world.committee_b, street=world.street_b,
                compound=world.compound_b, building=world.building_b, flat=world.flat_b, marker="乙方专属")  # fmt: skip


@builder
def places_and_projects(world, side):
    from linli.accounts.services import api_token_create
    from linli.places.models import Facility, MicroSpace, Ownership, Person
    from linli.places.roster_models import RosterImport
    from linli.projects.services import project_create

    w = _who(world, side)
    project = project_create(actor=w["staff"], committee=w["committee"], title=f"{w['marker']}项目")
    microspace = MicroSpace.objects.create(
        compound=w["compound"], name=f"{w['marker']}花园", kind="garden"
    )
    facility = Facility.objects.create(
        street=w["street"],
        committee=w["committee"],
        kind="clinic",
        name=f"{w['marker']}卫生站",
        lat="31.3",
        lng="121.5",
    )
    token, _ = api_token_create(actor=w["staff"], name=f"{w['marker']}令牌")
    roster_import = RosterImport.objects.create(committee=w["committee"], created_by=w["staff"])
    person = Person.objects.create(name=f"{w['marker']}业主")
    Ownership.objects.create(flat=w["flat"], person=person)
    return {
        "committee": w["committee"], "street": w["street"], "district": world.district, "compound": w["compound"],
        "building": w["building"], "flat": w["flat"], "project": project, "microspace": microspace,
        "facility": facility, "token": token, "roster_import": roster_import, "person": person,
    }  # fmt: skip


@builder
def needs(world, side):
    from linli.needs import services

    w = _who(world, side)
    need = services.need_submit(
        actor=w["resident"],
        committee=w["committee"],
        text=f"{w['marker']}需求：楼道灯坏了",
        building=w["building"],
    )
    needs_list = services.needs_list_create(actor=w["staff"], committee=w["committee"])
    services.needs_list_publish(actor=w["staff"], needs_list=needs_list)
    report = services.space_report_submit(
        actor=w["resident"],
        committee=w["committee"],
        compound=w["compound"],
        kind="stilt",
        place="架空层",
        problem=f"{w['marker']}架空层堆物",
    )
    return {"need": need, "needs_list": needs_list, "space_report": report}


@builder
def voting(world, side):
    from linli.voting.services import vote_create, vote_open

    w = _who(world, side)
    now = timezone.now()
    vote = vote_create(
        actor=w["staff"], committee=w["committee"], title=f"{w['marker']}表决", kind="owners", matter="278-9",
        compounds=[w["compound"]], opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=1),
    )  # fmt: skip
    vote = vote_open(actor=w["staff"], vote=vote)
    return {"vote": vote, "elector": vote.electors.first()}


@builder
def opinions_and_surveys(world, side):
    from linli.opinions import services as op
    from linli.surveys import services as sv

    w = _who(world, side)
    conv = op.conversation_create(
        actor=w["staff"],
        committee=w["committee"],
        topic=f"{w['marker']}议题",
        statements=[f"{w['marker']}观点"],
    )
    survey = sv.survey_create(
        actor=w["staff"], committee=w["committee"], title=f"{w['marker']}问卷"
    )
    question = sv.question_add(
        actor=w["staff"], survey=survey, kind="short", text=f"{w['marker']}题目"
    )
    sv.survey_set_status(actor=w["staff"], survey=survey, status="open")
    return {
        "conversation": conv,
        "statement": conv.statements.get(),
        "survey": survey,
        "question": question,
    }


@builder
def meetings_and_notices(world, side):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from linli.deliberation.services import meeting_create, meeting_sign_in, minutes_save
    from linli.notices.services import notice_create, objection_lodge

    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    w = _who(world, side)
    meeting = meeting_create(
        actor=w["staff"], committee=w["committee"], kind="residents", title=f"{w['marker']}居民会议", convener="committee",
        starts_at=timezone.now() + timedelta(hours=1), expected_count=5,
    )  # fmt: skip
    meeting_sign_in(actor=w["staff"], meeting=meeting, name=f"{w['marker']}签到人")
    minutes_save(actor=w["staff"], meeting=meeting, summary=f"{w['marker']}纪要")
    notice = notice_create(
        actor=w["staff"], committee=w["committee"], kind="plan", title=f"{w['marker']}方案公示", body=f"{w['marker']}公示内容",
        attachments=[SimpleUploadedFile("plan.pdf", pdf)], publish=True,
    )  # fmt: skip
    objection = objection_lodge(
        actor=w["resident"],
        notice=notice,
        reason=f"{w['marker']}异议",
        attachments=[SimpleUploadedFile("objection.pdf", pdf)],
    )
    return {
        "meeting": meeting, "notice": notice, "objection": objection, "attachment": notice.attachments.get(),
        "objection_attachment": objection.attachments.get(),
    }  # fmt: skip


# URL parameter name → kind of object, for names that say what they are.
KWARG_KINDS = {
    "committee_id": "committee", "committee_pk": "committee", "street_id": "street", "district_id": "district",
    "compound_id": "compound", "compound_pk": "compound", "building_id": "building", "flat_id": "flat",
    "project_id": "project", "project_pk": "project", "microspace_id": "microspace", "token_id": "token",
    "import_id": "roster_import", "need_id": "need", "list_id": "needs_list", "report_id": "space_report",
    "vote_id": "vote", "elector_id": "elector", "conversation_id": "conversation", "statement_id": "statement",
    "survey_id": "survey", "question_id": "question", "meeting_id": "meeting", "notice_id": "notice",
    "objection_id": "objection", "attachment_id": "attachment", "person_pk": "person",
    "person_id": "person",
}  # fmt: skip

# A bare ``pk`` means the namespace's main object (or, in places, the one the URL name says).
NAMESPACE_PK_KINDS = {
    "accounts": "token",
    "roster": "roster_import",
    "projects": "project",
    "needs": "need",
    "voting": "vote",
    "opinions": "conversation",
    "surveys": "survey",
    "deliberation": "meeting",
    "notices": "notice",
}

# Pages open to anyone on purpose (no login, any street): the walk does not expect them to
# refuse committee B's objects, but still checks that A's pages show nothing of B.
PUBLIC_URL_NAMES: set[str] = set()

# Where the same parameter name means something else under a particular URL name.
URL_NAME_OVERRIDES = {("objection", "attachment_id"): "objection_attachment"}  # fmt: skip
PLACES_PK_KINDS = [
    ("person_link_account", "flat"), ("workbench", "committee"), ("committee", "committee"), ("street", "street"), ("district", "district"),
    ("compound", "compound"), ("building", "building"), ("flat", "flat"), ("microspace", "microspace"),
    ("facilit", "facility"),
]  # fmt: skip


def _register_app_builders():
    """Apps that keep their scope builder beside their own tests."""
    import tests.dashboards.scope_side  # noqa: F401  (registers itself on import)
    import tests.evaluation.scope_side  # noqa: F401  (registers itself on import)
    import tests.implementation.scope_side  # noqa: F401  (registers itself on import)
    import tests.notifications.scope_side  # noqa: F401  (registers itself on import)
    import tests.opendata.scope_side  # noqa: F401  (registers itself on import)
    import tests.partners.scope_side  # noqa: F401  (registers itself on import)
    import tests.planning.scope_side  # noqa: F401  (registers itself on import)
    import tests.process.scope_side  # noqa: F401  (registers itself on import)
    from tests.funding.scope_builder import register as register_funding

    register_funding()


_register_app_builders()
