"""Back-office records for accounts, in Chinese (labels come from the models)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from linli.accounts.models import ApiToken, LoginThrottle, RoleAssignment, SmsCode, User


class RoleInline(admin.TabularInline):
    """Roles are listed here; granting and revoking go through 角色授权 (audited services)."""

    model = RoleAssignment
    extra = 0
    fields = ["role", "district", "street", "committee", "compound", "building", "flat", "title"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class LinliUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["mobile", "name"]


class LinliUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = LinliUserChangeForm
    add_form = LinliUserCreationForm
    list_display = ["mobile", "name", "is_active", "is_staff", "large_text", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "large_text"]
    search_fields = ["mobile", "name"]
    ordering = ["-date_joined"]
    readonly_fields = ["date_joined", "last_login"]
    inlines = [RoleInline]
    fieldsets = [
        (None, {"fields": ["mobile", "name", "password"]}),
        ("偏好", {"fields": ["large_text"]}),
        (
            "权限",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("时间", {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["mobile", "name", "password1", "password2"]}),
    ]
    filter_horizontal = ["groups", "user_permissions"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "scope_display", "title", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__mobile", "user__name", "title"]
    list_select_related = [
        "user",
        "district",
        "street",
        "committee",
        "compound",
        "building__compound",
        "flat__building",
    ]
    raw_id_fields = ["user", "district", "street", "committee", "compound", "building", "flat"]
    readonly_fields = ["created_at"]

    @admin.display(description="范围")
    def scope_display(self, obj):
        return str(obj.scope)

    def save_model(self, request, obj, form, change):
        """New grants go through ``role_assign`` so they are checked and audited."""
        if change:
            super().save_model(request, obj, form, change)
            return
        from linli.accounts.models import ROLE_SCOPE_LEVEL
        from linli.accounts.services import role_assign

        scope = getattr(obj, ROLE_SCOPE_LEVEL[obj.role])
        assignment = role_assign(
            actor=request.user, user=obj.user, role=obj.role, scope=scope, title=obj.title
        )
        obj.pk = assignment.pk
        obj.created_at = assignment.created_at

    def delete_model(self, request, obj):
        from linli.accounts.services import role_revoke

        role_revoke(actor=request.user, assignment=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__mobile", "user__name", "prefix"]
    list_select_related = ["user"]
    readonly_fields = ["user", "key_hash", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # keys are created on the profile page, where they are shown once


@admin.register(SmsCode)
class SmsCodeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "expires_at", "used_at", "attempts"]
    readonly_fields = ["mobile", "code_hash", "created_at", "expires_at", "used_at", "attempts"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    """Paused logins; deleting a row lifts the pause. Search by a mobile number or an address
    (keys are stored hashed, so the search hashes what you type)."""

    list_display = ["kind", "count", "window_started_at", "locked_until"]
    list_filter = ["kind"]
    search_fields = ["key_hash"]
    readonly_fields = ["kind", "key_hash", "count", "window_started_at", "locked_until"]

    def get_search_results(self, request, queryset, search_term):
        from linli.accounts.throttle import _key

        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(key_hash=_key(term)), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
