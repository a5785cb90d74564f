"""Root URL configuration: pages per app, the REST API under /api/, admin under /admin/."""

from django.contrib import admin
from django.urls import include, path, re_path

from linli.api import api
from linli.core import views as core_views

admin.site.site_header = "邻里 · 后台管理"
admin.site.site_title = "邻里后台"
admin.site.index_title = "后台记录"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("linli.accounts.urls")),
    path("places/roster/", include("linli.places.roster_urls")),
    path("places/", include("linli.places.urls")),
    path("projects/", include("linli.projects.urls")),
    path("needs/", include("linli.needs.urls")),
    path("surveys/", include("linli.surveys.urls")),
    path("conversations/", include("linli.opinions.urls")),
    path("planning/", include("linli.planning.urls")),
    path("meetings/", include("linli.deliberation.urls")),
    path("votes/", include("linli.voting.urls")),
    path("notices/", include("linli.notices.urls")),
    path("funding/", include("linli.funding.urls")),
    path("implementation/", include("linli.implementation.urls")),
    path("process/", include("linli.process.urls")),
    path("evaluation/", include("linli.evaluation.urls")),
    path("partners/", include("linli.partners.urls")),
    path("activities/", include("linli.activities.urls")),
    path("dashboards/", include("linli.dashboards.urls")),
    path("maps/", include("linli.maps.urls")),
    path("open/", include("linli.opendata.urls")),
    path("notifications/", include("linli.notifications.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
# Uploaded media: only public prefixes, only to signed-in users (see core.views.media).
urlpatterns += [re_path(r"^media/(?P<path>.+)$", core_views.media, name="media")]

handler400 = "linli.core.views.bad_request"
handler403 = "linli.core.views.permission_denied"
handler404 = "linli.core.views.page_not_found"
handler500 = "linli.core.views.server_error"
