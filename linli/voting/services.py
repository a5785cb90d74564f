"""Business actions on votes. Each is one transaction, locks the vote row where ballots
are concerned, and leaves an audit event. Refusals are ServiceErrors in Chinese and
leave nothing recorded."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.checkpoints import checkpoint_object
from linli.audit.services import audit_record
from linli.core.errors import ScopeError, ServiceError, ensure
from linli.core.permissions import require
from linli.engine.tally import TallyError
from linli.places.hierarchy import committee_id_of
from linli.places.models import Building, Committee, Compound, Flat, Ownership, Residency
from linli.voting import adapters
from linli.voting.models import (
    Ballot,
    BallotCast,
    Channel,
    Choice,
    Elector,
    ElectorVoter,
    Option,
    PaperEntry,
    Vote,
    VoteResult,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_paper_code() -> str:
    """An unguessable ballot code: 12 symbols of 32 (60 bits), shown as XXXX-XXXX-XXXX."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(code: str) -> str:
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:12]}" if len(raw) == 12 else raw


# ---------------------------------------------------------------------------------------
# Setting a vote up


@transaction.atomic
def vote_create(
    *,
    actor,
    committee: Committee,
    title: str,
    kind: str,
    opens_at: datetime,
    closes_at: datetime,
    description: str = "",
    project=None,
    matter: str = "",
    meeting_rule: str = "",
    method: str = "",
    secret: bool = False,
    hide_results: bool = True,
    compounds: Iterable[Compound] = (),
    buildings: Iterable[Building] = (),
    options: Iterable[str | tuple[str, int | None]] = (),
    budget: int | None = None,
    budget_rule: str = "",
) -> Vote:
    """Create a draft vote. ``options`` are labels, or (label, cost in yuan) for budgets."""
    require(actor, "voting.manage_vote", committee, _("您无权在该居委会发起表决"))
    compounds, buildings = list(compounds), list(buildings)
    pairs = [(o, None) if isinstance(o, str) else (o[0], o[1]) for o in options]
    pairs = [((label or "").strip(), cost) for label, cost in pairs if label and label.strip()]
    options = [label for label, _ in pairs]
    ensure(kind in Vote.Kind.values, _("表决类型无效"))
    ensure(compounds or buildings, _("请选择表决范围（小区或楼栋）"))
    for item in [*compounds, *buildings]:
        # Generic on purpose: naming the item would tell another committee's compound names.
        ensure(committee_id_of(item) == committee.pk, _("所选的小区或楼栋不属于本居委会"))
    if project is not None:
        ensure(project.committee_id == committee.pk, _("关联项目不属于该居委会"))
    if kind == Vote.Kind.OWNERS:
        ensure(matter in Vote.Matter.values, _("请选择业主共同决定的事项类别"))
        ensure(not secret, _("业主共同决定应当公开表决，不能设为无记名"))
        meeting_rule = method = ""
    elif kind == Vote.Kind.MEETING:
        ensure(meeting_rule in Vote.MeetingRule.values, _("请选择会议表决规则"))
        matter = method = ""
    elif kind == Vote.Kind.BUDGET:
        ensure(method in (Vote.Method.APPROVAL, Vote.Method.COST_LIMITED), _("请选择预算投票方式"))
        ensure(budget_rule in Vote.BudgetRule.values, _("请选择预算分配规则"))
        ensure(budget is not None and budget > 0, _("请填写预算总额（元）"))
        for label, cost in pairs:
            ensure(
                cost is not None and cost > 0,
                _("请填写项目“%(label)s”的预算（元）") % {"label": label},
            )
        matter = meeting_rule = ""
    else:
        ensure(
            method in (Vote.Method.SINGLE, Vote.Method.APPROVAL, Vote.Method.RANKED),
            _("请选择投票方式"),
        )
        matter = meeting_rule = ""
    if kind != Vote.Kind.BUDGET:
        budget, budget_rule = None, ""
        pairs = [(label, None) for label, _ in pairs]
    ensure(len(set(options)) == len(options), _("选项不能重复"))
    vote = Vote(
        committee=committee,
        project=project,
        title=(title or "").strip(),
        description=(description or "").strip(),
        kind=kind,
        matter=matter,
        meeting_rule=meeting_rule,
        method=method,
        budget=budget,
        budget_rule=budget_rule,
        secret=secret,
        hide_results=hide_results,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=actor,
    )
    ensure(vote.title, _("请填写表决事项"))
    ensure(closes_at > opens_at, _("截止时间必须晚于开始时间"))
    vote.full_clean()
    vote.save()
    vote.compounds.set(compounds)
    vote.buildings.set(buildings)
    for i, (label, cost) in enumerate(pairs):
        opt = Option(vote=vote, label=label, cost=cost, position=i)
        opt.full_clean()
        opt.save()
    audit_record(
        actor=actor,
        action="vote.create",
        obj=vote,
        after={
            "title": vote.title,
            "kind": kind,
            "matter": matter,
            "meeting_rule": meeting_rule,
            "method": method,
            "compounds": [c.pk for c in compounds],
            "buildings": [b.pk for b in buildings],
            "options": [[label, cost] for label, cost in pairs],
            "budget": budget,
            "budget_rule": budget_rule,
            "opens_at": opens_at,
            "closes_at": closes_at,
        },
    )
    return vote


