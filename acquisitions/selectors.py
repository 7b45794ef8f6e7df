"""Reads that join catalog, loans, agreements and this app: analysis tables, network look-ups, matching."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Q, Sum
from django.utils import timezone

from agreements.choices import Form, Status
from agreements.models import Agreement
from catalog.choices import HoldingStatus
from catalog.models import Holding, Record
from catalog.normalize import isbn13, match_key
from catalog.selectors import same_edition
from consortium.models import Library
from loans.choices import State
from loans.models import IllRequest

from .choices import LIVE_ORDER, Funding, OfferStatus, OrderStatus, Scheme, WantStatus
from .models import (
    AnalysisRun,
    ClassGapStat,
    CollectingResponsibility,
    CurriculumSubject,
    Enrolment,
    Offer,
    Pledge,
    ResponsibilityStat,
    SchoolClassStat,
    SchoolPairStat,
    Want,
)

DDC_NUMBER = re.compile(r"^\s*([0-9]{1,3}(?:\.[0-9]+)?)")
GAP_THRESHOLD = 2  # a class with this many recent titles or fewer is a gap


def ddc_number(ddc: str) -> Decimal | None:
    match = DDC_NUMBER.match(ddc or "")
    try:
        return Decimal(match.group(1)) if match else None
    except InvalidOperation:
        return None


def title_key(*, isbn: str, title: str, author: str, year: int | None, publisher: str) -> str:
    """What 'the same title' means when buying: the ISBN-13 when known, else the catalog's match key."""
    return isbn or match_key(title=title, first_author=author, year=year, publisher=publisher)


# --- the analysis ---------------------------------------------------------------------------------------


@dataclass
class SchoolRow:
    library: Library
    titles: int = 0
    unique_titles: int = 0
    copies: int = 0
    median_year: float | None = None
    students: int | None = None

    @property
    def shared_titles(self) -> int:
        return self.titles - self.unique_titles

    @property
    def copies_per_student(self) -> float | None:
        return round(self.copies / self.students, 2) if self.students else None


def school_rows(run: AnalysisRun, *, scheme: str = Scheme.ALL, klass: str = "") -> list[SchoolRow]:
    """Every active school with its figures in one class (schools holding nothing there show zeros)."""
    stats = {
        s.library_id: s
        for s in SchoolClassStat.objects.filter(run=run, scheme=scheme, klass=klass if scheme != Scheme.ALL else "")
    }
    students = dict(Enrolment.objects.values_list("library_id", "students"))
    libraries = Library.objects.filter(status="active").order_by("name")
    if scheme == Scheme.SUBJECT and klass:
        subject = CurriculumSubject.objects.filter(pk=klass).first()
        libraries = libraries.filter(level=subject.level) if subject else libraries.none()
    rows = []
    for library in libraries:
        stat = stats.get(library.pk)
        rows.append(
            SchoolRow(
                library=library,
                titles=stat.titles if stat else 0,
                unique_titles=stat.unique_titles if stat else 0,
                copies=stat.copies if stat else 0,
                median_year=stat.median_year if stat else None,
                students=students.get(library.pk),
            )
        )
    return rows


def class_rows(run: AnalysisRun, *, library: Library, scheme: str) -> list[SchoolClassStat]:
    return list(SchoolClassStat.objects.filter(run=run, library=library, scheme=scheme).order_by("klass"))


def pair_matrix(run: AnalysisRun, libraries: list[Library]) -> list[list[int | None]]:
    """Titles shared by each pair of the given schools (None on the diagonal)."""
    ids = [lib.pk for lib in libraries]
    shared = {
        (a, b): n
        for a, b, n in SchoolPairStat.objects.filter(run=run, library_a_id__in=ids, library_b_id__in=ids).values_list(
            "library_a_id", "library_b_id", "shared"
        )
    }
    return [[None if a == b else shared.get((min(a, b), max(a, b)), 0) for b in ids] for a in ids]


def shared_with_each(run: AnalysisRun, library: Library) -> list[tuple[Library, int]]:
    """Titles this school shares with each other school, most first."""
    pairs = SchoolPairStat.objects.filter(run=run).filter(Q(library_a=library) | Q(library_b=library))
    counts = {(p.library_b_id if p.library_a_id == library.pk else p.library_a_id): p.shared for p in pairs}
    others = Library.objects.in_bulk(list(counts))
    return sorted(((others[pk], n) for pk, n in counts.items()), key=lambda item: (-item[1], item[0].name))


