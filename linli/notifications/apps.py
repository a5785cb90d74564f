from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "linli.notifications"
    verbose_name = "消息通知"

    def ready(self):
        from linli.notifications import rules  # noqa: F401  (registers the permissions)
