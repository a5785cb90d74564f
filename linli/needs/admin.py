"""Read-only admin views: changes go through the services (and the audit trail)."""

from django.contrib import admin

from linli.needs.models import Need, NeedsList, NeedSupport, PriorityWeightSet, SpaceReport


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Need)
class NeedAdmin(ReadOnlyAdmin):
    list_display = ("id", "committee", "text", "channel", "status", "created_at")
    list_filter = ("channel", "status", "category")
    search_fields = ("text",)


@admin.register(NeedSupport)
class NeedSupportAdmin(ReadOnlyAdmin):
    list_display = ("id", "need", "user", "channel", "age_group", "created_at")


@admin.register(NeedsList)
class NeedsListAdmin(ReadOnlyAdmin):
    list_display = ("id", "title", "version", "created_at", "published_at")


@admin.register(SpaceReport)
class SpaceReportAdmin(ReadOnlyAdmin):
    list_display = ("id", "committee", "place", "kind", "status", "created_at")


@admin.register(PriorityWeightSet)
class PriorityWeightSetAdmin(ReadOnlyAdmin):
    list_display = ("committee", "supporters", "households", "safety", "vulnerable", "cost")
