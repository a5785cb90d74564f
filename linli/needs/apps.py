from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "linli.needs"
    verbose_name = "需求征集"
