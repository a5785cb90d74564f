from django.urls import path

from linli.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("dictionary/", views.dictionary, name="dictionary"),
    path("dictionary.csv", views.dictionary_csv, name="dictionary_csv"),
    path("streets/<int:street_id>/", views.street, name="street"),
    path("streets/<int:street_id>/<int:year>.json", views.export_json, name="export_json"),
    path(
        "streets/<int:street_id>/<int:year>/<slug:dataset>.csv",
        views.export_csv,
        name="export_csv",
    ),
    path("notices/<int:notice_id>/", views.notice, name="notice"),
    path("votes/<int:vote_id>/", views.vote, name="vote"),
    path("projects/<int:project_id>/accounts/", views.accounts, name="accounts"),
]
