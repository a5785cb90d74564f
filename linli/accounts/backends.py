"""Authentication by mobile + password, and by mobile + one-time SMS code."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class MobilePasswordBackend(ModelBackend):
    """``authenticate(mobile=..., password=...)``; ``username`` is accepted as an alias."""

    def authenticate(self, request, mobile=None, password=None, username=None, **kwargs):
        from linli.accounts.models import User

        mobile = mobile or username
        if not mobile or password is None:
            return None
        try:
            user = User.objects.get(mobile=mobile)
        except User.DoesNotExist:
            User().set_password(password)  # spend the same time as a real check
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class SmsCodeBackend(ModelBackend):
    def authenticate(self, request, mobile=None, sms_code=None, **kwargs):
        if not mobile or not sms_code:
            return None
        from linli.accounts.services import sms_code_consume

        return sms_code_consume(mobile=mobile, code=sms_code)
