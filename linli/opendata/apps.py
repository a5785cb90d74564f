from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "linli.opendata"
    verbose_name = "开放数据"
