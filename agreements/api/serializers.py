from rest_framework import serializers

from agreements.choices import Form, InstitutionKind, PartyRole
from agreements.models import CONTENT_FIELDS, Agreement, Party, Responsibility
from consortium.models import Library


class PartySerializer(serializers.ModelSerializer):
    library = serializers.SlugRelatedField(
        slug_field="code", queryset=Library.objects.all(), required=False, allow_null=True
    )
    kind = serializers.ChoiceField(choices=InstitutionKind.choices, default=InstitutionKind.MEMBER)
    role = serializers.ChoiceField(choices=PartyRole.choices, default=PartyRole.PARTY)

    class Meta:
        model = Party
        fields = ["id", "library", "institution", "kind", "role", "representative", "position"]
        read_only_fields = ["id"]
        validators = []


class ResponsibilitySerializer(serializers.ModelSerializer):
    party = serializers.CharField(source="party.__str__", read_only=True)

    class Meta:
        model = Responsibility
        fields = ["party", "form", "task"]


class AgreementSerializer(serializers.ModelSerializer):
    forms = serializers.ListField(child=serializers.ChoiceField(choices=Form.choices), required=False)
    parties = PartySerializer(many=True, required=False)
    responsibilities = ResponsibilitySerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            *CONTENT_FIELDS,
            "status",
            "version",
            "termination_reason",
            "parties",
            "responsibilities",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "version", "termination_reason", "created_at", "updated_at"]
