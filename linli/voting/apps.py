from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class VotingConfig(AppConfig):
    name = "linli.voting"
    verbose_name = gettext_lazy("表决")

    def ready(self):
        from linli.projects.registry import register

        from .stage import STAGE_APP

        register(STAGE_APP)
