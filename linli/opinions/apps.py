from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    name = "linli.opinions"
    verbose_name = "观点征询"
