"""Small includes other apps' pages use: the audit status on the transparency page and the
conventions of a resident's building on their home page."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("evaluation/_audit_status.html")
def audit_status(project):
    from linli.evaluation.selectors import audit_status_label

    return {"audit_status": audit_status_label(project) if project is not None else None}


@register.inclusion_tag("evaluation/_my_conventions.html", takes_context=True)
def my_conventions(context):
    from linli.accounts.scopes import scopes_for
    from linli.evaluation.models import Endorsement
    from linli.evaluation.selectors import conventions_for_flats

    user = context.get("user")
    flats = scopes_for(user).resident_flat_ids if user is not None else frozenset()
    if not flats:
        return {"conventions": []}
    conventions = list(conventions_for_flats(flats).order_by("-id")[:10])
    endorsed = set(
        Endorsement.objects.filter(
            convention__in=conventions, household__flat_id__in=flats
        ).values_list("convention_id", flat=True)
    )
    return {"conventions": conventions, "endorsed": endorsed}
