from django.urls import path

from linli.activities import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="create"),
    path("<int:activity_id>/", views.activity_detail, name="detail"),
    path("<int:activity_id>/signup/", views.signup, name="signup"),
    path("<int:activity_id>/signup/cancel/", views.cancel_signup, name="cancel_signup"),
    path("<int:activity_id>/checkin/", views.checkin, name="checkin"),
    path("<int:activity_id>/sign-in/", views.sign_in_offline, name="sign_in"),
    path("<int:activity_id>/rotate-code/", views.rotate_code, name="rotate_code"),
    path("<int:activity_id>/finish/", views.finish, name="finish"),
    path("<int:activity_id>/cancel/", views.cancel, name="cancel"),
    path("<int:activity_id>/projects/", views.link_project, name="link_project"),
    path("<int:activity_id>/photos/", views.photo_add, name="photo_add"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
    path("<int:activity_id>/contest/", views.contest, name="contest"),
    path("<int:activity_id>/contest/entries/", views.entry_add, name="entry_add"),
    path("<int:activity_id>/contest/jurors/", views.juror_add, name="juror_add"),
    path("<int:activity_id>/contest/vote/", views.vote, name="vote"),
    path("<int:activity_id>/contest/voting/", views.voting, name="voting"),
    path("entries/<int:entry_id>/score/", views.score, name="score"),
]
