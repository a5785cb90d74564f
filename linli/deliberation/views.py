"""Meeting pages: list, create, detail (agenda, QR check-in, staff sign-in, live quorum),
minutes edit/approve, the printable sign-in sheet and the 四议 track of a project."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.models import Role
from linli.core.actions import run_form, run_service
from linli.core.documents import absolute_url, download, qr_svg
from linli.core.errors import ScopeError, ServiceError, error_message
from linli.core.permissions import get_visible, require
from linli.deliberation import selectors, services
from linli.deliberation.documents import signin_sheet_pdf
from linli.deliberation.forms import (
    AgendaForm,
    MeetingCreateForm,
    SignInForm,
    SiyiForm,
    minutes_rows,
)
from linli.deliberation.meeting_types import rule_for_kind
from linli.deliberation.models import Minutes
from linli.projects.selectors import projects_visible_to

PAGE_SIZE = 30


def _get_meeting(request, meeting_id):
    meeting = get_visible(selectors.meetings_visible_to(request.user), pk=meeting_id)
    require(request.user, "deliberation.view_meeting", meeting)
    return meeting


@login_required
def meeting_list(request):
    meetings = selectors.meetings_visible_to(request.user)
    project = request.GET.get("project", "")
    if project.isdigit():
        meetings = meetings.filter(project_id=int(project))
    kind = request.GET.get("kind", "")
    if kind:
        meetings = meetings.filter(kind=kind)
    meetings = meetings.order_by("-starts_at", "-id")[:PAGE_SIZE]
    return render(
        request,
        "deliberation/list.html",
        {
            "meetings": meetings,
            "can_create": MeetingCreateForm(user=request.user)
            .fields["committee"]
            .queryset.exists(),
        },
    )


@login_required
def meeting_create(request):
    form = MeetingCreateForm(request.POST or None, user=request.user, initial=request.GET.dict())
    if not form.fields["committee"].queryset.exists():
        raise ScopeError(_("只有居委会工作人员或业委会成员可以召集会议"))
    return run_form(
        request,
        form,
        lambda d: services.meeting_create(
            actor=request.user, **{**d, "invitee_buildings": list(d["invitee_buildings"])}
        ),
        template="deliberation/create.html",
        success=_("会议已创建"),
        redirect_to=lambda meeting: reverse("deliberation:detail", args=[meeting.pk]),
    )


def _detail_context(request, meeting, **extra):
    user = request.user
    can_manage = user.has_perm("deliberation.manage_meeting", meeting)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    checkin_path = (
        reverse("deliberation:checkin", args=[meeting.pk])
        + "?t="
        + (services.checkin_token(meeting))
    )
    context = {
        "meeting": meeting,
        "agenda": meeting.agenda.select_related("project", "need", "design_option"),
        "quorum": services.meeting_quorum(meeting),
        "rule": rule_for_kind(meeting.kind),
        "can_manage": can_manage,
        "can_publish_notice": user.has_perm("notices.create_notice", meeting.committee),
        "is_open": meeting.status == meeting.Status.SCHEDULED,
        "minutes": minutes,
        "attendances": meeting.attendances.all() if can_manage else [],
        "my_attendance": meeting.attendances.filter(user=user).first(),
        "agenda_form": AgendaForm(meeting=meeting),
        "signin_form": SignInForm(),
        "invitee_buildings": meeting.invitee_buildings.select_related("compound"),
        "invitee_role_labels": [Role(r).label for r in meeting.invitee_roles if r in Role.values],
    }
    if can_manage:
        url = absolute_url(request, checkin_path)
        context.update({"checkin_url": url, "checkin_qr": qr_svg(url)})
    context.update(extra)
    return context


@login_required
def meeting_detail(request, meeting_id: int):
    meeting = _get_meeting(request, meeting_id)
    return render(request, "deliberation/detail.html", _detail_context(request, meeting))


@login_required
def meeting_quorum(request, meeting_id: int):
    """The live count (htmx polls this fragment)."""
    meeting = _get_meeting(request, meeting_id)
    return render(
        request,
        "deliberation/_quorum.html",
        {"meeting": meeting, "quorum": services.meeting_quorum(meeting)},
    )


@login_required
@require_POST
def agenda_add(request, meeting_id: int):
    meeting = _get_meeting(request, meeting_id)
    form = AgendaForm(request.POST, meeting=meeting)
    return run_form(
        request,
        form,
        lambda data: services.agenda_add(actor=request.user, meeting=meeting, **data),
        template="deliberation/detail.html",
        success=_("议题已添加"),
        redirect_to=reverse("deliberation:detail", args=[meeting.pk]),
        context=lambda: _detail_context(request, meeting, agenda_form=form),
    )


@login_required
@require_POST
def staff_sign_in(request, meeting_id: int):
    meeting = _get_meeting(request, meeting_id)
    form = SignInForm(request.POST)
    return run_form(
        request,
        form,
        lambda d: services.meeting_sign_in(
            actor=request.user,
            meeting=meeting,
            name=d["name"],
            note=d["note"],
            counts=not d["observer"],
        ),
        template="deliberation/detail.html",
        success=_("已代为签到：%(name)s") % {"name": form.data.get("name", "").strip()},
        redirect_to=reverse("deliberation:detail", args=[meeting.pk]) + "#signin",
        context=lambda: _detail_context(request, meeting, signin_form=form),
    )


@login_required
def check_in(request, meeting_id: int):
    """Opened by scanning the meeting's QR code: confirm and sign in as the logged-in user."""
    meeting = _get_meeting(request, meeting_id)
    token = request.POST.get("t") or request.GET.get("t") or ""
    if not services.checkin_token_valid(meeting, token):
        raise ServiceError(_("签到二维码无效或不属于本次会议"), status=403)
    attendance = meeting.attendances.filter(user=request.user).first()
    status = 200
    error = ""
    if request.method == "POST" and attendance is None:
        try:
            attendance = services.meeting_check_in(actor=request.user, meeting=meeting, token=token)
        except ServiceError as exc:
            error, status = exc.message, exc.status
    return render(
        request,
        "deliberation/checkin.html",
        {
            "meeting": meeting,
            "token": token,
            "attendance": attendance,
            "error": error,
            "quorum": services.meeting_quorum(meeting),
            "can_check_in": request.user.has_perm("deliberation.check_in", meeting),
        },
        status=status,
    )


