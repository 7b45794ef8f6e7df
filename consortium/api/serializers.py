from rest_framework import serializers

from consortium.choices import Service
from consortium.forms import LIBRARY_FIELDS
from consortium.models import Library


class LibrarySerializer(serializers.ModelSerializer):
    services = serializers.ListField(child=serializers.ChoiceField(choices=Service.choices), required=False)
    url = serializers.HyperlinkedIdentityField(view_name="api:library-detail", lookup_field="code")

    class Meta:
        model = Library
        # The same fields as the edit page, so the API and the page cannot drift apart.
        fields = ["id", "url", *LIBRARY_FIELDS, "updated_at"]
        read_only_fields = ["id", "url", "updated_at"]
