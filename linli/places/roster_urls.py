"""Household roster pages, mounted at /places/roster/ (namespace ``roster``)."""

from django.urls import path

from linli.places import roster_views as views

app_name = "roster"
urlpatterns = [
    path("", views.index, name="index"),
    path("template.xlsx", views.template, name="template"),
    path("committee/<int:committee_id>/import/", views.upload, name="upload"),
    path("committee/<int:committee_id>/export.xlsx", views.export, name="export"),
    path("imports/<int:import_id>/", views.status, name="status"),
]
