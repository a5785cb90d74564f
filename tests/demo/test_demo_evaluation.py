"""Step 6 in the demo: 市光四村's garage reaches 完成 with its 停车公约, evaluation, survey,
audit and a public case; 明丰苑 is being evaluated; the reset removes it all."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def test_step6_records_and_case_page(client):
    from linli.evaluation.models import Audit, Case, Convention, Evaluation
    from linli.evaluation.selectors import endorsement_figure
    from linli.projects.models import Project

    call_command("demo_district", "--scale", "small", verbosity=0, stdout=io.StringIO())
    garage = Project.objects.get(title__contains="BOT")
    parking = Convention.objects.get(title__contains="停车公约")
    done, total = endorsement_figure(parking)
    assert total > 0 and done > total // 2
    assert Audit.objects.get(project=garage, status="closed").findings.get().responded_at
    evaluation = Evaluation.objects.filter(project=garage).first()
    # the evaluation is organised once step 5 has brought the garage to 验收与运维
    assert (evaluation is not None) == (garage.stage in ("acceptance", "evaluation", "done"))
    if evaluation is not None:
        assert evaluation.survey.responses.count() > 0 and evaluation.scores.count() >= 10
    case = Case.objects.get(project=garage)
    if garage.stage == "done":  # unless another step's guard held the project back
        assert case.published_at is not None
        page = client.get(reverse("evaluation:case", args=[case.pk]))
        assert page.status_code == 200 and "睦邻车库停车公约" in page.content.decode()
    xinli = Project.objects.get(title__contains="馨丽园")
    if xinli.stage in ("acceptance", "evaluation"):
        assert Evaluation.objects.filter(project=xinli, status="open").exists()
    out = io.StringIO()
    call_command("demo_district", "--reset", "--scale", "small", verbosity=0, stdout=out)
    assert Convention.objects.filter(title__contains="停车公约").count() == 1
