"""Business actions on accounts: creation, roles, SMS login codes, API tokens, preferences."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts import throttle
from linli.accounts.models import (
    ROLE_SCOPE_LEVEL,
    ApiToken,
    Role,
    RoleAssignment,
    SmsCode,
    User,
    hash_secret,
)
from linli.accounts.scopes import forget_scopes
from linli.accounts.sms import get_sender
from linli.audit.services import audit_record
from linli.core.errors import ScopeError, ServiceError, ensure
from linli.core.validators import MOBILE_RE

SMS_MAX_ATTEMPTS = 5
SMS_MIN_INTERVAL_SECONDS = 60


@transaction.atomic
def user_create(
    *, actor, mobile: str, name: str, password: str | None = None, is_staff: bool = False
) -> User:
    mobile = (mobile or "").strip()
    ensure(MOBILE_RE.match(mobile), _("手机号格式不正确，应为11位数字并以1开头"))
    ensure(not User.objects.filter(mobile=mobile).exists(), _("该手机号已注册"))
    ensure((name or "").strip(), _("请填写姓名"))
    user = User.objects.create_user(
        mobile=mobile, password=password, name=name.strip(), is_staff=is_staff
    )
    audit_record(
        actor=actor, action="user.create", obj=user, after={"mobile": mobile, "name": user.name}
    )
    return user


def _can_grant(actor, role: str, scope) -> bool:
    """Managers grant roles inside what they manage; superusers anywhere."""
    if actor is None:
        return True  # system actions (management commands, demo)
    if actor.is_superuser:
        return True
    from linli.places.hierarchy import committee_id_of
    from linli.places.models import District, Street

    scopes = actor._linli_scopes if hasattr(actor, "_linli_scopes") else None
    from linli.accounts.scopes import scopes_for

    scopes = scopes or scopes_for(actor)
    if isinstance(scope, District):
        return scope.pk in scopes.managed_district_ids and role != Role.DISTRICT_ADMIN
    if isinstance(scope, Street):
        return scope.pk in scopes.managed_street_ids and (
            role != Role.STREET_STAFF or scope.district_id in scopes.managed_district_ids
        )
    return committee_id_of(scope) in scopes.managed_committee_ids


@transaction.atomic
def role_assign(*, actor, user: User, role: str, scope, title: str = "") -> RoleAssignment:
    ensure(role in Role.values, _("未知角色"))
    level = ROLE_SCOPE_LEVEL[role]
    ensure(
        scope is not None and scope._meta.model_name == level,
        _("角色“%(label)s”的范围必须是%(level)s") % {"label": Role(role).label, "level": level},
    )
    if not _can_grant(actor, role, scope):
        raise ScopeError(_("您无权在该范围内授予此角色"))
    existing = RoleAssignment.objects.filter(user=user, role=role, **{level: scope}).first()
    if existing:
        return existing
    assignment = RoleAssignment(user=user, role=role, title=title, **{level: scope})
    assignment.full_clean()
    assignment.save()
    forget_scopes(user)
    audit_record(
        actor=actor,
        action="role.assign",
        obj=assignment,
        after={"user": user.pk, "role": role, level: scope.pk},
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    if not _can_grant(actor, assignment.role, assignment.scope):
        raise ScopeError(_("您无权撤销此角色"))
    before = {
        "user": assignment.user_id,
        "role": assignment.role,
        assignment.scope_level: assignment.scope.pk,
    }
    audit_record(actor=actor, action="role.revoke", obj=assignment, before=before)
    assignment.delete()
    forget_scopes(assignment.user)


@transaction.atomic
def user_set_large_text(*, actor: User, enabled: bool) -> User:
    before = actor.large_text
    actor.large_text = bool(enabled)
    actor.save(update_fields=["large_text"])
    audit_record(
        actor=actor,
        action="user.large_text",
        obj=actor,
        before={"large_text": before},
        after={"large_text": actor.large_text},
    )
    return actor


@transaction.atomic
def sms_code_request(*, mobile: str, client_address: str = "") -> None:
    """Send a six-digit login code to a registered mobile number.

    Unknown numbers get the same answer as known ones (no account enumeration), but no SMS.
    Limited per number and per client address (accounts.throttle); a refused request writes
    nothing, neither an SMS row nor an audit event.
    """
    mobile = (mobile or "").strip()
    ensure(MOBILE_RE.match(mobile), _("手机号格式不正确，应为11位数字并以1开头"))
    refusal = throttle.sms_send_refusal(mobile, client_address)
    if refusal is not None:
        raise ServiceError(refusal.message, code="throttled", status=429)
    now = timezone.now()
    recent = SmsCode.objects.filter(
        mobile=mobile, created_at__gt=now - timedelta(seconds=SMS_MIN_INTERVAL_SECONDS)
    ).exists()
    ensure(not recent, _("验证码发送过于频繁，请一分钟后再试"), status=429, code="throttled")
    throttle.sms_send_counted(mobile, client_address)
    user = User.objects.filter(mobile=mobile, is_active=True).first()
    code = f"{secrets.randbelow(1_000_000):06d}"
    SmsCode.objects.create(
        mobile=mobile,
        code_hash=hash_secret(mobile + code),
        expires_at=now + timedelta(seconds=settings.LINLI_SMS_CODE_TTL_SECONDS),
    )
    if user is not None:
        sender = get_sender()
        transaction.on_commit(
            lambda: sender.send(
                mobile, f"【邻里】您的登录验证码是 {code}，5分钟内有效。如非本人操作请忽略。"
            )
        )
    audit_record(
        actor=None,
        action="sms.request",
        object_type="accounts.smscode",
        object_id=mobile[-4:],
        after={"registered": user is not None},
    )


@transaction.atomic
def sms_code_consume(*, mobile: str, code: str) -> User | None:
    """The user for a valid, unexpired, unused code; each code works once."""
    now = timezone.now()
    sms = (
        SmsCode.objects.select_for_update()
        .filter(mobile=mobile, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if sms is None:
        return None
    if sms.attempts >= SMS_MAX_ATTEMPTS:
        return None
    if sms.code_hash != hash_secret(mobile + (code or "").strip()):
        sms.attempts += 1
        sms.save(update_fields=["attempts"])
        return None
    user = User.objects.filter(mobile=mobile, is_active=True).first()
    if user is None:
        return None
    sms.used_at = now
    sms.save(update_fields=["used_at"])
    audit_record(actor=user, action="sms.login", obj=user)
    return user


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the plain key is returned once and never stored."""
    name = (name or "").strip()
    ensure(name, _("请填写令牌用途"))
    ensure(len(name) <= 60, _("令牌用途不能超过60字"))
    key = ApiToken.new_key()
    token = ApiToken(user=actor, name=name, key_hash=hash_secret(key), prefix=key[:8])
    token.full_clean()
    token.save()
    audit_record(
        actor=actor, action="token.create", obj=token, after={"name": name, "prefix": token.prefix}
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk and not actor.is_superuser:
        raise ScopeError(_("只能撤销自己的令牌"))
    ensure(token.revoked_at is None, _("该令牌已撤销"))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="token.revoke", obj=token)


TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)


def api_token_user(key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_secret(key or ""), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    # "Last used" to the nearest few minutes: a token busy on a vote day does not write its
    # row on every request (one write per TOKEN_TOUCH_INTERVAL instead).
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
