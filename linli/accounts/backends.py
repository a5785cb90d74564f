"""Authentication by mobile + password, and by mobile + one-time SMS code.

Both are throttled per account and per client address (accounts.throttle) here, in the
backend, so every path that authenticates — the login page, the admin login — is covered.
A paused login raises PermissionDenied, which makes Django stop trying other backends.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from linli.accounts import throttle


class MobilePasswordBackend(ModelBackend):
    """``authenticate(mobile=..., password=...)``; ``username`` is accepted as an alias."""

    def authenticate(self, request, mobile=None, password=None, username=None, **kwargs):
        from linli.accounts.models import User

        mobile = (mobile or username or "").strip()
        if not mobile or password is None:
            return None
        address = throttle.client_address(request)
        if throttle.password_refusal(mobile, address):
            raise PermissionDenied
        try:
            user = User.objects.get(mobile=mobile)
        except User.DoesNotExist:
            User().set_password(password)  # spend the same time as a real check
            user = None
        if user is not None and user.check_password(password) and self.user_can_authenticate(user):
            throttle.password_succeeded(mobile)
            return user
        throttle.password_failed(mobile, address)
        return None


class SmsCodeBackend(ModelBackend):
    def authenticate(self, request, mobile=None, sms_code=None, **kwargs):
        if not mobile or not sms_code:
            return None
        from linli.accounts.services import sms_code_consume

        address = throttle.client_address(request)
        if throttle.sms_login_refusal(address):
            raise PermissionDenied
        user = sms_code_consume(mobile=mobile, code=sms_code)
        if user is None:
            throttle.sms_login_failed(address)
            return None
        throttle.sms_login_succeeded(mobile)
        return user
