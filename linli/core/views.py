"""Site-wide views: the role-aware home page and the error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from linli.accounts.scopes import scopes_for


@login_required
def home(request):
    """Send each user to the home page of their main role."""
    scopes = scopes_for(request.user)
    from linli.places.models import Committee, District, Street

    if scopes.managed_district_ids:
        district = (
            District.objects.filter(id__in=scopes.managed_district_ids).order_by("id").first()
        )
        return redirect("places:district", district.pk)
    if scopes.managed_street_ids:
        street = Street.objects.filter(id__in=scopes.managed_street_ids).order_by("id").first()
        return redirect("places:street", street.pk)
    if scopes.managed_committee_ids:
        committee = (
            Committee.objects.filter(id__in=scopes.managed_committee_ids).order_by("id").first()
        )
        return redirect("places:workbench", committee.pk)
    if scopes.planner_street_ids:
        return redirect("places:planner_home")
    if scopes.visible_committee_ids:
        return redirect("places:my_home")
    # No role in any community, but perhaps a task on one project: a third-party evaluator,
    # an auditor or a contractor's contact in a working group. Their to-dos are their home.
    from linli.evaluation.models import AuditorAssignment, EvaluatorAssignment
    from linli.projects.registry import todos_for

    assigned = (
        EvaluatorAssignment.objects.filter(user=request.user).exists()
        or AuditorAssignment.objects.filter(user=request.user).exists()
    )
    from linli.implementation.models import WorkingGroupMember

    groups = list(
        WorkingGroupMember.objects.filter(user=request.user)
        .select_related("project")
        .order_by("-project_id")[:20]
    )
    return render(
        request,
        "core/no_role.html",
        {"todos": todos_for(request.user), "assigned": assigned, "groups": groups},
    )


def _error(request, status: int, message: str):
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, _("请求有误，请检查后重试"))


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else _("您无权访问此页面")
    return _error(request, 403, message)


def page_not_found(request, exception=None):
    return _error(request, 404, _("页面不存在，或您无权查看"))


def server_error(request):
    """The Chinese 500 page, rendered without the request's context processors: no session,
    user or database access, so it still renders when the database is what failed."""
    from django.http import HttpResponseServerError
    from django.template.loader import render_to_string

    html = render_to_string("error.html", {"status": 500, "message": _("服务器出错了，请稍后再试")})
    return HttpResponseServerError(html)


def healthz(request):
    """Liveness: the process answers. No database, no session, no redirect to https."""
    from django.http import JsonResponse

    return JsonResponse({"status": "ok"})


_READY = {"migrated": False}


def readyz(request):
    """Readiness: the database answers a query and the migrations are applied."""
    import time

    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor
    from django.http import JsonResponse

    started = time.perf_counter()
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        pending = []
        if not _READY["migrated"]:  # loading the migration graph costs ~0.1 s: once per process
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
            _READY["migrated"] = not pending
    except Exception as exc:  # any failure means "not ready", reported, never raised
        return JsonResponse(
            {"status": "unavailable", "database": "error", "error": type(exc).__name__},
            status=503,
        )
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    if pending:
        return JsonResponse(
            {"status": "unavailable", "database": "ok", "pending_migrations": len(pending)},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok", "db_ms": elapsed})


# Uploaded files reachable by URL, each through the scope check of the object that owns it:
# prefix → (the owning object's scoped queryset for the user, its file field). Everything
# else under MEDIA_ROOT (roster uploads with phone numbers, notice and objection
# attachments, design files…) is only reachable through the owning app's download views.
def _media_owners():
    from linli.needs.models import NeedPhoto
    from linli.needs.selectors import needs_visible_to, space_reports_visible_to
    from linli.places.models import MicroSpacePhoto
    from linli.places.selectors import compounds_visible_to, microspaces_visible_to

    return {
        "site_plans/": (lambda user: compounds_visible_to(user), "site_plan"),
        "microspaces/": (
            lambda user: MicroSpacePhoto.objects.filter(
                microspace__in=microspaces_visible_to(user)
            ),
            "image",
        ),
        "needs/": (
            lambda user: NeedPhoto.objects.filter(need__in=needs_visible_to(user)),
            "image",
        ),
        "space_reports/": (lambda user: space_reports_visible_to(user), "photo"),
    }


@login_required
def media(request, path: str):
    """A photo or site plan, only for users who may see the object it belongs to: the
    object is found by its file path, then looked up through the same scoped selector as
    its page. Not found and not allowed answer the same 404."""
    from django.conf import settings
    from django.http import Http404
    from django.views.static import serve

    if ".." in path.split("/") or "\\" in path:
        raise Http404
    for prefix, (visible, field) in _media_owners().items():
        if path.startswith(prefix):
            if visible(request.user).filter(**{field: path}).exists():
                response = serve(request, path, document_root=settings.MEDIA_ROOT)
                response["Cache-Control"] = "private, max-age=3600"
                response["X-Content-Type-Options"] = "nosniff"
                return response
            break
    raise Http404
