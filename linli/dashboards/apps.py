from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "linli.dashboards"
    verbose_name = "街镇与区级数据看板"

    def ready(self):
        from linli.dashboards import rules  # noqa: F401  (registers the permissions)
