from django.contrib.auth import get_user_model
from rest_framework import serializers

from catalog.models import Record
from loans.choices import Service
from loans.models import IllEvent, IllRequest


class IllEventSerializer(serializers.ModelSerializer):
    # Null for the network's own steps (a question sent to every library, a timeout).
    library = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = IllEvent
        fields = ["action", "from_state", "to_state", "library", "note", "at"]
        read_only_fields = fields


class IllRequestSerializer(serializers.ModelSerializer):
    requester = serializers.SlugRelatedField(slug_field="code", read_only=True)
    lender = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    holding = serializers.SlugRelatedField(slug_field="barcode", read_only=True, allow_null=True)
    lender_status = serializers.CharField(source="lender_label", read_only=True)
    events = IllEventSerializer(many=True, read_only=True)

    class Meta:
        model = IllRequest
        # The reader is deliberately absent: partner systems get no personal data.
        fields = [
            "id",
            "service",
            "record",
            "requester",
            "lender",
            "holding",
            "state",
            "lender_status",
            "needed_by",
            "pages",
            "question",
            "answer",
            "condition",
            "unfilled_reason",
            "due_on",
            "renewals",
            "renewal_requested",
            "recalled_at",
            "is_overdue",
            "created_at",
            "updated_at",
            "events",
        ]
        read_only_fields = fields


class IllRequestCreateSerializer(serializers.Serializer):
    service = serializers.ChoiceField(choices=Service.choices, default=Service.LOAN)
    record = serializers.PrimaryKeyRelatedField(queryset=Record.objects.all(), required=False, allow_null=True)
    reader = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), required=False, allow_null=True
    )
    needed_by = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    pages = serializers.CharField(required=False, allow_blank=True, max_length=200)
    question = serializers.CharField(required=False, allow_blank=True)


class TransitionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True)
    condition = serializers.CharField(required=False, allow_blank=True)
    answer = serializers.CharField(required=False, allow_blank=True)
    due_on = serializers.DateField(required=False, allow_null=True)
    attachment = serializers.FileField(required=False)
