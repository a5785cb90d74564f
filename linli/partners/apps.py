from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "linli.partners"
    verbose_name = "社区合伙人"

    def ready(self):
        from linli.partners import rules  # noqa: F401  (registers the permissions)
