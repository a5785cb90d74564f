from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class NeedsConfig(AppConfig):
    name = "linli.needs"
    verbose_name = gettext_lazy("需求征集")

    def ready(self):
        from linli.projects.registry import register

        from .stage import STAGE_APP

        register(STAGE_APP)
