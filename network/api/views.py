"""The network API: the same querysets and services as the pages."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from consortium import policy
from consortium.api.permissions import ReadOnlyKeyCannotWrite
from consortium.models import Library

from .. import selectors, services
from ..filtersets import BookingFilterSet, FacilityFilterSet
from ..models import Booking, Event, Facility, Question, ReadingList, Subscription
from .serializers import (
    AcquisitionSerializer,
    AnswerSerializer,
    BookingCreateSerializer,
    BookingSerializer,
    EventSerializer,
    FacilitySerializer,
    NoteSerializer,
    QuestionSerializer,
    ReadingListAddSerializer,
    ReadingListRequestSerializer,
    ReadingListSerializer,
    SubscriptionSerializer,
)

WRITE_CHECKED = [permissions.IsAuthenticated, ReadOnlyKeyCannotWrite]


class FacilityViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Facilities and licences member schools share; the owner's librarians list and change them."""

    serializer_class = FacilitySerializer
    filterset_class = FacilityFilterSet
    permission_classes = WRITE_CHECKED
    ordering = ["id"]

    def get_queryset(self):
        return Facility.objects.visible_to(self.request.user).select_related("library")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.facility_save(by=self.request.user, library=data.pop("library"), **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("library", None)
        serializer.instance = services.facility_save(
            by=self.request.user, library=serializer.instance.library, facility=serializer.instance, **data
        )


class BookingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Bookings of the caller's school (made by it or of its facilities); one POST per decision."""

    serializer_class = BookingSerializer
    filterset_class = BookingFilterSet
    permission_classes = WRITE_CHECKED
    ordering = ["-id"]

    def get_queryset(self):
        return Booking.objects.visible_to(self.request.user).select_related("library", "agreement")

    @extend_schema(request=BookingCreateSerializer, responses={201: BookingSerializer})
    def create(self, request, *args, **kwargs):
        incoming = BookingCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        facility = data.pop("facility")
        if not Facility.objects.visible_to(request.user).filter(pk=facility.pk).exists():
            raise ValidationError({"facility": "Unknown facility."})
        library = data.pop("library", None)
        if library is None:
            staff = sorted(policy.staff_library_ids(request.user))
            if len(staff) != 1:
                raise ValidationError({"library": "Say which school books."})
            library = Library.objects.get(pk=staff[0])
        booking = services.booking_create(facility=facility, library=library, by=request.user, **data)
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    def _decide(self, request, function):
        incoming = NoteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        booking = function(booking=self.get_object(), by=request.user, note=incoming.validated_data["note"])
        return Response(BookingSerializer(booking).data)

    @extend_schema(request=NoteSerializer, responses={200: BookingSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, services.booking_approve)

    @extend_schema(request=NoteSerializer, responses={200: BookingSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._decide(request, services.booking_decline)

    @extend_schema(request=NoteSerializer, responses={200: BookingSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._decide(request, services.booking_cancel)


class EventViewSet(viewsets.ReadOnlyModelViewSet):
    """Technical meetings and training; librarians register with one POST."""

    serializer_class = EventSerializer
    permission_classes = WRITE_CHECKED
    ordering = ["-starts_at"]

    def get_queryset(self):
        return Event.objects.visible_to(self.request.user).select_related("organiser")

    @extend_schema(request=None, responses={201: EventSerializer})
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        event = self.get_object()
        services.event_register(event=event, by=request.user)
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: EventSerializer})
    @action(detail=True, methods=["post"])
    def unregister(self, request, pk=None):
        event = self.get_object()
        services.event_unregister(event=event, by=request.user)
        return Response(EventSerializer(event).data)


class QuestionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Questions between librarians with their answers; `q` searches both."""

    serializer_class = QuestionSerializer
    permission_classes = WRITE_CHECKED
    ordering = ["-created_at"]

    def get_queryset(self):
        return (
            Question.objects.visible_to(self.request.user)
            .search(self.request.query_params.get("q", ""))
            .select_related("library")
            .prefetch_related("answers__library")
        )

    def perform_create(self, serializer):
        serializer.instance = services.question_ask(by=self.request.user, **serializer.validated_data)

    @extend_schema(request=AnswerSerializer, responses={201: AnswerSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        incoming = AnswerSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        answer = services.answer_post(question=self.get_object(), by=request.user, **incoming.validated_data)
        return Response(AnswerSerializer(answer).data, status=status.HTTP_201_CREATED)


class ReadingListViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Teachers' reading lists with availability; add titles and request the whole list through ILL."""

    serializer_class = ReadingListSerializer
    permission_classes = [permissions.AllowAny, ReadOnlyKeyCannotWrite]
    ordering = ["-updated_at"]

    def get_permissions(self):
        if self.request.method not in permissions.SAFE_METHODS:
            return [permission() for permission in WRITE_CHECKED]
        return super().get_permissions()

    def get_queryset(self):
        return (
            ReadingList.objects.visible_to(self.request.user)
            .select_related("library")
            .prefetch_related("items__record")
        )

    def get_serializer_context(self):
        return super().get_serializer_context() | {"library_codes": dict(Library.objects.values_list("pk", "code"))}

    def perform_create(self, serializer):
        serializer.instance = services.reading_list_create(by=self.request.user, **serializer.validated_data)

    @extend_schema(request=ReadingListAddSerializer, responses={201: ReadingListSerializer})
    @action(detail=True, methods=["post"], url_path="items")
    def add_item(self, request, pk=None):
        incoming = ReadingListAddSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        reading_list = self.get_object()
        services.reading_list_add(reading_list=reading_list, by=request.user, **incoming.validated_data)
        return Response(self.get_serializer(self.get_object()).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReadingListRequestSerializer, responses={201: None})
    @action(detail=True, methods=["post"], url_path="request")
    def request_all(self, request, pk=None):
        incoming = ReadingListRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        outcome = services.reading_list_request(
            reading_list=self.get_object(), by=request.user, needed_by=incoming.validated_data.get("needed_by")
        )
        return Response(
            {
                "created": [r.pk for r in outcome["created"]],
                "skipped": [{"record": record.pk, "reason": reason} for record, reason in outcome["skipped"]],
            },
            status=status.HTTP_201_CREATED,
        )


class SubscriptionViewSet(viewsets.ReadOnlyModelViewSet):
    """Magazines and newspapers the member schools subscribe to, with holdings ranges (public)."""

    serializer_class = SubscriptionSerializer
    permission_classes = [permissions.AllowAny]
    ordering = ["title"]

    def get_queryset(self):
        subscriptions = Subscription.objects.select_related("library")
        code = self.request.query_params.get("library")
        return subscriptions.filter(library__code__iexact=code) if code else subscriptions


class AcquisitionViewSet(viewsets.ViewSet):
    """New acquisitions of a school (`library` code) or of the network, `days` 30 (default) or 90 (public)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("library", str), OpenApiParameter("days", int, enum=[30, 90])],
        responses={200: AcquisitionSerializer(many=True)},
    )
    def list(self, request):
        code = request.query_params.get("library")
        library = Library.objects.filter(code__iexact=code).first() if code else None
        if code and library is None:
            raise ValidationError({"library": "Unknown school."})
        days = 90 if request.query_params.get("days") == "90" else 30
        rows = selectors.new_acquisitions(library=library, days=days, limit=500)
        data = [
            {"record": record.pk, "title": str(record), "date_added": added, "libraries": codes}
            for record, added, codes in rows
        ]
        return Response(AcquisitionSerializer(data, many=True).data)
