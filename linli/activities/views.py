"""Activity pages: list, create, detail (sign-up, QR code, sign-ins, photos), QR check-in on
a phone, offline sign-in, and the design contest (entries, jury scores, public vote,
ranking)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.activities import forms, selectors, services
from linli.activities.models import Activity, ActivityKind, ActivityPhoto, ActivitySignup
from linli.core.actions import run_form, run_service
from linli.core.documents import absolute_url, qr_svg
from linli.core.errors import ScopeError, ServiceError
from linli.core.permissions import get_visible, require
from linli.partners.rules import streets_seen
from linli.places.models import Street

PAGE_SIZE = 30


def _activity(request, activity_id: int) -> Activity:
    return get_visible(selectors.activities_visible_to(request.user), pk=activity_id)


@login_required
def activity_list(request):
    qs = selectors.activities_visible_to(request.user)
    street = request.GET.get("street", "")
    if street.isdigit():
        qs = qs.filter(street_id=int(street))
    project = request.GET.get("project", "")
    if project.isdigit():
        qs = qs.filter(projects__id=int(project))
    kind = request.GET.get("kind", "")
    if kind in ActivityKind.values:
        qs = qs.filter(kind=kind)
    rows = list(selectors.with_counts(qs).order_by("-starts_at", "-id")[:PAGE_SIZE])
    streets = Street.objects.filter(pk__in=streets_seen(request.user)).order_by("name")
    creatable = [s for s in streets if request.user.has_perm("activities.create_activity", s)]
    mine = set(
        ActivitySignup.objects.filter(
            user=request.user,
            status=ActivitySignup.Status.SIGNED,
            activity__in=[a.pk for a in rows],
        ).values_list("activity_id", flat=True)
    )
    return render(
        request,
        "activities/list.html",
        {
            "activities": rows,
            "creatable": creatable,
            "kinds": ActivityKind.choices,
            "kind": kind,
            "mine": mine,
            "now": timezone.now(),
        },
    )


@login_required
def activity_create(request):
    street_id = request.GET.get("street", "") or request.POST.get("street", "")
    streets = Street.objects.filter(pk__in=streets_seen(request.user))
    if not street_id.isdigit():
        creatable = [s for s in streets if request.user.has_perm("activities.create_activity", s)]
        if len(creatable) != 1:
            raise ScopeError(_("请从活动列表选择要发起活动的街道（镇）"))
        street = creatable[0]
    else:
        street = get_visible(streets, pk=int(street_id))
    require(request.user, "activities.create_activity", street, _("您无权在该街道（镇）发起活动"))
    form = forms.ActivityForm(request.POST or None, street=street, user=request.user)
    return run_form(
        request,
        form,
        lambda d: services.activity_create(actor=request.user, street=street, **d),
        template="activities/create.html",
        success=_("活动已发布，居民可以报名"),
        redirect_to=lambda a: reverse("activities:detail", args=[a.pk]),
        context={"street": street},
    )


def _detail_context(request, activity, **extra):
    user = request.user
    can_manage = user.has_perm("activities.manage_activity", activity)
    signup = activity.signups.filter(user=user).first()
    context = {
        "activity": activity,
        "can_manage": can_manage,
        "signup": signup if signup and signup.status == ActivitySignup.Status.SIGNED else None,
        "n_signed": selectors.signed_count(activity),
        "n_checked": activity.checkins.count(),
        "my_checkin": activity.checkins.filter(user=user).first(),
        "teams": activity.teams.all(),
        "projects": activity.projects.all(),
        "photos": activity.photos.all(),
        "can_sign_up": user.has_perm("activities.sign_up", activity)
        and activity.status == Activity.Status.OPEN
        and timezone.now() < activity.starts_at,
        "window": services.checkin_window(activity),
    }
    context["full"] = context["n_signed"] >= activity.capacity
    if can_manage:
        path = (
            reverse("activities:checkin", args=[activity.pk])
            + "?t="
            + services.checkin_token(activity)
        )
        url = absolute_url(request, path)
        context.update(
            {
                "checkin_url": url,
                "checkin_qr": qr_svg(url),
                "signups": activity.signups.filter(status=ActivitySignup.Status.SIGNED),
                "checkins": selectors.checkins_of(activity),
                "signin_form": forms.OfflineSignInForm(),
                "photo_form": forms.PhotoForm(),
                "link_form": forms.ProjectLinkForm(activity=activity),
                "cancel_form": forms.CancelForm(),
            }
        )
    context.update(extra)
    return context


@login_required
def activity_detail(request, activity_id: int):
    activity = _activity(request, activity_id)
    return render(request, "activities/detail.html", _detail_context(request, activity))


def _refusal(request, activity):
    return lambda status: render(
        request, "activities/detail.html", _detail_context(request, activity), status=status
    )


@login_required
@require_POST
def signup(request, activity_id: int):
    activity = _activity(request, activity_id)
    return run_service(
        request,
        lambda: services.activity_signup(
            actor=request.user, activity=activity, note=request.POST.get("note", "")
        ),
        success=_("报名成功"),
        redirect_to=reverse("activities:detail", args=[activity.pk]),
        render_refusal=_refusal(request, activity),
    )


@login_required
@require_POST
def cancel_signup(request, activity_id: int):
    activity = _activity(request, activity_id)
    return run_service(
        request,
        lambda: services.activity_cancel_signup(actor=request.user, activity=activity),
        success=_("已取消报名"),
        redirect_to=reverse("activities:detail", args=[activity.pk]),
        render_refusal=_refusal(request, activity),
    )


@login_required
def checkin(request, activity_id: int):
    """Opened by scanning the activity's QR code: confirm and check in as the logged-in user."""
    activity = _activity(request, activity_id)
    token = request.POST.get("t") or request.GET.get("t") or ""
    if not services.checkin_token_valid(activity, token):
        raise ServiceError(_("签到二维码无效或已过期，请扫描现场最新的二维码"), status=403)
    existing = activity.checkins.filter(user=request.user).first()
    status, error = 200, ""
    if request.method == "POST" and existing is None:
        try:
            existing = services.activity_checkin(actor=request.user, activity=activity, token=token)
        except ScopeError:
            raise
        except ServiceError as exc:
            error, status = exc.message, exc.status
    return render(
        request,
        "activities/checkin.html",
        {
            "activity": activity,
            "token": token,
            "checkin": existing,
            "error": error,
            "n_checked": activity.checkins.count(),
        },
        status=status,
    )


