"""Read-mostly admin: changes go through the services (and the audit trail), not here."""

from django.contrib import admin

from linli.planning import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Planner)
class PlannerAdmin(ReadOnlyAdmin):
    list_display = ["name", "profession", "organisation", "district", "availability"]
    list_filter = ["profession", "availability", "district"]
    search_fields = ["name", "organisation"]


@admin.register(models.Pairing)
class PairingAdmin(ReadOnlyAdmin):
    list_display = ["planner", "street", "committee", "started_at", "ended_at"]


@admin.register(models.WorkLog)
class WorkLogAdmin(ReadOnlyAdmin):
    list_display = ["date", "kind", "place", "committee", "author"]


@admin.register(models.DesignRound)
class DesignRoundAdmin(ReadOnlyAdmin):
    list_display = ["project", "number", "status", "published_at", "is_final"]


@admin.register(models.DesignOption)
class DesignOptionAdmin(ReadOnlyAdmin):
    list_display = ["label", "round"]


admin.site.register([models.Partner, models.CoBuildingUnit, models.Diagnosis], ReadOnlyAdmin)
