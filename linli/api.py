"""The REST API under /api/ (django-ninja; OpenAPI docs at /api/docs).

Authentication: ``Authorization: Bearer <token>`` (tokens from the account page or
``api_token_create``) or the browser session. Handlers check the same named rules
predicates as the pages and read through the same scoped selectors.
"""

from __future__ import annotations

import json
import math

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import _csrf_needed
from ninja.security import HttpBearer, django_auth
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from linli.core.errors import ServiceError


class ApiTokenBearer(HttpBearer):
    def authenticate(self, request, token):
        from linli.accounts.services import api_token_user

        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class LocalSwagger(Swagger):
    """Swagger UI from npm (swagger-ui-dist) through our static files, never from a CDN:
    /api/docs renders on an offline machine and without inline script."""

    template = "api/swagger.html"

    def render_page(self, request, api, **kwargs):
        swagger_settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {
            "swagger_settings": json.dumps(swagger_settings, indent=1),
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)


class _RateFromSettings:
    """Rate read from a Django setting on every request (env-configurable, test-overridable)."""

    setting_name = ""

    def __init__(self):
        super().__init__(rate=getattr(settings, self.setting_name))

    def allow_request(self, request):
        rate = getattr(settings, self.setting_name)
        if rate != self.rate:
            self.rate = rate
            self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)


class UserThrottle(_RateFromSettings, AuthRateThrottle):
    """Per signed-in user (token or session): ``LINLI_API_RATE_AUTH``."""

    setting_name = "LINLI_API_RATE_AUTH"

    def get_cache_key(self, request):
        if getattr(request, "auth", None) is None:
            return None  # anonymous callers are counted by AnonThrottle
        return self.cache_format % {"scope": self.scope, "ident": f"user-{request.auth.pk}"}


class AnonThrottle(_RateFromSettings, AnonRateThrottle):
    """Per client address for endpoints open without login: ``LINLI_API_RATE_ANON``."""

    setting_name = "LINLI_API_RATE_ANON"


api = NinjaAPI(
    title="邻里 Linli API",
    version="1.0",
    description="参与式社区规划平台接口。所有接口均按调用者的角色范围过滤数据。",
    auth=[ApiTokenBearer(), django_auth],
    urls_namespace="api",
    docs=LocalSwagger(),
    throttle=[AnonThrottle(), UserThrottle()],
)


@api.exception_handler(Throttled)
def on_throttled(request, exc: Throttled):
    wait = f"约 {math.ceil(exc.wait)} 秒后" if exc.wait else "稍后"
    return api.create_response(
        request,
        {"detail": f"请求过于频繁，请{wait}再试", "code": "throttled"},
        status=429,
    )


@api.exception_handler(ServiceError)
def on_service_error(request, exc: ServiceError):
    return api.create_response(
        request, {"detail": exc.message, "code": exc.code, "errors": exc.details}, status=exc.status
    )


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return api.create_response(
        request, {"detail": str(exc) or "您无权访问该资源", "code": "forbidden"}, status=403
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(
        request, {"detail": "对象不存在或您无权查看", "code": "not_found"}, status=404
    )


@api.exception_handler(ValidationError)
def on_django_validation(request, exc: ValidationError):
    messages = exc.messages if hasattr(exc, "messages") else [str(exc)]
    return api.create_response(
        request, {"detail": "；".join(messages), "code": "invalid"}, status=400
    )


@api.exception_handler(NinjaValidationError)
def on_validation(request, exc: NinjaValidationError):
    parts = []
    for err in exc.errors:
        loc = ".".join(
            str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")
        )
        parts.append(f"{loc}：{_zh(err)}" if loc else _zh(err))
    return api.create_response(
        request,
        {"detail": "请求数据有误：" + "；".join(parts), "code": "invalid", "errors": exc.errors},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return api.create_response(
        request, {"detail": "请先登录或提供有效的 API 令牌", "code": "unauthenticated"}, status=401
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return api.create_response(
        request, {"detail": str(exc), "code": "error"}, status=exc.status_code
    )


def _zh(err: dict) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "缺少必填项"
    if kind.startswith("int") or kind.startswith("float") or kind.startswith("decimal"):
        return "应为数字"
    if kind.startswith("string_too_long"):
        return "文字过长"
    if kind.startswith("string"):
        return "应为文字"
    if kind.startswith("json"):
        return "JSON 格式不正确"
    return err.get("msg", "格式不正确")


api.add_router("/accounts/", "linli.accounts.api.router")
api.add_router("/places/", "linli.places.api.router")
api.add_router("/projects/", "linli.projects.api.router")
api.add_router("/roster/", "linli.places.roster_api.router")
api.add_router("/meetings/", "linli.deliberation.api.router")
api.add_router("/votes/", "linli.voting.api.router")
api.add_router("/notices/", "linli.notices.api.router")
api.add_router("/needs/", "linli.needs.api.router")
api.add_router("/surveys/", "linli.surveys.api.router")
api.add_router("/conversations/", "linli.opinions.api.router")
api.add_router("/funding/", "linli.funding.api.router")
api.add_router("/implementation/", "linli.implementation.api.router")
api.add_router("/process/", "linli.process.api.router")
api.add_router("/evaluation/", "linli.evaluation.api.router")
api.add_router("/dashboards/", "linli.dashboards.api.router")
api.add_router("/planning/", "linli.planning.api.router")
api.add_router("/partners/", "linli.partners.api.router")
api.add_router("/activities/", "linli.activities.api.router")
api.add_router("/maps/", "linli.maps.api.router")
api.add_router("/open/", "linli.opendata.api.router")
api.add_router("/notifications/", "linli.notifications.api.router")
