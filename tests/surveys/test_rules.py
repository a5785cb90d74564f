"""Each surveys predicate for each role, for a draft, an open and a closed survey.

Managers (the committee's staff, street and district) create, edit questions only while
the survey is a draft, enter paper answers while it is open, export, and read results at
any time; residents see it once published, answer while it is open and read the results
only when collection has ended; a building leader enters the paper answers of his
building while it is open. Strangers may do nothing."""

from __future__ import annotations

import pytest

from linli.surveys.models import Survey
from tests.rules_table import assert_table

pytestmark = pytest.mark.django_db

PERMS = [
    "surveys.view_survey",
    "surveys.create_survey",
    "surveys.manage_survey",
    "surveys.edit_questions",
    "surveys.answer_survey",
    "surveys.enter_paper",
    "surveys.view_results",
    "surveys.export_responses",
]
NONE = "00000000"
TABLE = {
    "draft": {"staff_a": "11110011", "resident_a": NONE, "leader_a": NONE, "planner_a": NONE},
    "open": {
        "staff_a": "11101111",
        "resident_a": "10001000",
        "leader_a": "10001100",
        "planner_a": "10001000",
    },
    "closed": {
        "staff_a": "11100011",
        "resident_a": "10000010",
        "leader_a": "10000010",
        "planner_a": "10000010",
    },
}
SAME_AS = {"street_a": "staff_a", "district": "staff_a"}
STRANGERS = ("staff_b", "resident_b", "outsider")


@pytest.mark.parametrize("status", list(TABLE))
def test_predicates_by_role_and_status(world, status):
    survey = Survey.objects.create(committee=world.committee_a, title="问卷", status=status)
    expected = {**TABLE[status], **{k: TABLE[status][v] for k, v in SAME_AS.items()}}
    expected.update(dict.fromkeys(STRANGERS, NONE))
    users = {who: getattr(world.users, who) for who in expected}
    assert_table(PERMS, survey, expected, users=users)


def test_leader_enters_paper_only_for_a_survey_of_his_building(world):
    other = Survey.objects.create(
        committee=world.committee_b, title="别处的问卷", status="open", scope="committee"
    )
    assert not world.users.leader_a.has_perm("surveys.enter_paper", other)
