from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "linli.needs"
    verbose_name = "需求征集"

    def ready(self):
        from linli.projects.registry import register

        from .stage import STAGE_APP

        register(STAGE_APP)