def gap_rows(run: AnalysisRun, *, threshold: int = GAP_THRESHOLD) -> dict[str, list]:
    """Classes and curriculum subjects where the network has `threshold` recent titles or fewer."""
    tens = list(
        ClassGapStat.objects.filter(run=run, scheme=Scheme.TENS, recent_titles__lte=threshold).exclude(klass="-")
    )
    subjects = CurriculumSubject.objects.in_bulk()
    curriculum = []
    for stat in ClassGapStat.objects.filter(run=run, scheme=Scheme.SUBJECT, recent_titles__lte=threshold):
        stat.subject = subjects.get(int(stat.klass))
        if stat.subject is not None:
            curriculum.append(stat)
    tens.sort(key=lambda s: (s.recent_titles, s.titles, s.klass))
    curriculum.sort(key=lambda s: (s.recent_titles, s.titles, s.level, s.subject.name))
    return {"tens": tens, "curriculum": curriculum}


def unfilled_titles(*, since: date | None = None) -> list[dict]:
    """Titles that schools asked for by interlibrary loan and nobody could lend, most asked first."""
    requests = IllRequest.objects.filter(state=State.UNFILLED, record__isnull=False)
    if since:
        requests = requests.filter(created_at__date__gte=since)
    rows = (
        requests.values("record_id", "record__title", "record__ddc", "record__year")
        .annotate(requests=Count("id"), schools=Count("requester", distinct=True))
        .order_by("-requests", "record__title")
    )
    return list(rows)


def responsibility_rows(run: AnalysisRun) -> list[ResponsibilityStat]:
    return list(
        ResponsibilityStat.objects.filter(run=run)
        .select_related("responsibility__library", "responsibility__agreement")
        .order_by("responsibility__ddc_from")
    )


# --- responsibilities and network look-ups --------------------------------------------------------------


def active_responsibilities(*, on: date | None = None):
    on = on or timezone.localdate()
    return (
        CollectingResponsibility.objects.filter(agreement__status=Status.ACTIVE, agreement__start_on__lte=on)
        .filter(Q(agreement__end_on__isnull=True) | Q(agreement__end_on__gte=on))
        .select_related("library", "agreement")
    )


def responsibility_elsewhere(*, ddc: str, library: Library) -> CollectingResponsibility | None:
    """Another school's collecting responsibility covering this DDC number, if any."""
    number = ddc_number(ddc)
    if number is None:
        return None
    for item in active_responsibilities().exclude(library=library):
        if item.covers(number):
            return item
    return None


@dataclass
class NetworkMatch:
    record: Record
    holders: list[Library] = field(default_factory=list)
    same_city: list[Library] = field(default_factory=list)
    how: str = "isbn"


def network_matches(
    *, isbn: str = "", title: str = "", author: str = "", year: int | None = None, publisher: str = "", city: str = ""
) -> list[NetworkMatch]:
    """Records of the union catalog that are this title (by ISBN, else by match key) and who holds them."""
    found = _same_title(isbn=isbn, title=title, author=author, year=year, publisher=publisher)
    holders = _holders_of([record.pk for record, _how in found])
    return [
        NetworkMatch(
            record=record,
            holders=holders.get(record.pk, []),
            same_city=[h for h in holders.get(record.pk, []) if city and h.city == city],
            how=how,
        )
        for record, how in found
    ]


def network_holder_codes(proposals) -> dict[int, list[str]]:
    """network_matches' holders (school codes) for a page of proposals in a few queries: one for every ISBN of the
    page, one for the holders of every record found; only proposals without an ISBN match compare titles."""
    by_isbn: dict[str, list[Record]] = {}
    isbns = {isbn13(p.isbn) for p in proposals if p.isbn} - {None, ""}
    if isbns:
        for record in Record.objects.filter(isbns__overlap=sorted(isbns)).order_by("pk"):
            for value in set(record.isbns) & isbns:
                by_isbn.setdefault(value, []).append(record)
    found: dict[int, list[Record]] = {}
    for proposal in proposals:
        value = isbn13(proposal.isbn) if proposal.isbn else ""
        records = by_isbn.get(value, [])[:5] if value else []
        if not records:
            same = _same_title(
                title=proposal.title, author=proposal.author, year=proposal.year, publisher=proposal.publisher
            )
            records = [record for record, _how in same]
        found[proposal.pk] = records
    holders = _holders_of([record.pk for records in found.values() for record in records])
    return {
        pk: sorted({library.code for record in records for library in holders.get(record.pk, [])})
        for pk, records in found.items()
    }


