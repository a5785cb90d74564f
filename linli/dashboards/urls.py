from django.urls import path

from linli.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("street/<int:street_id>/", views.street, name="street"),
    path(
        "street/<int:street_id>/records/<slug:figure>/", views.street_records, name="street_records"
    ),
    path("street/<int:street_id>/report.pdf", views.street_pdf, name="street_pdf"),
    path("district/<int:district_id>/", views.district, name="district"),
    path(
        "district/<int:district_id>/records/<slug:figure>/",
        views.district_records,
        name="district_records",
    ),
    path("district/<int:district_id>/report.pdf", views.district_pdf, name="district_pdf"),
]
