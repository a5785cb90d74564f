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