@transaction.atomic
def vote_start_proposals(*, actor, vote: Vote) -> Vote:
    """Naming campaign (征名): residents propose names before the vote opens."""
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    require(actor, "voting.manage_vote", vote, _("您无权管理该表决"))
    ensure(vote.has_options, _("只有方案选择/征名或参与式预算投票可以征集提案"))
    ensure(vote.status == Vote.Status.DRAFT, _("只有草稿状态的投票可以开始征集"))
    vote.status = Vote.Status.PROPOSING
    vote.save(update_fields=["status"])
    audit_record(
        actor=actor, action="vote.proposals_start", obj=vote, after={"status": vote.status}
    )
    return vote


@transaction.atomic
def option_propose(
    *, actor, vote: Vote, label: str, description: str = "", cost: int | None = None
) -> Option:
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    require(actor, "voting.propose_option", vote, _("现在不能提出名称"))
    label = (label or "").strip()
    ensure(label, _("请填写名称"))
    if vote.kind == Vote.Kind.BUDGET:
        ensure(cost is not None and cost > 0, _("请填写项目预算（元）"))
    else:
        cost = None
    ensure(
        not vote.options.filter(label=label).exists(),
        _("“%(label)s”已经有人提出") % {"label": label},
    )
    opt = Option(
        vote=vote,
        label=label,
        description=(description or "").strip(),
        cost=cost,
        proposed_by=actor,
        position=vote.options.count(),
    )
    opt.full_clean()
    opt.save()
    audit_record(
        actor=actor, action="vote.option_propose", obj=opt, after={"label": label, "cost": cost}
    )
    return opt


def _scope_flats(vote: Vote):
    return (
        Flat.objects.filter(
            Q(building__in=vote.buildings.all()) | Q(building__compound__in=vote.compounds.all())
        )
        .filter(building__compound__committee_id=vote.committee_id)
        .select_related("building")
        .distinct()
        .order_by("building__number", "unit", "room", "id")
    )


@transaction.atomic
def vote_open(*, actor, vote: Vote) -> Vote:
    """Open the vote and snapshot its electorate: flats in scope, areas, owners, codes."""
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    require(actor, "voting.manage_vote", vote, _("您无权管理该表决"))
    ensure(
        vote.status in (Vote.Status.DRAFT, Vote.Status.PROPOSING),
        _("只有草稿或征集中的表决可以开启"),
        code="state",
    )
    ensure(timezone.now() < vote.closes_at, _("截止时间已过，不能开启"))
    if vote.has_options:
        ensure(vote.options.count() >= 2, _("至少需要两个选项"))
    flats = list(_scope_flats(vote))
    ensure(flats, _("表决范围内没有登记的户室"))
    flat_ids = [f.pk for f in flats]
    owners: dict[int, list] = {}
    for o in (
        Ownership.objects.filter(flat_id__in=flat_ids)
        .select_related("person")
        .order_by("person_id")
    ):
        owners.setdefault(o.flat_id, []).append(o.person)
    residents: dict[int, set[int]] = {}
    if vote.kind != Vote.Kind.OWNERS:
        for r in Residency.objects.filter(household__flat_id__in=flat_ids).values_list(
            "household__flat_id", "person_id"
        ):
            residents.setdefault(r[0], set()).add(r[1])
    if vote.kind == Vote.Kind.OWNERS:
        missing = [str(f) for f in flats if not owners.get(f.pk)]
        ensure(
            not missing,
            _("以下户室没有登记业主，请先完善房屋名册：%(flats)s")
            % {"flats": "、".join(missing[:10])},
            code="no_owner",
        )
    electors = []
    for f in flats:
        persons = owners.get(f.pk, [])
        e = Elector(
            vote=vote,
            flat=f,
            label=f"{f.building}{f.unit}{f.room}室",
            area=f.area,
            owner_ids=[p.pk for p in persons],
            owner_names="、".join(p.name for p in persons)[:200],
            paper_code=new_paper_code(),
        )
        electors.append(e)
    Elector.objects.bulk_create(electors)
    electors = list(vote.electors.order_by("id"))
    voters = []
    for e in electors:
        owner_ids = set(e.owner_ids)
        for pid in sorted(owner_ids):
            voters.append(ElectorVoter(elector=e, person_id=pid, is_owner=True))
        for pid in sorted(residents.get(e.flat_id, set()) - owner_ids):
            voters.append(ElectorVoter(elector=e, person_id=pid, is_owner=False))
    ElectorVoter.objects.bulk_create(voters)
    vote.electorate_hash = adapters.sha256(adapters.electorate_rows(electors))
    before = vote.status
    vote.status = Vote.Status.OPEN
    vote.full_clean()
    vote.save(update_fields=["status", "electorate_hash"])
    audit_record(
        actor=actor,
        action="vote.open",
        obj=vote,
        before={"status": before},
        after={
            "status": vote.status,
            "electors": len(electors),
            "electorate_hash": vote.electorate_hash,
        },
    )
    from linli.notifications.delivery import notify

    notify("vote_opened", actor=actor, vote_id=vote.pk)
    return vote


# ---------------------------------------------------------------------------------------
# Ballots


def _clean_marks(vote: Vote, choice: str, option_ids) -> tuple[str, list[int]]:
    if vote.is_yes_no:
        ensure(choice in Choice.values, _("请选择同意、反对或弃权"), code="choice")
        return choice, []
    ids = []
    for raw in option_ids or []:
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            raise ServiceError(_("选项无效"), code="choice") from None
    ensure(ids, _("请至少选择一个选项"), code="choice")
    ensure(len(set(ids)) == len(ids), _("同一选项不能重复选择"), code="choice")
    if vote.method == Vote.Method.RANKED:
        # Order is the ranking (first = most preferred): keep it as cast.
        ensure(
            set(ids) <= set(vote.options.values_list("id", flat=True)),
            _("所选选项不属于本次投票"),
            code="choice",
        )
        return "", ids
    valid = set(vote.options.values_list("id", flat=True))
    ensure(set(ids) <= valid, _("所选选项不属于本次投票"), code="choice")
    if vote.method == Vote.Method.SINGLE:
        ensure(len(ids) == 1, _("本次投票只能选择一项"), code="choice")
    if vote.method == Vote.Method.COST_LIMITED:
        total = sum(vote.options.filter(id__in=ids).values_list("cost", flat=True))
        ensure(
            total <= (vote.budget or 0),
            _("所选项目合计 %(total)s 元，超过预算 %(budget)s 元")
            % {"total": total, "budget": vote.budget},
            code="over_budget",
        )
    return "", sorted(ids)


def _locked_open_vote(vote: Vote) -> Vote:
    return _check_open(Vote.objects.select_for_update().get(pk=vote.pk))


def _check_open(vote: Vote) -> Vote:
    now = timezone.now()
    ensure(
        vote.status == Vote.Status.OPEN,
        _("本次表决未在进行中，不能投票"),
        code="closed",
        status=409,
    )
    ensure(now >= vote.opens_at, _("表决尚未开始"), code="not_started", status=409)
    ensure(now < vote.closes_at, _("表决已经截止，不能再投票"), code="closed", status=409)
    return vote


def _apply(
    *,
    actor,
    vote: Vote,
    elector: Elector,
    choice: str,
    option_ids: list[int],
    channel: str,
    key: str,
    proxy_name: str = "",
    proxy_authorisation: str = "",
) -> Ballot:
    """Record one accepted paper cast and make it the flat's counted ballot (vote row locked)."""
    now = timezone.now()
    BallotCast.objects.create(
        vote=vote,
        elector=elector,
        idempotency_key=key,
        choice=choice,
        option_ids=option_ids,
        channel=channel,
        cast_by=actor,
        at=now,
    )
    return _count_ballot(
        actor=actor,
        vote=vote,
        elector=elector,
        choice=choice,
        option_ids=option_ids,
        channel=channel,
        at=now,
        proxy_name=proxy_name,
        proxy_authorisation=proxy_authorisation,
    )


def _count_ballot(
    *,
    actor,
    vote: Vote,
    elector: Elector,
    choice: str,
    option_ids: list[int],
    channel: str,
    at: datetime,
    proxy_name: str = "",
    proxy_authorisation: str = "",
) -> Ballot:
    """Make the cast just recorded the flat's counted ballot and audit it (last, so the
    committee's audit chain head is held only from here to the commit)."""
    ballot = Ballot.objects.filter(vote_id=vote.pk, elector_id=elector.pk).first()
    before = None
    if ballot is None:
        ballot = Ballot(vote=vote, elector=elector, revision=1)
    else:
        before = {
            "choice": ballot.choice,
            "option_ids": ballot.option_ids,
            "channel": ballot.channel,
            "revision": ballot.revision,
        }
        ballot.vote, ballot.elector = vote, elector  # no extra queries for str()/audit
        ballot.revision += 1
    ballot.choice = choice
    ballot.option_ids = option_ids
    ballot.channel = channel
    ballot.proxy_name = proxy_name
    ballot.proxy_authorisation = proxy_authorisation
    ballot.cast_by = actor
    ballot.cast_at = at
    if channel != Channel.ONLINE:  # online casts carry no free text (choice checked above)
        ballot.full_clean(exclude=["vote", "elector", "cast_by"], validate_constraints=False)
    if before is None:
        ballot.save(force_insert=True)
    else:
        ballot.save(update_fields=[
            "choice", "option_ids", "channel", "proxy_name", "proxy_authorisation",
            "cast_by", "cast_at", "revision",
        ])  # fmt: skip
    _audit_ballot(actor=actor, vote=vote, elector=elector, ballot=ballot, before=before)
    return ballot


