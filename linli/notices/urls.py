from django.urls import path

from linli.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.notice_create, name="create"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/poster.pdf", views.notice_poster, name="poster"),
    path("<int:pk>/publish/", views.notice_publish, name="publish"),
    path("<int:pk>/extend/", views.notice_extend, name="extend"),
    path("<int:pk>/withdraw/", views.notice_withdraw, name="withdraw"),
    path("<int:pk>/close/", views.notice_close, name="close"),
    path("<int:pk>/objections/", views.objection_lodge, name="object"),
    path(
        "<int:pk>/objections/<int:objection_pk>/respond/",
        views.objection_respond,
        name="respond",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.notice_attachment,
        name="attachment",
    ),
    path(
        "<int:pk>/objection-files/<int:attachment_pk>/",
        views.objection_attachment,
        name="objection_attachment",
    ),
]
