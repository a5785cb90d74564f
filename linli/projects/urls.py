from django.urls import path

from linli.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/stage/", views.project_change_stage, name="change_stage"),
    path("<int:pk>/notes/", views.project_add_note, name="add_note"),
]
