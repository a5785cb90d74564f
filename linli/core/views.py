"""Site-wide views: the role-aware home page and the error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

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
    return render(request, "core/no_role.html")


def _error(request, status: int, message: str):
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, "请求有误，请检查后重试")


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else "您无权访问此页面"
    return _error(request, 403, message)


def page_not_found(request, exception=None):
    return _error(request, 404, "页面不存在，或您无权查看")


def server_error(request):
    """The Chinese 500 page, rendered without the request's context processors: no session,
    user or database access, so it still renders when the database is what failed."""
    from django.http import HttpResponseServerError
    from django.template.loader import render_to_string

    html = render_to_string("error.html", {"status": 500, "message": "服务器出错了，请稍后再试"})
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


# Uploaded files that any signed-in member of the platform may fetch by URL. Everything else
# under MEDIA_ROOT (roster uploads with phone numbers, notice and objection attachments) is
# only reachable through the owning app's scoped download views.
PUBLIC_MEDIA_PREFIXES = ("site_plans/", "microspaces/", "needs/", "space_reports/")


@login_required
def media(request, path: str):
    from django.conf import settings
    from django.http import Http404
    from django.views.static import serve

    if not path.startswith(PUBLIC_MEDIA_PREFIXES) or ".." in path.split("/"):
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)
