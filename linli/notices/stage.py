"""Notices' part of the project spine: the project's 公示, the objections guard, to-dos."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.projects.registry import StageApp, StageGuard, Todo, met, missing, records_section


def objections_answered(project):
    """A project moves on only when every objection to its notices is answered."""
    from linli.notices.models import Objection

    rows = list(
        Objection.objects.filter(notice__project_id=project.pk, responded_at__isnull=True)
        .values_list("notice__title", flat=True)
        .order_by("notice_id")
    )
    link = reverse("notices:list") + f"?project={project.pk}"
    if not rows:
        return met(_("公示的异议均已答复"), link)
    titles = "》《".join(dict.fromkeys(rows))
    return missing(
        _("公示《%(titles)s》尚有%(n)s条异议未答复，答复全部异议后才能进入下一阶段")
        % {"titles": titles, "n": len(rows)},
        link,
        _("居委会工作人员"),
    )


def notices_section(project, user):
    from linli.notices.selectors import notices_visible_to

    rows = notices_visible_to(user).filter(project=project).order_by("-id")
    return records_section(
        title=_("公示"),
        url=reverse("notices:list") + f"?project={project.pk}",
        rows=rows,
        item_url=lambda n: reverse("notices:detail", args=[n.pk]),
        item_status=lambda n: (
            n.status_label
            + (_("，%(n)s条异议待答复") % {"n": n.n_unanswered} if n.n_unanswered else "")
        ),
    )


def notices_todos(user):
    """Notices on display where this user may still lodge an objection: inside the period
    only (``Notice.is_open_for_objections``); an ended notice is nothing left to do."""
    from linli.notices.models import Notice
    from linli.notices.selectors import notices_visible_to

    now = timezone.now()
    rows = (
        notices_visible_to(user)
        .filter(status=Notice.Status.PUBLISHED, starts_at__lte=now, ends_at__gte=now)
        .order_by("-id")[:8]
    )
    return [
        Todo(
            kind=_("公示"),
            title=n.title,
            url=reverse("notices:detail", args=[n.pk]),
            until=n.ends_at,
        )
        for n in rows
    ]


STAGE_APP = StageApp(
    label="notices",
    order=35,
    section=notices_section,
    guards=(
        StageGuard(
            key="notices.objections_answered",
            title=gettext_lazy("公示异议均已答复"),
            check=objections_answered,
        ),
    ),
    todos=notices_todos,
)
