from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "linli.notices"
    verbose_name = "公示"
