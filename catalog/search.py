"""Catalog search: query language, ranking, facets, scope, suggestions. The one place used by the page and the API.

Query language (what a reader types in the box):
    kata lain          every word must match (Indonesian and English stems, accents and case folded)
    "kata lain"        exact phrase (the words next to each other, in this order)
    -kata              excludes records with the word (also -"a phrase")
    978-602-...        an ISBN (10 or 13) or a copy's barcode jumps to its record

The index itself is kept by Postgres triggers (migration 0002_search_index): search_vector has weights
A title, B authors, C subjects/series, D summary/publisher; holding_library_ids / available_library_ids
summarise catalog_holding, so results, availability and facets never join the holdings table.

One statement per search does most of the work (Searcher._facets): it reads the first FACET_SAMPLE + 1 matches,
counts the facets over them, and takes the page from them: every match ranked when they all fit, otherwise the
sample plus a few probes (titles that are or start with the query, the searcher's own school) as a bounded pool.
Only deep pages and other sorts of bigger result sets order every match. Counts above the sample are shown as
"more than N" and the page says that the facet counts come from the first N matches.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum import isbn as stdnum_isbn

from consortium.models import Library
from consortium.policy import is_api_key, library_ids_for, school_id_of

from .choices import MaterialType
from .models import Holding, Record
from .normalize import fold

MAX_QUERY_LENGTH = 300  # characters kept from the box; a 10 KB paste is cut with a message
MAX_TERMS = 12
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000  # deeper pages are refused politely (and OFFSET stays a sane number)
# Counts above this are shown as "more than N"; facets are counted over at most this many matches, and a common
# word's page is ranked among them (and the probes, see BOUNDED_PROBE). 2,000 rather than 5,000 since issue 16: the
# sample's read and counts are most of a broad search's time (bench/README.md).
FACET_SAMPLE = 2000
SUBJECT_FACET_SIZE = 12
SUGGEST_MIN_SIMILARITY = 0.35

SORTS = {
    "relevance": gettext_lazy("Relevance"),
    "newest": gettext_lazy("Newest"),
    "title": gettext_lazy("Title"),
}
SCOPES = {
    "all": gettext_lazy("Whole consortium"),
    "mine": gettext_lazy("My school"),
}
LANGUAGES = {
    "ind": gettext_lazy("Indonesian"),
    "eng": gettext_lazy("English"),
    "jav": gettext_lazy("Javanese"),
    "sun": gettext_lazy("Sundanese"),
    "ara": gettext_lazy("Arabic"),
    "msa": gettext_lazy("Malay"),
    "zho": gettext_lazy("Chinese"),
    "jpn": gettext_lazy("Japanese"),
    "deu": gettext_lazy("German"),
    "fra": gettext_lazy("French"),
    "bbc": gettext_lazy("Batak Toba"),
}
DDC_CLASSES = {
    "0": gettext_lazy("000 Computer science, information, general works"),
    "1": gettext_lazy("100 Philosophy and psychology"),
    "2": gettext_lazy("200 Religion"),
    "3": gettext_lazy("300 Social sciences"),
    "4": gettext_lazy("400 Language"),
    "5": gettext_lazy("500 Science"),
    "6": gettext_lazy("600 Technology"),
    "7": gettext_lazy("700 Arts and recreation"),
    "8": gettext_lazy("800 Literature"),
    "9": gettext_lazy("900 History and geography"),
}
YEAR_MIN, YEAR_MAX = 1000, 2100

TOKEN_RE = re.compile(r'(-?)"([^"]*)"|(\S+)')
ISBN_RE = re.compile(r"^(?:ISBN[:\s]*)?([0-9][0-9\- ]{8,16}[0-9Xx])$", re.IGNORECASE)
BARCODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-./]{2,63}$")


# --- parsing ------------------------------------------------------------------------------------------


@dataclass
class Term:
    text: str
    negated: bool = False
    phrase: bool = False
    choices: tuple[str, ...] = ()  # "a/b": one of these


def parse_query(text: str) -> list[Term]:
    """Split the box into words, "phrases" and -exclusions; an unbalanced quote is treated as plain text.

    A word with separators inside ("SMA/MA", "IPA/IPS", "X/1", "B.Indo") gives its parts as words, as the index
    does (silang_search_text, migration 0014); a whole ISBN or barcode in the box is found before (jump)."""
    if text.count('"') % 2:
        text = text.replace('"', " ")
    terms: list[Term] = []
    for match in TOKEN_RE.finditer(text):
        neg, phrase, word = match.groups()
        if phrase is not None:
            if phrase.strip():
                terms.append(Term(phrase.strip(), negated=bool(neg), phrase=True))
            continue
        negated = word.startswith("-") and len(word) > 1
        word = word[1:] if negated else word
        # Keep letters and digits (any script); the rest separates words, as it does in the index.
        parts = re.sub(r"[^\w]+|_+", " ", word).split()
        if negated and parts:
            terms.append(Term(" ".join(parts), negated=True, phrase=len(parts) > 1))
        elif "/" in word and len(parts) > 1:
            # "SMA/MA", "IPA/IPS": either one (a title with both has each).
            choices = [" ".join(re.sub(r"[^\w]+|_+", " ", c).split()) for c in word.split("/")]
            terms.append(Term(" ".join(parts), choices=tuple(c for c in choices if c)))
        else:
            terms.extend(Term(part) for part in parts)
    return terms[:MAX_TERMS]


# --- synonyms ---------------------------------------------------------------------------------------------

SYNONYM_MAX_WORDS = 6
SYNONYM_CACHE_SECONDS = 60  # other server processes see a coordinator's change within a minute
_synonyms: dict = {"at": 0.0, "map": None}


def synonym_forms(text: str) -> list[str]:
    """The folded forms of one synonym group as typed ("SMA, Sekolah Menengah Atas"), each once."""
    return list(dict.fromkeys(f for f in (fold(part) for part in (text or "").split(",")) if f))


def synonym_map() -> dict[str, tuple[str, ...]]:
    """Every form -> the forms of all groups it is in (itself first). One level only: no chains, no loops."""
    now = time.monotonic()
    if _synonyms["map"] is None or now - _synonyms["at"] > SYNONYM_CACHE_SECONDS:
        from .models import SearchSynonym

        groups: dict[str, dict[str, None]] = {}
        for text in SearchSynonym.objects.values_list("forms", flat=True):
            forms = synonym_forms(text)
            for form in forms:
                if len(form.split()) <= SYNONYM_MAX_WORDS:
                    groups.setdefault(form, {form: None}).update(dict.fromkeys(forms))
        _synonyms["map"] = {form: tuple(alts) for form, alts in groups.items()}
        _synonyms["at"] = now
    return _synonyms["map"]


def forget_synonyms(**_kwargs) -> None:
    """Signal receiver: a changed group is used from the next search on (in this process)."""
    _synonyms["map"] = None


@dataclass
class Unit:
    """One thing the query asks for: a word, a quoted phrase or a synonym group, each alternative a phrase."""

    alternatives: tuple[str, ...]
    negated: bool = False
    typed: str = ""  # as the searcher typed it (for "no record has ...")


def query_units(terms: list[Term]) -> list[Unit]:
    """Terms to units: runs of plain words are matched against the synonym list, longest form first."""
    table = synonym_map()
    units: list[Unit] = []
    i = 0
    while i < len(terms):
        term = terms[i]
        if term.negated or term.phrase:
            units.append(Unit((term.text,), negated=term.negated, typed=term.text))
            i += 1
            continue
        if term.choices:
            alts = [alt for choice in term.choices for alt in table.get(fold(choice), (choice,))]
            units.append(Unit(tuple(dict.fromkeys(alts)), typed=term.text))
            i += 1
            continue
        run = 1
        while i + run < len(terms) and not (terms[i + run].negated or terms[i + run].phrase or terms[i + run].choices):
            run += 1
        for n in range(min(run, SYNONYM_MAX_WORDS), 0, -1):
            typed = " ".join(t.text for t in terms[i : i + n])
            alts = table.get(fold(typed))
            if alts or n == 1:
                units.append(Unit(alts or (typed,), typed=typed))
                i += n
                break
    return units


@dataclass
class CompiledQuery:
    """The query as Postgres reads it: the match, the phrase that ranks higher, the folded title it may equal."""

    tsquery: str = ""
    phrase: str = ""  # all positive units next to each other, in order ("" for one unit)
    title_key: str = ""  # the typed words folded as match keys fold a title
    units: list[Unit] = field(default_factory=list)
    unit_queries: list[str] = field(default_factory=list)  # tsquery of each positive unit
    any_words: bool = False


def _int_or_none(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


@dataclass
class SearchParams:
    """Everything a search depends on; built from the query string of the page or of the API."""

    q: str = ""
    libraries: list[int] = field(default_factory=list)
    available: bool = False
    material_types: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    ddc: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    scope: str = "all"
    sort: str = ""
    page: int = 1
    page_size: int = PAGE_SIZE
    raw: bool = False  # "search instead for" the original words: no automatic correction
    any_words: bool = False  # match=any: records with any of the words (offered when all of them find nothing)
    notices: list[str] = field(default_factory=list)

    @property
    def has_filters(self) -> bool:
        return bool(
            self.libraries
            or self.available
            or self.material_types
            or self.languages
            or self.subjects
            or self.ddc
            or self.year_from is not None
            or self.year_to is not None
            or self.scope == "mine"
        )

    @property
    def effective_sort(self) -> str:
        if self.sort in SORTS:
            return self.sort
        return "relevance" if self.q.strip() else "newest"

    @classmethod
    def from_querydict(cls, data, *, known_library_ids: set[int] | None = None) -> SearchParams:
        """Lenient parsing: unknown or malformed values are dropped with a notice, never an error page."""
        p = cls()
        q = (data.get("q") or "").replace("\x00", "")
        if len(q) > MAX_QUERY_LENGTH:
            p.notices.append(
                _("Your search was too long; only its first %(n)d characters were used.") % {"n": MAX_QUERY_LENGTH}
            )
            q = q[:MAX_QUERY_LENGTH]
        p.q = q.strip()
        ignored = False

        for value in data.getlist("library"):
            lib = _int_or_none(value)
            if lib is None or (known_library_ids is not None and lib not in known_library_ids):
                ignored = True
            elif lib not in p.libraries:
                p.libraries.append(lib)
        p.available = data.get("available") in ("1", "on", "true", "yes")
        # Each facet: (parameter, list to fill, test of a valid value).
        for name, chosen, valid in (
            ("type", p.material_types, lambda v: v in MaterialType.values),
            ("lang", p.languages, lambda v: bool(re.fullmatch(r"[a-z]{3}", v or ""))),
            ("ddc", p.ddc, lambda v: v in DDC_CLASSES),
        ):
            for value in data.getlist(name):
                if not valid(value):
                    ignored = True
                elif value not in chosen:
                    chosen.append(value)
        for value in data.getlist("subject"):
            value = (value or "").strip()[:255]
            if value and value not in p.subjects:
                p.subjects.append(value)
        p.subjects = p.subjects[:5]
        for name in ("year_from", "year_to"):
            raw = (data.get(name) or "").strip()
            if raw:
                year = _int_or_none(raw)
                if year is None or not YEAR_MIN <= year <= YEAR_MAX:
                    ignored = True
                else:
                    setattr(p, name, year)
        if p.year_from and p.year_to and p.year_from > p.year_to:
            p.year_from, p.year_to = p.year_to, p.year_from
        scope = data.get("scope") or "all"
        if scope in SCOPES:
            p.scope = scope
        else:
            ignored = True
        sort = data.get("sort") or ""
        if sort and sort not in SORTS:
            ignored = True
        else:
            p.sort = sort
        page = _int_or_none(data.get("page") or 1)
        p.page = min(page, MAX_PAGE) if page and page > 0 else 1
        size = _int_or_none(data.get("page_size") or PAGE_SIZE)
        p.page_size = min(max(size or PAGE_SIZE, 1), MAX_PAGE_SIZE)
        p.raw = data.get("raw") == "1"
        p.any_words = data.get("match") == "any"
        if ignored:
            p.notices.append(_("Some filters in the address were not recognised and were ignored."))
        return p


# --- who is searching ------------------------------------------------------------------------------


def home_library_ids(actor) -> list[int]:
    """The searcher's own school(s): a student's school, a librarian's libraries, an API key's library."""
    school = school_id_of(actor)
    if school:
        return [school]
    if is_api_key(actor) or getattr(actor, "is_authenticated", False):
        return sorted(library_ids_for(actor))
    return []


@dataclass(frozen=True)
class LibraryLabel:
    """What a search shows of a member library: built from plain rows, not model instances (500 schools' worth of
    model instances cost a few milliseconds on every search)."""

    pk: int
    code: str
    name: str
    status: str


def library_names() -> dict[int, LibraryLabel]:
    """All member libraries by id (a few hundred rows at most), for facet labels and availability lines."""
    rows = Library.objects.order_by("name").values_list("id", "code", "name", "status")
    return {row[0]: LibraryLabel(*row) for row in rows}


# --- jump to a record -----------------------------------------------------------------------------


def find_jump_record(q: str) -> int | None:
    """The record an ISBN or a barcode in the box stands for, when there is exactly one."""
    q = q.strip()
    match = ISBN_RE.match(q)
    if match:
        digits = re.sub(r"[\s\-]", "", match.group(1))
        if stdnum_isbn.is_valid(digits):
            isbn13 = stdnum_isbn.compact(stdnum_isbn.to_isbn13(digits))
            ids = list(Record.objects.filter(isbns__contains=[isbn13]).values_list("id", flat=True)[:2])
            if len(ids) == 1:
                return ids[0]
    if BARCODE_RE.match(q) and any(ch.isdigit() for ch in q):
        ids = list(Holding.objects.filter(barcode=q).values_list("record_id", flat=True).distinct()[:2])
        if len(ids) == 1:
            return ids[0]
    return None


# --- SQL -------------------------------------------------------------------------------------------------


def _unit_tsqueries(units: list[Unit]) -> list[str]:
    """Each unit's tsquery text: its alternatives' Indonesian or English stems, OR-ed ("" when none has a word)."""
    alts = [(n, alt) for n, unit in enumerate(units) for alt in unit.alternatives]
    if not alts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n, phraseto_tsquery('indonesian', silang_search_text(t))::text,"
            " phraseto_tsquery('english', silang_search_text(t))::text"
            " FROM unnest(%s::int[], %s::text[]) WITH ORDINALITY AS u(n, t, o) ORDER BY o",
            [[n for n, _a in alts], [a.lower() for _n, a in alts]],
        )
        parts: dict[int, list[str]] = {}
        stop: set[int] = set()
        for n, ind, eng in cursor.fetchall():
            # A word one of the languages drops ("with", "the") is a stop word: it asks for nothing, as it did
            # when both languages read the whole query.
            if not (ind and eng) and len(units[n].alternatives) == 1 and " " not in units[n].alternatives[0]:
                stop.add(n)
            for part in (ind, eng):
                if part and part not in parts.setdefault(n, []):
                    parts[n].append(part)
    return ["" if n in stop else " | ".join(f"({p})" for p in parts.get(n, [])) for n in range(len(units))]


def compile_query(terms: list[Term], *, any_words: bool = False) -> CompiledQuery:
    """The tsquery of the terms (every unit, or any with `any_words`), its phrase and its title key."""
    units = query_units(terms)
    compiled = CompiledQuery(units=units, any_words=any_words)
    if not units:
        return compiled
    parts = _unit_tsqueries(units)
    positive = [f"({q})" for unit, q in zip(units, parts, strict=True) if q and not unit.negated]
    negative = [f"!({q})" for unit, q in zip(units, parts, strict=True) if q and unit.negated]
    compiled.unit_queries = [q for unit, q in zip(units, parts, strict=True) if not unit.negated]
    if not positive and not negative:
        return compiled
    if any_words and len(positive) > 1:
        compiled.tsquery = " & ".join([f"({' | '.join(positive)})", *negative])
    else:
        compiled.tsquery = " & ".join(positive + negative)
    if len(positive) > 1:
        compiled.phrase = " <-> ".join(positive)
    compiled.title_key = fold(" ".join(unit.typed for unit in units if not unit.negated))
    return compiled


def build_tsquery(terms: list[Term]) -> str:
    """One tsquery (as text) for the terms: each term (or synonym group) matches its Indonesian or English stems."""
    return compile_query(terms).tsquery


@dataclass
class SqlFilter:
    where: list[str] = field(default_factory=list)
    params: list = field(default_factory=list)

    def add(self, clause: str, *params) -> None:
        self.where.append(clause)
        self.params.extend(params)

    @property
    def sql(self) -> str:
        return " AND ".join(self.where) if self.where else "TRUE"


# Ranking (see score_sql): ts_rank's weights put title above author above subject above summary; on top of it an
# exact title, a title that starts with the query and the query's words next to each other in the title or
# authors. ts_rank of one record rarely passes 1 per query word, so each bonus outweighs the one below it.
EXACT_TITLE_BONUS = 8
TITLE_START_BONUS = 4
PHRASE_BONUS = 2
# More matches than the facet sample: the page is ranked among a bounded pool, not among every match (a word in
# 400,000 records would otherwise be ranked 400,000 times): the sample itself (its first FACET_SAMPLE matches, each
# scored in the same pass that counts the facets), the records whose title is or starts with the query, and the
# searcher's own school's (BOUNDED_PROBE of each). Relevance pages that reach past BOUNDED_DEPTH results rank every
# match, so that paging on never meets a different order.
BOUNDED_PROBE = 200
BOUNDED_DEPTH = 125
# A word in more than this share of the catalog is checked on the rows read, not looked up in the search index
# (Searcher._plan_sample; bench/README.md, issue 16).
COMMON_SHARE = 0.12
# The title as match keys fold it (catalog.normalize.fold, the key's first part), or folded in SQL when a record
# was saved without a key.
TITLE_KEY_SQL = (
    "(CASE WHEN {a}.match_key <> '' THEN split_part({a}.match_key, '|', 1) ELSE silang_title_key({a}.title) END)"
)


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def score_sql(cq: CompiledQuery, alias: str = "r") -> tuple[str, list]:
    """The relevance of a record for the query, as SQL over the record's columns, with its arguments."""
    a = alias
    # Rounded: ranks that differ in the third decimal are equals, left to the number of schools and the year.
    sql, args = f"round(ts_rank({a}.search_vector, %s::tsquery)::numeric, 2)", [cq.tsquery]
    if cq.title_key:
        key = TITLE_KEY_SQL.format(a=a)
        sql += (
            f" + CASE WHEN {key} = %s THEN {EXACT_TITLE_BONUS} WHEN {key} LIKE %s THEN {TITLE_START_BONUS} ELSE 0 END"
        )
        args += [cq.title_key, like_escape(cq.title_key) + " %"]
    if cq.phrase:
        sql += f" + CASE WHEN ts_filter({a}.search_vector, '{{a,b}}') @@ %s::tsquery THEN {PHRASE_BONUS} ELSE 0 END"
        args.append(cq.phrase)
    # A float sorts several times faster than a numeric: the pool of a common word (2,000 and more) is sorted on it.
    return f"({sql})::float8", args


