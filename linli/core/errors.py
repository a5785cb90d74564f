"""One error type for business rules, so every entry point answers the same way.

Services raise :class:`ServiceError` with a Chinese message; HTML views show it to the user
with a 4xx status and the API returns ``{"detail": message, "code": code}``. Nothing is
half-written because services run in one transaction.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A business rule refused the action. ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, *, code: str = "invalid", status: int = 400, details=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.details = details or []


class ScopeError(ServiceError):
    """The acting user may not act on this object (403)."""

    def __init__(self, message: str = "您无权进行此操作", *, code: str = "forbidden"):
        super().__init__(message, code=code, status=403)


def ensure(condition: object, message: str, *, code: str = "invalid", status: int = 400) -> None:
    """Raise :class:`ServiceError` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise ServiceError(message, code=code, status=status)


def error_message(exc: Exception) -> str:
    """The Chinese message of a ServiceError or a Django ValidationError, for showing in a form."""
    if isinstance(exc, ServiceError):
        return exc.message
    return "；".join(getattr(exc, "messages", [str(exc)]))
