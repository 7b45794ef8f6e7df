from rest_framework import serializers

from catalog.choices import Acquisition, HoldingStatus
from catalog.models import Holding, ImportJob, Record


class HoldingSerializer(serializers.ModelSerializer):
    library = serializers.SlugRelatedField(slug_field="code", read_only=True)
    record = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Holding
        fields = [
            "id",
            "record",
            "library",
            "barcode",
            "call_number",
            "shelf_location",
            "copy_number",
            "status",
            "ill_allowed",
            "acquisition",
            "date_added",
            "due_on",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class RecordSerializer(serializers.ModelSerializer):
    holdings = HoldingSerializer(many=True, read_only=True)

    class Meta:
        model = Record
        fields = [
            "id",
            "title",
            "subtitle",
            "responsibility",
            "authors",
            "publisher",
            "place",
            "year",
            "edition",
            "isbns",
            "issn",
            "language",
            "material_type",
            "subjects",
            "ddc",
            "series",
            "physical_description",
            "pages",
            "summary",
            "created_at",
            "updated_at",
            "holdings",
        ]
        read_only_fields = fields


class HoldingUpsertSerializer(serializers.Serializer):
    """A copy keyed by the key's library and barcode; `record` or `isbn` says which title it is a copy of."""

    barcode = serializers.CharField(max_length=64)
    record = serializers.PrimaryKeyRelatedField(queryset=Record.objects.all(), required=False)
    isbn = serializers.CharField(required=False, max_length=32)
    call_number = serializers.CharField(required=False, allow_blank=True, max_length=100)
    shelf_location = serializers.CharField(required=False, allow_blank=True, max_length=100)
    copy_number = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=32767)
    status = serializers.ChoiceField(
        choices=[HoldingStatus.AVAILABLE, HoldingStatus.MISSING, HoldingStatus.PROCESSING, HoldingStatus.WITHDRAWN],
        required=False,
    )
    ill_allowed = serializers.BooleanField(required=False)
    acquisition = serializers.ChoiceField(choices=Acquisition.choices, required=False)
    date_added = serializers.DateField(required=False)
    version = serializers.IntegerField(required=False, help_text="The version you last read; refused if changed.")

    def validate(self, attrs):
        from catalog.normalize import isbn13

        if "isbn" in attrs:
            normalised = isbn13(attrs.pop("isbn"))
            if normalised is None:
                raise serializers.ValidationError({"isbn": ["Not a valid ISBN."]})
            record = Record.objects.filter(isbns__contains=[normalised]).order_by("pk").first()
            if record is None:
                raise serializers.ValidationError({"isbn": ["No record in the union catalog has this ISBN."]})
            attrs["record"] = record
        return attrs


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="MARC21, MARCXML or CSV file")
    format = serializers.ChoiceField(choices=["marc21", "marcxml", "csv"], required=False)
    one_copy_per_record = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Give each record that brings no copy (no 852/949/952, no barcode column) one copy, with a "
        "barcode made by Silang (barcode_generated). Without it such records are imported without copies, and the "
        "report's `no_copies` says that the school will not appear as holding them.",
    )

    def validate_file(self, upload):
        from django.core.exceptions import ValidationError as DjangoValidationError

        from catalog.forms import check_upload

        try:
            return check_upload(upload)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class ImportJobSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:import-job-detail")
    library = serializers.SlugRelatedField(slug_field="code", read_only=True)
    report = serializers.JSONField(
        read_only=True,
        help_text="The import report, once the job is done or failed: among others `records_read`, `copies` (copies "
        "imported, with `copies_added_per_record` of them added by one_copy_per_record) and `no_copies` (a warning, "
        "empty unless the records came without a single copy).",
    )

    class Meta:
        model = ImportJob
        fields = [
            "id", "url", "library", "original_name", "format", "status", "processed", "total", "report",
            "created_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields
