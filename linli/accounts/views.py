"""Log in (password or SMS code), log out, and the profile page with its preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts import services, throttle
from linli.accounts.forms import ApiTokenForm, PasswordLoginForm, SmsLoginForm, SmsRequestForm
from linli.accounts.models import ApiToken
from linli.accounts.scan import scan_purpose
from linli.core.actions import run_form, run_service
from linli.core.errors import ServiceError


def _next_url(request) -> str:
    """Where to go after logging in: only a path on this site ("/…"), never another host,
    scheme or a protocol-relative/backslash trick; anything else goes home."""
    target = (request.POST.get("next") or request.GET.get("next") or "").strip()
    if (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return "/"


def login_view(request):
    """One page, two tabs: mobile + password, or mobile + a code sent by SMS."""
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_next_url(request))
    # Arrived from a printed QR code: say what it is, and offer the SMS code first.
    scan = scan_purpose(_next_url(request))
    mode = request.POST.get("mode") or request.GET.get("mode") or ("sms" if scan else "password")
    if mode not in {"password", "sms"}:
        mode = "password"
    password_form = PasswordLoginForm(prefix="pw")
    sms_form = SmsLoginForm(prefix="sms")
    status = 200
    code_sent = False
    password_paused = False

    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "password":
            password_form = PasswordLoginForm(request.POST, prefix="pw")
            status = 400
            if password_form.is_valid():
                mobile = password_form.cleaned_data["mobile"]
                user = authenticate(
                    request, mobile=mobile, password=password_form.cleaned_data["password"]
                )
                if user is not None:
                    login(request, user, backend="linli.accounts.backends.MobilePasswordBackend")
                    return redirect(_next_url(request))
                # Paused before this try, or by it: say until when, and that SMS works.
                refusal = throttle.password_refusal(mobile, throttle.client_address(request))
                if refusal is not None:
                    password_form.add_error(None, refusal.message)
                    password_paused = refusal.kind == throttle.Kind.PASSWORD_ACCOUNT
                    status = 429
                else:
                    password_form.add_error(None, _("手机号或密码不正确"))
        elif action == "sms_request":
            mode = "sms"
            request_form = SmsRequestForm(request.POST, prefix="sms")
            sms_form = SmsLoginForm(
                initial={"mobile": request.POST.get("sms-mobile", "")}, prefix="sms"
            )
            if request_form.is_valid():
                try:
                    services.sms_code_request(
                        mobile=request_form.cleaned_data["mobile"],
                        client_address=throttle.client_address(request),
                    )
                    code_sent = True
                except ServiceError as exc:
                    sms_form = SmsLoginForm(
                        initial={"mobile": request_form.cleaned_data["mobile"]}, prefix="sms"
                    )
                    messages.error(request, exc.message)
                    status = exc.status
            else:
                for error in request_form.errors.get("mobile", []):
                    messages.error(request, error)
                status = 400
        elif action == "sms_login":
            mode = "sms"
            sms_form = SmsLoginForm(request.POST, prefix="sms")
            status = 400
            if sms_form.is_valid():
                user = authenticate(
                    request,
                    mobile=sms_form.cleaned_data["mobile"],
                    sms_code=sms_form.cleaned_data["code"],
                )
                if user is not None:
                    login(request, user, backend="linli.accounts.backends.SmsCodeBackend")
                    return redirect(_next_url(request))
                refusal = throttle.sms_login_refusal(throttle.client_address(request))
                if refusal is not None:
                    sms_form.add_error(None, refusal.message)
                    status = 429
                else:
                    sms_form.add_error("code", _("验证码不正确或已过期"))
        else:
            status = 400
            messages.error(request, _("请求有误，请检查后重试"))

    return render(
        request,
        "accounts/login.html",
        {
            "mode": mode,
            "password_form": password_form,
            "sms_form": sms_form,
            "code_sent": code_sent,
            "password_paused": password_paused,
            "scan": scan,
            "next": _next_url(request)
            if (request.POST.get("next") or request.GET.get("next"))
            else "",
        },
        status=status,
    )


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


def _profile_context(request, **extra):
    user = request.user
    roles = user.roles.select_related(
        "district",
        "street",
        "committee",
        "compound__committee",
        "building__compound",
        "flat__building__compound",
    ).order_by("role", "id")
    tokens = user.api_tokens.order_by("-created_at")
    context = {"roles": roles, "tokens": tokens, "token_form": ApiTokenForm()}
    context.update(extra)
    return context


@login_required
def profile(request):
    return render(request, "accounts/profile.html", _profile_context(request))


@login_required
@require_POST
def large_text(request):
    """Turn large-text mode on or off; remembered on the account for every device."""
    enabled = request.POST.get("enabled") in {"1", "true", "on"}
    services.user_set_large_text(actor=request.user, enabled=enabled)
    if request.htmx:
        response = render(request, "accounts/_large_text.html", {"large_text": enabled})
        response["HX-Trigger"] = '{"linli:large-text": {"enabled": %s}}' % (
            "true" if enabled else "false"
        )
        return response
    messages.success(request, _("已开启大字模式") if enabled else _("已关闭大字模式"))
    return redirect(_next_url(request) if request.POST.get("next") else "accounts:profile")


@login_required
@require_POST
def token_create(request):
    form = ApiTokenForm(request.POST)
    return run_form(
        request,
        form,
        lambda d: services.api_token_create(actor=request.user, name=d["name"]),
        template="accounts/profile.html",
        context=lambda: _profile_context(request, token_form=form),
        # the key is shown this once, on this response (never kept for a redirect)
        respond=lambda made: render(
            request,
            "accounts/profile.html",
            _profile_context(request, new_key=made[1], new_token=made[0]),
        ),
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    return run_service(
        request,
        lambda: services.api_token_revoke(actor=request.user, token=token),
        success=_("令牌已撤销"),
        redirect_to=reverse("accounts:profile"),
    )
