"""A project of committee A in 评议 with books, an evaluator and an auditor (no roles)."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from linli.funding import services as fs
from linli.funding.models import SourceStatus
from linli.projects.models import Project, Stage
from tests.factories import make_user
from tests.funding.helpers import make_books


def png(name="p.png", color=(200, 80, 80)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def put_in_stage(project, stage):
    """Test setup only: place a project in a stage without walking the earlier steps."""
    Project.objects.filter(pk=project.pk).update(stage=stage, stage_changed_at=timezone.now())
    project.refresh_from_db()
    return project


@pytest.fixture
def ev(world):
    books = make_books(world, title="开鲁一村非机动车库改造")
    project = books.project
    project.compounds.add(world.compound_a)
    item = fs.cost_item_add(actor=books.staff, plan=books.plan, name="车库改造", amount_fen=100_000)
    source = fs.source_add(
        actor=books.staff,
        plan=books.plan,
        kind="foundation",
        name="社区基金会",
        amount_fen=100_000,
        status=SourceStatus.APPROVED,
    )
    entry = fs.receipt_record(actor=books.accountant, source=source, amount_fen=100_000)
    project = put_in_stage(project, Stage.EVALUATION)
    evaluator = make_user(None, None, name="评估机构小孙")
    auditor = make_user(None, None, name="审计师老钱")
    return SimpleNamespace(
        world=world,
        staff=books.staff,
        resident=world.users.resident_a,
        project=project,
        books=books,
        item=item,
        source=source,
        entry=entry,
        evaluator=evaluator,
        auditor=auditor,
    )


def settle_books(ev):
    """Cashier confirms and supervisor reviews every entry of the project."""
    from linli.funding.models import JournalEntry

    for e in JournalEntry.objects.filter(plan__project=ev.project, posted_at__isnull=True):
        fs.entry_confirm(actor=ev.books.cashier, entry=e)
    for e in JournalEntry.objects.filter(plan__project=ev.project, reviewed_at__isnull=True):
        fs.entry_review(actor=ev.books.supervisor, entry=e)


SCORES = {"need": 5, "quality": 4, "cost": 4, "process": 5, "upkeep": 3}
