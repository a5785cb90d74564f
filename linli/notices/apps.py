from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "linli.notices"
    verbose_name = "公示"

    def ready(self):
        from linli.notices.services import unanswered_objections_guard
        from linli.projects.stages import register_stage_guard, stage_guards

        if unanswered_objections_guard not in stage_guards():
            register_stage_guard(unanswered_objections_guard)
