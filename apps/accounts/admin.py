from django.contrib import admin

from .models import RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "full_name", "status", "is_superuser", "date_joined", "last_login")
    list_filter = ("status", "is_superuser")
    search_fields = ("email", "full_name")
    readonly_fields = ("password", "last_login", "date_joined")
    inlines = [RoleInline]
