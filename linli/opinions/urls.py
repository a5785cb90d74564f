from django.urls import path

from linli.opinions import views

app_name = "opinions"
urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("new/", views.conversation_create, name="create"),
    path("<int:pk>/", views.conversation_detail, name="detail"),
    path("<int:pk>/statements/", views.statement_add, name="add_statement"),
    path("<int:pk>/statements/<int:statement_id>/vote/", views.vote, name="vote"),
    path(
        "<int:pk>/statements/<int:statement_id>/moderate/",
        views.statement_moderate,
        name="moderate_statement",
    ),
    path("<int:pk>/moderate/", views.moderate, name="moderate"),
    path("<int:pk>/status/", views.set_status, name="status"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/recompute/", views.recompute, name="recompute"),
]