def _cast_target(vote_id: int, flat_id: int, actor) -> tuple[Vote, Elector]:
    """The vote and the flat's elector row for a cast.

    On PostgreSQL both come in one statement: the vote row is read ``FOR SHARE`` (casts
    never wait for one another on it, but closing the vote, ``FOR UPDATE``, waits for the
    casts in flight, and a cast that arrives after the close reads the closed state); the
    elector row is locked ``FOR NO KEY UPDATE`` (casts for the same flat take turns, so its
    counted ballot is always its last recorded cast; casts for other flats do not wait), and
    whether the caster is registered for the flat is read with it. SQLite runs one writer
    at a time: two ORM lookups.
    """
    from django.db import connection
    from django.db.models import Exists, OuterRef

    user_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    if connection.vendor == "postgresql":
        return _cast_target_pg(vote_id, flat_id, user_id)
    vote = Vote.objects.get(pk=vote_id)
    elector = (
        Elector.objects.filter(vote_id=vote_id, flat_id=flat_id)
        .annotate(
            registered=Exists(
                ElectorVoter.objects.filter(elector_id=OuterRef("pk"), person__user_id=user_id)
            )
        )
        .first()
    )
    return vote, elector


_VOTE_FIELDS = [f.attname for f in Vote._meta.concrete_fields]
_ELECTOR_FIELDS = ["id", "vote_id", "flat_id", "label"]
_CAST_TARGET_SQL = (
    "WITH v AS (SELECT {vote} FROM voting_vote WHERE id = %s FOR SHARE), "
    "e AS (SELECT {elector} FROM voting_elector WHERE vote_id = %s AND flat_id = %s "
    "FOR NO KEY UPDATE) "
    "SELECT v.*, {e_elector}, EXISTS (SELECT 1 FROM voting_electorvoter ev "
    "JOIN places_person p ON p.id = ev.person_id WHERE ev.elector_id = e.id AND p.user_id = %s) "
    "FROM v LEFT JOIN e ON true"
).format(
    vote=", ".join(_VOTE_FIELDS),
    elector=", ".join(_ELECTOR_FIELDS),
    e_elector=", ".join(f"e.{name}" for name in _ELECTOR_FIELDS),
)


def _cast_target_pg(vote_id: int, flat_id: int, user_id: int | None) -> tuple[Vote, Elector]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_CAST_TARGET_SQL, [vote_id, vote_id, flat_id, user_id])
        row = cursor.fetchone()
    if row is None:
        raise Vote.DoesNotExist
    n = len(_VOTE_FIELDS)
    vote = Vote.from_db("default", _VOTE_FIELDS, _converted(Vote, _VOTE_FIELDS, row[:n]))
    elector = None
    if row[n] is not None:
        elector = Elector.from_db("default", _ELECTOR_FIELDS, row[n : n + len(_ELECTOR_FIELDS)])
        elector.registered = row[-1]
        elector.vote = vote
    return vote, elector


def _converted(model, names, values) -> list:
    """Values of a raw row as the ORM hands them over (jsonb arrives as text on psycopg 3)."""
    from django.db import connection

    out = []
    for name, value in zip(names, values, strict=True):
        field = model._meta.get_field(name)
        if value is not None and hasattr(field, "from_db_value"):
            value = field.from_db_value(value, None, connection)
        out.append(value)
    return out


def _record_cast(*, vote: Vote, elector: Elector, key: str, choice, option_ids, channel, actor, at):
    """Insert the cast keyed by its idempotency key; None when that key was already used
    (``INSERT … ON CONFLICT DO NOTHING`` on the unique constraint: no lock, no race)."""
    from django.db import connection

    fields = [BallotCast._meta.get_field(name) for name in (
        "vote", "elector", "idempotency_key", "choice", "option_ids", "channel", "cast_by", "at"
    )]  # fmt: skip
    values = [vote.pk, elector.pk, key, choice, option_ids, channel, getattr(actor, "pk", None), at]
    params = [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO voting_ballotcast ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) "
            "ON CONFLICT (vote_id, idempotency_key) DO NOTHING RETURNING id",
            params,
        )
        row = cursor.fetchone()
    return row[0] if row else None


_BALLOT_COLUMNS = (
    "vote_id", "elector_id", "choice", "option_ids", "channel", "proxy_name",
    "proxy_authorisation", "cast_by_id", "cast_at",
)  # fmt: skip
_CAST_AND_COUNT_SQL = (
    "WITH c AS (INSERT INTO voting_ballotcast (vote_id, elector_id, idempotency_key, choice, "
    "option_ids, channel, cast_by_id, at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (vote_id, idempotency_key) DO NOTHING RETURNING id), "
    "old AS (SELECT choice, option_ids, channel, revision FROM voting_ballot "
    "WHERE vote_id = %s AND elector_id = %s), "
    "up AS (INSERT INTO voting_ballot ({columns}, revision) SELECT {values}, 1 FROM c "
    "ON CONFLICT (vote_id, elector_id) DO UPDATE SET {updates}, "
    "revision = voting_ballot.revision + 1 RETURNING id, revision) "
    "SELECT (SELECT id FROM c), (SELECT id FROM up), (SELECT revision FROM up), "
    "old.choice, old.option_ids, old.channel, old.revision FROM (SELECT 1) AS one "
    "LEFT JOIN old ON true"
).format(
    columns=", ".join(_BALLOT_COLUMNS),
    values=", ".join(["%s"] * len(_BALLOT_COLUMNS)),
    updates=", ".join(f"{c} = EXCLUDED.{c}" for c in _BALLOT_COLUMNS[2:]),
)
_RESENT_SQL = (
    "SELECT c.elector_id, b.id, b.choice, b.option_ids, b.channel, b.revision, b.cast_at "
    "FROM voting_ballotcast c LEFT JOIN voting_ballot b "
    "ON b.vote_id = c.vote_id AND b.elector_id = %s "
    "WHERE c.vote_id = %s AND c.idempotency_key = %s"
)


def _cast_online_pg(*, actor, vote: Vote, elector: Elector, key: str, choice: str, ids, at):
    """An online cast on PostgreSQL in two statements after the target lookup: (1) the cast
    goes in with ``ON CONFLICT DO NOTHING`` on its idempotency key and, only if it went in,
    the flat's counted ballot is inserted or moved on one revision (``ON CONFLICT (vote,
    elector) DO UPDATE``), returning the ballot as it was for the audit record; (2) the audit
    append. A resend reads the flat's ballot in one statement and records nothing. The
    elector row is already locked (:func:`_cast_target`), so the ballot read here is the one
    the upsert replaces."""
    from django.db import connection

    user_id = getattr(actor, "pk", None)
    marks = Ballot._meta.get_field("option_ids").get_db_prep_save(ids, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            _CAST_AND_COUNT_SQL,
            [
                vote.pk, elector.pk, key, choice, marks, Channel.ONLINE, user_id, at,
                vote.pk, elector.pk,
                vote.pk, elector.pk, choice, marks, Channel.ONLINE, "", "", user_id, at,
            ],
        )  # fmt: skip
        cast_id, ballot_id, revision, *old = cursor.fetchone()
        if cast_id is None:  # a resent request: answer with the flat's ballot, record nothing
            cursor.execute(_RESENT_SQL, [elector.pk, vote.pk, key])
            row = cursor.fetchone()
            ensure(
                row is not None and row[0] == elector.pk and row[1] is not None,
                _("该幂等键已用于其他户的投票"),
                code="idempotency",
                status=409,
            )
            _elector, ballot_id, choice, marks_text, channel, revision, at = row
            ids = Ballot._meta.get_field("option_ids").from_db_value(marks_text, None, connection)
            return _ballot_row(vote, elector, ballot_id, choice, ids, channel, revision, at, None)
    ballot = _ballot_row(vote, elector, ballot_id, choice, ids, Channel.ONLINE, revision, at, actor)
    before = None
    if old[0] is not None:
        before = {
            "choice": old[0],
            "option_ids": Ballot._meta.get_field("option_ids").from_db_value(
                old[1], None, connection
            ),
            "channel": old[2],
            "revision": old[3],
        }
    _audit_ballot(actor=actor, vote=vote, elector=elector, ballot=ballot, before=before)
    return ballot


def _ballot_row(vote, elector, ballot_id, choice, ids, channel, revision, at, actor) -> Ballot:
    ballot = Ballot(
        id=ballot_id, vote=vote, elector=elector, choice=choice, option_ids=ids, channel=channel,
        revision=revision, cast_at=at,
    )  # fmt: skip
    if actor is not None:
        ballot.cast_by = actor
    ballot._state.adding = False
    return ballot


def _audit_ballot(*, actor, vote: Vote, elector: Elector, ballot: Ballot, before) -> None:
    """The ballot's audit event, on the chain of the vote's committee (what chain_for gives
    for a ballot, without walking its foreign keys)."""
    audit_record(
        actor=actor,
        action="ballot.cast" if before is None else "ballot.change",
        obj=ballot,
        before=before,
        after={
            "vote": vote.pk,
            "flat": elector.flat_id,
            "choice": ballot.choice,
            "option_ids": ballot.option_ids,
            "channel": ballot.channel,
            "proxy_name": ballot.proxy_name,
            "proxy_authorisation": ballot.proxy_authorisation,
            "revision": ballot.revision,
        },
        chain=f"committee:{vote.committee_id}",
        object_repr=f"{vote.title} · {elector.label}",
    )


