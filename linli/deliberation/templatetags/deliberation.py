"""``{% load deliberation %}{% siyi_track project %}`` — the 四议 track for any page."""

from __future__ import annotations

from django import template

from linli.deliberation.selectors import siyi_track as siyi_track_selector

register = template.Library()


@register.inclusion_tag("deliberation/_siyi_track.html", takes_context=True)
def siyi_track(context, project):
    request = context.get("request")
    user = getattr(request, "user", None)
    track = siyi_track_selector(user, project) if user is not None else []
    return {
        "project": project,
        "siyi": track,
        "can_record": bool(user and user.has_perm("deliberation.record_siyi", project)),
        "request": request,
    }
