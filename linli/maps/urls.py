from django.urls import path

from linli.maps import views

app_name = "maps"

urlpatterns = [
    path("committees/<int:committee_id>/", views.committee_map, name="committee"),
    path("streets/<int:street_id>/", views.street_map, name="street"),
    path("districts/<int:district_id>/", views.district_map, name="district"),
]
