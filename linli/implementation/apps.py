from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ImplementationConfig(AppConfig):
    name = "linli.implementation"
    verbose_name = gettext_lazy("实施与运维")

    def ready(self):
        from linli.implementation import rules  # noqa: F401  (registers the permissions)
        from linli.implementation.stage import STAGE_APP
        from linli.projects.registry import register

        register(STAGE_APP)
