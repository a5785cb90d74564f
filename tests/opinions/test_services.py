"""Conversation services: moderation, voting (last vote counts, one row), bad input, scope."""

from __future__ import annotations

import pytest

from linli.audit.models import AuditEvent
from linli.core.errors import ScopeError, ServiceError
from linli.opinions import services
from linli.opinions.models import OpinionVote, Statement


@pytest.fixture
def conv(world):
    return services.conversation_create(
        actor=world.users.staff_a,
        committee=world.committee_a,
        topic="小区中心花园怎么改？",
        statements=["保留大树，增加座椅", "改成停车位"],
    )


def test_create_with_statements_accepted_and_audited(conv, world):
    assert conv.statements.filter(status="accepted").count() == 2
    assert AuditEvent.objects.filter(action="conversation.create", object_id=str(conv.pk)).exists()


def test_only_staff_of_the_committee_can_create(world):
    for user in (world.users.resident_a, world.users.staff_b, world.users.planner_a):
        with pytest.raises(ScopeError):
            services.conversation_create(actor=user, committee=world.committee_a, topic="议题议题")


def test_resident_statement_waits_for_moderation(conv, world):
    st = services.statement_add(
        actor=world.users.resident_a, conversation=conv, text="  增加儿童游乐设施  "
    )
    assert st.status == "pending" and st.text == "增加儿童游乐设施"
    with pytest.raises(ServiceError) as exc:
        services.opinion_vote_cast(actor=world.users.resident_a, statement=st, value=1)
    assert exc.value.status == 409
    with pytest.raises(ServiceError, match="理由"):
        services.statement_moderate(actor=world.users.staff_a, statement=st, accept=False)
    st = services.statement_moderate(
        actor=world.users.staff_a, statement=st, accept=False, reason="与议题无关"
    )
    assert st.status == "rejected" and st.reject_reason == "与议题无关"
    st = services.statement_moderate(actor=world.users.staff_a, statement=st, accept=True)
    assert st.status == "accepted" and st.reject_reason == ""
    with pytest.raises(ScopeError):
        services.statement_moderate(actor=world.users.resident_a, statement=st, accept=True)


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "empty"), ("   ", "empty"), ("好", "too_short"), ("很" * 141, "too_long")],
)
def test_bad_statement_text(conv, world, text, code):
    with pytest.raises(ServiceError) as exc:
        services.statement_add(actor=world.users.resident_a, conversation=conv, text=text)
    assert exc.value.code == code and exc.value.status == 400
    assert conv.statements.count() == 2


def test_script_refused(conv, world):
    with pytest.raises(Exception, match="脚本"):
        services.statement_add(
            actor=world.users.resident_a, conversation=conv, text="<script>alert(1)</script>"
        )


def test_vote_changes_keep_one_row_last_counts(conv, world):
    st = conv.statements.first()
    services.opinion_vote_cast(actor=world.users.resident_a, statement=st, value=1)
    services.opinion_vote_cast(actor=world.users.resident_a, statement=st, value=-1)
    assert OpinionVote.objects.filter(statement=st).count() == 1
    assert OpinionVote.objects.get(statement=st).value == -1


@pytest.mark.parametrize("value", [2, -2, "x", None])
def test_bad_vote_value(conv, world, value):
    with pytest.raises(ServiceError):
        services.opinion_vote_cast(
            actor=world.users.resident_a, statement=conv.statements.first(), value=value
        )
    assert not OpinionVote.objects.exists()


def test_db_constraint_one_vote_per_participant_statement(conv, world):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    st = conv.statements.first()
    v = services.opinion_vote_cast(actor=world.users.resident_a, statement=st, value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        OpinionVote.objects.create(
            participant=v.participant, statement=st, value=0, voted_at=timezone.now()
        )


def test_closed_and_out_of_scope_and_anonymous(conv, world):
    from django.contrib.auth.models import AnonymousUser

    st = conv.statements.first()
    with pytest.raises(ScopeError):
        services.opinion_vote_cast(actor=world.users.resident_b, statement=st, value=1)
    with pytest.raises(ServiceError) as exc:
        services.opinion_vote_cast(actor=AnonymousUser(), statement=st, value=1)
    assert exc.value.status == 401
    services.conversation_set_status(actor=world.users.staff_a, conversation=conv, status="closed")
    with pytest.raises(ServiceError) as exc:
        services.opinion_vote_cast(actor=world.users.resident_a, statement=st, value=1)
    assert exc.value.status == 409 and "结束" in exc.value.message
    with pytest.raises(ServiceError):
        services.statement_add(actor=world.users.resident_a, conversation=conv, text="新的观点")


def test_analyze_caches_until_votes_change(conv, world):
    row = services.conversation_analyze(actor=world.users.staff_a, conversation=conv)
    assert row.data["empty"] is True
    st = conv.statements.first()
    services.opinion_vote_cast(actor=world.users.resident_a, statement=st, value=1)
    assert services.result_is_stale(conv)
    again = services.conversation_analyze(actor=None, conversation=conv, force=False)
    assert again.fingerprint == row.fingerprint  # younger than STALE_AFTER_SECONDS: kept
    fresh = services.conversation_analyze(actor=world.users.staff_a, conversation=conv, force=True)
    assert not services.result_is_stale(conv)
    assert fresh.data["empty"] is False and fresh.data["n_participants"] == 1
    n = AuditEvent.objects.filter(action="conversation.analyze").count()
    services.conversation_analyze(actor=world.users.staff_a, conversation=conv, force=True)
    assert AuditEvent.objects.filter(action="conversation.analyze").count() == n  # unchanged


def test_rejected_statement_never_chosen(conv, world):
    st = Statement.objects.filter(conversation=conv).first()
    services.opinion_vote_cast(actor=world.users.resident_a, statement=st, value=1)
    services.opinion_vote_cast(actor=world.users.staff_a, statement=st, value=1)
    services.statement_moderate(
        actor=world.users.staff_a, statement=st, accept=False, reason="重复"
    )
    row = services.conversation_analyze(actor=None, conversation=conv, force=True)
    chosen = [c["statement"] for c in row.data["consensus_agree"] + row.data["group_consensus"]]
    assert st.pk not in chosen
