from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class EvaluationConfig(AppConfig):
    name = "linli.evaluation"
    verbose_name = gettext_lazy("跟踪评议")

    def ready(self):
        from linli.evaluation import rules  # noqa: F401  (registers the permissions)
        from linli.evaluation.stage import STAGE_APP
        from linli.projects.registry import register

        register(STAGE_APP)
