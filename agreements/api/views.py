from rest_framework import mixins, viewsets

from agreements import services
from agreements.filtersets import AgreementFilterSet
from agreements.models import CONTENT_FIELDS, Agreement
from consortium.api.permissions import ReadOnlyKeyCannotWrite

from .serializers import AgreementSerializer


class AgreementViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Cooperation agreements: members read them; coordinators write drafts (through the same service as pages)."""

    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet
    permission_classes = viewsets.ReadOnlyModelViewSet.permission_classes + [ReadOnlyKeyCannotWrite]
    ordering = ["-id"]

    def get_queryset(self):
        return Agreement.objects.visible_to(self.request.user).prefetch_related(
            "parties__library", "responsibilities__party__library"
        )

    def _save(self, serializer, agreement=None):
        data = dict(serializer.validated_data)
        parties = data.pop("parties", None)
        fields = {name: value for name, value in data.items() if name in CONTENT_FIELDS}
        serializer.instance = services.agreement_save(
            by=self.request.user, agreement=agreement, parties=parties, **fields
        )

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)
