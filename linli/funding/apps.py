from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "linli.funding"
    verbose_name = "筹资与账目"

    def ready(self):
        from linli.funding import rules  # noqa: F401
        from linli.funding.guards import implementation_needs_funding
        from linli.projects.stages import register_stage_guard, stage_guards

        if implementation_needs_funding not in stage_guards():
            register_stage_guard(implementation_needs_funding)
