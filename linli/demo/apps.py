from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "linli.demo"
    verbose_name = "演示数据"