@login_required
@require_POST
def meeting_close(request, meeting_id: int):
    meeting = _get_meeting(request, meeting_id)
    return run_service(
        request,
        lambda: services.meeting_close(actor=request.user, meeting=meeting),
        success=_("会议已结束，签到已关闭"),
        redirect_to=reverse("deliberation:detail", args=[meeting.pk]),
    )


def _minutes_rows(minutes, post=None):
    if post is not None:
        return {
            "points": minutes_rows(post, "points", ("speaker", "point")),
            "resolutions": minutes_rows(post, "resolutions", ("text", "agree")),
            "follow_ups": minutes_rows(post, "follow_ups", ("action", "owner", "due")),
            "summary": post.get("summary", ""),
        }
    if minutes is None:
        return {"points": [], "resolutions": [], "follow_ups": [], "summary": ""}
    return {
        "points": [{"speaker": p.speaker, "point": p.point} for p in minutes.points.all()],
        "resolutions": [
            {"text": r.text, "agree": "" if r.agree is None else r.agree}
            for r in minutes.resolutions.all()
        ],
        "follow_ups": [
            {"action": f.action, "owner": f.owner, "due": f.due.isoformat() if f.due else ""}
            for f in minutes.follow_ups.all()
        ],
        "summary": minutes.summary,
    }


def _pad(rows: list[dict], fields: tuple[str, ...], blanks: int = 2) -> list[dict]:
    return rows + [dict.fromkeys(fields, "") for _ in range(blanks)]


@login_required
def minutes_edit(request, meeting_id: int):
    meeting = _get_meeting(request, meeting_id)
    require(request.user, "deliberation.edit_minutes", meeting, _("您无权编辑该会议的纪要"))
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is not None and minutes.is_frozen:
        raise ServiceError(_("会议纪要已审定，不能再修改"), status=409)
    status, error = 200, ""
    data = _minutes_rows(minutes)
    if request.method == "POST":
        data = _minutes_rows(None, request.POST)
        try:
            services.minutes_save(
                actor=request.user,
                meeting=meeting,
                summary=data["summary"],
                points=data["points"],
                resolutions=data["resolutions"],
                follow_ups=data["follow_ups"],
            )
        except ScopeError:
            raise
        except (ServiceError, ValidationError) as exc:
            error, status = error_message(exc), getattr(exc, "status", 400)
        else:
            messages.success(request, _("会议纪要已保存"))
            return redirect(reverse("deliberation:detail", args=[meeting.pk]) + "#minutes")
    return render(
        request,
        "deliberation/minutes_form.html",
        {
            "meeting": meeting,
            "error": error,
            "summary": data["summary"],
            "points": _pad(data["points"], ("speaker", "point")),
            "resolutions": _pad(data["resolutions"], ("text", "agree"), 1),
            "follow_ups": _pad(data["follow_ups"], ("action", "owner", "due")),
            "quorum": services.meeting_quorum(meeting),
        },
        status=status,
    )


@login_required
@require_POST
def minutes_approve(request, meeting_id: int):
    meeting = _get_meeting(request, meeting_id)
    return run_service(
        request,
        lambda: services.minutes_approve(actor=request.user, meeting=meeting),
        success=_("会议纪要已审定，此后不能再修改"),
        redirect_to=reverse("deliberation:detail", args=[meeting.pk]) + "#minutes",
    )


@login_required
def signin_sheet(request, meeting_id: int):
    meeting = _get_meeting(request, meeting_id)
    require(request.user, "deliberation.manage_meeting", meeting, _("您无权打印该会议的签到表"))
    url = absolute_url(
        request,
        reverse("deliberation:checkin", args=[meeting.pk])
        + "?t="
        + services.checkin_token(meeting),
    )
    pdf = signin_sheet_pdf(
        meeting,
        meeting.attendances.all(),
        quorum=services.meeting_quorum(meeting),
        checkin_url=url,
    )
    return download(pdf, f"meeting-{meeting.pk}-signin.pdf")


@login_required
def siyi(request, project_id: int):
    project = get_visible(projects_visible_to(request.user), pk=project_id)
    require(request.user, "projects.view_project", project)
    form = SiyiForm(request.POST or None, project=project)
    return run_form(
        request,
        form,
        lambda data: services.siyi_record(actor=request.user, project=project, **data),
        template="deliberation/siyi.html",
        success=_("四议环节已记录"),
        redirect_to=reverse("deliberation:siyi", args=[project.pk]),
        context=lambda: {
            "project": project,
            "can_record": request.user.has_perm("deliberation.record_siyi", project),
            "meetings": selectors.meetings_for_project(request.user, project),
        },
    )
