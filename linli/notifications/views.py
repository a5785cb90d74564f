"""Inbox (list, badge, mark read), preferences, and the building leader's door-to-door list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.actions import run_form, run_service
from linli.core.documents import absolute_url, download
from linli.core.permissions import get_visible, require
from linli.notifications import selectors, services
from linli.notifications.documents import door_list_pdf
from linli.notifications.forms import DoorContactForm, PreferencesForm
from linli.notifications.models import DoorContact

PAGE_SIZE = 30
SUBJECT_DETAIL = {"notice": "notices:detail", "vote": "voting:detail"}


@login_required
def inbox(request):
    qs = selectors.inbox_of(request.user)
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "unread": selectors.unread_count(request.user),
            "only_unread": only_unread,
        },
    )


def badge(request):
    """The unread count for the header (loaded by htmx, so pages keep their query counts)."""
    n = selectors.unread_count(request.user)
    return render(request, "notifications/_badge.html", {"n": n})


def _notification(request, notification_id):
    return get_visible(selectors.inbox_of(request.user), pk=notification_id)


@login_required
@require_POST
def notification_open(request, notification_id: int):
    """Mark the message read and go where it points."""
    notification = _notification(request, notification_id)
    services.notification_mark_read(actor=request.user, notification=notification)
    target = notification.link or reverse("notifications:inbox")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("notifications:inbox")
    return redirect(target)


@login_required
@require_POST
def notification_read(request, notification_id: int):
    notification = _notification(request, notification_id)
    return run_service(
        request,
        lambda: services.notification_mark_read(actor=request.user, notification=notification),
        success=_("已标记为已读"),
        redirect_to=reverse("notifications:inbox"),
    )


@login_required
@require_POST
def read_all(request):
    return run_service(
        request,
        lambda: services.notifications_mark_all_read(actor=request.user),
        success=_("全部消息已标记为已读"),
        redirect_to=reverse("notifications:inbox"),
    )


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, current=services.preferences_of(request.user))
    return run_form(
        request,
        form,
        lambda data: services.preferences_set(actor=request.user, enabled=form.enabled()),
        template="notifications/preferences.html",
        success=_("通知设置已保存"),
        redirect_to=reverse("notifications:preferences"),
    )


# ------------------------------------------------------------------ door-to-door


@login_required
def door_home(request):
    tasks = selectors.door_tasks(request.user)[:200]
    return render(
        request,
        "notifications/door_home.html",
        {
            "tasks": tasks,
            "has_buildings": selectors.buildings_for_door_lists(request.user).exists(),
        },
    )


def _door(request, subject_type, subject_id, building_id):
    subject = selectors.door_subject(subject_type, subject_id)
    building = selectors.door_building(request.user, subject_type, subject, building_id)
    require(request.user, "notifications.door_list", building)
    return subject, building


def _door_page(request, subject_type, subject_id, building_id):
    subject, building = _door(request, subject_type, subject_id, building_id)

    def door():
        return selectors.door_list(subject_type, subject, building)

    current = door()
    form = DoorContactForm(request.POST or None, door_list=current, actor=request.user)
    here = reverse(f"notifications:door_{subject_type}", args=[subject.pk, building.pk])
    return run_form(
        request,
        form,
        lambda data: services.door_contact_record(
            actor=request.user,
            subject_type=subject_type,
            subject=subject,
            building=building,
            **form.service_kwargs(),
        ),
        template="notifications/door_list.html",
        success=_("已登记告知情况"),
        redirect_to=here,
        context=lambda: {
            "door": door(),
            "subject_url": reverse(SUBJECT_DETAIL[subject_type], args=[subject.pk]),
            "pdf_url": reverse(
                f"notifications:door_{subject_type}_pdf", args=[subject.pk, building.pk]
            ),
            "show_contacts": request.user.has_perm("places.see_contacts", building),
            "methods": DoorContact.Method.choices,
        },
    )


@login_required
def door_notice(request, notice_id: int, building_id: int):
    return _door_page(request, "notice", notice_id, building_id)


@login_required
def door_vote(request, vote_id: int, building_id: int):
    return _door_page(request, "vote", vote_id, building_id)


def _door_pdf(request, subject_type, subject_id, building_id):
    subject, building = _door(request, subject_type, subject_id, building_id)
    door = selectors.door_list(subject_type, subject, building)
    url = absolute_url(request, reverse(SUBJECT_DETAIL[subject_type], args=[subject.pk]))
    pdf = door_list_pdf(
        door,
        subject_url=url,
        show_contacts=request.user.has_perm("places.see_contacts", building),
    )
    return download(pdf, f"上门告知清单-{subject_type}-{subject.pk}-{building.pk}.pdf")


@login_required
def door_notice_pdf(request, notice_id: int, building_id: int):
    return _door_pdf(request, "notice", notice_id, building_id)


@login_required
def door_vote_pdf(request, vote_id: int, building_id: int):
    return _door_pdf(request, "vote", vote_id, building_id)
