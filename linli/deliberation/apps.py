from django.apps import AppConfig


class DeliberationConfig(AppConfig):
    name = "linli.deliberation"
    verbose_name = "议事会议"

    def ready(self):
        from linli.projects.registry import register

        from .stage import STAGE_APP

        register(STAGE_APP)
