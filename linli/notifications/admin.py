from django.contrib import admin

from linli.notifications.models import Notification, WechatBinding


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    raw_id_fields = ("recipient",)


@admin.register(WechatBinding)
class WechatBindingAdmin(admin.ModelAdmin):
    list_display = ("user", "bound_at")
    raw_id_fields = ("user",)