@login_required
def sign_in_offline(request, activity_id: int):
    activity = _activity(request, activity_id)
    require(request.user, "activities.manage_activity", activity, _("您无权为该活动代签"))
    form = forms.OfflineSignInForm(request.POST or None)
    return run_form(
        request,
        form,
        lambda d: services.activity_sign_in_offline(actor=request.user, activity=activity, **d),
        template="activities/detail.html",
        success=_("已代签"),
        redirect_to=reverse("activities:detail", args=[activity.pk]) + "#checkins",
        context=lambda: _detail_context(request, activity, signin_form=form),
    )


def _manage_button(request, activity_id, call, success, anchor=""):
    activity = _activity(request, activity_id)
    return run_service(
        request,
        lambda: call(activity),
        success=success,
        redirect_to=reverse("activities:detail", args=[activity.pk]) + anchor,
        render_refusal=_refusal(request, activity),
    )


@login_required
@require_POST
def rotate_code(request, activity_id: int):
    return _manage_button(
        request,
        activity_id,
        lambda a: services.activity_rotate_code(actor=request.user, activity=a),
        _("已更换签到二维码，旧二维码已失效"),
        "#qr",
    )


@login_required
@require_POST
def finish(request, activity_id: int):
    return _manage_button(
        request,
        activity_id,
        lambda a: services.activity_finish(actor=request.user, activity=a),
        _("活动已结束"),
    )


@login_required
def cancel(request, activity_id: int):
    activity = _activity(request, activity_id)
    require(request.user, "activities.manage_activity", activity, _("您无权管理该活动"))
    form = forms.CancelForm(request.POST or None)
    return run_form(
        request,
        form,
        lambda d: services.activity_cancel(actor=request.user, activity=activity, **d),
        template="activities/detail.html",
        success=_("活动已取消"),
        redirect_to=reverse("activities:detail", args=[activity.pk]),
        context=lambda: _detail_context(request, activity, cancel_form=form),
    )


@login_required
def link_project(request, activity_id: int):
    activity = _activity(request, activity_id)
    require(request.user, "activities.manage_activity", activity, _("您无权管理该活动"))
    form = forms.ProjectLinkForm(request.POST or None, activity=activity)
    return run_form(
        request,
        form,
        lambda d: services.activity_link_project(actor=request.user, activity=activity, **d),
        template="activities/detail.html",
        success=_("已关联项目"),
        redirect_to=reverse("activities:detail", args=[activity.pk]),
        context=lambda: _detail_context(request, activity, link_form=form),
    )


@login_required
def photo_add(request, activity_id: int):
    activity = _activity(request, activity_id)
    require(request.user, "activities.manage_activity", activity, _("您无权为该活动上传照片"))
    form = forms.PhotoForm(request.POST or None, request.FILES or None)
    return run_form(
        request,
        form,
        lambda d: services.activity_photo_add(actor=request.user, activity=activity, **d),
        template="activities/detail.html",
        success=_("照片已上传"),
        redirect_to=reverse("activities:detail", args=[activity.pk]) + "#photos",
        context=lambda: _detail_context(request, activity, photo_form=form),
    )


