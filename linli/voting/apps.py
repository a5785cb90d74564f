from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "linli.voting"
    verbose_name = "表决"

    def ready(self):
        from linli.projects.registry import register

        from .stage import STAGE_APP

        register(STAGE_APP)
