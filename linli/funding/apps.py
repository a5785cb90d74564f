from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class FundingConfig(AppConfig):
    name = "linli.funding"
    verbose_name = gettext_lazy("筹资与账目")

    def ready(self):
        from linli.funding import rules  # noqa: F401
        from linli.funding.stage import STAGE_APP
        from linli.projects.registry import register

        register(STAGE_APP)
