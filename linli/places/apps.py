from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class PlacesConfig(AppConfig):
    name = "linli.places"
    verbose_name = gettext_lazy("社区登记")
