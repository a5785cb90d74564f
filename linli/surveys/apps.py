from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "linli.surveys"
    verbose_name = "问卷调查"

    def ready(self):
        from linli.projects.registry import register

        from .stage import STAGE_APP

        register(STAGE_APP)
