"""Conversation endpoints: the same services, rules and scoped selectors as the pages."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema, Status

from linli.core.actions import service_args
from linli.core.permissions import get_visible, require
from linli.opinions import selectors, services
from linli.opinions.models import Conversation, Statement
from linli.places.selectors import committees_visible_to

router = Router(tags=["议题征询"])


class ConversationOut(Schema):
    id: int
    committee_id: int
    topic: str
    description: str
    status: str
    n_statements: int
    n_participants: int
    created_at: datetime


class StatementOut(Schema):
    id: int
    text: str
    status: str
    reject_reason: str


class StatementVoteOut(Schema):
    statement_id: int
    value: int


def _conv_out(c: Conversation) -> ConversationOut:
    return ConversationOut(
        id=c.pk,
        committee_id=c.committee_id,
        topic=c.topic,
        description=c.description,
        status=c.status,
        n_statements=getattr(c, "n_statements", 0),
        n_participants=getattr(c, "n_participants", 0),
        created_at=c.created_at,
    )


def _st_out(s: Statement) -> StatementOut:
    return StatementOut(id=s.pk, text=s.text, status=s.status, reject_reason=s.reject_reason)


def _get(request, pk: int) -> Conversation:
    conv = get_visible(selectors.conversations_visible_to(request.auth), pk=pk)
    require(request.auth, "opinions.view_conversation", conv)
    return conv


@router.get("/", response=list[ConversationOut], summary="我可查看的议题征询")
def list_conversations(request):
    return [_conv_out(c) for c in selectors.conversations_visible_to(request.auth)[:200]]


class ConversationIn(Schema):
    committee_id: int
    topic: str = Field(..., max_length=100)
    description: str = Field("", max_length=2000)
    statements: list[str] = Field(default_factory=list, max_length=200)


@router.post("/", response={201: ConversationOut}, summary="发起议题征询")
def create_conversation(request, payload: ConversationIn):
    committee = get_visible(committees_visible_to(request.auth), pk=payload.committee_id)
    conv = services.conversation_create(
        actor=request.auth, **service_args(payload, committee=committee)
    )
    return Status(201, _conv_out(_get(request, conv.pk)))


@router.get("/{conversation_id}", response=ConversationOut, summary="议题征询详情")
def get_conversation(request, conversation_id: int):
    return _conv_out(_get(request, conversation_id))


# Body fields have defaults so that an object outside the caller's scope is a 404 before the
# body is judged; the services refuse empty values with a Chinese message.
class ConversationStatusIn(Schema):
    status: str = ""


@router.post("/{conversation_id}/status", response=ConversationOut, summary="结束或重新开放")
def set_status(request, conversation_id: int, payload: ConversationStatusIn):
    conv = _get(request, conversation_id)
    services.conversation_set_status(actor=request.auth, conversation=conv, **payload.dict())
    return _conv_out(_get(request, conversation_id))


@router.get(
    "/{conversation_id}/statements", response=list[StatementOut], summary="观点（工作人员可见全部）"
)
def list_statements(request, conversation_id: int):
    conv = _get(request, conversation_id)
    qs = conv.statements.all()
    if not request.auth.has_perm("opinions.moderate_statement", conv):
        qs = qs.filter(status=Statement.Status.ACCEPTED)
    return [_st_out(s) for s in qs]


@router.get(
    "/{conversation_id}/next", response={200: StatementOut, 204: None}, summary="下一条待表态观点"
)
def next_statement(request, conversation_id: int):
    conv = _get(request, conversation_id)
    st = selectors.next_statement_for(request.auth, conv)
    if st is None:
        return Status(204, None)
    return _st_out(st)


class StatementIn(Schema):
    text: str = Field("", max_length=1000)


@router.post("/{conversation_id}/statements", response={201: StatementOut}, summary="发表观点")
def add_statement(request, conversation_id: int, payload: StatementIn):
    conv = _get(request, conversation_id)
    st = services.statement_add(actor=request.auth, conversation=conv, **payload.dict())
    return Status(201, _st_out(st))


class ModerateIn(Schema):
    accept: bool = False
    reason: str = Field("", max_length=1000)


@router.post(
    "/{conversation_id}/statements/{statement_id}/moderate",
    response=StatementOut,
    summary="审核观点",
)
def moderate_statement(request, conversation_id: int, statement_id: int, payload: ModerateIn):
    conv = _get(request, conversation_id)
    st = get_visible(conv.statements.all(), pk=statement_id)
    st = services.statement_moderate(actor=request.auth, statement=st, **payload.dict())
    return _st_out(st)


class StatementVoteIn(Schema):
    value: int | None = Field(None, ge=-1, le=1)


@router.post(
    "/{conversation_id}/statements/{statement_id}/vote",
    response=StatementVoteOut,
    summary="赞同(1)、反对(-1)或跳过(0)；再次投票即修改",
)
def vote(request, conversation_id: int, statement_id: int, payload: StatementVoteIn):
    conv = _get(request, conversation_id)
    st = get_visible(conv.statements.all(), pk=statement_id)
    v = services.opinion_vote_cast(actor=request.auth, statement=st, **payload.dict())
    return StatementVoteOut(statement_id=st.pk, value=v.value)


class ResultsOut(Schema):
    computed_at: datetime
    stale: bool
    data: dict


@router.get("/{conversation_id}/results", response=ResultsOut, summary="观点群组、代表性观点与共识")
def results(request, conversation_id: int):
    conv = _get(request, conversation_id)
    require(request.auth, "opinions.view_results", conv)
    row = services.conversation_analyze(actor=None, conversation=conv, force=False)
    return ResultsOut(
        computed_at=row.computed_at, stale=services.result_is_stale(conv), data=row.data
    )


@router.post("/{conversation_id}/results", response=ResultsOut, summary="重新计算观点群组")
def recompute(request, conversation_id: int):
    conv = _get(request, conversation_id)
    row = services.conversation_analyze(actor=request.auth, conversation=conv, force=True)
    return ResultsOut(computed_at=row.computed_at, stale=False, data=row.data)
