"""Account endpoints: who am I, my roles, API tokens, preferences, SMS login codes."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from linli.accounts import services
from linli.accounts.models import ApiToken
from linli.accounts.scopes import scopes_for
from linli.accounts.throttle import client_address
from linli.core.masking import mask_mobile
from linli.core.permissions import get_visible

router = Router(tags=["账号"])


class RoleOut(Schema):
    role: str
    role_label: str
    scope_level: str
    scope_id: int
    scope_name: str


class MeOut(Schema):
    id: int
    name: str
    mobile_masked: str
    large_text: bool
    roles: list[RoleOut]
    managed_committee_ids: list[int]
    visible_committee_ids: list[int]


@router.get("/me", response=MeOut, summary="当前账号与角色")
def me(request):
    user = request.auth
    scopes = scopes_for(user)
    roles = [
        RoleOut(
            role=a.role,
            role_label=a.get_role_display(),
            scope_level=a.scope_level,
            scope_id=a.scope.pk,
            scope_name=str(a.scope),
        )
        for a in user.roles.all()
    ]
    return MeOut(
        id=user.pk,
        name=user.name,
        mobile_masked=mask_mobile(user.mobile),
        large_text=user.large_text,
        roles=roles,
        managed_committee_ids=sorted(scopes.managed_committee_ids),
        visible_committee_ids=sorted(scopes.visible_committee_ids),
    )


class PreferencesIn(Schema):
    large_text: bool


@router.put("/me/preferences", response=MeOut, summary="设置大字模式")
def set_preferences(request, payload: PreferencesIn):
    services.user_set_large_text(actor=request.auth, enabled=payload.large_text)
    return me(request)


class TokenIn(Schema):
    name: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    revoked: bool


class TokenCreatedOut(TokenOut):
    key: str


@router.get("/tokens", response=list[TokenOut], summary="我的 API 令牌")
def list_tokens(request):
    return [
        TokenOut(
            id=t.pk,
            name=t.name,
            prefix=t.prefix,
            created_at=t.created_at,
            revoked=t.revoked_at is not None,
        )
        for t in ApiToken.objects.filter(user=request.auth).order_by("-created_at")
    ]


@router.post("/tokens", response={201: TokenCreatedOut}, summary="创建 API 令牌（密钥只显示一次）")
def create_token(request, payload: TokenIn):
    token, key = services.api_token_create(actor=request.auth, name=payload.name)
    return Status(
        201,
        TokenCreatedOut(
            id=token.pk,
            name=token.name,
            prefix=token.prefix,
            created_at=token.created_at,
            revoked=False,
            key=key,
        ),
    )


@router.delete("/tokens/{token_id}", response={204: None}, summary="撤销 API 令牌")
def revoke_token(request, token_id: int):
    token = get_visible(ApiToken.objects.filter(user=request.auth), pk=token_id)
    services.api_token_revoke(actor=request.auth, token=token)
    return Status(204, None)


class SmsRequestIn(Schema):
    mobile: str = Field(..., max_length=20)


@router.post("/sms-code", auth=None, response={202: dict}, summary="发送登录验证码")
def request_sms_code(request, payload: SmsRequestIn):
    services.sms_code_request(mobile=payload.mobile, client_address=client_address(request))
    return Status(202, {"detail": _("如该手机号已注册，验证码已发送")})
