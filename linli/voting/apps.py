from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "linli.voting"
    verbose_name = "表决"
