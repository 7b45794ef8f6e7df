from django.contrib import admin

from . import policy
from .models import ApiKey, ConsortiumSettings, Library, Membership, Profile


@admin.register(Library)
class LibraryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "npsn", "level", "city", "status"]
    list_filter = ["status", "level", "city"]
    search_fields = ["name", "code", "npsn", "city"]

    # The admin defers to the same policy as pages and API.
    def has_change_permission(self, request, obj=None):
        if obj is None:
            return policy.is_coordinator(request.user) or bool(policy.staff_library_ids(request.user))
        return policy.can_edit_library(request.user, obj)

    def has_add_permission(self, request):
        return policy.can_manage_membership(request.user)

    def has_delete_permission(self, request, obj=None):
        return policy.is_administrator(request.user)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "school", "nisn"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "nisn"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "library", "role", "since"]
    list_filter = ["role", "library"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "library", "prefix", "scope", "created_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]


admin.site.register(ConsortiumSettings)
