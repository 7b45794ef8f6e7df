from rest_framework import mixins, viewsets

from consortium import services
from consortium.api.permissions import ReadForAnyoneWriteSignedIn, ReadOnlyKeyCannotWrite
from consortium.api.serializers import LibrarySerializer
from consortium.filtersets import LibraryFilterSet
from consortium.models import Library


class LibraryViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Member libraries: everyone reads; coordinators add and change membership; librarians edit their own."""

    serializer_class = LibrarySerializer
    filterset_class = LibraryFilterSet
    permission_classes = [ReadForAnyoneWriteSignedIn, ReadOnlyKeyCannotWrite]
    lookup_field = "code"
    ordering_fields = ["name", "code", "city", "updated_at"]
    ordering = ["name"]

    def get_queryset(self):
        return Library.objects.visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.library_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.library_update(
            library=serializer.instance, by=self.request.user, **serializer.validated_data
        )
