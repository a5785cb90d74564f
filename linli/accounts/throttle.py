"""Login throttling: password and SMS-code logins, and SMS-code requests.

Per account (mobile number) and per client address, counted in ``LoginThrottle`` rows so
every server process sees the same numbers:

- password: ``LINLI_PASSWORD_FAILURES_PER_ACCOUNT`` wrong passwords for one number within
  ``LINLI_LOGIN_WINDOW_SECONDS`` pause password login for that number for
  ``LINLI_LOGIN_LOCKOUT_SECONDS``. The owner can still log in by SMS code at once, and a
  successful SMS login lifts the pause (that is how the owner recovers).
- any login from one client address: ``LINLI_LOGIN_FAILURES_PER_ADDRESS`` failures (wrong
  passwords or wrong SMS codes) pause logins from that address.
- SMS-code logins per account: each code allows 5 attempts (``services.SMS_MAX_ATTEMPTS``) and a
  number gets at most ``LINLI_SMS_PER_NUMBER_PER_HOUR`` codes an hour, so at most 25 guesses an
  hour against a million codes; no lock on SMS login, so an attacker cannot lock the owner out.
- SMS-code requests: at most ``LINLI_SMS_PER_NUMBER_PER_HOUR`` per number and
  ``LINLI_SMS_PER_ADDRESS_PER_HOUR`` per address; a refused request writes nothing (no SMS
  row, no audit event).

The account lockout itself is audited (``login.locked``, only for registered numbers), so a
flood of anonymous requests cannot flood the audit trail.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.accounts.models import LoginThrottle, User, hash_secret

logger = logging.getLogger("linli.accounts.throttle")
Kind = LoginThrottle.Kind
HOUR = timedelta(hours=1)


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or the address the trusted proxy saw when
    ``LINLI_TRUSTED_PROXIES`` proxies stand in front (nginx appends it to X-Forwarded-For).
    IPv6 clients are counted per /64, the block one subscriber usually holds."""
    if request is None:
        return ""
    address = request.META.get("REMOTE_ADDR", "") or ""
    proxies = getattr(settings, "LINLI_TRUSTED_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            address = hops[-min(proxies, len(hops))]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 6 and not ip.is_loopback:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class Refusal:
    kind: str
    until: datetime

    @property
    def until_text(self) -> str:
        local = timezone.localtime(self.until)
        if local.date() == timezone.localdate():
            return f"{local:%H:%M}"
        return f"{local.month}月{local.day}日 {local:%H:%M}"

    @property
    def message(self) -> str:
        when = self.until_text
        if self.kind == Kind.PASSWORD_ACCOUNT:
            return (
                f"密码错误次数过多，该账号的密码登录已暂停，请于 {when} 后再试。"
                "您现在就可以改用短信验证码登录，登录成功后密码登录随即恢复。"
            )
        if self.kind == Kind.LOGIN_ADDRESS:
            return f"您所在网络的登录失败次数过多，登录已暂停，请于 {when} 后再试。"
        if self.kind == Kind.SMS_NUMBER:
            return f"该手机号获取验证码的次数已达上限，请于 {when} 后再试。"
        return f"您所在网络获取验证码过于频繁，请于 {when} 后再试。"


def _key(value: str) -> str:
    return hash_secret(f"linli-throttle:{value}")


def _window() -> timedelta:
    return timedelta(seconds=settings.LINLI_LOGIN_WINDOW_SECONDS)


def _lockout() -> timedelta:
    return timedelta(seconds=settings.LINLI_LOGIN_LOCKOUT_SECONDS)


def _locked(kind: str, value: str) -> Refusal | None:
    if not value:
        return None
    until = (
        LoginThrottle.objects.filter(
            kind=kind, key_hash=_key(value), locked_until__gt=timezone.now()
        )
        .values_list("locked_until", flat=True)
        .first()
    )
    return Refusal(kind, until) if until else None


def _row_for_update(kind: str, value: str) -> LoginThrottle:
    key = _key(value)
    try:
        with transaction.atomic():
            row, _ = LoginThrottle.objects.get_or_create(kind=kind, key_hash=key)
    except IntegrityError:  # created by a concurrent request between our get and create
        pass
    return LoginThrottle.objects.select_for_update().get(kind=kind, key_hash=key)


@transaction.atomic
def _fail(kind: str, value: str, *, limit: int) -> Refusal | None:
    """Count one failure; lock the key when it reaches ``limit`` within the window."""
    if not value or limit <= 0:
        return None
    now = timezone.now()
    row = _row_for_update(kind, value)
    if row.locked_until and row.locked_until > now:
        return Refusal(kind, row.locked_until)
    if row.window_started_at <= now - _window() or row.locked_until:
        row.count, row.window_started_at, row.locked_until = 0, now, None
    row.count += 1
    started = None
    if row.count >= limit:
        row.locked_until = started = now + _lockout()
    row.save(update_fields=["count", "window_started_at", "locked_until"])
    return Refusal(kind, started) if started else None


def _clear(kind: str, value: str) -> None:
    if value:
        LoginThrottle.objects.filter(kind=kind, key_hash=_key(value)).delete()


# -- password logins ---------------------------------------------------------------------


def password_refusal(mobile: str, address: str) -> Refusal | None:
    """Why a password login for ``mobile`` from ``address`` may not be tried now, if so."""
    return _locked(Kind.LOGIN_ADDRESS, address) or _locked(Kind.PASSWORD_ACCOUNT, mobile)


def password_failed(mobile: str, address: str) -> Refusal | None:
    """Count a wrong password (for unknown numbers too: no account enumeration)."""
    by_address = _fail(Kind.LOGIN_ADDRESS, address, limit=settings.LINLI_LOGIN_FAILURES_PER_ADDRESS)
    by_account = _fail(
        Kind.PASSWORD_ACCOUNT, mobile, limit=settings.LINLI_PASSWORD_FAILURES_PER_ACCOUNT
    )
    if by_account is not None:
        _audit_account_lock(mobile, by_account)
    if by_address is not None:
        logger.warning("登录失败过多，已暂停该客户端地址的登录至 %s", by_address.until.isoformat())
    return by_address or by_account


def password_succeeded(mobile: str) -> None:
    _clear(Kind.PASSWORD_ACCOUNT, mobile)


def _audit_account_lock(mobile: str, refusal: Refusal) -> None:
    user = User.objects.filter(mobile=mobile).first()
    if user is None:
        return
    from linli.audit.services import audit_record

    with transaction.atomic():
        audit_record(
            actor=None,
            action="login.locked",
            obj=user,
            after={"kind": "password", "until": refusal.until.isoformat()},
        )


# -- SMS-code logins ---------------------------------------------------------------------


def sms_login_refusal(address: str) -> Refusal | None:
    return _locked(Kind.LOGIN_ADDRESS, address)


def sms_login_failed(address: str) -> Refusal | None:
    refusal = _fail(Kind.LOGIN_ADDRESS, address, limit=settings.LINLI_LOGIN_FAILURES_PER_ADDRESS)
    if refusal is not None:
        logger.warning("登录失败过多，已暂停该客户端地址的登录至 %s", refusal.until.isoformat())
    return refusal


def sms_login_succeeded(mobile: str) -> None:
    """The owner proved they hold the phone: lift any pause on their password login."""
    _clear(Kind.PASSWORD_ACCOUNT, mobile)


# -- SMS-code requests -------------------------------------------------------------------


def _quota_refusal(kind: str, value: str, limit: int) -> Refusal | None:
    if not value:
        return None
    row = LoginThrottle.objects.filter(kind=kind, key_hash=_key(value)).first()
    if row is None or row.window_started_at <= timezone.now() - HOUR:
        return None
    if row.count >= limit:
        return Refusal(kind, row.window_started_at + HOUR)
    return None


def sms_send_refusal(mobile: str, address: str) -> Refusal | None:
    """Read only: a refused request must write nothing."""
    return _quota_refusal(
        Kind.SMS_ADDRESS, address, settings.LINLI_SMS_PER_ADDRESS_PER_HOUR
    ) or _quota_refusal(Kind.SMS_NUMBER, mobile, settings.LINLI_SMS_PER_NUMBER_PER_HOUR)


@transaction.atomic
def sms_send_counted(mobile: str, address: str) -> None:
    now = timezone.now()
    for kind, value in ((Kind.SMS_ADDRESS, address), (Kind.SMS_NUMBER, mobile)):
        if not value:
            continue
        row = _row_for_update(kind, value)
        if row.window_started_at <= now - HOUR:
            row.count, row.window_started_at = 0, now
        row.count += 1
        row.save(update_fields=["count", "window_started_at"])
