from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "linli.notices"
    verbose_name = "公示"

    def ready(self):
        from linli.notices.stage import STAGE_APP
        from linli.projects.registry import register

        register(STAGE_APP)
