"""Notice pages: list (public to the committee's residents), create, detail with the
objection form and staff responses, publish/extend/withdraw/close, the A4 poster PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.actions import run_form, run_service
from linli.core.documents import absolute_url, download
from linli.core.errors import ScopeError, ServiceError
from linli.core.permissions import get_visible, require
from linli.notices import selectors, services
from linli.notices.documents import notice_poster_pdf
from linli.notices.forms import (
    ExtendForm,
    NoticeCreateForm,
    ObjectionForm,
    ResponseForm,
    WithdrawForm,
    parse_subject,
)
from linli.notices.models import NoticeAttachment, ObjectionAttachment
from linli.places.selectors import committees_managed_by

PAGE_SIZE = 30


def _get_notice(request, notice_id):
    notice = get_visible(selectors.notices_visible_to(request.user), pk=notice_id)
    require(request.user, "notices.view_notice", notice)
    return notice


@login_required
def notice_list(request):
    qs = selectors.notices_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in ("draft", "published", "withdrawn", "closed"):
        qs = qs.filter(status=status)
    project = request.GET.get("project", "")
    if project.isdigit():
        qs = qs.filter(project_id=int(project))
    return render(
        request,
        "notices/list.html",
        {
            "notices": qs.order_by("-starts_at", "-id")[:PAGE_SIZE],
            "status": status,
            "can_create": committees_managed_by(request.user).exists(),
        },
    )


@login_required
def notice_create(request):
    if not committees_managed_by(request.user).exists():
        raise ScopeError(_("只有居委会、街道或区级工作人员可以发布公示"))
    initial = {k: v for k, v in request.GET.items() if k in ("project", "kind", "committee")}
    subject_key = request.POST.get("subject") or request.GET.get("subject") or ""
    subject = selectors.subject_for(request.user, *parse_subject(subject_key))
    if subject is not None:
        initial["subject"] = subject_key
        if hasattr(subject, "as_notice"):
            initial.update({k: v for k, v in subject.as_notice().items() if v is not None})
    form = NoticeCreateForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    return run_form(
        request,
        form,
        lambda d: services.notice_create(actor=request.user, **{**d, "subject": subject}),
        template="notices/create.html",
        success=_("公示已发布") if request.POST.get("publish") else _("公示草稿已保存"),
        redirect_to=lambda notice: reverse("notices:detail", args=[notice.pk]),
        context={"subject": subject},
    )


def _on_detail(request, notice, form, action, *, form_name, success, anchor="", **extra):
    """A form of the notice page: a refusal shows the page again with this form's errors."""
    return run_form(
        request,
        form,
        action,
        template="notices/detail.html",
        success=success,
        redirect_to=reverse("notices:detail", args=[notice.pk]) + anchor,
        context=lambda: _detail_context(request, notice, **{form_name: form}, **extra),
    )


def _detail_context(request, notice, **extra):
    user = request.user
    can_manage = user.has_perm("notices.manage_notice", notice)
    objections = selectors.objections_visible_to(user).filter(notice=notice)
    context = {
        "notice": notice,
        "can_manage": can_manage,
        "can_object": user.has_perm("notices.object", notice),
        "objections": objections.prefetch_related("attachments"),
        "n_objections": notice.objections.count(),
        "n_unanswered": notice.objections.filter(responded_at__isnull=True).count(),
        "events": notice.events.select_related("actor"),
        "attachments": notice.attachments.all(),
        "objection_form": ObjectionForm(),
        "response_form": ResponseForm(),
        "extend_form": ExtendForm(),
        "withdraw_form": WithdrawForm(),
        "subject": notice.subject if notice.subject_type_id else None,
    }
    context.update(extra)
    return context


@login_required
def notice_detail(request, notice_id: int):
    notice = _get_notice(request, notice_id)
    return render(request, "notices/detail.html", _detail_context(request, notice))


@login_required
@require_POST
def objection_lodge(request, notice_id: int):
    notice = _get_notice(request, notice_id)
    return _on_detail(
        request,
        notice,
        ObjectionForm(request.POST, request.FILES),
        lambda d: services.objection_lodge(actor=request.user, notice=notice, **d),
        success=_("异议已提交，居委会将作出答复"),
        anchor="#objections",
        form_name="objection_form",
    )


@login_required
@require_POST
def objection_respond(request, notice_id: int, objection_id: int):
    notice = _get_notice(request, notice_id)
    objection = get_visible(
        selectors.objections_visible_to(request.user).filter(notice=notice), pk=objection_id
    )
    return _on_detail(
        request,
        notice,
        ResponseForm(request.POST),
        lambda d: services.objection_respond(actor=request.user, objection=objection, **d),
        success=_("答复已记录"),
        anchor="#objections",
        form_name="response_form",
        response_for=objection.pk,
    )


@login_required
@require_POST
def notice_publish(request, notice_id: int):
    notice = _get_notice(request, notice_id)
    return run_service(
        request,
        lambda: services.notice_publish(actor=request.user, notice=notice),
        success=_("公示已发布"),
        redirect_to=reverse("notices:detail", args=[notice.pk]),
    )


@login_required
@require_POST
def notice_extend(request, notice_id: int):
    notice = _get_notice(request, notice_id)
    return _on_detail(
        request,
        notice,
        ExtendForm(request.POST),
        lambda d: services.notice_extend(actor=request.user, notice=notice, **d),
        success=_("公示期已延长"),
        form_name="extend_form",
    )


@login_required
@require_POST
def notice_withdraw(request, notice_id: int):
    notice = _get_notice(request, notice_id)
    return _on_detail(
        request,
        notice,
        WithdrawForm(request.POST),
        lambda d: services.notice_withdraw(actor=request.user, notice=notice, **d),
        success=_("公示已撤回"),
        form_name="withdraw_form",
    )


@login_required
@require_POST
def notice_close(request, notice_id: int):
    notice = _get_notice(request, notice_id)
    return run_service(
        request,
        lambda: services.notice_close(actor=request.user, notice=notice),
        success=_("公示已结束"),
        redirect_to=reverse("notices:detail", args=[notice.pk]),
    )


@login_required
def notice_poster(request, notice_id: int):
    notice = _get_notice(request, notice_id)
    if notice.starts_at is None:
        raise ServiceError(_("公示尚未发布，不能打印海报"), status=409)
    url = absolute_url(request, reverse("notices:detail", args=[notice.pk]))
    pdf = notice_poster_pdf(notice, notice_url=url)
    return download(pdf, f"notice-{notice.pk}.pdf")


def _file_response(field_file, name):
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, filename=name, as_attachment=False)


@login_required
def notice_attachment(request, notice_id: int, attachment_id: int):
    notice = _get_notice(request, notice_id)
    attachment = get_visible(NoticeAttachment.objects.filter(notice=notice), pk=attachment_id)
    return _file_response(attachment.file, attachment.name)


@login_required
def objection_attachment(request, notice_id: int, attachment_id: int):
    notice = _get_notice(request, notice_id)
    visible = selectors.objections_visible_to(request.user).filter(notice=notice)
    attachment = get_visible(
        ObjectionAttachment.objects.filter(objection__in=visible), pk=attachment_id
    )
    return _file_response(attachment.file, attachment.name)
