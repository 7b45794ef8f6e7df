"""API of collection cooperation: the same querysets, filtersets and services as the pages."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from acquisitions import selectors, services
from acquisitions.analysis import latest_run
from acquisitions.choices import Scheme
from acquisitions.filtersets import (
    DonationFilterSet,
    OfferFilterSet,
    PledgeFilterSet,
    ProposalFilterSet,
    WantFilterSet,
)
from acquisitions.models import BuyingRound, Donation, DonationItem, Donor, Offer, Pledge, Proposal, Want
from consortium import policy
from consortium.api.permissions import ReadOnlyKeyCannotWrite
from consortium.models import Library

from .serializers import (
    BuyingRoundSerializer,
    ClaimSerializer,
    DonationItemSerializer,
    DonationSerializer,
    DonorSerializer,
    KeepSerializer,
    OfferSerializer,
    OfferTransferSerializer,
    PledgeSerializer,
    PledgeStatusSerializer,
    ProposalPledgeSerializer,
    ProposalSerializer,
    RoundBudgetSerializer,
    RouteSerializer,
    TransferSerializer,
    WantSerializer,
)

PERMISSIONS = viewsets.ReadOnlyModelViewSet.permission_classes + [ReadOnlyKeyCannotWrite]


def _valid(serializer_class, request):
    incoming = serializer_class(data=request.data)
    incoming.is_valid(raise_exception=True)
    return dict(incoming.validated_data)


class ProposalViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Purchase proposals; `network_holders` says at once who already holds the title."""

    serializer_class = ProposalSerializer
    filterset_class = ProposalFilterSet
    permission_classes = PERMISSIONS
    ordering = ["-id"]

    def get_queryset(self):
        return Proposal.objects.visible_to(self.request.user).select_related("library")

    def get_serializer(self, *args, **kwargs):
        if kwargs.get("many") and args:
            # Who holds each title, for the whole page at once (not two or three queries per proposal).
            page = list(args[0])
            kwargs["context"] = self.get_serializer_context() | {
                "network_holders": selectors.network_holder_codes(page)
            }
            args = (page, *args[1:])
        return super().get_serializer(*args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.proposal_create(by=self.request.user, **serializer.validated_data)

    @extend_schema(request=None, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        return Response(
            self.get_serializer(services.proposal_forward(proposal=self.get_object(), by=request.user)).data
        )

    @extend_schema(request=None, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return Response(
            self.get_serializer(services.proposal_decline(proposal=self.get_object(), by=request.user)).data
        )

    @extend_schema(request=ProposalPledgeSerializer, responses={201: PledgeSerializer})
    @action(detail=True, methods=["post"])
    def pledge(self, request, pk=None):
        data = _valid(ProposalPledgeSerializer, request)
        pledge = services.pledge_create(by=request.user, round_=data.pop("round"), proposal=self.get_object(), **data)
        return Response(PledgeSerializer(pledge).data, status=status.HTTP_201_CREATED)


class BuyingRoundViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Consortium buying rounds: every member reads them; coordinators open, budget and close them."""

    serializer_class = BuyingRoundSerializer
    permission_classes = PERMISSIONS
    ordering = ["-starts_on"]

    def get_queryset(self):
        return BuyingRound.objects.prefetch_related("budgets__library")

    def perform_create(self, serializer):
        serializer.instance = services.round_create(by=self.request.user, **serializer.validated_data)

    @extend_schema(request=RoundBudgetSerializer, responses=RoundBudgetSerializer)
    @action(detail=True, methods=["post"])
    def budget(self, request, pk=None):
        data = _valid(RoundBudgetSerializer, request)
        budget = services.round_set_budget(round_=self.get_object(), by=request.user, **data)
        return Response(RoundBudgetSerializer(budget).data)

    @extend_schema(request=None, responses=BuyingRoundSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return Response(self.get_serializer(services.round_close(round_=self.get_object(), by=request.user)).data)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def spending(self, request, pk=None):
        """Spending per school and per subject (DDC hundreds) against budget."""
        rows = selectors.spending_rows(self.get_object())
        return Response(
            {
                "schools": [
                    {key: (value.code if key == "library" else str(value)) for key, value in row.items()}
                    for row in rows["schools"]
                ],
                "subjects": [{key: str(value) for key, value in row.items()} for row in rows["subjects"]],
                "shared_budget": str(rows["shared_budget"]),
                "shared_spent": str(rows["shared_spent"]),
            }
        )


class PledgeViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The rounds' shared lists: a school pledges to buy a title; POST status moves the order along."""

    serializer_class = PledgeSerializer
    filterset_class = PledgeFilterSet
    permission_classes = PERMISSIONS
    ordering = ["round", "title", "id"]

    def get_queryset(self):
        return Pledge.objects.select_related("library").prefetch_related("holdings")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.pledge_create(by=self.request.user, round_=data.pop("round"), **data)

    @extend_schema(request=PledgeStatusSerializer, responses=PledgeSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        data = _valid(PledgeStatusSerializer, request)
        pledge = self.get_object()
        if data["status"] == "received":
            pledge = services.pledge_receive(pledge=pledge, by=request.user, barcodes=data["barcodes"])
        else:
            pledge = services.pledge_set_status(pledge=pledge, status=data["status"], by=request.user)
        return Response(self.get_serializer(pledge).data)


class OfferViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Copies offered to the network; first claim after the embargo wins; the transfer keeps provenance."""

    serializer_class = OfferSerializer
    filterset_class = OfferFilterSet
    permission_classes = PERMISSIONS
    ordering = ["-id"]

    def get_queryset(self):
        return (
            Offer.objects.visible_to(self.request.user)
            .select_related("library", "claimed_by", "record")
            .prefetch_related("transfers__from_library", "transfers__to_library")
        )

    def perform_create(self, serializer):
        serializer.instance = services.offer_create(by=self.request.user, **serializer.validated_data)

    @extend_schema(request=ClaimSerializer, responses=OfferSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        data = _valid(ClaimSerializer, request)
        offer = services.offer_claim(offer=self.get_object(), by=request.user, library=data["library"])
        return Response(self.get_serializer(offer).data)

    @extend_schema(request=OfferTransferSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        data = _valid(OfferTransferSerializer, request)
        transfer = services.offer_transfer(offer=self.get_object(), by=request.user, **data)
        return Response(TransferSerializer(transfer).data)

    @extend_schema(request=None, responses=OfferSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return Response(self.get_serializer(services.offer_cancel(offer=self.get_object(), by=request.user)).data)

    @extend_schema(responses=WantSerializer(many=True))
    @action(detail=True, methods=["get"])
    def matches(self, request, pk=None):
        """Open wants of other schools that this offer answers."""
        return Response(WantSerializer(selectors.wants_for_offer(self.get_object()), many=True).data)


class WantViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = WantSerializer
    filterset_class = WantFilterSet
    permission_classes = PERMISSIONS
    ordering = ["-id"]

    def get_queryset(self):
        return Want.objects.visible_to(self.request.user).select_related("library")

    def perform_create(self, serializer):
        serializer.instance = services.want_create(by=self.request.user, **serializer.validated_data)

    @extend_schema(request=None, responses=WantSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return Response(self.get_serializer(services.want_cancel(want=self.get_object(), by=request.user)).data)

    @extend_schema(responses=OfferSerializer(many=True))
    @action(detail=True, methods=["get"])
    def matches(self, request, pk=None):
        return Response(OfferSerializer(selectors.offers_for_want(self.get_object()), many=True).data)


class DonorViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Donors: personal data, so only the receiving school's staff (and its key) and coordinators see them."""

    serializer_class = DonorSerializer
    permission_classes = PERMISSIONS
    ordering = ["name"]

    def get_queryset(self):
        return Donor.objects.visible_to(self.request.user).select_related("library")

    def perform_create(self, serializer):
        serializer.instance = services.donor_create(by=self.request.user, **serializer.validated_data)


class DonationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DonationSerializer
    filterset_class = DonationFilterSet
    permission_classes = PERMISSIONS
    ordering = ["-received_on", "-id"]

    def get_queryset(self):
        return (
            Donation.objects.visible_to(self.request.user)
            .select_related("library")
            .prefetch_related("items__routed_to")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        donor = data.pop("donor")
        if not Donor.objects.visible_to(self.request.user).filter(pk=donor.pk).exists():
            raise PermissionDenied
        serializer.instance = services.donation_create(by=self.request.user, donor=donor, **data)

    @extend_schema(
        responses=inline_serializer(
            "DonationTotals",
            {
                "library": serializers.CharField(),
                "donations": serializers.IntegerField(),
                "items": serializers.IntegerField(),
                "money": serializers.DecimalField(max_digits=14, decimal_places=2),
            },
            many=True,
        )
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def totals(self, request):
        """Per school: gifts, donated titles and money; aggregates without donors, for every member."""
        return Response(
            [
                {
                    "library": row["library"].code,
                    "donations": row["donations"],
                    "items": row["items"],
                    "money": str(row["money"]),
                }
                for row in selectors.donation_totals()
            ]
        )


class DonationItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Donated titles: keep, route to a school whose gap list has them, or decline."""

    serializer_class = DonationItemSerializer
    permission_classes = PERMISSIONS
    ordering = ["id"]

    def get_queryset(self):
        return DonationItem.objects.filter(donation__in=Donation.objects.visible_to(self.request.user)).select_related(
            "routed_to"
        )

    @extend_schema(request=KeepSerializer, responses=DonationItemSerializer)
    @action(detail=True, methods=["post"])
    def keep(self, request, pk=None):
        data = _valid(KeepSerializer, request)
        return Response(
            self.get_serializer(services.donation_item_keep(item=self.get_object(), by=request.user, **data)).data
        )

    @extend_schema(request=RouteSerializer, responses=DonationItemSerializer)
    @action(detail=True, methods=["post"])
    def route(self, request, pk=None):
        data = _valid(RouteSerializer, request)
        item = services.donation_item_route(item=self.get_object(), by=request.user, **data)
        return Response(self.get_serializer(item).data)

    @extend_schema(request=None, responses=DonationItemSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return Response(
            self.get_serializer(services.donation_item_decline(item=self.get_object(), by=request.user)).data
        )


class CollectionAnalysisViewSet(viewsets.ViewSet):
    """The precomputed overlap and gap figures (for coordinators and member libraries' staff and keys)."""

    permission_classes = PERMISSIONS

    def _run(self, request):
        if not policy.can_see_collection_analysis(request.user):
            raise PermissionDenied
        run = latest_run()
        if run is None:
            from rest_framework.exceptions import NotFound

            raise NotFound("The figures have not been computed yet.")
        return run

    def _meta(self, run):
        return {
            "computed_at": run.finished_at,
            "records": run.records,
            "holdings": run.holdings,
            "recent_since": run.recent_since,
        }

    @extend_schema(
        parameters=[
            OpenApiParameter("scheme", str, enum=list(Scheme.values)),
            OpenApiParameter("klass", str, description="DDC digit(s) or curriculum subject id"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=False, methods=["get"])
    def schools(self, request):
        """Per school: titles, unique and shared titles, copies, copies per student, median year."""
        run = self._run(request)
        scheme = request.query_params.get("scheme", Scheme.ALL)
        if scheme not in Scheme.values:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"scheme": [f"One of {', '.join(Scheme.values)}."]})
        rows = selectors.school_rows(run, scheme=scheme, klass=request.query_params.get("klass", ""))
        return Response(
            self._meta(run)
            | {
                "schools": [
                    {
                        "library": r.library.code,
                        "titles": r.titles,
                        "unique_titles": r.unique_titles,
                        "shared_titles": r.shared_titles,
                        "copies": r.copies,
                        "students": r.students,
                        "copies_per_student": r.copies_per_student,
                        "median_year": r.median_year,
                    }
                    for r in rows
                ]
            }
        )

    @extend_schema(
        parameters=[OpenApiParameter("library", str, description="only the pairs of this school")],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=False, methods=["get"])
    def overlap(self, request):
        """Titles shared by each pair of schools."""
        run = self._run(request)
        pairs = run.pair_stats.order_by("library_a__code", "library_b__code")
        code = request.query_params.get("library")
        if code:
            library = get_object_or_404(Library, code__iexact=code)
            pairs = pairs.filter(Q(library_a=library) | Q(library_b=library))
        rows = pairs.values_list("library_a__code", "library_b__code", "shared")[:50000]
        return Response(self._meta(run) | {"pairs": [{"a": a, "b": b, "shared": n} for a, b, n in rows]})

    @extend_schema(
        parameters=[OpenApiParameter("threshold", int, description="at most this many recent titles")],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=False, methods=["get"])
    def gaps(self, request):
        run = self._run(request)
        try:
            threshold = int(request.query_params.get("threshold", selectors.GAP_THRESHOLD))
        except ValueError:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"threshold": ["A whole number."]}) from None
        gaps = selectors.gap_rows(run, threshold=threshold)
        return Response(
            self._meta(run)
            | {
                "ddc_tens": [
                    {"class": g.klass, "titles": g.titles, "recent_titles": g.recent_titles, "schools": g.holders}
                    for g in gaps["tens"]
                ],
                "curriculum": [
                    {
                        "subject": g.subject.name,
                        "level": g.level,
                        "titles": g.titles,
                        "recent_titles": g.recent_titles,
                        "schools": g.holders,
                    }
                    for g in gaps["curriculum"]
                ],
                "unfilled_ill": [
                    {
                        "record": u["record_id"],
                        "title": u["record__title"],
                        "requests": u["requests"],
                        "schools": u["schools"],
                    }
                    for u in selectors.unfilled_titles()
                ],
            }
        )
