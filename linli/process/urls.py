from django.urls import path

from linli.process import views

app_name = "process"
urlpatterns = [
    path("projects/<int:project_id>/", views.project_process, name="project"),
    path("projects/<int:project_id>/decision/", views.decision_link, name="decision"),
    path("projects/<int:project_id>/conflicts/new/", views.conflict_new, name="conflict_new"),
    path("conflicts/<int:conflict_id>/resolve/", views.conflict_resolve, name="conflict_resolve"),
    path("districts/<int:district_id>/", views.district_rules, name="district"),
]
