from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "linli.funding"
    verbose_name = "筹资与账目"
