from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "linli.activities"
    verbose_name = "社区营造活动"

    def ready(self):
        from linli.activities import rules  # noqa: F401  (registers the permissions)
        from linli.activities.stage import STAGE_APP
        from linli.projects.registry import register

        register(STAGE_APP)
