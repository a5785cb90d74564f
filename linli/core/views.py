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
    return render(
        request, "error.html", {"status": 500, "message": "服务器出错了，请稍后再试"}, status=500
    )


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
