from django.apps import AppConfig


class DeliberationConfig(AppConfig):
    name = "linli.deliberation"
    verbose_name = "议事会议"
