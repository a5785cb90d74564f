from django.urls import path

from linli.deliberation import views

app_name = "deliberation"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_create, name="create"),
    path("<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("<int:meeting_id>/quorum/", views.meeting_quorum, name="quorum"),
    path("<int:meeting_id>/agenda/", views.agenda_add, name="agenda_add"),
    path("<int:meeting_id>/sign-in/", views.staff_sign_in, name="sign_in"),
    path("<int:meeting_id>/checkin/", views.check_in, name="checkin"),
    path("<int:meeting_id>/close/", views.meeting_close, name="close"),
    path("<int:meeting_id>/minutes/", views.minutes_edit, name="minutes_edit"),
    path("<int:meeting_id>/minutes/approve/", views.minutes_approve, name="minutes_approve"),
    path("<int:meeting_id>/signin-sheet.pdf", views.signin_sheet, name="signin_sheet"),
    path("siyi/<int:project_id>/", views.siyi, name="siyi"),
]
