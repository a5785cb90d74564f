from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class PlanningConfig(AppConfig):
    name = "linli.planning"
    verbose_name = gettext_lazy("社区规划师")

    def ready(self):
        from linli.projects.registry import register

        from .stage import STAGE_APP

        register(STAGE_APP)
