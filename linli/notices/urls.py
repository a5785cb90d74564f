from django.urls import path

from linli.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.notice_create, name="create"),
    path("<int:notice_id>/", views.notice_detail, name="detail"),
    path("<int:notice_id>/poster.pdf", views.notice_poster, name="poster"),
    path("<int:notice_id>/publish/", views.notice_publish, name="publish"),
    path("<int:notice_id>/extend/", views.notice_extend, name="extend"),
    path("<int:notice_id>/withdraw/", views.notice_withdraw, name="withdraw"),
    path("<int:notice_id>/close/", views.notice_close, name="close"),
    path("<int:notice_id>/objections/", views.objection_lodge, name="object"),
    path(
        "<int:notice_id>/objections/<int:objection_id>/respond/",
        views.objection_respond,
        name="respond",
    ),
    path(
        "<int:notice_id>/attachments/<int:attachment_id>/",
        views.notice_attachment,
        name="attachment",
    ),
    path(
        "<int:notice_id>/objection-files/<int:attachment_id>/",
        views.objection_attachment,
        name="objection_attachment",
    ),
]
