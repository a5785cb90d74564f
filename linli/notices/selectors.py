"""Scoped reads of notices: drafts only for managers, published ones for the committee."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from linli.accounts.scopes import scopes_for
from linli.notices.models import Notice, Objection


def notices_visible_to(user) -> QuerySet[Notice]:
    scopes = scopes_for(user)
    return (
        Notice.objects.filter(
            Q(committee_id__in=scopes.managed_committee_ids)
            | (Q(committee_id__in=scopes.visible_committee_ids) & ~Q(status=Notice.Status.DRAFT))
        )
        .select_related("committee", "committee__street", "project")
        .annotate(
            n_objections=Count("objections", distinct=True),
            n_unanswered=Count(
                "objections", filter=Q(objections__responded_at__isnull=True), distinct=True
            ),
        )
    )


def objections_visible_to(user) -> QuerySet[Objection]:
    """Managers see every objection of their committees; others only their own."""
    scopes = scopes_for(user)
    if not getattr(user, "is_authenticated", False):
        return Objection.objects.none()
    return Objection.objects.filter(
        Q(notice__committee_id__in=scopes.managed_committee_ids)
        | Q(author=user, notice__committee_id__in=scopes.visible_committee_ids)
    ).select_related("notice", "author", "responded_by")


def unanswered_objections_of_project(project) -> QuerySet[Objection]:
    return Objection.objects.filter(notice__project=project, responded_at__isnull=True)


def subject_for(user, type_label: str | None, subject_id) -> object | None:
    """The object a notice will publish, named ``app_label.model`` + id, if the user manages
    its committee; otherwise 404 (``Http404``), so other committees' objects stay unseen."""
    from django.contrib.contenttypes.models import ContentType
    from django.http import Http404

    from linli.notices.services import subject_committee_id

    if not type_label and subject_id in (None, ""):
        return None
    try:
        app_label, model = str(type_label).lower().split(".", 1)
        ct = ContentType.objects.get(app_label=app_label, model=model)
        obj = ct.get_object_for_this_type(pk=int(subject_id))
    except Exception as exc:  # bad label, unknown model or id
        raise Http404(_("公示对象不存在")) from exc
    if subject_committee_id(obj) not in scopes_for(user).managed_committee_ids:
        raise Http404(_("公示对象不存在"))
    return obj
