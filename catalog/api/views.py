from django.db import transaction
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from catalog import jobs, permalinks, services
from catalog.filtersets import HoldingFilterSet, RecordFilterSet
from catalog.models import Holding, ImportJob, Record
from consortium import policy
from consortium.api.permissions import ReadForAnyoneWriteSignedIn, ReadOnlyKeyCannotWrite
from consortium.models import Library

from .serializers import (
    HoldingSerializer,
    HoldingUpsertSerializer,
    ImportJobSerializer,
    ImportRequestSerializer,
    RecordSerializer,
)

# Room for the multipart envelope around a file of exactly the limit.
UPLOAD_OVERHEAD = 64 * 1024


class RecordViewSet(viewsets.ReadOnlyModelViewSet):
    """Union catalog records with their holdings (the catalog is public)."""

    serializer_class = RecordSerializer
    filterset_class = RecordFilterSet
    permission_classes = [AllowAny]
    ordering_fields = ["id", "title", "year", "updated_at"]
    ordering = ["id"]

    def get_queryset(self):
        return Record.objects.prefetch_related("holdings__library")

    def list(self, request, *args, **kwargs):
        # Searching is /api/v1/search/ (ranking, synonyms, facets); a `q` here used to be ignored in silence.
        if "q" in request.query_params:
            raise serializers.ValidationError(
                {"q": [_("This list does not search. Use /api/v1/search/?q=... to search the catalog.")]}
            )
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            # Same answers as the record page (catalog.permalinks): 301 to the keeper of a merge, 410 if withdrawn.
            tombstone = permalinks.former_record(kwargs["pk"]) if str(kwargs["pk"]).isdigit() else None
            if tombstone is None:
                raise
        if tombstone.merged_into_id is not None:
            url = reverse("api:record-detail", args=[tombstone.merged_into_id])
            return HttpResponsePermanentRedirect(permalinks.with_query(url, request))
        return Response({"detail": permalinks.gone_message(tombstone)}, status=status.HTTP_410_GONE)


class HoldingViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Copies at member libraries. Partner systems sync with `updated_since` and write with `upsert`."""

    serializer_class = HoldingSerializer
    filterset_class = HoldingFilterSet
    permission_classes = [ReadForAnyoneWriteSignedIn, ReadOnlyKeyCannotWrite]
    ordering_fields = ["id", "updated_at", "barcode"]
    ordering = ["id"]

    def get_queryset(self):
        return Holding.objects.select_related("library")

    def _library(self, request) -> Library:
        """The library written to: the key's own, or `library` for a signed-in librarian."""
        if policy.is_api_key(request.user):
            return request.user.api_key.library
        code = request.query_params.get("library") or request.data.get("library")
        if not code:
            staff = policy.staff_library_ids(request.user)
            if len(staff) == 1:
                return Library.objects.get(pk=next(iter(staff)))
            raise serializers.ValidationError({"library": [_("Say which library (its code).")]})
        return get_object_or_404(Library, code__iexact=code)

    @extend_schema(request=HoldingUpsertSerializer, responses={200: HoldingSerializer, 201: HoldingSerializer})
    @action(detail=False, methods=["post"])
    def upsert(self, request):
        """Create or update the copy with this barcode at the caller's library."""
        library = self._library(request)
        policy.ensure_can_write_for(request.user, library)
        incoming = HoldingUpsertSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        version = data.pop("version", None)
        with transaction.atomic():
            holding = Holding.objects.select_for_update().filter(library=library, barcode=data["barcode"]).first()
            if holding is None:
                if "record" not in data:
                    raise serializers.ValidationError({"record": [_("A new copy needs `record` or `isbn`.")]})
                holding = services.holding_create(library=library, by=request.user, **data)
                return Response(HoldingSerializer(holding).data, status=status.HTTP_201_CREATED)
            holding = services.holding_update(holding=holding, by=request.user, version=version, **data)
        return Response(HoldingSerializer(holding).data)

    @extend_schema(
        request={"multipart/form-data": ImportRequestSerializer},
        responses={202: ImportJobSerializer, 400: dict, 413: dict},
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def bulk_import(self, request):
        """Queue the import of a whole MARC21/MARCXML/CSV file for the key's library: answers 202 with the job,
        whose `url` tells its progress and, when done, its report. Files over the upload limit get 413. Records without
        any copy are imported all the same (the report warns), or with one copy each given `one_copy_per_record`."""
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > jobs.upload_limit() + UPLOAD_OVERHEAD:
            return Response({"file": [jobs.too_big_message(declared)]}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        library = self._library(request)
        policy.ensure_can_write_for(request.user, library)
        incoming = ImportRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        upload = incoming.validated_data["file"]
        job = jobs.import_job_create(
            library=library,
            upload=upload,
            name=upload.name,
            by=policy.person(request.user) if not policy.is_api_key(request.user) else None,
            fmt=incoming.validated_data.get("format", ""),
            one_copy_per_record=incoming.validated_data["one_copy_per_record"],
        )
        job.refresh_from_db()
        data = ImportJobSerializer(job, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


class ImportJobViewSet(viewsets.ReadOnlyModelViewSet):
    """Import jobs of the caller's libraries: status, progress and, when done, the report."""

    serializer_class = ImportJobSerializer

    def get_queryset(self):
        return ImportJob.objects.visible_to(self.request.user).select_related("library")