@transaction.atomic
def ballot_cast(
    *,
    actor,
    vote: Vote | int,
    flat: Flat | int,
    choice: str = "",
    option_ids: Iterable[int] = (),
    channel: str = Channel.ONLINE,
    idempotency_key: str,
    proxy_name: str = "",
    proxy_authorisation: str = "",
) -> Ballot:
    """Cast (or change) the ballot of ``flat``. The same idempotency key twice is harmless.

    Online: the actor must be linked to a person registered for the flat. Meeting and proxy
    ballots are recorded by the vote's staff; a proxy needs the proxy's name and the
    authorisation (委托书) recorded. ``vote`` and ``flat`` may be given as primary keys (the
    API's hot path): the vote is read again here anyway, under its share lock.

    No vote-wide lock is held: the vote row is share-locked (only closing waits), the flat's
    elector row is locked for this flat only, the cast goes in with ``ON CONFLICT DO
    NOTHING`` on its idempotency key, and the audit append comes last.
    """
    key = (idempotency_key or "").strip()
    ensure(key and len(key) <= 64, _("缺少有效的幂等键（idempotency key）"), code="idempotency")
    ensure(channel in Channel.values, _("投票渠道无效"))
    ensure(channel != Channel.PAPER, _("书面表决票须由两名工作人员分别录入"), code="channel")
    vote_id = vote if isinstance(vote, int) else vote.pk
    flat_id = flat if isinstance(flat, int) else flat.pk
    vote, elector = _cast_target(vote_id, flat_id, actor)
    _check_open(vote)
    ensure(elector is not None, _("该户不在本次表决范围内"), code="not_in_scope", status=403)
    if channel == Channel.ONLINE:
        if vote.kind == Vote.Kind.OWNERS and not elector.registered:
            raise ScopeError(_("您不是该户登记的业主，不能投票（请先在居委会核验身份并关联账号）"))
        if not elector.registered:
            raise ScopeError(_("您不是该户登记的业主或居民，不能投票"))
        proxy_name = proxy_authorisation = ""
    else:
        require(actor, "voting.manage_vote", vote, _("只有居委会工作人员可以登记现场或委托投票"))
        proxy_name = (proxy_name or "").strip()
        proxy_authorisation = (proxy_authorisation or "").strip()
        if channel == Channel.PROXY:
            ensure(proxy_name, _("委托投票须登记受托人姓名"), code="proxy")
            ensure(proxy_authorisation, _("委托投票须登记授权委托书（编号或说明）"), code="proxy")
        else:
            proxy_name = proxy_authorisation = ""
    choice, ids = _clean_marks(vote, choice, option_ids)
    now = timezone.now()
    if channel == Channel.ONLINE and connection.vendor == "postgresql":
        return _cast_online_pg(
            actor=actor, vote=vote, elector=elector, key=key, choice=choice, ids=ids, at=now
        )
    cast_id = _record_cast(
        vote=vote,
        elector=elector,
        key=key,
        choice=choice,
        option_ids=ids,
        channel=channel,
        actor=actor,
        at=now,
    )
    if cast_id is None:  # a resent request: answer with the flat's ballot, record nothing
        previous = BallotCast.objects.filter(vote_id=vote.pk, idempotency_key=key).first()
        ensure(
            previous is not None and previous.elector_id == elector.pk,
            _("该幂等键已用于其他户的投票"),
            code="idempotency",
            status=409,
        )
        ballot = Ballot.objects.get(vote_id=vote.pk, elector_id=elector.pk)
        ballot.vote, ballot.elector = vote, elector
        return ballot
    return _count_ballot(
        actor=actor,
        vote=vote,
        elector=elector,
        choice=choice,
        option_ids=ids,
        channel=channel,
        at=now,
        proxy_name=proxy_name,
        proxy_authorisation=proxy_authorisation,
    )


