from django.contrib import admin

from .models import Domain, Organization, OrganizationEvent, OrganizationSettings, Plan, Subscription


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """Read-mostly: create, suspend, archive and delete go through the console, which keeps the event log."""

    list_display = ("name", "slug", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "slug", "admin_email")
    readonly_fields = (
        "schema_name",
        "slug",
        "status",
        "suspended_at",
        "archived_at",
        "created_at",
        "updated_at",
    )
    inlines = [DomainInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "max_active_users",
        "max_courses",
        "max_storage_mb",
        "is_public",
        "sort_order",
    )
    prepopulated_fields = {"code": ("name",)}


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("organization", "plan", "status", "current_period_end")
    list_filter = ("status", "plan")


@admin.register(OrganizationSettings)
class OrganizationSettingsAdmin(admin.ModelAdmin):
    list_display = ("organization", "display_name", "default_language", "self_signup_enabled")


@admin.register(OrganizationEvent)
class OrganizationEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "org_slug", "action", "actor_email", "ip_address")
    list_filter = ("action",)
    search_fields = ("org_slug", "actor_email")

    def has_change_permission(self, request, obj=None):
        return False
