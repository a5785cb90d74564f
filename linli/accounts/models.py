"""Accounts (log in by mobile number) and role assignments scoped to the hierarchy."""

from __future__ import annotations

import functools
import hashlib
import operator
import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.validators import validate_mobile, validate_no_script


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, mobile: str, password: str | None = None, **extra):
        if not mobile:
            raise ValueError("必须填写手机号")
        user = self.model(mobile=mobile, **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, mobile: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(mobile, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    mobile = models.CharField(
        gettext_lazy("手机号"), max_length=11, unique=True, validators=[validate_mobile]
    )
    name = models.CharField(gettext_lazy("姓名"), max_length=50, validators=[validate_no_script])
    is_active = models.BooleanField(gettext_lazy("启用"), default=True)
    is_staff = models.BooleanField(gettext_lazy("可进入后台"), default=False)
    large_text = models.BooleanField(gettext_lazy("大字模式"), default=False)
    date_joined = models.DateTimeField(gettext_lazy("注册时间"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "mobile"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = gettext_lazy("账号")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.name or self.mobile

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name


class Role(models.TextChoices):
    RESIDENT = "resident", gettext_lazy("居民")
    BUILDING_LEADER = "building_leader", gettext_lazy("楼组长")
    COMMITTEE_STAFF = "committee_staff", gettext_lazy("居委会工作人员")
    STREET_STAFF = "street_staff", gettext_lazy("街道工作人员")
    DISTRICT_ADMIN = "district_admin", gettext_lazy("区级管理员")
    PLANNER = "planner", gettext_lazy("社区规划师")
    OWNERS_COMMITTEE = "owners_committee", gettext_lazy("业委会成员")
    PROPERTY_COMPANY = "property_company", gettext_lazy("物业服务企业")
    PARTNER = "partner", gettext_lazy("社区合伙人")
    PARTY_ORG = "party_org", gettext_lazy("居民区党组织")


# Which hierarchy level each role is scoped to. The scope field named here must be set and
# the others left empty (checked in ``RoleAssignment.clean`` and by a DB constraint).
ROLE_SCOPE_LEVEL: dict[str, str] = {
    Role.RESIDENT: "flat",
    Role.BUILDING_LEADER: "building",
    Role.COMMITTEE_STAFF: "committee",
    Role.STREET_STAFF: "street",
    Role.DISTRICT_ADMIN: "district",
    Role.PLANNER: "street",
    Role.OWNERS_COMMITTEE: "compound",
    Role.PROPERTY_COMPANY: "compound",
    Role.PARTNER: "committee",
    Role.PARTY_ORG: "committee",
}
SCOPE_FIELDS = ["district", "street", "committee", "compound", "building", "flat"]


def _exactly_one_scope() -> models.Q:
    """Exactly one of the scope foreign keys is set (the others are NULL)."""
    return functools.reduce(
        operator.or_,
        (models.Q(**{f"{f}__isnull": f != keep for f in SCOPE_FIELDS}) for keep in SCOPE_FIELDS),
    )


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        User, verbose_name=gettext_lazy("账号"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(gettext_lazy("角色"), max_length=20, choices=Role.choices)
    district = models.ForeignKey(
        "places.District",
        verbose_name=gettext_lazy("区"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    street = models.ForeignKey(
        "places.Street",
        verbose_name=gettext_lazy("街道/镇"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    committee = models.ForeignKey(
        "places.Committee",
        verbose_name=gettext_lazy("居委会"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=gettext_lazy("小区"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    building = models.ForeignKey(
        "places.Building",
        verbose_name=gettext_lazy("楼栋"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    flat = models.ForeignKey(
        "places.Flat",
        verbose_name=gettext_lazy("户室"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(
        gettext_lazy("职务"), max_length=40, blank=True, validators=[validate_no_script]
    )
    created_at = models.DateTimeField(gettext_lazy("授予时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("角色授权")
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(
                name="role_has_exactly_one_scope",
                condition=_exactly_one_scope(),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope}"

    @property
    def scope_level(self) -> str:
        return ROLE_SCOPE_LEVEL[self.role]

    @property
    def scope(self):
        return getattr(self, self.scope_level)

    def clean(self):
        level = ROLE_SCOPE_LEVEL.get(self.role)
        if level is None:
            raise ValidationError({"role": "未知角色"})
        if getattr(self, f"{level}_id") is None:
            raise ValidationError(
                _("角色“%(role)s”必须指定所属的%(verbose_name)s")
                % {
                    "role": self.get_role_display(),
                    "verbose_name": RoleAssignment._meta.get_field(level).verbose_name,
                }
            )
        others = [f for f in SCOPE_FIELDS if f != level and getattr(self, f"{f}_id") is not None]
        if others:
            raise ValidationError(
                _("角色“%(role)s”只能指定一个范围（%(verbose_name)s）")
                % {
                    "role": self.get_role_display(),
                    "verbose_name": RoleAssignment._meta.get_field(level).verbose_name,
                }
            )


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class SmsCode(models.Model):
    """A one-time login code; only its hash is stored."""

    mobile = models.CharField(gettext_lazy("手机号"), max_length=11, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = gettext_lazy("短信验证码")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.mobile[:3]}****{self.mobile[-4:]} @ {self.created_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """Bearer token for the REST API; the key is shown once and stored hashed."""

    user = models.ForeignKey(
        User, verbose_name=gettext_lazy("账号"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(gettext_lazy("用途"), max_length=60, validators=[validate_no_script])
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("API 令牌")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_key() -> str:
        return "ll_" + secrets.token_urlsafe(30)


class LoginThrottle(models.Model):
    """A counter per account or client address in a fixed time window (accounts.throttle).

    Keys are stored hashed: the table says how often something happened, not who or from
    where. Counting in the database lets every server process see the same numbers.
    """

    class Kind(models.TextChoices):
        PASSWORD_ACCOUNT = "pw_account", gettext_lazy("密码登录失败（按账号）")
        LOGIN_ADDRESS = "login_addr", gettext_lazy("登录失败（按客户端地址）")
        SMS_NUMBER = "sms_number", gettext_lazy("验证码发送（按手机号）")
        SMS_ADDRESS = "sms_addr", gettext_lazy("验证码发送（按客户端地址）")

    kind = models.CharField(gettext_lazy("类型"), max_length=16, choices=Kind.choices)
    key_hash = models.CharField(gettext_lazy("对象摘要"), max_length=64)
    count = models.PositiveIntegerField(gettext_lazy("次数"), default=0)
    window_started_at = models.DateTimeField(gettext_lazy("计数起点"), default=timezone.now)
    locked_until = models.DateTimeField(gettext_lazy("暂停至"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("登录限制")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["kind", "key_hash"], name="login_throttle_kind_key")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ×{self.count}"
