"""Collection cooperation: the precomputed overlap and gap analysis, collecting responsibilities, cooperative
buying, exchange and redistribution of copies, and donations."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agreements.models import Agreement
from catalog.models import Holding, Record
from consortium.choices import SchoolLevel
from consortium.models import Library

from .choices import (
    LIVE_ORDER,
    DonationItemStatus,
    DonationKind,
    DonorKind,
    Funding,
    OfferReason,
    OfferStatus,
    OrderStatus,
    ProposalStatus,
    ProposerKind,
    RoundStatus,
    Scheme,
    TransferKind,
    WantStatus,
)
from .querysets import DonationQuerySet, DonorQuerySet, LibraryOwnedQuerySet, ProposalQuerySet

MONEY = {"max_digits": 14, "decimal_places": 0}

# --- facts the analysis needs ------------------------------------------------------------------------------


class Enrolment(models.Model):
    """How many students a school has: the denominator of copies per student."""

    library = models.OneToOneField(Library, on_delete=models.CASCADE, related_name="enrolment")
    students = models.PositiveIntegerField(_("students"))
    counted_on = models.DateField(_("counted on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"{self.library.code}: {self.students}"


class CurriculumSubject(models.Model):
    """A subject of the school curriculum at one school level, found in the catalog by its DDC prefix."""

    name = models.CharField(_("subject"), max_length=120)
    level = models.CharField(_("school level"), max_length=10, choices=SchoolLevel.choices)
    ddc_prefix = models.CharField(_("DDC prefix"), max_length=12, help_text=_("E.g. 510 for mathematics."))

    class Meta:
        verbose_name = _("curriculum subject")
        verbose_name_plural = _("curriculum subjects")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "level"],
                name="curriculum_subject_once_per_level",
                violation_error_message=_("This subject already exists for this level."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_level_display()})"


class CollectingResponsibility(models.Model):
    """An agreement's division of work for collections: a school builds depth in a DDC range."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="collecting_responsibilities")
    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="collecting_responsibilities")
    label = models.CharField(_("subject area"), max_length=120)
    ddc_from = models.DecimalField(_("DDC from"), max_digits=6, decimal_places=3)
    ddc_to = models.DecimalField(_("DDC to"), max_digits=6, decimal_places=3)

    class Meta:
        verbose_name = _("collecting responsibility")
        verbose_name_plural = _("collecting responsibilities")
        ordering = ["ddc_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ddc_to__gte=models.F("ddc_from")) & Q(ddc_from__gte=0) & Q(ddc_to__lt=1000),
                name="responsibility_ddc_range",
                violation_error_message=_("The DDC range must run from a lower to a higher class, within 0-999."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.library.code}: {self.label} ({self.ddc_from}-{self.ddc_to})"

    def covers(self, ddc_number: Decimal | None) -> bool:
        return ddc_number is not None and self.ddc_from <= ddc_number <= self.ddc_to


# --- the precomputed analysis --------------------------------------------------------------------------------


class AnalysisRun(models.Model):
    """One computation of the overlap and gap figures; pages read the newest finished one."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    records = models.PositiveIntegerField(default=0)
    holdings = models.PositiveIntegerField(default=0)
    libraries = models.PositiveIntegerField(default=0)
    recent_since = models.PositiveSmallIntegerField(help_text="Titles published in or after this year are recent.")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"analysis {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def seconds(self) -> float | None:
        return (self.finished_at - self.started_at).total_seconds() if self.finished_at else None


class SchoolClassStat(models.Model):
    """Figures of one school in one class (or its whole collection)."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="school_stats")
    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="+")
    scheme = models.CharField(max_length=3, choices=Scheme.choices)
    klass = models.CharField(max_length=120)
    titles = models.PositiveIntegerField()
    unique_titles = models.PositiveIntegerField()
    copies = models.PositiveIntegerField()
    median_year = models.FloatField(null=True)

    class Meta:
        indexes = [models.Index(fields=["run", "scheme", "klass"], name="acq_schoolstat_lookup")]

    def __str__(self) -> str:
        return f"{self.library_id} {self.scheme}:{self.klass}"

    @property
    def shared_titles(self) -> int:
        return self.titles - self.unique_titles


class SchoolPairStat(models.Model):
    """Titles two schools both hold (library_a < library_b)."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="pair_stats")
    library_a = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="+")
    library_b = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="+")
    shared = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["run", "library_a"], name="acq_pairstat_lookup")]

    def __str__(self) -> str:
        return f"{self.library_a_id}-{self.library_b_id}: {self.shared}"


class ClassGapStat(models.Model):
    """What the whole network holds in one class (or one curriculum subject of a level)."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="gap_stats")
    scheme = models.CharField(max_length=3, choices=Scheme.choices)
    klass = models.CharField(max_length=120)
    level = models.CharField(max_length=10, blank=True)
    titles = models.PositiveIntegerField()
    recent_titles = models.PositiveIntegerField()
    holders = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["run", "scheme"], name="acq_gapstat_lookup")]

    def __str__(self) -> str:
        return f"{self.scheme}:{self.klass} {self.recent_titles}/{self.titles}"


