from django.contrib import admin

from consortium import policy

from .models import CollectingResponsibility, CurriculumSubject, Enrolment, HoldingTransfer


class CoordinatorAdmin(admin.ModelAdmin):
    """Set-up data of the analysis: changed by coordinators (the same policy as the pages)."""

    def has_module_permission(self, request):
        return policy.is_coordinator(request.user)

    def has_view_permission(self, request, obj=None):
        return policy.is_coordinator(request.user)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


@admin.register(CurriculumSubject)
class CurriculumSubjectAdmin(CoordinatorAdmin):
    list_display = ["name", "level", "ddc_prefix"]
    list_filter = ["level"]


@admin.register(CollectingResponsibility)
class CollectingResponsibilityAdmin(CoordinatorAdmin):
    list_display = ["library", "label", "ddc_from", "ddc_to", "agreement"]


@admin.register(Enrolment)
class EnrolmentAdmin(CoordinatorAdmin):
    list_display = ["library", "students", "counted_on"]


@admin.register(HoldingTransfer)
class HoldingTransferAdmin(CoordinatorAdmin):
    """Provenance is history: read only."""

    list_display = ["holding", "kind", "from_library", "to_library", "recipient", "at"]

    def has_change_permission(self, request, obj=None):
        return False

    has_add_permission = has_delete_permission = has_change_permission
