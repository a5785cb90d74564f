"""Vote pages: thin views that parse input, check a named rule and call one service."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import ServiceError
from linli.core.permissions import get_visible, require
from linli.engine.tally import TallyError
from linli.places.selectors import committees_managed_by
from linli.projects.selectors import projects_visible_to
from linli.voting import adapters, selectors, services
from linli.voting.forms import PbImportForm, VoteCreateForm
from linli.voting.models import Ballot, Channel, Choice, Elector, PaperEntry, Vote


def _get_vote(request, pk: int) -> Vote:
    vote = get_visible(selectors.votes_visible_to(request.user), pk=pk)
    require(request.user, "voting.view_vote", vote)
    return vote


def _key() -> str:
    return uuid.uuid4().hex


@login_required
def vote_list(request):
    votes = selectors.votes_visible_to(request.user).order_by("-opens_at", "-id")
    project = request.GET.get("project", "")
    if project.isdigit() and len(project) < 16:
        votes = votes.filter(project_id=int(project))
    return render(
        request,
        "voting/list.html",
        {"votes": votes[:100], "can_create": committees_managed_by(request.user).exists()},
    )


@login_required
def vote_create(request):
    committees = committees_managed_by(request.user)
    require(request.user, "voting.manage_vote", committees.first(), _("您无权发起表决"))
    projects = projects_visible_to(request.user).filter(committee__in=committees)
    initial = {}
    project_id = request.GET.get("project", "")
    if project_id.isdigit() and len(project_id) < 16:
        chosen = projects.filter(pk=int(project_id)).first()
        if chosen is not None:
            initial = {"project": chosen.pk, "committee": chosen.committee_id}
    form = VoteCreateForm(
        request.POST or None, committees=committees, projects=projects, initial=initial
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                vote = services.vote_create(
                    actor=request.user,
                    committee=d["committee"],
                    title=d["title"],
                    description=d["description"],
                    kind=d["kind"],
                    matter=d["matter"],
                    meeting_rule=d["meeting_rule"],
                    method=d["method"],
                    secret=d["secret"],
                    hide_results=d["hide_results"],
                    compounds=d["compounds"],
                    buildings=d["buildings"],
                    project=d["project"],
                    options=form.option_lines(),
                    budget=d["budget"],
                    budget_rule=d["budget_rule"],
                    opens_at=d["opens_at"],
                    closes_at=d["closes_at"],
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("表决已创建，核对无误后请开启投票"))
                return redirect("voting:detail", vote.pk)
    return render(request, "voting/create.html", {"form": form}, status=status)


def _ballot_context(request, vote: Vote) -> dict:
    user = request.user
    mine = []
    if vote.status != Vote.Status.DRAFT:
        electors = list(selectors.electors_of_user(user, vote))
        ballots = {b.elector_id: b for b in Ballot.objects.filter(vote=vote, elector__in=electors)}
        labels = {o.pk: o.label for o in vote.options.all()}
        mine = [
            {
                "elector": e,
                "ballot": ballots.get(e.pk),
                # what was chosen, in words ("方案A：口袋花园"), not "已选1项"
                "chosen": "、".join(
                    labels.get(i, "?") for i in getattr(ballots.get(e.pk), "option_ids", [])
                ),
            }
            for e in electors
        ]
    return {
        "vote": vote,
        "options": list(vote.options.all()),
        "mine": mine,
        "can_cast": user.has_perm("voting.cast_ballot", vote),
        "can_manage": user.has_perm("voting.manage_vote", vote),
        "can_propose": user.has_perm("voting.propose_option", vote),
        "can_see_results": user.has_perm("voting.view_results", vote),
        "choices": Choice.choices,
        "key": _key(),
        "channels": [
            (Channel.MEETING, Channel.MEETING.label),
            (Channel.PROXY, Channel.PROXY.label),
        ],
        "electors": vote.electors.order_by("id")
        if user.has_perm("voting.manage_vote", vote)
        else [],
        "ballot_count": vote.ballots.count(),
        "elector_count": vote.electors.count(),
    }


@login_required
def vote_detail(request, pk: int):
    vote = _get_vote(request, pk)
    return render(request, "voting/detail.html", _ballot_context(request, vote))


@login_required
@require_POST
def vote_open(request, pk: int):
    vote = _get_vote(request, pk)
    require(request.user, "voting.manage_vote", vote, _("您无权管理该表决"))
    services.vote_open(actor=request.user, vote=vote)
    messages.success(request, _("投票已开启，选民名册已锁定"))
    return redirect("voting:detail", vote.pk)


@login_required
@require_POST
def vote_start_proposals(request, pk: int):
    vote = _get_vote(request, pk)
    require(request.user, "voting.manage_vote", vote, _("您无权管理该表决"))
    services.vote_start_proposals(actor=request.user, vote=vote)
    messages.success(request, _("已开始征集名称"))
    return redirect("voting:detail", vote.pk)


@login_required
@require_POST
def option_propose(request, pk: int):
    vote = _get_vote(request, pk)
    require(request.user, "voting.propose_option", vote, _("现在不能提出名称"))
    services.option_propose(
        actor=request.user,
        vote=vote,
        label=request.POST.get("label", ""),
        description=request.POST.get("description", ""),
        cost=int(request.POST["cost"]) if request.POST.get("cost", "").isdigit() else None,
    )
    messages.success(request, _("您提出的名称已收到"))
    return redirect("voting:detail", vote.pk)


@login_required
@require_POST
def vote_close(request, pk: int):
    vote = _get_vote(request, pk)
    require(request.user, "voting.manage_vote", vote, _("您无权管理该表决"))
    services.vote_close(actor=request.user, vote=vote, reason=request.POST.get("reason", ""))
    messages.success(request, _("表决已结束，结果已签署"))
    return redirect("voting:result", vote.pk)


def _marks(request) -> tuple[str, list[str]]:
    """The marks of a ballot form; a ranked ballot posts ``rank_<option id>`` = 1, 2, …"""
    ranks = []
    for key, value in request.POST.items():
        if key.startswith("rank_") and value.strip():
            try:
                ranks.append((int(value), key.removeprefix("rank_")))
            except ValueError:
                raise ServiceError(_("名次应为数字")) from None
    if ranks:
        positions = [r for r, _ in ranks]
        if len(set(positions)) != len(positions):
            raise ServiceError(_("名次不能重复：每个名次只能给一个方案"), code="choice")
        return "", [option for _, option in sorted(ranks)]
    return request.POST.get("choice", ""), request.POST.getlist("option")


@login_required
@require_POST
def ballot_cast(request, pk: int):
    """A resident casts the ballot of one of their flats on the phone."""
    vote = _get_vote(request, pk)
    elector = get_object_or_404(
        selectors.electors_of_user(request.user, vote), pk=request.POST.get("elector") or 0
    )
    choice, option_ids = _marks(request)
    try:
        services.ballot_cast_safely(
            actor=request.user,
            vote=vote,
            flat=elector.flat,
            choice=choice,
            option_ids=option_ids,
            channel=Channel.ONLINE,
            idempotency_key=request.POST.get("key", ""),
        )
    except ServiceError as exc:
        ctx = _ballot_context(request, vote) | {"error": exc.message}
        return render(request, "voting/detail.html", ctx, status=exc.status)
    messages.success(
        request, _("已记录%(label)s的表决意见，截止前可以修改") % {"label": elector.label}
    )
    return redirect("voting:detail", vote.pk)


@login_required
@require_POST
def ballot_record(request, pk: int):
    """Staff record a ballot given at the meeting or by proxy (委托)."""
    vote = _get_vote(request, pk)
    require(request.user, "voting.manage_vote", vote, _("您无权管理该表决"))
    elector = get_object_or_404(Elector, vote=vote, pk=request.POST.get("elector") or 0)
    choice, option_ids = _marks(request)
    try:
        services.ballot_cast_safely(
            actor=request.user,
            vote=vote,
            flat=elector.flat,
            choice=choice,
            option_ids=option_ids,
            channel=request.POST.get("channel", ""),
            idempotency_key=request.POST.get("key", ""),
            proxy_name=request.POST.get("proxy_name", ""),
            proxy_authorisation=request.POST.get("proxy_authorisation", ""),
        )
    except ServiceError as exc:
        ctx = _ballot_context(request, vote) | {"record_error": exc.message}
        return render(request, "voting/detail.html", ctx, status=exc.status)
    messages.success(request, _("已登记%(label)s的表决意见") % {"label": elector.label})
    return redirect("voting:detail", vote.pk)


def _paper_context(request, vote: Vote, **extra) -> dict:
    entries = list(
        PaperEntry.objects.filter(vote=vote)
        .select_related("elector", "entered_by")
        .order_by("-at", "-id")
    )
    pending = [e for e in entries if e.state == PaperEntry.State.PENDING]
    mismatched: dict[int, list[PaperEntry]] = {}
    for e in entries:
        if e.state == PaperEntry.State.MISMATCH:
            mismatched.setdefault(e.elector_id, []).append(e)
    options = {o.pk: o.label for o in vote.options.all()}
    return {
        "vote": vote,
        "options": list(vote.options.all()),
        "option_labels": options,
        "choices": Choice.choices,
        "pending": pending,
        "mismatches": [
            {"elector": v[0].elector, "entries": sorted(v, key=lambda e: e.slot)}
            for v in mismatched.values()
        ],
        "recent": entries[:20],
        "can_enter": request.user.has_perm("voting.enter_paper", vote),
        **extra,
    }


@login_required
def paper_entry(request, pk: int):
    """Double entry of written ballots: first entry, second entry, mismatches."""
    vote = _get_vote(request, pk)
    require(request.user, "voting.manage_vote", vote, _("只有居委会工作人员可以录入书面表决票"))
    if request.method == "POST":
        choice, option_ids = _marks(request)
        try:
            entry = services.paper_entry_record(
                actor=request.user,
                vote=vote,
                code=request.POST.get("code", ""),
                choice=choice,
                option_ids=option_ids,
                replace_online=request.POST.get("replace_online") == "1",
            )
        except ServiceError as exc:
            ctx = _paper_context(
                request, vote, error=exc.message, code=request.POST.get("code", "")
            )
            return render(request, "voting/paper.html", ctx, status=exc.status)
        text = {
            PaperEntry.State.PENDING: _("第一次录入已保存，请另一名工作人员进行第二次录入"),
            PaperEntry.State.MATCHED: _("两次录入一致，该票已计入"),
            PaperEntry.State.MISMATCH: _("两次录入不一致，请核对原票"),
        }[entry.state]
        (messages.warning if entry.state == PaperEntry.State.MISMATCH else messages.success)(
            request, f"{entry.elector.label}：{text}"
        )
        return redirect("voting:paper", vote.pk)
    return render(request, "voting/paper.html", _paper_context(request, vote))


@login_required
@require_POST
def paper_resolve(request, pk: int, elector_id: int):
    vote = _get_vote(request, pk)
    require(request.user, "voting.manage_vote", vote, _("只有居委会工作人员可以核对书面表决票"))
    elector = get_object_or_404(Elector, vote=vote, pk=elector_id)
    choice, option_ids = _marks(request)
    services.paper_mismatch_resolve(
        actor=request.user,
        vote=vote,
        elector=elector,
        choice=choice,
        option_ids=option_ids,
        note=request.POST.get("note", ""),
    )
    messages.success(request, _("%(label)s：已按原票核对并计入") % {"label": elector.label})
    return redirect("voting:paper", vote.pk)


def _mark(bound: dict) -> str:
    from fractions import Fraction

    return f"{float(Fraction(bound['share'])) * 100:.2f}"


def conditions(counts: dict, rule: dict) -> list[dict]:
    """The conditions of the rule with their values, for the result page."""
    failed = {f["code"] for f in counts.get("failures", [])}
    if rule.get("kind") == "owners":
        rows = [
            (
                "participation_area",
                _("参与表决的专有部分面积"),
                f"{counts['participating_area']} / {counts['total_area']} ㎡",
                counts["participation_area_pct"],
            ),
            (
                "participation_owners",
                _("参与表决的业主人数"),
                _("%(value)s / %(value2)s 人")
                % {"value": counts["participating_owners"], "value2": counts["total_owners"]},
                counts["participation_owners_pct"],
            ),
            (
                "agree_area",
                _("同意的面积占参与表决面积"),
                f"{counts['agreeing_area']} / {counts['participating_area']} ㎡",
                counts["agree_area_pct"],
            ),
            (
                "agree_owners",
                _("同意的人数占参与表决人数"),
                _("%(value)s / %(value2)s 人")
                % {"value": counts["agreeing_owners"], "value2": counts["participating_owners"]},
                counts["agree_owners_pct"],
            ),
        ]
    elif rule.get("kind") == "meeting":
        base = _("出席户数") if rule["majority_base"] == "present" else _("全体户数")
        rows = [
            (
                "quorum",
                _("参加表决户数"),
                _("%(value)s / %(value2)s 户")
                % {"value": counts["present"], "value2": counts["members"]},
                counts["present_pct"],
            ),
            (
                "majority",
                _("同意户数占%(base)s") % {"base": base},
                _("%(value)s 户") % {"value": counts["agree"]},
                counts["agree_pct"],
            ),
        ]
    else:
        return []
    return [
        {
            "code": code,
            "label": label,
            "value": value,
            "pct": pct,
            "required": rule[code]["text"],
            "mark": _mark(rule[code]),
            "ok": code not in failed,
        }
        for code, label, value, pct in rows
    ]


def result_context(request, vote: Vote) -> dict:
    result = getattr(vote, "result", None) if vote.status == Vote.Status.CLOSED else None
    error = ""
    if result is not None:
        counts, rule = result.counts, result.rule
    else:
        rule = adapters.rule_record(vote)
        try:
            counts = (
                adapters.canonical_json(adapters.count(vote)) if vote.status != "draft" else None
            )
        except TallyError as exc:
            counts, error = None, str(exc)
    rows = []
    show_rows = not vote.secret and vote.status == Vote.Status.CLOSED
    if show_rows:
        ballots = {b.elector_id: b for b in vote.ballots.all()}
        labels = {o.pk: o.label for o in vote.options.all()}
        for e in vote.electors.order_by("id"):
            b = ballots.get(e.pk)
            rows.append(
                {
                    "elector": e,
                    "ballot": b,
                    "options": "、".join(labels.get(i, "?") for i in b.option_ids) if b else "",
                }
            )
    my_ballots = []
    if vote.status != Vote.Status.DRAFT:
        # the resident's plain receipt: which of her flats' ballots are counted, and how
        my_ballots = list(
            Ballot.objects.filter(
                vote=vote, elector__in=selectors.electors_of_user(request.user, vote)
            ).select_related("elector")
        )
    return {
        "vote": vote,
        "result": result,
        "my_ballots": my_ballots,
        "counts": counts,
        "conditions": conditions(counts, rule) if counts else [],
        "not_voted": (counts["electors"] - counts["ballots"]) if counts else 0,
        "rule": rule,
        "error": error,
        "rows": rows,
        "show_rows": show_rows,
        "choice_labels": dict(Choice.choices),
        "channel_labels": dict(Channel.choices),
        "can_manage": request.user.has_perm("voting.manage_vote", vote),
    }


@login_required
def vote_result(request, pk: int):
    vote = _get_vote(request, pk)
    require(request.user, "voting.view_results", vote, _("结果将在表决结束后公布"))
    return render(request, "voting/result.html", result_context(request, vote))


@login_required
@require_POST
def vote_recount(request, pk: int):
    vote = _get_vote(request, pk)
    require(request.user, "voting.view_results", vote, _("结果将在表决结束后公布"))
    outcome = services.vote_recount(actor=request.user, vote=vote)
    if outcome["agrees"]:
        messages.success(request, _("复核计票与已签署结果一致"))
    else:
        messages.error(request, _("复核计票与已签署结果不一致，请立即核查"))
    return redirect("voting:result", vote.pk)


@login_required
def ballots_pdf(request, pk: int):
    vote = _get_vote(request, pk)
    require(request.user, "voting.manage_vote", vote, _("只有居委会工作人员可以打印书面表决票"))
    if vote.status == Vote.Status.DRAFT:
        raise ServiceError(
            _("开启投票后才能打印书面表决票（编码在开启时生成）"), code="state", status=409
        )
    from linli.voting.exports import ballots_pdf_bytes

    response = HttpResponse(ballots_pdf_bytes(vote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ballots-{vote.pk}.pdf"'
    return response


@login_required
def import_pb(request):
    """A participatory-budgeting vote from a pabulib .pb file (budget and projects)."""
    committees = committees_managed_by(request.user)
    require(request.user, "voting.manage_vote", committees.first(), _("您无权发起表决"))
    form = PbImportForm(request.POST or None, request.FILES or None, committees=committees)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            raw = d["file"].read(5 * 1024 * 1024 + 1)
            try:
                if len(raw) > 5 * 1024 * 1024:
                    raise ServiceError(_("文件过大（上限 5 MB）"), code="too_large")
                try:
                    text = raw.decode("utf-8-sig")
                except UnicodeDecodeError as exc:
                    raise ServiceError(_("文件须为 UTF-8 编码的文本"), code="pb_format") from exc
                vote = services.vote_import_pb(
                    actor=request.user,
                    committee=d["committee"],
                    text=text,
                    title=d["title"],
                    method=d["method"],
                    budget_rule=d["budget_rule"],
                    compounds=d["compounds"] or d["committee"].compounds.all(),
                    opens_at=d["opens_at"],
                    closes_at=d["closes_at"],
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(
                    request, _("已导入 %(count)s 个项目") % {"count": vote.options.count()}
                )
                return redirect("voting:detail", vote.pk)
    return render(request, "voting/import_pb.html", {"form": form}, status=status)


@login_required
def export_pb(request, pk: int):
    vote = _get_vote(request, pk)
    require(request.user, "voting.view_results", vote, _("结果将在表决结束后公布"))
    response = HttpResponse(services.vote_export_pb(vote), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="linli-vote-{vote.pk}.pb"'
    return response
