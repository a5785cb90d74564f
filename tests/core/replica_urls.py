"""URLs for the read-replica test: an open-data style page (replica-eligible) that lists
district names and says which database answered, and the same path for writing one."""

from django.http import JsonResponse
from django.urls import path

from linli.places.models import District


def districts(request):
    if request.method == "POST":
        District.objects.create(name=request.POST["name"])
        return JsonResponse({"ok": True})
    rows = District.objects.order_by("name")
    return JsonResponse({"db": rows.db, "names": list(rows.values_list("name", flat=True))})


urlpatterns = [
    path("open/districts", districts),
    path("votes/districts", districts),  # not replica-eligible
]
