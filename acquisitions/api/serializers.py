"""API shapes. Writable fields match the services' keyword arguments; the services do the work."""

from rest_framework import serializers

from acquisitions.choices import (
    DonationKind,
    DonorKind,
    Funding,
    OfferReason,
    OrderStatus,
    ProposerKind,
)
from acquisitions.models import (
    BuyingRound,
    Donation,
    DonationItem,
    Donor,
    HoldingTransfer,
    Offer,
    Pledge,
    Proposal,
    RoundBudget,
    Want,
)
from agreements.models import Agreement
from catalog.models import Holding
from consortium.models import Library

LIBRARY = {"slug_field": "code", "queryset": Library.objects.all()}


class ProposalSerializer(serializers.ModelSerializer):
    library = serializers.SlugRelatedField(required=False, **LIBRARY)
    proposer_kind = serializers.ChoiceField(choices=ProposerKind.choices, required=False)
    network_holders = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "library",
            "proposer_kind",
            "title",
            "author",
            "isbn",
            "publisher",
            "year",
            "ddc",
            "reason",
            "record",
            "ill_request",
            "status",
            "network_holders",
            "created_at",
        ]
        read_only_fields = ["id", "record", "ill_request", "status", "network_holders", "created_at"]
        extra_kwargs = {"isbn": {"max_length": 20}}

    def get_network_holders(self, obj) -> list[str]:
        """Codes of the schools holding this title now (by ISBN or match key): 'already in the network'."""
        from acquisitions.selectors import network_holder_codes

        # A list gives the codes of its whole page (ProposalViewSet.get_serializer); one proposal asks alone.
        page = self.context.get("network_holders")
        if page is not None and obj.pk in page:
            return page[obj.pk]
        return network_holder_codes([obj])[obj.pk]


class ProposalPledgeSerializer(serializers.Serializer):
    round = serializers.PrimaryKeyRelatedField(queryset=BuyingRound.objects.all())
    quantity = serializers.IntegerField(min_value=1, default=1)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=0)
    funding = serializers.ChoiceField(choices=Funding.choices, default=Funding.SCHOOL)
    duplicate_reason = serializers.CharField(required=False, allow_blank=True, default="")


class RoundBudgetSerializer(serializers.ModelSerializer):
    library = serializers.SlugRelatedField(**LIBRARY)

    class Meta:
        model = RoundBudget
        fields = ["library", "amount"]


class BuyingRoundSerializer(serializers.ModelSerializer):
    agreement = serializers.PrimaryKeyRelatedField(queryset=Agreement.objects.all(), required=False, allow_null=True)
    shared_budget = serializers.DecimalField(max_digits=14, decimal_places=0, required=False, allow_null=True)
    budgets = RoundBudgetSerializer(many=True, read_only=True)

    class Meta:
        model = BuyingRound
        fields = ["id", "name", "agreement", "starts_on", "ends_on", "shared_budget", "status", "budgets", "created_at"]
        read_only_fields = ["id", "status", "budgets", "created_at"]


class PledgeSerializer(serializers.ModelSerializer):
    library = serializers.SlugRelatedField(required=False, **LIBRARY)
    round = serializers.PrimaryKeyRelatedField(queryset=BuyingRound.objects.all())
    funding = serializers.ChoiceField(choices=Funding.choices, default=Funding.SCHOOL)
    barcodes = serializers.SerializerMethodField()

    class Meta:
        model = Pledge
        fields = [
            "id",
            "round",
            "library",
            "proposal",
            "record",
            "title",
            "author",
            "isbn",
            "publisher",
            "year",
            "ddc",
            "quantity",
            "unit_price",
            "funding",
            "status",
            "duplicate_reason",
            "responsibility_warning",
            "barcodes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "record", "status", "responsibility_warning", "barcodes", "created_at", "updated_at"]
        extra_kwargs = {"title": {"required": False}, "proposal": {"required": False}, "isbn": {"max_length": 20}}

    def get_barcodes(self, obj) -> list[str]:
        return [h.barcode for h in obj.holdings.all()]


class PledgeStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    barcodes = serializers.ListField(child=serializers.CharField(max_length=64), required=False, default=list)


class TransferSerializer(serializers.ModelSerializer):
    from_library = serializers.SlugRelatedField(slug_field="code", read_only=True)
    to_library = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = HoldingTransfer
        fields = [
            "id",
            "kind",
            "from_library",
            "to_library",
            "recipient",
            "agreement",
            "old_barcode",
            "new_barcode",
            "at",
        ]


class OfferSerializer(serializers.ModelSerializer):
    library = serializers.SlugRelatedField(slug_field="code", read_only=True)
    claimed_by = serializers.SlugRelatedField(slug_field="code", read_only=True)
    holding = serializers.PrimaryKeyRelatedField(queryset=Holding.objects.all())
    reason = serializers.ChoiceField(choices=OfferReason.choices, default=OfferReason.SURPLUS)
    title = serializers.CharField(source="record.title", read_only=True)
    transfers = TransferSerializer(many=True, read_only=True)

    class Meta:
        model = Offer
        fields = [
            "id",
            "library",
            "holding",
            "record",
            "title",
            "reason",
            "note",
            "embargo_until",
            "status",
            "claimed_by",
            "claimed_at",
            "transfers",
            "created_at",
        ]
        read_only_fields = ["id", "library", "record", "status", "claimed_by", "claimed_at", "transfers", "created_at"]


class ClaimSerializer(serializers.Serializer):
    library = serializers.SlugRelatedField(required=False, allow_null=True, default=None, **LIBRARY)


class OfferTransferSerializer(serializers.Serializer):
    new_barcode = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class WantSerializer(serializers.ModelSerializer):
    library = serializers.SlugRelatedField(required=False, **LIBRARY)

    class Meta:
        model = Want
        fields = ["id", "library", "record", "isbn", "title", "ddc_prefix", "grade", "note", "status", "created_at"]
        read_only_fields = ["id", "status", "created_at"]
        extra_kwargs = {"isbn": {"max_length": 20}}


class DonorSerializer(serializers.ModelSerializer):
    library = serializers.SlugRelatedField(required=False, **LIBRARY)
    kind = serializers.ChoiceField(choices=DonorKind.choices)

    class Meta:
        model = Donor
        fields = ["id", "library", "name", "kind", "email", "phone", "address", "created_at"]
        read_only_fields = ["id", "created_at"]


class DonationItemSerializer(serializers.ModelSerializer):
    routed_to = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = DonationItem
        fields = ["id", "title", "author", "isbn", "year", "record", "status", "routed_to", "holding"]
        read_only_fields = ["id", "record", "status", "routed_to", "holding"]
        extra_kwargs = {"isbn": {"max_length": 20}}


class DonationSerializer(serializers.ModelSerializer):
    library = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind = serializers.ChoiceField(choices=DonationKind.choices)
    items = DonationItemSerializer(many=True, required=False)

    class Meta:
        model = Donation
        fields = ["id", "donor", "library", "kind", "amount", "description", "received_on", "items", "created_at"]
        read_only_fields = ["id", "library", "created_at"]
        extra_kwargs = {"received_on": {"required": False}}


class RouteSerializer(serializers.Serializer):
    to_library = serializers.SlugRelatedField(**LIBRARY)
    barcode = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class KeepSerializer(serializers.Serializer):
    barcode = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
