"""A project in 实施 with books, a working group and the street's qualified companies."""

from __future__ import annotations

import datetime
import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from linli.implementation import services
from linli.projects.models import Stage
from linli.projects.services import project_change_stage

TODAY = datetime.date.today


def jpeg_with_gps(name="site.jpg") -> SimpleUploadedFile:
    """A JPEG carrying an EXIF GPS block (and a camera model) that must not survive."""
    img = Image.new("RGB", (640, 480), (120, 90, 60))
    exif = Image.Exif()
    exif[0x0110] = "PhoneCam X"
    exif[0x8825] = {1: "N", 2: (31.0, 17.0, 24.0), 3: "E", 4: (121.0, 31.0, 12.0)}
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def not_an_image(name="photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"this is not an image at all", content_type="image/jpeg")


def pdf(name="contract.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def build_impl(world, *, title="安顺苑5号楼睦邻客厅"):
    """Books through funding's services, the project moved to 实施, and the group formed."""
    from linli.accounts.models import Role
    from tests.factories import make_user
    from tests.funding.helpers import anshunyuan_case, move_to_funding

    b = anshunyuan_case(world)
    staff = world.users.staff_a
    project = move_to_funding(staff, b.project)
    project = project_change_stage(actor=staff, project=project, to_stage=Stage.IMPLEMENTATION)
    contractor = make_user(None, None, name="施工队王经理")
    oc_member = make_user(Role.OWNERS_COMMITTEE, world.compound_a, name="业委会老孙")
    project.compounds.add(world.compound_a)
    services.group_add(actor=staff, project=project, user=contractor, role="contractor")
    services.group_add(actor=staff, project=project, user=world.users.planner_a, role="planner")
    services.group_add(
        actor=staff, project=project, user=world.users.resident_a, role="resident_rep"
    )
    companies = [
        services.company_add(
            actor=world.users.street_a, street=world.street_a, name=name, builds=True
        )
        for name in ("上海邻家建设有限公司", "杨浦城建装饰公司", "殷行社区营造工作室")
    ]
    return SimpleNamespace(
        books=b,
        staff=staff,
        project=project,
        contractor=contractor,
        planner=world.users.planner_a,
        rep=world.users.resident_a,
        oc=oc_member,
        companies=companies,
    )


@pytest.fixture
def impl(world):
    return build_impl(world)


def closed_meeting(world, project):
    """A meeting of the project, held and closed (set up directly: deliberation owns the flow)."""
    from linli.deliberation.models import Meeting

    return Meeting.objects.create(
        committee=world.committee_a,
        project=project,
        kind="residents",
        title="施工单位比选会",
        convener="committee",
        starts_at=timezone.now() - datetime.timedelta(days=2),
        expected_count=20,
        status="closed",
    )


def finish_milestones(impl, n=2):
    start = TODAY() - datetime.timedelta(days=30)
    ms = []
    for i in range(n):
        m = services.milestone_add(
            actor=impl.staff,
            project=impl.project,
            title=f"节点{i + 1}",
            planned_start=start,
            planned_end=start + datetime.timedelta(days=10),
        )
        services.milestone_progress(
            actor=impl.contractor,
            milestone=m,
            actual_start=start,
            actual_end=start + datetime.timedelta(days=9),
        )
        ms.append(m)
    return ms


def review_supervise_entries(impl):
    """Have the supervisor review every posted voucher so the ledger guard is met."""
    from linli.funding.models import JournalEntry
    from linli.funding.services import entry_review

    for e in JournalEntry.objects.filter(plan__project=impl.project, reviewed_at__isnull=True):
        entry_review(actor=impl.books.supervisor, entry=e)


def sign_all(impl, world):
    p = impl.project
    services.signoff_sign(actor=impl.staff, project=p, party="committee", opinion="同意验收")
    services.signoff_sign(actor=impl.oc, project=p, party="owners_committee", opinion="同意")
    services.signoff_sign(actor=impl.planner, project=p, party="planner", opinion="符合方案")
    services.signoff_sign(actor=impl.contractor, project=p, party="contractor", opinion="已完工")
