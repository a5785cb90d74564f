from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "linli.places"
    verbose_name = "社区登记"
