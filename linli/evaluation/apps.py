from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "linli.evaluation"
    verbose_name = "跟踪评议"

    def ready(self):
        from linli.evaluation import rules  # noqa: F401  (registers the permissions)
        from linli.evaluation.stage import STAGE_APP
        from linli.projects.registry import register

        register(STAGE_APP)
