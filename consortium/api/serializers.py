from rest_framework import serializers

from consortium.choices import Service
from consortium.models import Library


class LibrarySerializer(serializers.ModelSerializer):
    services = serializers.ListField(child=serializers.ChoiceField(choices=Service.choices), required=False)
    url = serializers.HyperlinkedIdentityField(view_name="api:library-detail", lookup_field="code")

    class Meta:
        model = Library
        fields = [
            "id",
            "url",
            "code",
            "name",
            "npsn",
            "level",
            "address",
            "city",
            "province",
            "phone",
            "email",
            "website",
            "head_librarian",
            "opening_hours",
            "services",
            "status",
            "applied_on",
            "joined_on",
            "left_on",
            "updated_at",
        ]
        read_only_fields = ["id", "url", "updated_at"]