def build_filter(params: SearchParams, tsquery: str, *, scope_ids: list[int], words_by_index: bool = True) -> SqlFilter:
    """The WHERE clause of a search. `words_by_index=False` checks the words on each row read by other means (the
    function behind @@ is not an index condition): for a look-up that a narrower index drives."""
    f = SqlFilter()
    if tsquery:
        f.add(
            "r.search_vector @@ %s::tsquery" if words_by_index else "ts_match_vq(r.search_vector, %s::tsquery)", tsquery
        )
    libraries = list(params.libraries)
    if params.scope == "mine" and scope_ids:
        libraries = [lib for lib in libraries if lib in scope_ids] or scope_ids
    if libraries:
        f.add("r.holding_library_ids && %s::bigint[]", libraries)
    if params.available:
        if libraries:
            f.add("r.available_library_ids && %s::bigint[]", libraries)
        else:
            f.add("cardinality(r.available_library_ids) > 0")
    if params.material_types:
        f.add("r.material_type = ANY(%s)", params.material_types)
    if params.languages:
        f.add("r.language = ANY(%s)", params.languages)
    if params.subjects:
        f.add("r.subjects && %s::varchar[]", params.subjects)
    if params.ddc:
        f.add("left(r.ddc, 1) = ANY(%s) AND r.ddc ~ '^[0-9]'", params.ddc)
    if params.year_from is not None:
        f.add("r.year >= %s", params.year_from)
    if params.year_to is not None:
        f.add("r.year <= %s", params.year_to)
    return f


