"""Read-only admin views: changes go through the services (audited), not the admin."""

from django.contrib import admin

from linli.deliberation.models import Attendance, Meeting, Minutes, SiyiStep


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "committee", "starts_at", "status")
    list_filter = ("kind", "status")
    search_fields = ("title",)


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "name", "method", "counts", "at")


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "status", "approved_at")


@admin.register(SiyiStep)
class SiyiStepAdmin(ReadOnlyAdmin):
    list_display = ("project", "step", "meeting", "at")