@transaction.atomic
def paper_entry_record(
    *,
    actor,
    vote: Vote,
    code: str,
    choice: str = "",
    option_ids: Iterable[int] = (),
    replace_online: bool = False,
) -> PaperEntry:
    """Key a written ballot (书面表决票) by its code. Two staff enter each ballot
    independently; equal entries count it, different entries flag it until resolved.

    Each paper ballot is counted once: once its two entries matched (or a mismatch was
    resolved against the original), keying its code again is refused. The flat's last
    valid ballot counts, so a paper ballot for a flat whose owner already voted online
    would replace that vote: staff must say so deliberately (``replace_online``), after
    checking with the owner; otherwise it is refused with the rule stated.
    """
    vote = _locked_open_vote(vote)
    require(actor, "voting.enter_paper", vote, _("只有居委会工作人员可以录入书面表决票"))
    code = normalise_code(code)
    elector = Elector.objects.filter(vote=vote, paper_code=code).first()
    ensure(elector is not None, _("选票编码无效：不是本次表决印发的书面表决票"), code="bad_code")
    choice, ids = _clean_marks(vote, choice, option_ids)
    last = PaperEntry.objects.filter(vote=vote, elector=elector).order_by("-batch", "-slot").first()
    ensure(
        last is None or last.state not in (PaperEntry.State.MATCHED, PaperEntry.State.RESOLVED),
        _("该书面表决票（%(label)s）已计入，不能再次录入") % {"label": elector.label},
        code="already_counted",
        status=409,
    )
    online = (
        Ballot.objects.filter(vote=vote, elector=elector)
        .exclude(channel=Channel.PAPER)
        .values_list("channel", flat=True)
        .first()
    )
    ensure(
        online is None or replace_online,
        _(
            "%(label)s已在网上投票（或已有会议、委托表决）。按“以最后一次有效表决为准”的规则，录入书面票将替代该户原有选票：请与业主核实后勾选“确认替代”再录入"
        )
        % {"label": elector.label},
        code="online_exists",
        status=409,
    )
    if last is None:
        batch, slot = 1, 1
    elif last.state == PaperEntry.State.MISMATCH:
        raise ServiceError(_("该票两次录入不一致，请先核对原票"), code="mismatch", status=409)
    else:
        ensure(
            last.entered_by_id != actor.pk,
            _("第二次录入须由另一名工作人员完成"),
            code="same_clerk",
            status=409,
        )
        batch, slot = last.batch, 2
    entry = PaperEntry(
        vote=vote,
        elector=elector,
        batch=batch,
        slot=slot,
        choice=choice,
        option_ids=ids,
        entered_by=actor,
    )
    entry.full_clean(validate_constraints=False)
    entry.save()
    if slot == 2:
        same = (last.choice, list(last.option_ids)) == (choice, ids)
        state = PaperEntry.State.MATCHED if same else PaperEntry.State.MISMATCH
        PaperEntry.objects.filter(pk__in=[last.pk, entry.pk]).update(state=state)
        entry.state = state
        if same:
            _apply(
                actor=actor,
                vote=vote,
                elector=elector,
                choice=choice,
                option_ids=ids,
                channel=Channel.PAPER,
                key=f"paper-{elector.pk}-{batch}",
            )
    audit_record(
        actor=actor,
        action="ballot.paper_entry",
        obj=entry,
        after={
            "flat": elector.flat_id,
            "batch": batch,
            "slot": slot,
            "choice": choice,
            "option_ids": ids,
            "state": entry.state,
        },
    )
    return entry


@transaction.atomic
def paper_mismatch_resolve(
    *,
    actor,
    vote: Vote,
    elector: Elector,
    choice: str = "",
    option_ids: Iterable[int] = (),
    note: str = "",
) -> Ballot:
    """After checking the paper ballot, staff record what it says; the flat's ballot counts."""
    vote = _locked_open_vote(vote)
    require(actor, "voting.enter_paper", vote, _("只有居委会工作人员可以核对书面表决票"))
    ensure(elector.vote_id == vote.pk, _("该户不在本次表决范围内"), code="not_in_scope")
    entries = list(
        PaperEntry.objects.filter(vote=vote, elector=elector, state=PaperEntry.State.MISMATCH)
    )
    ensure(entries, _("该户没有待核对的书面表决票"), code="no_mismatch")
    choice, ids = _clean_marks(vote, choice, option_ids)
    batch = entries[0].batch
    PaperEntry.objects.filter(pk__in=[e.pk for e in entries]).update(
        state=PaperEntry.State.RESOLVED
    )
    ballot = _apply(
        actor=actor,
        vote=vote,
        elector=elector,
        choice=choice,
        option_ids=ids,
        channel=Channel.PAPER,
        key=f"paper-{elector.pk}-{batch}",
    )
    audit_record(
        actor=actor,
        action="ballot.paper_resolve",
        obj=ballot,
        before={"entries": [[e.slot, e.choice, e.option_ids, e.entered_by_id] for e in entries]},
        after={"choice": choice, "option_ids": ids, "note": (note or "").strip()[:200]},
    )
    return ballot


# ---------------------------------------------------------------------------------------
# Closing, the signed record, recount


def _sign(payload: dict) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), adapters.canonical(payload).encode(), "sha256"
    ).hexdigest()


def _payload(vote: Vote, result: VoteResult) -> dict:
    return {
        "vote": vote.pk,
        "counts": result.counts,
        "rule": result.rule,
        "passed": result.passed,
        "electorate_hash": result.electorate_hash,
        "ballots_hash": result.ballots_hash,
        "audit_hash": result.audit_hash,
    }


