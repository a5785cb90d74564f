from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "linli.planning"
    verbose_name = "社区规划师"
