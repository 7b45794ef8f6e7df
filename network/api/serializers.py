from rest_framework import serializers

from agreements.models import Agreement
from catalog.models import Record
from consortium.models import Library

from ..models import Answer, Booking, Event, Facility, Question, ReadingList, ReadingListItem, Subscription


class FacilitySerializer(serializers.ModelSerializer):
    library = serializers.SlugRelatedField(slug_field="code", queryset=Library.objects.all())
    agreement = serializers.PrimaryKeyRelatedField(queryset=Agreement.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Facility
        fields = [
            "id",
            "library",
            "name",
            "kind",
            "description",
            "seats",
            "opens_at",
            "closes_at",
            "open_days",
            "max_hours",
            "agreement",
            "terms",
            "is_active",
        ]
        read_only_fields = ["id"]


class BookingSerializer(serializers.ModelSerializer):
    library = serializers.SlugRelatedField(slug_field="code", read_only=True)
    starts_at = serializers.DateTimeField(read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    agreement = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = Booking
        fields = [
            "id",
            "facility",
            "library",
            "seat",
            "starts_at",
            "ends_at",
            "purpose",
            "people",
            "status",
            "agreement",
            "decision_note",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class BookingCreateSerializer(serializers.Serializer):
    facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.all())
    library = serializers.SlugRelatedField(slug_field="code", queryset=Library.objects.all(), required=False)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    purpose = serializers.CharField(max_length=300)
    people = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EventSerializer(serializers.ModelSerializer):
    organiser = serializers.SlugRelatedField(slug_field="code", read_only=True)
    registered = serializers.IntegerField(source="registrations.count", read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "title",
            "kind",
            "organiser",
            "agenda",
            "place",
            "starts_at",
            "ends_at",
            "capacity",
            "registered",
            "minutes",
        ]
        read_only_fields = fields


class AnswerSerializer(serializers.ModelSerializer):
    library = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Answer
        fields = ["id", "body", "library", "created_at"]
        read_only_fields = ["id", "library", "created_at"]


class QuestionSerializer(serializers.ModelSerializer):
    library = serializers.SlugRelatedField(slug_field="code", read_only=True)
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "title", "body", "area", "library", "created_at", "answers"]
        read_only_fields = ["id", "library", "created_at", "answers"]


class ReadingListItemSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="record.__str__", read_only=True)
    available_at = serializers.SerializerMethodField()

    class Meta:
        model = ReadingListItem
        fields = ["id", "record", "title", "note", "position", "available_at"]
        read_only_fields = ["id", "title", "position", "available_at"]

    def get_available_at(self, item) -> list[str]:
        codes = self.context.get("library_codes", {})
        return [codes[i] for i in (item.record.available_library_ids or []) if i in codes]


class ReadingListSerializer(serializers.ModelSerializer):
    library = serializers.SlugRelatedField(slug_field="code", read_only=True)
    items = ReadingListItemSerializer(many=True, read_only=True)

    class Meta:
        model = ReadingList
        fields = ["id", "title", "class_name", "subject", "description", "library", "items", "requested_at"]
        read_only_fields = ["id", "library", "items", "requested_at"]


class ReadingListAddSerializer(serializers.Serializer):
    record = serializers.PrimaryKeyRelatedField(queryset=Record.objects.all())
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class ReadingListRequestSerializer(serializers.Serializer):
    needed_by = serializers.DateField(required=False, allow_null=True)


class SubscriptionSerializer(serializers.ModelSerializer):
    library = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Subscription
        fields = [
            "id",
            "library",
            "title",
            "issn",
            "kind",
            "frequency",
            "publisher",
            "holdings_from",
            "holdings_to",
            "holdings_note",
            "holdings_range",
            "active",
        ]
        read_only_fields = fields


class AcquisitionSerializer(serializers.Serializer):
    record = serializers.IntegerField()
    title = serializers.CharField()
    date_added = serializers.DateField()
    libraries = serializers.ListField(child=serializers.CharField())