def order_by(
    params: SearchParams, cq: CompiledQuery, *, first_ids: list[int], alias: str = "r", rank_column: str = ""
) -> tuple[str, list]:
    """ORDER BY clause: own school first (when asked), then the chosen sort; the id keeps pages stable.

    Relevance: records some member school holds before the others, then the score (score_sql; read from
    `rank_column` when it is already computed), then among equals the records more schools hold and the newer.
    """
    a = alias
    clauses, args = [], []
    if first_ids:
        clauses.append(f"({a}.holding_library_ids && %s::bigint[]) DESC")
        args.append(first_ids)
    sort = params.effective_sort
    if sort == "relevance" and cq.tsquery:
        clauses.append(f"(cardinality({a}.holding_library_ids) > 0) DESC")
        if rank_column:
            clauses.append(f"{a}.{rank_column} DESC")
        else:
            score, score_args = score_sql(cq, a)
            clauses.append(f"{score} DESC")
            args += score_args
        clauses.append(f"cardinality({a}.holding_library_ids) DESC, {a}.year DESC NULLS LAST")
    elif sort == "title":
        # The expressions of the sort indexes (migration 0015).
        clauses.append(f"left(lower({a}.title), 200), {a}.year DESC NULLS LAST")
    elif sort == "newest":
        clauses.append(f"{a}.year DESC NULLS LAST, {a}.last_added DESC NULLS LAST")
    else:
        clauses.append(f"{a}.last_added DESC NULLS LAST")
    clauses.append(f"{a}.id DESC")
    return ", ".join(clauses), args