def _same_title(
    *, isbn: str = "", title: str = "", author: str = "", year: int | None = None, publisher: str = ""
) -> list[tuple[Record, str]]:
    found: list[tuple[Record, str]] = []
    isbn = isbn13(isbn) or "" if isbn else ""
    if isbn:
        found += [(r, "isbn") for r in Record.objects.filter(isbns__contains=[isbn])[:5]]
    if title and not found:
        # The catalog's own judgement of "the same edition" (blocking key and scored comparison).
        same = same_edition(title=title, author=author, year=year, publisher=publisher)
        found += [(r, "match_key") for r in same]
    return found


def _holders_of(record_ids: list[int]) -> dict[int, list[Library]]:
    """The active schools holding each record (a copy that is not withdrawn), by name."""
    if not record_ids:
        return {}
    pairs = (
        Holding.objects.filter(record_id__in=set(record_ids), library__status="active")
        .exclude(status=HoldingStatus.WITHDRAWN)
        .values_list("record_id", "library_id")
        .distinct()
    )
    by_record: dict[int, set[int]] = {}
    for record_id, library_id in pairs:
        by_record.setdefault(record_id, set()).add(library_id)
    libraries = {lib.pk: lib for lib in Library.objects.filter(pk__in={i for ids in by_record.values() for i in ids})}
    return {
        record_id: sorted((libraries[i] for i in ids), key=lambda lib: lib.name) for record_id, ids in by_record.items()
    }


def agreement_for_exchange(*, a: Library, b: Library, on: date | None = None) -> Agreement | None:
    """The active agreement covering exchange (or cooperative acquisition) that both schools are parties of."""
    on = on or timezone.localdate()
    return (
        Agreement.objects.filter(status=Status.ACTIVE, start_on__lte=on)
        .filter(Q(forms__contains=[Form.EXCHANGE]) | Q(forms__contains=[Form.ACQUISITION]))
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=on))
        .filter(parties__library=a)
        .filter(parties__library=b)
        .order_by("-start_on")
        .first()
    )


def is_last_copy(holding: Holding) -> bool:
    """No other copy of the record, at any member school, that is not withdrawn."""
    return not (
        Holding.objects.filter(record_id=holding.record_id)
        .exclude(pk=holding.pk)
        .exclude(status=HoldingStatus.WITHDRAWN)
        .exists()
    )


# --- exchange matching -----------------------------------------------------------------------------------


def _want_condition(want: Want) -> Q:
    condition = Q()
    if want.record_id:
        condition |= Q(record_id=want.record_id)
    if want.isbn:
        condition |= Q(record__isbns__contains=[want.isbn])
    if want.title:
        condition |= Q(record__title__icontains=want.title)
    if want.ddc_prefix:
        condition |= Q(record__ddc__startswith=want.ddc_prefix)
    if want.grade:
        condition |= Q(record__title__iregex=rf"\mkelas {re.escape(want.grade)}\M")
    return condition


def offers_for_want(want: Want):
    """Open offers of other schools that answer a want."""
    condition = _want_condition(want)
    if not condition:
        return Offer.objects.none()
    return (
        Offer.objects.filter(status=OfferStatus.OPEN)
        .exclude(library_id=want.library_id)
        .filter(condition)
        .select_related("record", "library")
    )


def open_wants():
    return list(Want.objects.filter(status=WantStatus.OPEN).select_related("library"))


def wants_for_offer(offer: Offer, wants: list[Want] | None = None) -> list[Want]:
    """Open wants of other schools that this offer answers (pass `wants=open_wants()` to match many offers)."""
    record = offer.record
    matched = []
    for want in open_wants() if wants is None else wants:
        if want.library_id == offer.library_id:
            continue
        if (
            want.record_id == record.pk
            or (want.isbn and want.isbn in (record.isbns or []))
            or (want.title and want.title.casefold() in record.title.casefold())
            or (want.ddc_prefix and record.ddc.startswith(want.ddc_prefix))
            or (want.grade and re.search(rf"\bkelas {re.escape(want.grade)}\b", record.title, re.IGNORECASE))
        ):
            matched.append(want)
    return matched


