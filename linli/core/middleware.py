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
