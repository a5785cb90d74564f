"""Business actions on opinion conversations. Each is one transaction with an audit event."""

from __future__ import annotations

import csv
import pathlib
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.services import audit_record
from linli.core.errors import ScopeError, ServiceError, ensure
from linli.core.permissions import require
from linli.engine.opinions import OpinionInputError, analyze
from linli.engine.opinions.loaders import load_opendata
from linli.opinions import adapters
from linli.opinions.models import (
    STATEMENT_MAX,
    Conversation,
    ConversationResult,
    OpinionVote,
    Participant,
    Statement,
)
from linli.places.models import Committee

# Results younger than this are served as they are even if a vote arrived meanwhile, so a
# busy results page does not rerun the engine on every view.
STALE_AFTER_SECONDS = 60


def _clean_text(text: str, *, what: str, max_length: int, min_length: int = 2) -> str:
    text = " ".join((text or "").split())
    ensure(text, f"请填写{what}", code="empty")
    ensure(len(text) >= min_length, f"{what}太短，至少 {min_length} 个字", code="too_short")
    ensure(
        len(text) <= max_length,
        f"{what}太长：最多 {max_length} 个字，现在 {len(text)} 个字",
        code="too_long",
    )
    return text


@transaction.atomic
def conversation_create(
    *,
    actor,
    committee: Committee,
    topic: str,
    description: str = "",
    statements: list[str] | None = None,
) -> Conversation:
    require(actor, "opinions.create_conversation", committee, "您无权在该居委会发起议题征询")
    topic = _clean_text(topic, what="征询议题", max_length=100)
    conv = Conversation(
        committee=committee,
        topic=topic,
        description=(description or "").strip(),
        created_by=actor,
    )
    conv.full_clean()
    conv.save()
    for text in statements or []:
        if text.strip():
            _statement_save(conv, None, text, Statement.Status.ACCEPTED)
    audit_record(
        actor=actor,
        action="conversation.create",
        obj=conv,
        after={"topic": topic, "committee": committee.pk},
    )
    return conv


@transaction.atomic
def conversation_set_status(*, actor, conversation: Conversation, status: str) -> Conversation:
    conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
    require(actor, "opinions.manage_conversation", conv, "您无权管理该议题征询")
    ensure(status in Conversation.Status.values, "状态不存在")
    before = conv.status
    conv.status = status
    conv.full_clean()
    conv.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="conversation.status",
        obj=conv,
        before={"status": before},
        after={"status": status},
    )
    return conv


def _participant_for(user, conversation: Conversation) -> Participant:
    participant, _ = Participant.objects.get_or_create(conversation=conversation, user=user)
    return participant


def _statement_save(conv, author, text, status) -> Statement:
    statement = Statement(
        conversation=conv,
        author=author,
        text=_clean_text(text, what="观点", max_length=STATEMENT_MAX),
        status=status,
    )
    statement.full_clean()
    statement.save()
    return statement


@transaction.atomic
def statement_add(*, actor, conversation: Conversation, text: str) -> Statement:
    """A resident's statement waits for moderation; one added by staff is accepted at once."""
    conv = Conversation.objects.get(pk=conversation.pk)
    if not getattr(actor, "is_authenticated", False):
        raise ServiceError("请先登录后再发表观点", code="login_required", status=401)
    if not actor.has_perm("opinions.participate", conv):
        ensure(conv.is_open(), "该议题征询已结束，不能再发表观点", code="closed", status=409)
        raise ScopeError("您不在该议题征询的范围内")
    staff = actor.has_perm("opinions.moderate_statement", conv)
    author = _participant_for(actor, conv)
    text_clean = _clean_text(text, what="观点", max_length=STATEMENT_MAX)
    ensure(
        not conv.statements.filter(text=text_clean).exists(),
        "已有相同的观点，请直接为它投票",
        code="duplicate",
        status=409,
    )
    statement = _statement_save(
        conv,
        author,
        text_clean,
        Statement.Status.ACCEPTED if staff else Statement.Status.PENDING,
    )
    audit_record(
        actor=actor,
        action="statement.add",
        obj=statement,
        after={"text": statement.text, "status": statement.status},
    )
    return statement


