"""Back-office records of projects, in Chinese. Stage changes go through the pages
(service + audit trail), so the stage is read-only here and events are append-only."""

from __future__ import annotations

from django.contrib import admin

from linli.projects.models import Project, ProjectEvent


class EventInline(admin.TabularInline):
    model = ProjectEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "from_stage", "to_stage", "note", "actor"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "committee", "stage", "stage_changed_at", "created_at", "created_by"]
    list_filter = ["stage", "committee__street"]
    search_fields = ["title", "summary", "committee__name"]
    list_select_related = ["committee", "created_by"]
    raw_id_fields = ["committee", "created_by"]
    filter_horizontal = ["compounds", "buildings", "microspaces"]
    readonly_fields = ["stage", "stage_changed_at", "created_at"]
    date_hierarchy = "created_at"
    inlines = [EventInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["created_by"] if obj is None else fields

    def save_model(self, request, obj, form, change):
        """A new project is created by ``project_create`` (timeline event + audit trail)."""
        if change:
            super().save_model(request, obj, form, change)
            return
        from linli.projects.services import project_create

        project = project_create(
            actor=request.user, committee=obj.committee, title=obj.title, summary=obj.summary
        )
        obj.pk = project.pk
        obj.created_by = project.created_by
        obj.created_at = project.created_at
        obj.stage_changed_at = project.stage_changed_at
        obj._state.adding = False


@admin.register(ProjectEvent)
class ProjectEventAdmin(admin.ModelAdmin):
    list_display = ["project", "kind", "from_stage", "to_stage", "actor", "at"]
    list_filter = ["kind", "to_stage"]
    search_fields = ["project__title", "note"]
    list_select_related = ["project", "actor"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