# --- results -----------------------------------------------------------------------------------------


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Hit:
    record: Record
    held_by: list[LibraryLabel]
    available_at: list[LibraryLabel]

    @property
    def held_count(self) -> int:
        return len(self.held_by)


@dataclass
class SearchResult:
    params: SearchParams
    hits: list[Hit] = field(default_factory=list)
    count: int = 0
    count_exact: bool = True
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    facets_exact: bool = True
    suggestion: str = ""  # "did you mean"
    corrected_from: str = ""  # the results are for `suggestion` because `corrected_from` found nothing
    jump_record_id: int | None = None
    tsquery: str = ""
    page_past_end: bool = False
    browse: bool = False  # empty search: the page shows browse instead
    unmatched_words: list[str] = field(default_factory=list)  # nothing found: the words no record has
    any_words_possible: bool = False  # nothing found, but some record has one of the words

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.params.page_size))

    @property
    def has_next(self) -> bool:
        return self.params.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.params.page > 1


def make_hit(record: Record, libraries: dict[int, LibraryLabel], home: set[int]) -> Hit:
    """Where a record is held and available, the reader's own school first, then the others by name."""

    def ordered(ids):
        return sorted((libraries[i] for i in ids if i in libraries), key=lambda lib: (lib.pk not in home, lib.name))

    return Hit(
        record=record, held_by=ordered(record.holding_library_ids), available_at=ordered(record.available_library_ids)
    )


