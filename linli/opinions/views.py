"""Conversation pages: list, start, vote one statement at a time, moderate, results."""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_required
from django.db.models import Case, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.actions import run_form, run_service
from linli.core.errors import ServiceError
from linli.core.permissions import get_visible, require
from linli.opinions import selectors, services
from linli.opinions.forms import ConversationCreateForm
from linli.opinions.models import Conversation, Statement
from linli.places.selectors import committees_managed_by


def login_required_post(view):
    """Anonymous POSTs get a 401 with a Chinese message instead of a silent redirect."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise ServiceError(_("请先登录"), code="login_required", status=401)
        return view(request, *args, **kwargs)

    return require_POST(wrapper)


def _get(request, pk: int) -> Conversation:
    conv = get_visible(selectors.conversations_visible_to(request.user), pk=pk)
    require(request.user, "opinions.view_conversation", conv)
    return conv


@login_required
def conversation_list(request):
    conversations = selectors.conversations_visible_to(request.user).order_by("-created_at", "-id")
    return render(
        request,
        "opinions/list.html",
        {
            "conversations": conversations[:100],
            "can_create": committees_managed_by(request.user).exists(),
        },
    )


@login_required
def conversation_create(request):
    committees = list(committees_managed_by(request.user).order_by("name"))
    if not committees:
        raise ServiceError(_("只有居委会工作人员可以发起议题征询"), code="forbidden", status=403)
    form = ConversationCreateForm(request.POST or None, committees=committees)
    return run_form(
        request,
        form,
        lambda data: services.conversation_create(actor=request.user, **data),
        template="opinions/create.html",
        success=_("议题征询已发起"),
        redirect_to=lambda conv: reverse("opinions:detail", args=[conv.pk]),
        context=lambda: {"committees": committees, "data": request.POST},
    )


@login_required
def conversation_detail(request, pk: int):
    conv = _get(request, pk)
    statement = selectors.next_statement_for(request.user, conv)
    done, total = selectors.progress_for(request.user, conv)
    return render(
        request,
        "opinions/detail.html",
        {
            "conv": conv,
            "statement": statement,
            "done": done,
            "total": total,
            "can_participate": request.user.has_perm("opinions.participate", conv),
            "can_manage": request.user.has_perm("opinions.manage_conversation", conv),
            "pending": conv.statements.filter(status=Statement.Status.PENDING).count(),
            "my_votes": selectors.my_votes(request.user, conv),
        },
    )


@login_required_post
def vote(request, pk: int, statement_id: int):
    conv = _get(request, pk)
    statement = get_visible(conv.statements.all(), pk=statement_id)
    services.opinion_vote_cast(
        actor=request.user, statement=statement, value=request.POST.get("value")
    )
    return redirect("opinions:detail", conv.pk)


@login_required_post
def statement_add(request, pk: int):
    conv = _get(request, pk)
    return run_service(
        request,
        lambda: services.statement_add(
            actor=request.user, conversation=conv, text=request.POST.get("text", "")
        ),
        success=lambda st: (
            _("观点已提交，审核通过后大家就能看到并投票")
            if st.status == Statement.Status.PENDING
            else _("观点已发布")
        ),
        redirect_to=reverse("opinions:detail", args=[conv.pk]),
    )


@login_required
def moderate(request, pk: int):
    conv = _get(request, pk)
    require(request.user, "opinions.moderate_statement", conv, _("只有居委会工作人员可以审核观点"))
    statements = conv.statements.annotate(
        pending_first=Case(When(status=Statement.Status.PENDING, then=0), default=1)
    ).order_by("pending_first", "-id")
    return render(request, "opinions/moderate.html", {"conv": conv, "statements": statements[:500]})


@login_required_post
def statement_moderate(request, pk: int, statement_id: int):
    conv = _get(request, pk)
    statement = get_visible(conv.statements.all(), pk=statement_id)
    accept = request.POST.get("decision") == "accept"
    return run_service(
        request,
        lambda: services.statement_moderate(
            actor=request.user,
            statement=statement,
            accept=accept,
            reason=request.POST.get("reason", ""),
        ),
        success=_("已通过") if accept else _("已设为不予通过"),
        redirect_to=reverse("opinions:moderate", args=[conv.pk]),
    )


@login_required_post
def set_status(request, pk: int):
    conv = _get(request, pk)
    services.conversation_set_status(
        actor=request.user, conversation=conv, status=request.POST.get("status", "")
    )
    return redirect("opinions:detail", conv.pk)


@login_required
def results(request, pk: int):
    conv = _get(request, pk)
    require(request.user, "opinions.view_results", conv)
    row = services.conversation_analyze(actor=None, conversation=conv, force=False)
    return render(
        request,
        "opinions/results.html",
        {
            "conv": conv,
            "row": row,
            "data": row.data,
            "stale": services.result_is_stale(conv),
            "can_recompute": request.user.has_perm("opinions.recompute_results", conv),
        },
    )


@login_required_post
def recompute(request, pk: int):
    conv = _get(request, pk)
    return run_service(
        request,
        lambda: services.conversation_analyze(actor=request.user, conversation=conv, force=True),
        success=_("观点群组已重新计算"),
        redirect_to=reverse("opinions:results", args=[conv.pk]),
    )
