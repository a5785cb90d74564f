"""Step 5 in the demo: 市光四村's garage with procurement, contract, milestones, acceptance,
the 车库巡保队 and a month of patrols, a closed ticket; 安顺苑 in 实施 with a site log;
明丰苑's 花友会 adoptions; the reset removes it all and builds it again, once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def test_step5_records_and_pages(client):
    from linli.implementation.models import (
        Adoption,
        Contract,
        Milestone,
        PatrolRecord,
        Procurement,
        Signoff,
        SiteLog,
        Ticket,
        VolunteerTeam,
    )
    from linli.implementation.selectors import missed_patrols
    from linli.implementation.services import required_parties
    from linli.projects.models import Project

    out = io.StringIO()
    call_command("demo_district", "--scale", "small", verbosity=1, stdout=out)
    assert "！第5步" not in out.getvalue(), out.getvalue()
    garage = Project.objects.get(title__contains="BOT")
    assert garage.stage in ("acceptance", "evaluation", "done")
    proc = Procurement.objects.get(project=garage)
    assert proc.status == "decided" and proc.quotes.count() == 3 and proc.meeting_id
    assert Contract.objects.get(project=garage).procurement == proc
    assert not Milestone.objects.filter(project=garage, actual_end__isnull=True).exists()
    assert {s.party for s in Signoff.objects.filter(project=garage)} == set(
        required_parties(garage)
    )
    team = VolunteerTeam.objects.get(project=garage, name="车库巡保队")
    records = PatrolRecord.objects.filter(site__team=team)
    assert 50 <= records.count() <= 60
    assert len(missed_patrols([team])) == 2
    assert Ticket.objects.filter(
        project=garage, status="closed", confirmed_by_reporter=True
    ).exists()

    anshun = Project.objects.get(title__contains="睦邻客厅")
    assert anshun.stage == "implementation"
    assert SiteLog.objects.filter(project=anshun).count() >= 3
    assert Milestone.objects.filter(project=anshun, actual_end__isnull=True).exists()

    xinli = Project.objects.get(title__contains="馨丽园")
    assert Adoption.objects.filter(project=xinli, team__name="绿缘花友会").count() >= 3

    staff = next(s.user for s in Signoff.objects.filter(project=garage, party="committee"))
    client.force_login(staff)
    for name in ("project", "acceptance", "om"):
        page = client.get(reverse(f"implementation:{name}", args=[garage.pk]))
        assert page.status_code == 200
    page = client.get(reverse("implementation:team", args=[team.pk])).content.decode()
    assert page.count('class="patrol-record"') == 50  # the page shows the latest 50

    n_proc, n_patrols = Procurement.objects.count(), PatrolRecord.objects.count()
    # --reset removes the district (step 5 rows with its projects) and builds it again
    call_command("demo_district", "--reset", "--scale", "small", verbosity=0, stdout=io.StringIO())
    assert Procurement.objects.count() == n_proc
    assert PatrolRecord.objects.count() == n_patrols
