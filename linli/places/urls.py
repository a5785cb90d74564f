from django.urls import path

from linli.places import views

app_name = "places"
urlpatterns = [
    path("district/<int:pk>/", views.district, name="district"),
    path("street/<int:pk>/", views.street, name="street"),
    path("committee/<int:pk>/", views.workbench, name="workbench"),
    path("planner/", views.planner_home, name="planner_home"),
    path("mine/", views.my_home, name="my_home"),
    path("compounds/<int:pk>/", views.compound, name="compound"),
    path(
        "compounds/<int:compound_pk>/microspaces/new/",
        views.microspace_create,
        name="microspace_create",
    ),
    path("buildings/<int:pk>/", views.building, name="building"),
    path("flats/<int:pk>/", views.flat, name="flat"),
    path(
        "flats/<int:pk>/people/<int:person_pk>/account/",
        views.person_link_account,
        name="person_link_account",
    ),
    path("microspaces/<int:pk>/", views.microspace, name="microspace"),
    path("microspaces/<int:pk>/edit/", views.microspace_edit, name="microspace_edit"),
    path("microspaces/<int:pk>/photos/", views.microspace_photo_add, name="microspace_photo_add"),
    path("facilities/", views.facilities, name="facilities"),
]
