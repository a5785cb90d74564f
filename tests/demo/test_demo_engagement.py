"""Step-1 material of the demo: the needs list, survey results and opinion groups render for the
demo committee, and the API gives the same data."""

import pytest
from django.core.management import call_command

from linli.needs.models import Need
from linli.opinions.models import Conversation
from linli.surveys.models import Survey
from tests.api_client import ApiClient


@pytest.fixture
def demo(db):
    call_command("demo_district", "--scale", "small", verbosity=0)
    from linli.accounts.models import User

    return User.objects.get(mobile="13800000004")  # committee staff of 抚顺路363弄居委会


def test_needs_list_renders_and_matches_the_api(demo, client):
    committee = Need.objects.filter(committee__name="抚顺路363弄居委会").first().committee
    client.force_login(demo)
    page = client.get(f"/needs/committee/{committee.pk}/").content.decode()
    ranking = ApiClient(demo).get(f"/api/needs/committees/{committee.pk}/ranking").json()
    assert Need.objects.filter(committee=committee).count() == 16
    texts = [entry["text"] for entry in ranking["entries"]]
    assert len(texts) == 16
    assert texts[0][:10] in page
    assert ranking["totals"]["needs"] == 16
    channels = set(Need.objects.filter(committee=committee).values_list("channel", flat=True))
    assert {"online", "visit", "meeting", "phone"} <= channels  # offline and online alike


def test_survey_results_render_and_match_the_api(demo, client):
    survey = Survey.objects.get(title="安顺苑公共空间使用意见调查")
    client.force_login(demo)
    response = client.get(f"/surveys/{survey.pk}/results/")
    assert response.status_code == 200
    results = ApiClient(demo).get(f"/api/surveys/{survey.pk}/results").json()
    assert results["responses"] == survey.responses.count() > 10
    assert str(results["responses"]) in response.content.decode()


def test_opinion_groups_render_for_the_demo_conversation(demo, client):
    conversation = Conversation.objects.get()
    client.force_login(demo)
    page = client.get(f"/conversations/{conversation.pk}/results/").content.decode()
    api = ApiClient(demo).get(f"/api/conversations/{conversation.pk}/results").json()
    assert len(api["data"]["groups"]) >= 2
    assert api["data"]["n_participants"] > 20
    assert "共识" in page


def test_verify_audit_passes_on_the_demo_and_names_an_altered_event(demo):
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db import connection

    from linli.audit import guard
    from linli.audit.models import AuditEvent

    call_command("verify_audit")
    victim = AuditEvent.objects.filter(action="project.stage").order_by("id")[1]
    # the database refuses the change (ADR 0007) until its owner drops the triggers
    with guard.lifted(connection), connection.cursor() as cur:
        cur.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET after = %s WHERE id = %s",
            ['{"stage": "done"}', victim.id],
        )
    with pytest.raises(CommandError, match=f"事件 #{victim.id}（project.stage"):
        call_command("verify_audit")