class ResponsibilityStat(models.Model):
    """How a school meets a collecting responsibility: its titles in the range against the network's."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="responsibility_stats")
    responsibility = models.ForeignKey(CollectingResponsibility, on_delete=models.CASCADE, related_name="+")
    school_titles = models.PositiveIntegerField()
    school_recent = models.PositiveIntegerField()
    network_titles = models.PositiveIntegerField()
    network_recent = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.responsibility_id}: {self.school_titles}/{self.network_titles}"

    @property
    def share(self) -> float | None:
        return self.school_titles / self.network_titles if self.network_titles else None


# --- cooperative acquisition ---------------------------------------------------------------------------------


class Proposal(models.Model):
    """A purchase suggestion from a librarian, a teacher or a student (a student's waits for her librarian)."""

    library = models.ForeignKey(Library, on_delete=models.PROTECT, related_name="purchase_proposals")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="purchase_proposals"
    )
    proposer_kind = models.CharField(_("proposed by"), max_length=10, choices=ProposerKind.choices)
    title = models.CharField(_("title"), max_length=300)
    author = models.CharField(_("author"), max_length=200, blank=True)
    isbn = models.CharField(_("ISBN"), max_length=13, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    ddc = models.CharField(_("DDC class"), max_length=32, blank=True)
    reason = models.TextField(_("why"), blank=True)
    record = models.ForeignKey(Record, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    ill_request = models.OneToOneField(
        "loans.IllRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="purchase_proposal"
    )
    status = models.CharField(_("status"), max_length=10, choices=ProposalStatus.choices)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("purchase proposal")
        verbose_name_plural = _("purchase proposals")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("acquisitions:proposal_detail", args=[self.pk])


class BuyingRound(models.Model):
    """A consortium buying round: a period, a budget per school and a shared budget."""

    name = models.CharField(_("name"), max_length=200)
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("agreement")
    )
    starts_on = models.DateField(pgettext_lazy("start of a buying round", "starts on"))
    ends_on = models.DateField(_("ends on"))
    shared_budget = models.DecimalField(_("shared budget (Rp)"), default=0, validators=[MinValueValidator(0)], **MONEY)
    status = models.CharField(_("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("buying round")
        verbose_name_plural = _("buying rounds")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="round_ends_after_start",
                violation_error_message=_("The round cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(shared_budget__gte=0),
                name="round_shared_budget_not_negative",
                violation_error_message=_("A budget cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("acquisitions:round_detail", args=[self.pk])


class RoundBudget(models.Model):
    """What one school may spend of its own money in a round."""

    round = models.ForeignKey(BuyingRound, on_delete=models.CASCADE, related_name="budgets")
    library = models.ForeignKey(Library, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("budget (Rp)"), validators=[MinValueValidator(0)], **MONEY)

    class Meta:
        ordering = ["library__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "library"],
                name="round_budget_once",
                violation_error_message=_("This school already has a budget in this round."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="round_budget_not_negative",
                violation_error_message=_("A budget cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.library.code}"


class Pledge(models.Model):
    """A school's promise to buy a title in a round: one line of the round's shared list, with its order status."""

    round = models.ForeignKey(BuyingRound, on_delete=models.CASCADE, related_name="pledges")
    library = models.ForeignKey(Library, on_delete=models.PROTECT, related_name="+", verbose_name=_("school"))
    proposal = models.ForeignKey(Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="pledges")
    record = models.ForeignKey(Record, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    author = models.CharField(_("author"), max_length=200, blank=True)
    isbn = models.CharField(_("ISBN"), max_length=13, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    ddc = models.CharField(_("DDC class"), max_length=32, blank=True)
    # ISBN-13 when known, else the catalog's match key: what "the same title" means within a round.
    title_key = models.CharField(max_length=400)
    quantity = models.PositiveSmallIntegerField(_("copies"), default=1, validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(_("price per copy (Rp)"), validators=[MinValueValidator(0)], **MONEY)
    funding = models.CharField(_("paid from"), max_length=8, choices=Funding.choices, default=Funding.SCHOOL)
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.PROPOSED)
    duplicate_reason = models.TextField(_("why another school's title is bought again"), blank=True)
    responsibility_warning = models.CharField(max_length=300, blank=True)
    holdings = models.ManyToManyField(Holding, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["round", "title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "library", "title_key"],
                condition=Q(status__in=LIVE_ORDER),
                name="pledge_once_per_school_and_round",
                violation_error_message=_("Your school has already pledged this title in this round."),
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0) & Q(quantity__gte=1),
                name="pledge_price_and_quantity",
                violation_error_message=_("The price cannot be negative and at least one copy is bought."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.library.code})"

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


# --- exchange and redistribution ------------------------------------------------------------------------


class Offer(models.Model):
    """A copy a school gives to the network: surplus, replaced by a new curriculum, or withdrawn."""

    library = models.ForeignKey(Library, on_delete=models.PROTECT, related_name="exchange_offers")
    holding = models.ForeignKey(Holding, on_delete=models.PROTECT, related_name="exchange_offers")
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=12, choices=OfferReason.choices, default=OfferReason.SURPLUS)
    note = models.TextField(_("note"), blank=True)
    embargo_until = models.DateField(
        _("claims open on"), null=True, blank=True, help_text=_("Empty: claims are accepted at once.")
    )
    status = models.CharField(_("status"), max_length=12, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    claimed_by = models.ForeignKey(
        Library, on_delete=models.PROTECT, null=True, blank=True, related_name="exchange_claims"
    )
    claimed_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = LibraryOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("exchange offer")
        verbose_name_plural = _("exchange offers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["holding"],
                condition=Q(status__in=[OfferStatus.OPEN, OfferStatus.CLAIMED]),
                name="offer_one_live_per_copy",
                violation_error_message=_("This copy is already on offer."),
            ),
            models.CheckConstraint(
                condition=~Q(claimed_by=models.F("library")),
                name="offer_not_claimed_by_offerer",
                violation_error_message=_("A school cannot claim its own offer."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record.title} ({self.library.code})"

    def get_absolute_url(self) -> str:
        return reverse("acquisitions:offer_detail", args=[self.pk])


class Want(models.Model):
    """What a school looks for: a title, an ISBN, a subject (DDC prefix) or a class level."""

    library = models.ForeignKey(Library, on_delete=models.PROTECT, related_name="exchange_wants")
    record = models.ForeignKey(Record, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    isbn = models.CharField(_("ISBN"), max_length=13, blank=True)
    title = models.CharField(_("title contains"), max_length=300, blank=True)
    ddc_prefix = models.CharField(_("DDC class starts with"), max_length=12, blank=True)
    grade = models.CharField(_("class level"), max_length=8, blank=True, help_text=_("E.g. X or VII."))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=WantStatus.choices, default=WantStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = LibraryOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("want")
        verbose_name_plural = _("wants")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(record__isnull=False) | ~Q(isbn="") | ~Q(title="") | ~Q(ddc_prefix="") | ~Q(grade=""),
                name="want_says_what",
                violation_error_message=_("Say what you want: a title, an ISBN, a subject or a class level."),
            )
        ]

    def __str__(self) -> str:
        what = self.title or self.isbn or self.ddc_prefix or self.grade or (self.record and self.record.title)
        return f"{self.library.code}: {what}"


class HoldingTransfer(models.Model):
    """Provenance of a copy that changed hands: from which school, to whom, when, under which agreement.

    Never deleted; a copy's history is the list of its transfers."""

    holding = models.ForeignKey(Holding, on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField(max_length=10, choices=TransferKind.choices)
    from_library = models.ForeignKey(Library, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    to_library = models.ForeignKey(Library, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    recipient = models.CharField(_("recipient outside the network"), max_length=200, blank=True)
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, null=True, blank=True, related_name="transfers")
    old_barcode = models.CharField(max_length=64)
    new_barcode = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    last_copy = models.BooleanField(default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.holding_id} {self.kind} {self.at:%Y-%m-%d}"


# --- donations -----------------------------------------------------------------------------------------------


class Donor(models.Model):
    """Someone who gave to a school library; personal data seen only by that school's staff and coordinators."""

    library = models.ForeignKey(Library, on_delete=models.PROTECT, related_name="donors", verbose_name=_("school"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("donor is a"), max_length=10, choices=DonorKind.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DonorQuerySet.as_manager()

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("acquisitions:donor_detail", args=[self.pk])


class Donation(models.Model):
    """One gift: items or money, on a date, to a school."""

    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="donations")
    library = models.ForeignKey(Library, on_delete=models.PROTECT, related_name="donations")
    kind = models.CharField(_("gift"), max_length=6, choices=DonationKind.choices)
    amount = models.DecimalField(_("amount (Rp)"), null=True, blank=True, **MONEY)
    description = models.TextField(_("description"), blank=True)
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = DonationQuerySet.as_manager()

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="donation_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=DonationKind.MONEY) | Q(amount__gt=0),
                name="donation_money_has_amount",
                violation_error_message=_("A gift of money needs an amount above zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.donor} {self.received_on}"


class DonationItem(models.Model):
    """One donated title (with how many copies), and what became of it."""

    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(_("title"), max_length=300)
    author = models.CharField(_("author"), max_length=200, blank=True)
    isbn = models.CharField(_("ISBN"), max_length=13, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    record = models.ForeignKey(Record, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=DonationItemStatus.choices, default=DonationItemStatus.PENDING
    )
    holding = models.ForeignKey(Holding, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    routed_to = models.ForeignKey(Library, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title
