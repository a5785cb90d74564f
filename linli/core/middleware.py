"""Turn business-rule refusals raised in page views into a friendly 4xx page."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import render

from linli.core.errors import ServiceError


class ServiceErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):
            return _out_of_range(request)
        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, ServiceError):
            return render(
                request,
                "error.html",
                {"status": exception.status, "message": exception.message},
                status=exception.status,
            )
        if isinstance(exception, ValidationError):
            return render(
                request,
                "error.html",
                {"status": 400, "message": "；".join(exception.messages)},
                status=400,
            )
        return None


INT64_MAX = 2**63 - 1


def _out_of_range(request):
    """A number too large for the database (SQLite refuses integers >= 2**63) or for a date
    computation: one central answer instead of a 500 in every endpoint. An id in the path
    that no row can have is a 404 like any missing object; any other number is a 400."""
    from django.http import JsonResponse

    huge_id = any(
        part.isdigit() and int(part) > INT64_MAX for part in request.path.split("/") if part
    )
    status = 404 if huge_id else 400
    message = "对象不存在或您无权查看" if huge_id else "数值超出允许范围，请检查后重试"
    if request.path.startswith("/api/"):
        code = "not_found" if huge_id else "out_of_range"
        return JsonResponse(
            {"detail": message, "code": code},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "error.html", {"status": status, "message": message}, status=status)


class ChineseFirstLocaleMiddleware:
    """Chinese unless the user picked another language (language cookie from the switcher).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a resident whose
    phone is set to English would get an English UI they never asked for.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class AccessLogMiddleware:
    """One JSON line per request on the ``linli.access`` logger.

    Fields: ts, method, path, status, duration_ms, queries (SQL statements the request ran on
    the default database), bytes, user (id or null), addr. Outermost in MIDDLEWARE so the time
    covers every other middleware, static files included.
    """

    def __init__(self, get_response):
        import logging

        self.get_response = get_response
        self.logger = logging.getLogger("linli.access")

    def __call__(self, request):
        import json
        import time

        from django.db import connection
        from django.utils.functional import empty

        if not self.logger.isEnabledFor(20):  # logging.INFO
            return self.get_response(request)
        counter = _QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        duration_ms = (time.perf_counter() - started) * 1000
        # Only a user the request already loaded: never query the session just to log it.
        user = getattr(request, "user", None)
        loaded = getattr(user, "_wrapped", user)
        user_id = None if loaded is None or loaded is empty else getattr(loaded, "pk", None)
        length = response.get("Content-Length")
        self.logger.info(
            json.dumps(
                {
                    "ts": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(duration_ms, 1),
                    "queries": counter.count,
                    "bytes": int(length) if length and length.isdigit() else None,
                    "user": user_id,
                    "addr": request.META.get("REMOTE_ADDR"),
                },
                ensure_ascii=False,
            )
        )
        return response


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body exceeds ``LINLI_MAX_REQUEST_BYTES`` with 413,
    before any of it is read (Django's own limits apply only once parsing has started)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        limit = settings.LINLI_MAX_REQUEST_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if limit and declared > limit:
            message = f"请求内容过大（上限 {limit // (1024 * 1024)} MB），请压缩或分批上传"
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse(
                    {"detail": message, "code": "too_large"},
                    status=413,
                    json_dumps_params={"ensure_ascii": False},
                )
            from django.http import HttpResponse
            from django.template.loader import render_to_string

            # Rendered without the request: no session or database work for a refused request.
            html = render_to_string("error.html", {"status": 413, "message": message})
            return HttpResponse(html, status=413)
        return self.get_response(request)


class RejectNulBytesMiddleware:
    """Refuse a NUL byte in any text a client sends (query, form fields, JSON), with a 400.

    PostgreSQL cannot store NUL in text and would answer 500 deep inside a query; SQLite
    would store it. Refusing it at the door gives one answer on both databases. Uploaded
    files are binary and are not looked at.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            message = "提交的内容含有无效字符（空字符），请检查后重试"
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse(
                    {"detail": message, "code": "invalid_character"},
                    status=400,
                    json_dumps_params={"ensure_ascii": False},
                )
            return render(request, "error.html", {"status": 400, "message": message}, status=400)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path or any(
            "\x00" in k or "\x00" in v for k, values in request.GET.lists() for v in values
        ):
            return True
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return False
        content_type = request.content_type or ""
        if content_type == "application/json":
            body = request.body
            return b"\x00" in body or b"\\u0000" in body
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return any(
                "\x00" in k or "\x00" in v for k, values in request.POST.lists() for v in values
            )
        return False
