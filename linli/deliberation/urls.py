from django.urls import path

from linli.deliberation import views

app_name = "deliberation"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_create, name="create"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/quorum/", views.meeting_quorum, name="quorum"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/sign-in/", views.staff_sign_in, name="sign_in"),
    path("<int:pk>/checkin/", views.check_in, name="checkin"),
    path("<int:pk>/close/", views.meeting_close, name="close"),
    path("<int:pk>/minutes/", views.minutes_edit, name="minutes_edit"),
    path("<int:pk>/minutes/approve/", views.minutes_approve, name="minutes_approve"),
    path("<int:pk>/signin-sheet.pdf", views.signin_sheet, name="signin_sheet"),
    path("siyi/<int:project_pk>/", views.siyi, name="siyi"),
]
