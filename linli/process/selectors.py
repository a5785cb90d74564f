"""Read-side queries of the process pages and API, scoped like the step apps'."""

from __future__ import annotations

from django.utils.translation import gettext as _

from linli.process.checks import CONFLICT_MEETINGS, RESIDENT_BODIES


def decision_candidates(project) -> list[tuple[str, str, object]]:
    """(key, label, record) of every record that could decide the project, right body or not.

    The service refuses the wrong ones with the reason; listing them all lets staff see why.
    """
    from linli.deliberation.models import Minutes, Resolution
    from linli.voting.models import Vote, VoteResult

    out = []
    for r in VoteResult.objects.filter(
        vote__project_id=project.pk, vote__kind=Vote.Kind.OWNERS
    ).select_related("vote"):
        status = _("通过") if r.passed else _("未通过")
        out.append(
            (
                f"vote:{r.pk}",
                _("业主表决“%(title)s”（%(matter)s，%(status)s）")
                % {"title": r.vote.title, "matter": r.vote.get_matter_display(), "status": status},
                r,
            )
        )
    for res in (
        Resolution.objects.filter(
            minutes__meeting__project_id=project.pk,
            minutes__meeting__kind__in=RESIDENT_BODIES,
            minutes__status=Minutes.Status.APPROVED,
        )
        .select_related("minutes__meeting")
        .order_by("minutes__meeting__starts_at", "position")
    ):
        m = res.minutes.meeting
        status = {True: _("通过"), False: _("未通过")}.get(res.passed, _("未计票"))
        out.append(
            (
                f"res:{res.pk}",
                _("%(kind)s“%(title)s”决议%(position)s：%(text)s（%(status)s）")
                % {
                    "kind": m.get_kind_display(),
                    "title": m.title,
                    "position": res.position,
                    "text": res.text[:40],
                    "status": status,
                },
                res,
            )
        )
    return out


def conflict_meetings(project):
    from linli.deliberation.models import Meeting

    return Meeting.objects.filter(project_id=project.pk, kind__in=CONFLICT_MEETINGS).order_by(
        "-starts_at"
    )


def objection_notices(project):
    from linli.notices.models import Notice

    return Notice.objects.filter(project_id=project.pk, objections__isnull=False).distinct()


def failed_votes(project):
    from linli.voting.models import Vote

    return Vote.objects.filter(project_id=project.pk, result__passed=False)
