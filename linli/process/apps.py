from django.apps import AppConfig


class ProcessConfig(AppConfig):
    name = "linli.process"
    verbose_name = "规范流程（沪民规〔2020〕第三部分）"

    def ready(self):
        from linli.process import rules  # noqa: F401  (registers the permissions)
        from linli.process.stage import STAGE_APP
        from linli.projects.registry import register

        register(STAGE_APP)
