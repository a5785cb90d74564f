"""Template context shared by every page."""

from __future__ import annotations


def site(request):
    user = getattr(request, "user", None)
    large_text = bool(user and user.is_authenticated and getattr(user, "large_text", False))
    return {"SITE_NAME": "邻里", "large_text": large_text}