@transaction.atomic
def statement_moderate(*, actor, statement: Statement, accept: bool, reason: str = "") -> Statement:
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    require(actor, "opinions.moderate_statement", statement.conversation, "您无权审核观点")
    before = {"status": statement.status, "reason": statement.reject_reason}
    reason = " ".join((reason or "").split())
    if accept:
        statement.status = Statement.Status.ACCEPTED
        statement.reject_reason = ""
    else:
        ensure(reason, "不予通过时请填写理由", code="reason_required")
        ensure(len(reason) <= 200, "理由太长：最多 200 个字", code="too_long")
        statement.status = Statement.Status.REJECTED
        statement.reject_reason = reason
    statement.full_clean()
    statement.save(update_fields=["status", "reject_reason"])
    audit_record(
        actor=actor,
        action="statement.moderate",
        obj=statement,
        before=before,
        after={"status": statement.status, "reason": statement.reject_reason},
    )
    return statement


@transaction.atomic
def opinion_vote_cast(*, actor, statement: Statement, value: int) -> OpinionVote:
    """Agree (+1), disagree (-1) or pass (0). Voting again changes the vote: one row per person."""
    if not getattr(actor, "is_authenticated", False):
        raise ServiceError("请先登录后再投票", code="login_required", status=401)
    statement = Statement.objects.select_related("conversation").get(pk=statement.pk)
    conv = statement.conversation
    if not actor.has_perm("opinions.participate", conv):
        ensure(conv.is_open(), "该议题征询已结束，不能再投票", code="closed", status=409)
        raise ScopeError("您不在该议题征询的范围内")
    ensure(
        statement.status == Statement.Status.ACCEPTED,
        "该观点尚未通过审核或已被隐藏，不能投票",
        code="not_accepted",
        status=409,
    )
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = None  # type: ignore[assignment]
    ensure(value in (-1, 0, 1), "投票只能是赞同、反对或跳过", code="bad_value")
    participant = _participant_for(actor, conv)
    vote, created = OpinionVote.objects.update_or_create(
        participant=participant,
        statement=statement,
        defaults={"value": value, "voted_at": timezone.now()},
    )
    audit_record(
        actor=actor,
        action="opinion_vote.cast",
        obj=vote,
        after={"statement": statement.pk, "value": value, "changed": not created},
    )
    return vote


def result_is_stale(conversation: Conversation) -> bool:
    row = ConversationResult.objects.filter(conversation=conversation).first()
    return row is None or row.fingerprint != adapters.fingerprint(conversation)


@transaction.atomic
def conversation_analyze(
    *, actor, conversation: Conversation, force: bool = False
) -> ConversationResult:
    """Run the opinion engine and cache its result; skip the work when nothing changed.

    ``force=False`` (page views) also keeps a result younger than ``STALE_AFTER_SECONDS``.
    ``actor`` may be None for the automatic refresh when a results page finds them stale.
    """
    conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if actor is not None and not actor.has_perm("opinions.view_results", conv):
        raise ScopeError("您无权查看该议题征询的结果")
    if force and actor is not None:
        require(actor, "opinions.recompute_results", conv, _("只有居委会工作人员可以重新计算"))
    fp = adapters.fingerprint(conv)
    row = ConversationResult.objects.filter(conversation=conv).first()
    now = timezone.now()
    if row is not None and row.fingerprint == fp:
        return row
    if (
        row is not None
        and not force
        and (now - row.computed_at).total_seconds() < STALE_AFTER_SECONDS
    ):
        return row
    # Pol.is never starts from scratch: the previous run's clusters seed this one.
    engine_conv = adapters.to_engine(
        conv, prior=adapters.state_from_json(row.state if row else None)
    )
    state: dict = {}
    if not engine_conv.votes:
        data = dict(adapters.EMPTY)
    else:
        try:
            result = analyze(engine_conv)
        except OpinionInputError as exc:
            raise ServiceError(f"无法计算观点群组：{exc}", code="engine") from exc
        data = adapters.result_to_data(conv, result)
        state = adapters.state_to_json(result.state)
    row, _created = ConversationResult.objects.update_or_create(
        conversation=conv,
        defaults={"computed_at": now, "fingerprint": fp, "data": data, "state": state},
    )
    audit_record(
        actor=actor,
        action="conversation.analyze",
        obj=conv,
        after={"fingerprint": fp, "groups": len(data["groups"]), "k": data["k"]},
    )
    return row


