from django.contrib import admin

from consortium import policy

from .models import SearchSynonym


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """Coordinators keep the synonym list of the search (school levels, grades, subjects, curricula)."""

    list_display = ["forms", "note"]
    search_fields = ["forms", "note"]

    # The admin defers to the same policy as pages and API.
    def has_module_permission(self, request):
        return policy.is_coordinator(request.user)

    def has_view_permission(self, request, obj=None):
        return policy.is_coordinator(request.user)

    def has_change_permission(self, request, obj=None):
        return policy.is_coordinator(request.user)

    def has_add_permission(self, request):
        return policy.is_coordinator(request.user)

    def has_delete_permission(self, request, obj=None):
        return policy.is_coordinator(request.user)
