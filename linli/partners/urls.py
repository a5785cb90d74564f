from django.urls import path

from linli.partners import views

app_name = "partners"
urlpatterns = [
    path("", views.index, name="index"),
    path("street/<int:street_id>/", views.organisation, name="organisation"),
    path("street/<int:street_id>/new/", views.organisation_create, name="organisation_create"),
    path("street/<int:street_id>/apply/", views.apply, name="apply"),
    path("street/<int:street_id>/recommend/", views.recommend, name="recommend"),
    path("street/<int:street_id>/review/", views.review, name="review"),
    path("street/<int:street_id>/teams/new/", views.team_create, name="team_create"),
    path("street/<int:street_id>/units/", views.units, name="units"),
    path("street/<int:street_id>/contributions/", views.contributions, name="contributions"),
    path("<int:partner_id>/", views.profile, name="profile"),
    path("<int:partner_id>/edit/", views.partner_edit, name="partner_edit"),
    path("<int:partner_id>/leave/", views.partner_leave, name="partner_leave"),
    path("<int:partner_id>/approve/", views.approve, name="approve"),
    path("<int:partner_id>/decline/", views.decline, name="decline"),
    path("committees/<int:partner_committee_id>/", views.committee_edit, name="committee_edit"),
    path("teams/<int:team_id>/", views.team, name="team"),
    path(
        "teams/<int:team_id>/members/<int:partner_id>/leader/",
        views.team_set_leader,
        name="team_set_leader",
    ),
    path(
        "teams/<int:team_id>/members/<int:partner_id>/remove/",
        views.team_remove_member,
        name="team_remove_member",
    ),
]