def _summary_topic(folder: pathlib.Path) -> str:
    path = folder / "summary.csv"
    if path.exists():
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                if len(row) >= 2 and row[0] == "topic":
                    return row[1].strip()
    return folder.name


@transaction.atomic
def conversation_seed(
    *,
    actor,
    committee: Committee,
    folder: str | pathlib.Path,
    topic: str = "",
    description: str = "",
) -> Conversation:
    """A demonstration conversation from a Pol.is openData folder.

    Statements come from comments.csv (moderated-out ones are kept as rejected), participants
    are synthetic records keyed by the export's voter-id (no accounts), and each participant's
    latest vote on a statement is kept.
    """
    folder = pathlib.Path(folder)
    ensure(folder.is_dir(), f"找不到文件夹：{folder}", code="not_found", status=404)
    ensure((folder / "votes.csv").exists(), f"{folder} 中没有 votes.csv", code="invalid")
    if actor is not None and not actor.has_perm("opinions.create_conversation", committee):
        raise ScopeError("您无权在该居委会发起议题征询")
    source = f"openData:{folder.name}"[:200]
    existing = Conversation.objects.filter(committee=committee, source=source).first()
    if existing is not None:
        return existing  # idempotent: seeding twice leaves one conversation
    try:
        data = load_opendata(folder)
    except (OpinionInputError, OSError, UnicodeDecodeError) as exc:
        raise ServiceError(f"无法读取 openData 文件夹：{exc}", code="invalid") from exc
    ensure(data.votes, "votes.csv 中没有投票", code="empty")
    topic = (topic or _summary_topic(folder))[:100]
    conv = Conversation(
        committee=committee,
        topic=topic,
        description=(description or "").strip()
        or f"演示数据：由 Pol.is 公开数据 {folder.name} 导入",
        source=source,
        created_by=actor,
    )
    conv.full_clean()
    conv.save()
    tids = sorted(set(data.texts) | {v.statement for v in data.votes})
    statements = []
    for tid in tids:
        text = (
            " ".join((data.texts.get(tid) or f"观点 {tid}").split())[:STATEMENT_MAX]
            or f"观点 {tid}"
        )
        rejected = tid in data.moderated_out
        statements.append(
            Statement(
                conversation=conv,
                text=text,
                external_id=str(tid),
                status=Statement.Status.REJECTED if rejected else Statement.Status.ACCEPTED,
                reject_reason="原对话中被主持人隐藏" if rejected else "",
            )
        )
    Statement.objects.bulk_create(statements)
    s_by_ext = {s.external_id: s.pk for s in conv.statements.all()}
    pids = sorted({v.participant for v in data.votes})
    Participant.objects.bulk_create(
        [Participant(conversation=conv, external_id=str(p)) for p in pids]
    )
    p_by_ext = dict(conv.participants.values_list("external_id", "id"))
    latest: dict[tuple[int, int], tuple[float, int]] = {}  # the last vote counts
    for v in data.votes:
        key = (v.participant, v.statement)
        if key not in latest or v.timestamp >= latest[key][0]:
            latest[key] = (v.timestamp, v.value)
    OpinionVote.objects.bulk_create(
        [
            OpinionVote(
                participant_id=p_by_ext[str(p)],
                statement_id=s_by_ext[str(s)],
                value=max(-1, min(1, value)),
                voted_at=datetime.fromtimestamp(ts / 1000 if ts > 1e11 else ts, tz=UTC),
            )
            for (p, s), (ts, value) in latest.items()
        ],
        batch_size=2000,
    )
    audit_record(
        actor=actor,
        action="conversation.seed",
        obj=conv,
        after={
            "folder": folder.name,
            "statements": len(statements),
            "participants": len(pids),
            "votes": len(latest),
        },
    )
    return conv
