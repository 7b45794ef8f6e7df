from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from consortium.api.permissions import ReadOnlyKeyCannotWrite
from loans import services, transitions
from loans.filtersets import IllRequestFilterSet
from loans.models import IllRequest

from .serializers import IllRequestCreateSerializer, IllRequestSerializer, TransitionSerializer


class IllRequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Interlibrary-loan requests of the caller's library (as requester or lender); one POST per transition."""

    serializer_class = IllRequestSerializer
    filterset_class = IllRequestFilterSet
    permission_classes = viewsets.ReadOnlyModelViewSet.permission_classes + [ReadOnlyKeyCannotWrite]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    ordering_fields = ["id", "created_at", "updated_at", "due_on"]
    ordering = ["-id"]

    def get_queryset(self):
        return (
            IllRequest.objects.visible_to(self.request.user)
            .select_related("requester", "lender", "holding")
            .prefetch_related("events__library")
        )

    @extend_schema(request=IllRequestCreateSerializer, responses={201: IllRequestSerializer})
    def create(self, request, *args, **kwargs):
        incoming = IllRequestCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        requester = None
        from consortium import policy
        from consortium.models import Library

        if policy.is_api_key(request.user):
            requester = Library.objects.get(pk=request.user.library_id)
        ill = services.ill_request_create(by=request.user, requester=requester, **incoming.validated_data)
        return Response(IllRequestSerializer(ill).data, status=status.HTTP_201_CREATED)

    def _transition(self, request, name):
        ill = self.get_object()
        incoming = TransitionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        result = transitions.run(name, request=ill, by=request.user, data=incoming.validated_data)
        return Response(IllRequestSerializer(result).data)


def _make_action(name):
    @extend_schema(request=TransitionSerializer, responses={200: IllRequestSerializer}, summary=name.replace("_", " "))
    def handler(self, request, pk=None):
        return self._transition(request, name)

    handler.__name__ = name
    return action(detail=True, methods=["post"], url_path=name.replace("_", "-"))(handler)


for _name in transitions.PUBLIC_ACTIONS:
    setattr(IllRequestViewSet, _name, _make_action(_name))
