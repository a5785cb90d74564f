"""Scoped reads of conversations: only those of committees the user may see."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from linli.accounts.scopes import scopes_for
from linli.opinions.models import Conversation, OpinionVote, Participant, Statement


def conversations_visible_to(user) -> QuerySet[Conversation]:
    return (
        Conversation.objects.filter(committee_id__in=scopes_for(user).visible_committee_ids)
        .select_related("committee", "committee__street")
        .annotate(
            n_statements=Count(
                "statements", filter=Q(statements__status="accepted"), distinct=True
            ),
            n_participants=Count("participants", distinct=True),
        )
    )


def participant_of(user, conversation: Conversation) -> Participant | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Participant.objects.filter(conversation=conversation, user=user).first()


def next_statement_for(user, conversation: Conversation) -> Statement | None:
    """The next accepted statement this user has not voted on (oldest first)."""
    qs = conversation.statements.filter(status=Statement.Status.ACCEPTED)
    participant = participant_of(user, conversation)
    if participant is not None:
        qs = qs.exclude(votes__participant=participant)
    return qs.order_by("id").first()


def progress_for(user, conversation: Conversation) -> tuple[int, int]:
    total = conversation.statements.filter(status=Statement.Status.ACCEPTED).count()
    participant = participant_of(user, conversation)
    done = (
        OpinionVote.objects.filter(
            participant=participant, statement__status=Statement.Status.ACCEPTED
        ).count()
        if participant
        else 0
    )
    return done, total


def my_votes(user, conversation: Conversation) -> list[OpinionVote]:
    """This user's votes on accepted statements, newest first, to review or change."""
    participant = participant_of(user, conversation)
    if participant is None:
        return []
    return list(
        OpinionVote.objects.filter(
            participant=participant, statement__status=Statement.Status.ACCEPTED
        )
        .select_related("statement")
        .order_by("-voted_at", "-id")
    )
