from django.urls import path

from linli.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("badge/", views.badge, name="badge"),
    path("read-all/", views.read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("<int:notification_id>/open/", views.notification_open, name="open"),
    path("<int:notification_id>/read/", views.notification_read, name="read"),
    path("door/", views.door_home, name="door_home"),
    path("door/notice/<int:notice_id>/<int:building_id>/", views.door_notice, name="door_notice"),
    path(
        "door/notice/<int:notice_id>/<int:building_id>/print.pdf",
        views.door_notice_pdf,
        name="door_notice_pdf",
    ),
    path("door/vote/<int:vote_id>/<int:building_id>/", views.door_vote, name="door_vote"),
    path(
        "door/vote/<int:vote_id>/<int:building_id>/print.pdf",
        views.door_vote_pdf,
        name="door_vote_pdf",
    ),
]