def hit_for(record: Record, libraries: dict[int, LibraryLabel], *, actor=None) -> Hit:
    return make_hit(record, libraries, set(home_library_ids(actor)))


class Searcher:
    """Runs one search for one actor. Page and API both call `run()` and render its SearchResult."""

    def __init__(self, params: SearchParams, *, actor=None, libraries: dict[int, LibraryLabel] | None = None):
        self.params = params
        self.actor = actor
        self._libraries = libraries

    @cached_property
    def libraries(self) -> dict[int, LibraryLabel]:
        return self._libraries if self._libraries is not None else library_names()

    @cached_property
    def home_ids(self) -> list[int]:
        return home_library_ids(self.actor)

    def run(self, *, jump: bool = True) -> SearchResult:
        p = self.params
        result = SearchResult(params=p)
        if not p.q and not p.has_filters:
            result.browse = True
            return result
        if p.scope == "mine" and not self.home_ids:
            p.notices.append(_("You do not belong to a school, so the whole consortium was searched."))
            p.scope = "all"
        if jump and p.q and not p.has_filters:
            result.jump_record_id = find_jump_record(p.q)
            if result.jump_record_id:
                result.count = 1
        terms = parse_query(p.q)
        cq = compile_query(terms, any_words=p.any_words)
        if p.q and not cq.tsquery:
            p.notices.append(
                _("Your search has no words we can look for (only punctuation, symbols or very common words).")
            )
            if not p.has_filters:
                result.browse = True
                return result
        result.tsquery = cq.tsquery
        self._fill(result, cq)
        if cq.tsquery and not p.raw:
            suggestion = self.suggest(terms)
            if suggestion:
                result.suggestion = suggestion
                if result.count == 0:
                    corrected = compile_query(parse_query(suggestion), any_words=p.any_words)
                    if corrected.tsquery:
                        result.corrected_from = p.q
                        result.tsquery = corrected.tsquery
                        self._fill(result, corrected)
        if result.count == 0 and cq.tsquery and not result.jump_record_id:
            self._explain_nothing(result, cq)
        return result

    def _explain_nothing(self, result: SearchResult, cq: CompiledQuery) -> None:
        """No dead end: the words no record has, and whether a search for any of the words would find some."""
        positive = [(u, q) for u, q in zip([u for u in cq.units if not u.negated], cq.unit_queries, strict=True)]
        if not positive:
            return
        queries = [(n, q) for n, (_u, q) in enumerate(positive) if q]
        found = {}
        if queries:
            with transaction.atomic(), connection.cursor() as cursor:
                # Through the search index: for EXISTS the planner prefers reading the catalog until a first match,
                # and a word with none (whatever its statistics say) then read all of it (0.9-1.8 s on 1M records).
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute(
                    " UNION ALL ".join(
                        "SELECT %s, EXISTS (SELECT 1 FROM catalog_record r WHERE r.search_vector @@ %s::tsquery)"
                        for _query in queries
                    ),
                    [value for pair in queries for value in pair],
                )
                found = dict(cursor.fetchall())
        result.unmatched_words = [unit.typed for n, (unit, _q) in enumerate(positive) if not found.get(n)]
        result.any_words_possible = len(positive) > 1 and not self.params.any_words and any(found.values())

    def _fill(self, result: SearchResult, cq: CompiledQuery) -> None:
        p = self.params
        tsquery = cq.tsquery
        # Own school first: students and staff searching the whole consortium see their school's copies on top.
        first_ids = self.home_ids if p.scope == "all" and not p.libraries else []
        offset = (p.page - 1) * p.page_size
        with transaction.atomic(), connection.cursor() as cursor:
            # No parallel workers: the sample stops after its first matches, which one process reads in a fraction
            # of the time it takes to start workers that first build the whole match bitmap (17 against 48 ms for a
            # word in a fifth of the catalog), and under load they would take the other requests' CPU.
            common = self._plan_sample(cursor, cq)
            flt = build_filter(p, tsquery, scope_ids=self.home_ids, words_by_index=not common)
            # Counts, facets and (unless a deep page needs every match ordered) the page itself, in one pass.
            ids = self._facets(cursor, result, flt, cq, first_ids, offset, common=common)
            if ids is None:
                # The ranked (or sorted) query over every match.
                order_sql, order_args = order_by(p, cq, first_ids=first_ids)
                cursor.execute(
                    f"/* search:ranked */ SELECT r.id FROM catalog_record r WHERE {flt.sql}"
                    f" ORDER BY {order_sql} LIMIT %s OFFSET %s",
                    [*flt.params, *order_args, p.page_size, offset],
                )
                ids = [row[0] for row in cursor.fetchall()]
        if not ids and p.page > 1 and result.count:
            result.page_past_end = True
        records = Record.objects.defer("search_vector", "summary").in_bulk(ids)
        hits = [make_hit(records[rid], self.libraries, set(self.home_ids)) for rid in ids if rid in records]
        result.hits = hits

    def _plan_sample(self, cursor, cq: CompiledQuery) -> bool:
        """Set the transaction up for the sample and tell whether the query is one word (or synonym group of
        words) that Postgres' statistics find in more than COMMON_SHARE of the catalog, with no narrow filter that
        only the rows can check.

        Such a word's sample is read faster by checking it on the rows that another condition's index (a school's
        holdings) or the table's order gives: its list in the search index is a third of a million entries to
        decode (30 ms) before the first match. Phrases and several words stay on the index: their statistics are
        a guess, and a wrong guess would read the whole catalog."""
        p = self.params
        positive = [unit for unit in cq.units if not unit.negated]
        one_word = len(positive) == 1 and not any(" " in alt for alt in positive[0].alternatives) and cq.tsquery
        # Rows are then read through a school's holdings (bounded by its size), a subject's index, or in the table's
        # order: a rare type, language, class or decade without a school would be a read of most of the catalog.
        held_in = bool(p.libraries) or p.scope == "mine"
        if not held_in and (p.material_types or p.languages or p.ddc or p.year_from or p.year_to):
            one_word = False
        cursor.execute(
            "SELECT set_config('max_parallel_workers_per_gather', '0', true)"
            + (", silang_match_share(%s::tsquery)" if one_word else ""),
            [cq.tsquery] if one_word else [],
        )
        return bool(one_word) and cursor.fetchone()[1] >= COMMON_SHARE

    def _facets(
        self,
        cursor,
        result: SearchResult,
        flt: SqlFilter,
        cq: CompiledQuery,
        first_ids: list[int],
        offset: int,
        *,
        common: bool = False,
    ) -> list[int] | None:
        """Fill count and facets; return the page's ids, or None when only ordering every match gives it (a page
        of another sort, or a relevance page deeper than BOUNDED_DEPTH, with more matches than the sample)."""
        p = self.params
        tsquery = cq.tsquery
        relevance = p.effective_sort == "relevance" and bool(tsquery)
        score_col, score_args, page_args, pool_args = "", [], [], []
        if relevance:
            # Every sampled match is scored as it is read (a thousandth of a second per thousand records): with every
            # match in the sample the ranking is exact; with more, the sample is most of the bounded pool.
            score, score_args = score_sql(cq, "r")
            score_col = f", {score} AS score"
            page_order, page_args = order_by(p, cq, first_ids=first_ids, alias="c", rank_column="score")
            pool, pool_args = self._probes(cq, first_ids, common=common)
            page_from = f"(SELECT id, holding_library_ids, year, score FROM m{pool}) c"
            page_alias = "c"
        else:
            page_order, page_args = order_by(p, cq, first_ids=first_ids, alias="m")
            page_from, page_alias = "m", "m"
        # unnest() in the select list, not as a lateral join: half the cost over a full sample.
        cursor.execute(
            f"""/* search:sample */
            WITH m AS MATERIALIZED (
                SELECT r.id, r.holding_library_ids, r.available_library_ids, r.material_type, r.language, r.year,
                       r.ddc, r.subjects, r.title, r.last_added{score_col}
                  FROM catalog_record r WHERE {flt.sql} LIMIT %s)
            SELECT 'n', '', count(*) FROM m
            UNION ALL SELECT 'library', l::text, count(*) FROM (SELECT unnest(holding_library_ids) l FROM m) x
                      GROUP BY l
            UNION ALL SELECT 'available', '1', count(*) FROM m WHERE cardinality(m.available_library_ids) > 0
            UNION ALL SELECT 'type', material_type, count(*) FROM m GROUP BY material_type
            UNION ALL SELECT 'lang', language, count(*) FROM m WHERE language <> '' GROUP BY language
            UNION ALL SELECT 'decade', (year / 10 * 10)::text, count(*) FROM m WHERE year IS NOT NULL
                      GROUP BY year / 10
            UNION ALL SELECT 'ddc', left(ddc, 1), count(*) FROM m WHERE ddc ~ '^[0-9]' GROUP BY left(ddc, 1)
            UNION ALL (SELECT 'subject', s, count(*) FROM (SELECT unnest(subjects) s FROM m) x GROUP BY s
                       ORDER BY count(*) DESC, s LIMIT %s)
            UNION ALL (SELECT 'page', {page_alias}.id::text, row_number() OVER (ORDER BY {page_order})
                         FROM {page_from} ORDER BY {page_order} LIMIT %s OFFSET %s)
            """,
            [
                *score_args,
                *flt.params,
                FACET_SAMPLE + 1,
                SUBJECT_FACET_SIZE,
                *page_args,
                *pool_args,
                *page_args,
                p.page_size,
                offset,
            ],
        )
        rows = cursor.fetchall()
        n = next((c for kind, _v, c in rows if kind == "n"), 0)
        result.count_exact = result.facets_exact = n <= FACET_SAMPLE
        result.count = n if result.count_exact else FACET_SAMPLE
        page = [int(value) for kind, value, _n in sorted((r for r in rows if r[0] == "page"), key=lambda r: r[2])]
        rows = [r for r in rows if r[0] != "page"]
        libs = self.libraries
        facets: dict[str, list[FacetValue]] = {
            k: [] for k in ("library", "available", "type", "lang", "decade", "ddc", "subject")
        }
        types = dict(MaterialType.choices)
        for kind, value, count in rows:
            if kind == "n":
                continue
            if kind == "library":
                lib = libs.get(int(value))
                if lib is None:
                    continue
                facets[kind].append(FacetValue(value, lib.name, count, int(value) in p.libraries))
            elif kind == "available":
                facets[kind].append(FacetValue("1", _("Available now"), count, p.available))
            elif kind == "type":
                facets[kind].append(FacetValue(value, str(types.get(value, value)), count, value in p.material_types))
            elif kind == "lang":
                facets[kind].append(FacetValue(value, str(LANGUAGES.get(value, value)), count, value in p.languages))
            elif kind == "decade":
                decade = int(value)
                selected = p.year_from == decade and p.year_to == decade + 9
                facets[kind].append(FacetValue(value, f"{decade}–{decade + 9}", count, selected))
            elif kind == "ddc":
                facets[kind].append(FacetValue(value, str(DDC_CLASSES[value]), count, value in p.ddc))
            elif kind == "subject":
                facets[kind].append(FacetValue(value, value, count, value in p.subjects))
        for kind in ("library", "type", "lang"):
            facets[kind].sort(key=lambda f: (-f.count, f.label))
        facets["decade"].sort(key=lambda f: f.value, reverse=True)
        facets["ddc"].sort(key=lambda f: f.value)
        # Chosen subjects stay visible (so they can be unticked) even when they are not in the top list.
        for subject in p.subjects:
            if not any(f.value == subject for f in facets["subject"]):
                facets["subject"].append(FacetValue(subject, subject, 0, True))
        result.facets = facets
        if result.count_exact or (relevance and offset + p.page_size <= BOUNDED_DEPTH and len(page) == p.page_size):
            return page
        return None  # the pool cannot fill the page (matches that no school holds, say): every match is ranked

    def _probes(self, cq: CompiledQuery, first_ids: list[int], *, common: bool) -> tuple[str, list]:
        """SQL (UNION ... to add to the sample) for the rest of the bounded pool, with its arguments: matches whose
        title is or starts with the query, and the own school's. Each runs only when the sample is full.

        The titles are found on the match key's index, the words checked on those rows (they are few: titles that
        start with the words). The own school's matches come through the search index unless the words are
        common (see _plan_sample): a school of 40,000 records read row by row for a word in one record in a
        thousand would cost more than the index."""
        if not cq.title_key and not first_ids:
            return "", []
        score, score_args = score_sql(cq, "r")
        full = f"(SELECT count(*) FROM m) > {FACET_SAMPLE}"
        probes = []
        if cq.title_key:
            key = cq.title_key
            probes.append(
                (
                    "(r.match_key >= %s AND r.match_key < %s) OR (r.match_key >= %s AND r.match_key < %s)",
                    [key + "|", key + "}", key + " ", key + "!"],
                    False,
                )
            )
        if first_ids:
            probes.append(("r.holding_library_ids && %s::bigint[]", [first_ids], not common))
        sql, sql_args = "", []
        for probe, probe_args, by_index in probes:
            flt = build_filter(self.params, cq.tsquery, scope_ids=self.home_ids, words_by_index=by_index)
            sql += (
                f" UNION (SELECT r.id, r.holding_library_ids, r.year, {score} FROM catalog_record r"
                f" WHERE {full} AND ({probe}) AND {flt.sql} AND cardinality(r.holding_library_ids) > 0"
                f" LIMIT {BOUNDED_PROBE})"
            )
            sql_args += [*score_args, *probe_args, *flt.params]
        return sql, sql_args

    # --- did you mean ---

    def suggest(self, terms: list[Term]) -> str:
        """The query with each word that is not in the catalog's word list replaced by its nearest word.

        Nearest: trigram similarity, less a little per letter of length difference (a short word shares most
        trigrams of a long one's start: "ying" would otherwise win over "yingmeng" for "yingmang"), then the
        more frequent word."""
        words = sorted({w for t in terms if not t.negated for w in t.text.lower().split() if len(w) >= 4})
        if not words:
            return ""
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT u.w,
                       (SELECT sw.word FROM catalog_search_word sw
                         WHERE sw.word %% u.w AND similarity(sw.word, u.w) >= %s
                         ORDER BY similarity(sw.word, u.w) - 0.04 * abs(length(sw.word) - length(u.w)) DESC,
                                  sw.ndoc DESC LIMIT 1)
                  FROM (SELECT silang_unaccent(x) AS w FROM unnest(%s::text[]) x) u
                 WHERE NOT EXISTS (SELECT 1 FROM catalog_search_word e WHERE e.word = u.w)
                """,
                [SUGGEST_MIN_SIMILARITY, words],
            )
            replacements = {w: best for w, best in cursor.fetchall() if best}
        if not replacements:
            return ""
        out = self.params.q
        for wrong, right in replacements.items():
            out = re.sub(rf"(?i)\b{re.escape(wrong)}\b", right, out)
        return out if out.lower() != self.params.q.lower() else ""


def search(params: SearchParams, *, actor=None, jump: bool = True) -> SearchResult:
    return Searcher(params, actor=actor).run(jump=jump)


# --- browse -----------------------------------------------------------------------------------------


def new_acquisitions(*, library: Library | None = None, limit: int = 20) -> list[Record]:
    """Records most recently added to the consortium, or to one school."""
    if library is None:
        qs = Record.objects.filter(last_added__isnull=False).order_by("-last_added", "-id")
        return list(qs.defer("search_vector", "summary")[:limit])
    # Newest copies of this school (index catalog_holding_library_added), then their records.
    rows = (
        Holding.objects.filter(library=library)
        .exclude(status="withdrawn")
        .order_by("-date_added", "-id")
        .values_list("record_id", flat=True)[: limit * 3]
    )
    ids = list(dict.fromkeys(rows))[:limit]
    records = Record.objects.defer("search_vector", "summary").in_bulk(ids)
    return [records[i] for i in ids if i in records]


def popular_subjects(limit: int = 30) -> list[tuple[str, int]]:
    """Subjects most used among the newest 20,000 records (cached: a full count would read the whole catalog)."""
    key = f"catalog:popular_subjects:{limit}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT s, count(*) FROM (SELECT subjects FROM catalog_record ORDER BY id DESC LIMIT 20000) r,
                      unnest(r.subjects) s GROUP BY s ORDER BY count(*) DESC, s LIMIT %s""",
            [limit],
        )
        rows = cursor.fetchall()
    cache.set(key, rows, 600)
    return rows