@login_required
def photo(request, photo_id: int):
    """An activity photo, for those who see the activity (404 otherwise)."""
    p = get_visible(
        ActivityPhoto.objects.filter(
            activity__in=selectors.activities_visible_to(request.user).values("pk")
        ),
        pk=photo_id,
    )
    try:
        handle = p.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- design contest


def _contest(request, activity_id):
    activity = _activity(request, activity_id)
    if activity.kind != ActivityKind.CONTEST:
        raise Http404
    return activity


def _contest_context(request, activity, **extra):
    from linli.activities.models import ContestJuror, JuryScore, PublicVote

    user = request.user
    juror = ContestJuror.objects.filter(activity=activity, user=user).first()
    my_scores = (
        dict(JuryScore.objects.filter(juror=juror).values_list("entry_id", "score"))
        if juror
        else {}
    )
    my_vote = PublicVote.objects.filter(activity=activity, user=user).first()
    can_manage = user.has_perm("activities.manage_activity", activity)
    context = {
        "activity": activity,
        "entries": selectors.ranking(activity),
        "juror": juror,
        "my_scores": my_scores,
        "my_vote": my_vote,
        "can_manage": can_manage,
        "jurors": activity.jurors.select_related("user") if can_manage else [],
        "entry_form": forms.EntryForm(),
        "juror_form": forms.JurorForm(),
        "n_votes": activity.public_votes.count(),
    }
    context.update(extra)
    return context


@login_required
def contest(request, activity_id: int):
    activity = _contest(request, activity_id)
    return render(request, "activities/contest.html", _contest_context(request, activity))


def _contest_form(request, activity, form, action, success, key):
    return run_form(
        request,
        form,
        action,
        template="activities/contest.html",
        success=success,
        redirect_to=reverse("activities:contest", args=[activity.pk]),
        context=lambda: _contest_context(request, activity, **{key: form}),
    )


@login_required
def entry_add(request, activity_id: int):
    activity = _contest(request, activity_id)
    require(request.user, "activities.manage_activity", activity, _("您无权管理该设计赛"))
    form = forms.EntryForm(request.POST or None)
    return _contest_form(
        request,
        activity,
        form,
        lambda d: services.entry_add(actor=request.user, activity=activity, **d),
        _("作品已登记"),
        "entry_form",
    )


@login_required
def juror_add(request, activity_id: int):
    activity = _contest(request, activity_id)
    require(request.user, "activities.manage_activity", activity, _("您无权管理该设计赛"))
    form = forms.JurorForm(request.POST or None)
    return _contest_form(
        request,
        activity,
        form,
        lambda d: services.juror_add(actor=request.user, activity=activity, **d),
        _("评委已添加"),
        "juror_form",
    )


def _contest_refusal(request, activity):
    return lambda status: render(
        request, "activities/contest.html", _contest_context(request, activity), status=status
    )


@login_required
@require_POST
def score(request, entry_id: int):
    from linli.activities.models import ContestEntry

    entry = get_visible(
        ContestEntry.objects.filter(
            activity__in=selectors.activities_visible_to(request.user).values("pk")
        ).select_related("activity"),
        pk=entry_id,
    )
    form = forms.ScoreForm(request.POST)
    if not form.is_valid():
        raise ServiceError(_("评分必须是1到10的整数，评语不超过200字"))
    return run_service(
        request,
        lambda: services.jury_score(actor=request.user, entry=entry, **form.cleaned_data),
        success=_("评分已保存"),
        redirect_to=reverse("activities:contest", args=[entry.activity_id]),
        render_refusal=_contest_refusal(request, entry.activity),
    )


@login_required
@require_POST
def vote(request, activity_id: int):
    activity = _contest(request, activity_id)
    entry = get_visible(activity.entries.all(), pk=request.POST.get("entry", ""))
    return run_service(
        request,
        lambda: services.public_vote(actor=request.user, activity=activity, entry=entry),
        success=_("投票成功，谢谢参与"),
        redirect_to=reverse("activities:contest", args=[activity.pk]),
        render_refusal=_contest_refusal(request, activity),
    )


@login_required
@require_POST
def voting(request, activity_id: int):
    activity = _contest(request, activity_id)
    is_open = request.POST.get("open") == "1"
    return run_service(
        request,
        lambda: services.voting_set(actor=request.user, activity=activity, open=is_open),
        success=_("公众投票已开启") if is_open else _("公众投票已关闭"),
        redirect_to=reverse("activities:contest", args=[activity.pk]),
        render_refusal=_contest_refusal(request, activity),
    )
