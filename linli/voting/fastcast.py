"""The short path of a vote day's hottest request: ``POST /api/votes/{id}/ballots``.

A middleware placed right after Django's SecurityMiddleware (so the access log, the body
size limit, the NUL-byte refusal, the HTTPS redirect and the security headers still apply)
answers a well-formed online cast made with a bearer token by itself: token check, the same
API throttle, :func:`linli.voting.services.ballot_cast_safely`, and the same JSON as the
django-ninja endpoint (``linli.voting.api.cast_ballot``). It skips what a token-authenticated
JSON cast does not use: sessions, CSRF (bearer requests are not CSRF-checked by the API
either), messages, htmx, CSP, the URL resolver and django-ninja's validation and rendering.

Everything else goes down the ordinary stack unchanged: session-authenticated casts, staff
casts (meeting, proxy), malformed bodies, unknown tokens, throttled callers and every
refusal. A refused cast rolled its transaction back and recorded nothing, so the ordinary
endpoint then answers it exactly as it always has (same status, message and 404-for-unseen
rule), at the price of doing the refused work twice.
"""

from __future__ import annotations

import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

PATH = re.compile(r"^/api/votes/(\d{1,18})/ballots$")
_TEXT_LIMITS = {"choice": None, "channel": None, "idempotency_key": 64}
_FIELDS = {"flat_id", "choice", "option_ids", "channel", "idempotency_key"} | {
    "proxy_name",
    "proxy_authorisation",
}


class FastCastMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path_info.startswith("/api/votes/"):
            match = PATH.match(request.path_info)
            if match is not None:
                response = fast_cast(request, int(match[1]))
                if response is not None:
                    return response
        return self.get_response(request)


def parse_cast(body: bytes) -> dict | None:
    """The cast's fields when the body is exactly what the API's ``CastIn`` accepts without
    coercion (an online cast), else None (the ordinary endpoint answers)."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or not set(data) <= _FIELDS:
        return None
    flat_id = data.get("flat_id", 0)
    if type(flat_id) is not int or flat_id <= 0:
        return None
    for name, limit in _TEXT_LIMITS.items():
        value = data.get(name, "")
        if not isinstance(value, str) or (limit is not None and len(value) > limit):
            return None
    if data.get("channel", "online") != "online":
        return None  # staff casts (meeting, proxy) take the ordinary path
    if data.get("proxy_name") or data.get("proxy_authorisation"):
        return None
    option_ids = data.get("option_ids", [])
    if not isinstance(option_ids, list) or any(type(i) is not int for i in option_ids):
        return None
    return {
        "flat_id": flat_id,
        "choice": data.get("choice", ""),
        "option_ids": option_ids,
        "idempotency_key": data.get("idempotency_key", ""),
    }


def _bearer_user(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key:
        return None
    from linli.accounts.services import api_token_user

    return api_token_user(key)


_THROTTLE = None


def _throttled(request) -> bool:
    global _THROTTLE
    if _THROTTLE is None:
        from linli.api import UserThrottle

        _THROTTLE = UserThrottle()
    return not _THROTTLE.allow_request(request)


def fast_cast(request, vote_id: int) -> HttpResponse | None:
    """Cast through the short path, or None to let the ordinary endpoint answer."""
    if request.content_type != "application/json" or "HTTP_AUTHORIZATION" not in request.META:
        return None
    fields = parse_cast(request.body)
    if fields is None:
        return None
    user = _bearer_user(request)
    if user is None:
        return None
    request.user = request.auth = user
    if _throttled(request):
        return None
    from linli.core.errors import ServiceError
    from linli.voting import services
    from linli.voting.models import Vote

    key = fields["idempotency_key"] or request.headers.get("Idempotency-Key", "")
    try:
        ballot = services.ballot_cast_safely(
            actor=user,
            vote=vote_id,
            flat=fields["flat_id"],
            choice=fields["choice"],
            option_ids=fields["option_ids"],
            channel="online",
            idempotency_key=key,
        )
    except (ServiceError, Vote.DoesNotExist):
        return None
    return HttpResponse(
        json.dumps(ballot_json(ballot), cls=DjangoJSONEncoder),
        content_type="application/json; charset=utf-8",
    )


def ballot_json(ballot) -> dict:
    """The API's ``BallotOut`` for a ballot (same keys, same order, same encoding)."""
    return {
        "vote_id": ballot.vote_id,
        "flat_id": ballot.elector.flat_id,
        "choice": ballot.choice,
        "option_ids": list(ballot.option_ids),
        "channel": ballot.channel,
        "revision": ballot.revision,
        "cast_at": ballot.cast_at,
    }
