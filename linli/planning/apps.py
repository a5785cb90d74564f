from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "linli.planning"
    verbose_name = "社区规划师"

    def ready(self):
        from linli.projects.registry import register

        from .stage import STAGE_APP

        register(STAGE_APP)
