"""Helpers that apply the named rules the same way in views and API handlers."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from linli.core.errors import ScopeError


def require(user, perm: str, obj=None, message: str = "您无权进行此操作") -> None:
    """Raise 403 (ScopeError) unless ``user`` has ``perm`` on ``obj``.

    The one permission check of every service (and of the few views that guard a page
    no service backs); ``user`` may be ``None`` (a system call), which has no permission."""
    if user is None or not user.has_perm(perm, obj):
        raise ScopeError(message)


def get_visible(queryset, **lookup):
    """An object from a scoped queryset, or 404: objects outside one's scope do not exist."""
    try:
        return get_object_or_404(queryset, **lookup)
    except (ValueError, TypeError) as exc:
        raise Http404 from exc


def get_visible_or_none(queryset, pk):
    """``get_visible(queryset, pk=pk)`` for an optional id (an API payload's ``x_id: int |
    None``): ``None`` when no id was given, 404 when it names nothing one may see."""
    return get_visible(queryset, pk=pk) if pk else None