@transaction.atomic
def vote_close(*, actor, vote: Vote, reason: str = "") -> VoteResult:
    """Close the vote, count it through the engine and sign the result record."""
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    require(actor, "voting.manage_vote", vote, _("您无权管理该表决"))
    ensure(vote.status == Vote.Status.OPEN, _("只有进行中的表决可以结束"), code="state", status=409)
    reason = (reason or "").strip()
    early = timezone.now() < vote.closes_at
    if early:
        ensure(reason, _("截止时间未到，提前结束须说明原因"), code="reason_required")
    pending = PaperEntry.objects.filter(
        vote=vote, state__in=[PaperEntry.State.PENDING, PaperEntry.State.MISMATCH]
    ).count()
    ensure(
        pending == 0,
        _("还有 %(pending)s 条书面表决票录入未完成或不一致，请先完成第二次录入或核对")
        % {"pending": pending},
        code="paper_pending",
        status=409,
    )
    electors = list(vote.electors.order_by("id"))
    ballots = list(vote.ballots.order_by("elector_id"))
    try:
        counts = adapters.count(vote, electors, ballots)
    except TallyError as exc:
        raise ServiceError(str(exc), code="tally") from exc
    rule = adapters.rule_record(vote)
    ballots_hash = adapters.sha256(adapters.ballots_rows(ballots))
    event = audit_record(
        actor=actor,
        action="vote.count",
        obj=vote,
        after={
            "counts": counts,
            "ballots_hash": ballots_hash,
            "electorate_hash": vote.electorate_hash,
        },
    )
    result = VoteResult(
        vote=vote,
        counts=adapters.canonical_json(counts),
        rule=adapters.canonical_json(rule),
        passed=counts.get("passed"),
        electorate_hash=vote.electorate_hash,
        ballots_hash=ballots_hash,
        audit_hash=event.hash,
        closed_by=actor,
    )
    result.signature = _sign(_payload(vote, result))
    result.full_clean()
    result.save()
    vote.status = Vote.Status.CLOSED
    vote.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="vote.close",
        obj=vote,
        before={"status": "open"},
        after={
            "status": vote.status,
            "passed": result.passed,
            "signature": result.signature,
            "early": early,
            "reason": reason,
        },
    )
    transaction.on_commit(lambda: checkpoint_object(vote, reason=f"vote:{vote.pk}"), robust=True)
    from linli.notifications.delivery import notify

    notify("vote_result", actor=actor, vote_id=vote.pk)
    return result


def result_verify(result: VoteResult) -> bool:
    return hmac.compare_digest(result.signature, _sign(_payload(result.vote, result)))


@transaction.atomic
def vote_recount(*, actor, vote: Vote) -> dict:
    """Recompute the closed vote from its ballots; it must agree with the signed record."""
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    require(actor, "voting.view_results", vote, _("您无权查看该表决结果"))
    ensure(vote.status == Vote.Status.CLOSED, _("表决结束后才能复核计票"), code="state", status=409)
    result = VoteResult.objects.get(vote=vote)
    electors = list(vote.electors.order_by("id"))
    ballots = list(vote.ballots.order_by("elector_id"))
    counts = adapters.canonical_json(adapters.count(vote, electors, ballots))
    checks = {
        "counts": counts == result.counts,
        "ballots_hash": adapters.sha256(adapters.ballots_rows(ballots)) == result.ballots_hash,
        "electorate_hash": adapters.sha256(adapters.electorate_rows(electors))
        == result.electorate_hash,
        "signature": result_verify(result),
    }
    agrees = all(checks.values())
    audit_record(actor=actor, action="vote.recount", obj=vote, after={"agrees": agrees, **checks})
    return {"agrees": agrees, "checks": checks, "counts": counts}


@transaction.atomic
def vote_import_pb(
    *,
    actor,
    committee: Committee,
    text: str,
    opens_at: datetime,
    closes_at: datetime,
    method: str = Vote.Method.APPROVAL,
    budget_rule: str = Vote.BudgetRule.MES,
    compounds: Iterable[Compound] = (),
    buildings: Iterable[Building] = (),
    title: str = "",
) -> Vote:
    """A draft participatory-budgeting vote from a pabulib .pb file: its budget and projects
    (the file's ballots are not flats of this community and are not imported)."""
    from linli.engine.budgeting.pbfile import PbFormatError, parse

    try:
        election = parse(text)
    except (PbFormatError, KeyError, ValueError) as exc:
        raise ServiceError(
            _("pabulib 文件格式有误：%(exc)s") % {"exc": exc}, code="pb_format"
        ) from exc
    inst = election.instance
    from fractions import Fraction

    def yuan(x) -> int:
        ensure(Fraction(x).denominator == 1, _("预算和项目金额须为整元"), code="pb_format")
        return int(x)

    options = [(p.name or f"项目{p.id}", yuan(p.cost)) for p in inst.projects.values()]
    return vote_create(
        actor=actor,
        committee=committee,
        title=(title or inst.meta.get("description") or "参与式预算").strip()[:100],
        kind=Vote.Kind.BUDGET,
        method=method,
        budget=yuan(inst.budget),
        budget_rule=budget_rule,
        options=options,
        compounds=compounds,
        buildings=buildings,
        opens_at=opens_at,
        closes_at=closes_at,
    )


def vote_export_pb(vote: Vote) -> str:
    """The vote's projects and ballots as a pabulib .pb file (voters = flats, anonymous ids)."""
    from linli.engine.budgeting.pbfile import dumps

    ensure(vote.kind == Vote.Kind.BUDGET, _("只有参与式预算投票可以导出 pabulib 文件"))
    return dumps(adapters.budget_election(vote))


def ballot_cast_safely(**kwargs) -> Ballot:
    """ballot_cast, turning a lost race on the unique constraints into a clean answer."""
    try:
        return ballot_cast(**kwargs)
    except IntegrityError as exc:
        raise ServiceError(_("投票冲突，请重试"), code="conflict", status=409) from exc