def donation_route_targets(*, record: Record | None, isbn: str, title: str, exclude: Library) -> list[Library]:
    """Schools whose gap list contains this title: an open want for it or an unfilled loan request for it,
    and no copy of their own."""
    ids: set[int] = set()
    wants = Want.objects.filter(status=WantStatus.OPEN).exclude(library=exclude)
    condition = Q(title__iexact=title) if title else Q(pk__in=[])
    if isbn:
        condition |= Q(isbn=isbn)
    if record is not None:
        condition |= Q(record=record)
    ids |= set(wants.filter(condition).values_list("library_id", flat=True))
    if record is not None:
        ids |= set(
            IllRequest.objects.filter(state=State.UNFILLED, record=record)
            .exclude(requester=exclude)
            .values_list("requester_id", flat=True)
        )
        holders = set(
            Holding.objects.filter(record=record)
            .exclude(status=HoldingStatus.WITHDRAWN)
            .values_list("library_id", flat=True)
        )
        ids -= holders
    return list(Library.objects.filter(pk__in=ids, status="active").order_by("name"))


# --- buying rounds ---------------------------------------------------------------------------------------


def spent(round_, *, library: Library | None = None, funding: str = Funding.SCHOOL) -> Decimal:
    pledges = Pledge.objects.filter(round=round_, status__in=LIVE_ORDER, funding=funding)
    if library is not None:
        pledges = pledges.filter(library=library)
    total = Decimal("0")
    for price, quantity in pledges.values_list("unit_price", "quantity"):
        total += price * quantity
    return total


def spending_rows(round_) -> dict:
    """Per school and per subject (DDC hundreds): what is pledged, ordered and received, against budget."""
    budgets = {b.library_id: b for b in round_.budgets.select_related("library")}
    schools: dict[int, dict] = {}
    subjects: dict[str, dict] = {}
    for pledge in round_.pledges.select_related("library").filter(status__in=LIVE_ORDER):
        row = schools.setdefault(
            pledge.library_id,
            {
                "library": pledge.library,
                "budget": budgets[pledge.library_id].amount if pledge.library_id in budgets else Decimal("0"),
                "pledged": Decimal("0"),
                "ordered": Decimal("0"),
                "received": Decimal("0"),
                "shared": Decimal("0"),
            },
        )
        total = pledge.total
        if pledge.funding == Funding.SHARED:
            row["shared"] += total
        else:
            row["pledged"] += total
        if pledge.status in (OrderStatus.ORDERED, OrderStatus.RECEIVED):
            row["ordered"] += total
        if pledge.status == OrderStatus.RECEIVED:
            row["received"] += total
        number = ddc_number(pledge.ddc)
        hundred = f"{int(number) // 100 * 100:03d}" if number is not None else "-"
        sub = subjects.setdefault(hundred, {"klass": hundred, "titles": 0, "copies": 0, "amount": Decimal("0")})
        sub["titles"] += 1
        sub["copies"] += pledge.quantity
        sub["amount"] += total
    for library_id, budget in budgets.items():
        schools.setdefault(
            library_id,
            {
                "library": budget.library,
                "budget": budget.amount,
                "pledged": Decimal("0"),
                "ordered": Decimal("0"),
                "received": Decimal("0"),
                "shared": Decimal("0"),
            },
        )
    rows = sorted(schools.values(), key=lambda r: r["library"].name)
    for row in rows:
        row["left"] = row["budget"] - row["pledged"]
    return {
        "schools": rows,
        "subjects": sorted(subjects.values(), key=lambda r: r["klass"]),
        "shared_budget": round_.shared_budget,
        "shared_spent": sum((r["shared"] for r in rows), Decimal("0")),
    }


def donation_totals() -> list[dict]:
    """Aggregates anyone signed in may see: per school, how many gifts, items and how much money (no donors)."""
    from .models import Donation, DonationItem

    money = dict(Donation.objects.values("library_id").annotate(total=Sum("amount")).values_list("library_id", "total"))
    gifts = dict(Donation.objects.values("library_id").annotate(n=Count("id")).values_list("library_id", "n"))
    items = dict(
        DonationItem.objects.values("donation__library_id")
        .annotate(n=Count("id"))
        .values_list("donation__library_id", "n")
    )
    libraries = Library.objects.filter(pk__in=set(gifts)).order_by("name")
    return [
        {
            "library": lib,
            "donations": gifts.get(lib.pk, 0),
            "items": items.get(lib.pk, 0),
            "money": money.get(lib.pk) or 0,
        }
        for lib in libraries
    ]
