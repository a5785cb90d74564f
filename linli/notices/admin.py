"""Read-only admin views: changes go through the services (audited), not the admin."""

from django.contrib import admin

from linli.deliberation.admin import ReadOnlyAdmin
from linli.notices.models import Notice, NoticeEvent, Objection


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "committee", "status", "starts_at", "ends_at")
    list_filter = ("kind", "status")
    search_fields = ("title",)


@admin.register(NoticeEvent)
class NoticeEventAdmin(ReadOnlyAdmin):
    list_display = ("notice", "kind", "at")


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ("notice", "author", "created_at", "responded_at")
