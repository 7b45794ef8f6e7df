"""CQL tree to a catalog search: the words go through the catalog search's own query building
(catalog.search.build_tsquery: Indonesian and English stems, accents folded) and its ordering (order_by), so SRU,
Z39.50 (through SRU) and the search page find the same records."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection

from catalog.normalize import clean_issn, isbn13
from catalog.search import CompiledQuery as SearchQuery
from catalog.search import SearchParams, Term, build_tsquery, order_by, parse_query

from .cql import EMPTY_TERM, UNSUPPORTED_INDEX, UNSUPPORTED_RELATION, BooleanNode, CQLError, SearchClause

# Index name (lower case) -> what it searches. Weights of the record's search vector (catalog migration 0002):
# A title, B authors, C subjects and series.
TEXT_INDEXES = {
    "cql.serverchoice": "",
    "cql.anywhere": "",
    "cql.keywords": "",
    "srw.serverchoice": "",
    "dc.title": "a",
    "title": "a",
    "bath.title": "a",
    "dc.creator": "b",
    "dc.author": "b",
    "author": "b",
    "creator": "b",
    "bath.author": "b",
    "bath.name": "b",
    "bath.personalname": "b",
    "dc.subject": "c",
    "subject": "c",
    "bath.subject": "c",
}
ISBN_INDEXES = {"bath.isbn", "isbn", "dc.identifier", "bath.issn", "identifier"}
ID_INDEXES = {"rec.id", "silang.id"}
# Indexes that explain lists (one per kind; the others are synonyms).
EXPLAINED_INDEXES = [
    ("cql", "serverChoice", "Kata di mana saja / any field"),
    ("dc", "title", "Judul / title"),
    ("dc", "creator", "Pengarang / author"),
    ("dc", "subject", "Subjek / subject"),
    ("dc", "identifier", "ISBN, ISSN"),
    ("bath", "isbn", "ISBN"),
]
TEXT_RELATIONS = {"=", "==", "any", "all", "adj", "exact"}
ISBN_RELATIONS = {"=", "==", "any", "exact", "all", "adj"}
FEW_MATCHES = 1000  # up to this many, a query's matches are found first and then sorted (run)


@dataclass
class CompiledQuery:
    where: str
    params: list
    rank_tsquery: str = ""  # the words, for relevance ordering
    rank_parts: list[str] = field(default_factory=list)


def _word_terms(text: str) -> list[Term]:
    # CQL masking characters: a trailing * or ? are dropped (the stems already match word forms).
    text = re.sub(r"(?<!\\)[*?^]", " ", text).replace("\\", "")
    return [Term(t.text) for t in parse_query(text) if not t.negated] or []


def _tsquery(clause: SearchClause) -> str:
    relation = clause.relation
    terms = _word_terms(clause.term)
    if not terms:
        return ""
    if relation in ("any",):
        parts = [build_tsquery([t]) for t in terms]
        parts = [p for p in parts if p]
        return " | ".join(f"({p})" for p in parts)
    if relation in ("adj", "==", "exact") or (relation == "=" and clause.term.strip().startswith('"')):
        return build_tsquery([Term(" ".join(t.text for t in terms), phrase=True)])
    return build_tsquery(terms)  # "=" and "all": every word


def _isbn_values(term: str) -> tuple[list[str], list[str]]:
    isbns, issns = [], []
    for raw in re.split(r"[\s,;]+", term.strip()):
        if not raw:
            continue
        value = isbn13(raw)
        if value:
            isbns.append(value)
        elif clean_issn(raw):
            issns.append(clean_issn(raw))
    return isbns, issns


def compile_clause(clause: SearchClause, out: CompiledQuery) -> str:
    index = clause.index
    if index.startswith("cql.") and index not in TEXT_INDEXES:
        index = "cql.serverchoice" if index in ("cql.all", "cql.anyindexes") else index
    if not clause.term.strip() and clause.term != "":
        raise CQLError(EMPTY_TERM, index, "Empty term")
    if index in TEXT_INDEXES:
        if clause.relation not in TEXT_RELATIONS:
            raise CQLError(UNSUPPORTED_RELATION, clause.relation, f"Relation {clause.relation} is not supported")
        if clause.term.strip() in ("", "*") and index in ("cql.serverchoice", "cql.anywhere", "cql.keywords"):
            return "TRUE"  # "*" or "" on the server's choice: every record (SRU's `cql.allRecords` idiom)
        tsquery = _tsquery(clause)
        if not tsquery:
            return "FALSE"  # only stop words or punctuation
        out.rank_parts.append(tsquery)
        weight = TEXT_INDEXES[index]
        out.params.append(tsquery)
        if not weight:
            return "r.search_vector @@ %s::tsquery"
        # The whole vector is indexed (GIN); the filtered vector re-checks only the records it found.
        out.params.append(tsquery)
        return f"(r.search_vector @@ %s::tsquery AND ts_filter(r.search_vector, '{{{weight}}}') @@ %s::tsquery)"
    if index in ISBN_INDEXES:
        if clause.relation not in ISBN_RELATIONS:
            raise CQLError(UNSUPPORTED_RELATION, clause.relation, f"Relation {clause.relation} is not supported")
        isbns, issns = _isbn_values(clause.term)
        parts = []
        for isbn in isbns:
            out.params.append([isbn])
            parts.append("r.isbns @> %s::varchar(13)[]")
        for issn in issns:
            out.params.append(issn)
            parts.append("r.issn = %s")
        if not parts:
            return "FALSE"
        joiner = " AND " if clause.relation == "all" else " OR "
        return "(" + joiner.join(parts) + ")"
    if index in ID_INDEXES:
        if clause.relation not in ("=", "=="):
            raise CQLError(UNSUPPORTED_RELATION, clause.relation, f"Relation {clause.relation} is not supported")
        if not clause.term.strip().isdigit():
            return "FALSE"
        out.params.append(int(clause.term.strip()))
        return "r.id = %s"
    if index == "cql.allrecords":
        return "TRUE"
    raise CQLError(UNSUPPORTED_INDEX, clause.index, f"Index {clause.index} is not supported")


def compile_tree(node, out: CompiledQuery) -> str:
    if isinstance(node, SearchClause):
        return compile_clause(node, out)
    assert isinstance(node, BooleanNode)
    left = compile_tree(node.left, out)
    if node.op == "not":
        rank_before = list(out.rank_parts)
        right = compile_tree(node.right, out)
        out.rank_parts = rank_before  # excluded words do not rank
        return f"({left} AND NOT {right})"
    right = compile_tree(node.right, out)
    return f"({left} {'AND' if node.op == 'and' else 'OR'} {right})"


def compile_query(tree) -> CompiledQuery:
    out = CompiledQuery(where="", params=[])
    out.where = compile_tree(tree, out)
    out.rank_tsquery = " | ".join(f"({part})" for part in out.rank_parts)
    return out


def run(compiled: CompiledQuery, *, offset: int, limit: int) -> tuple[int, list[int]]:
    """(number of matching records, ids of the page) in the search page's order."""
    params = SearchParams(q="cql" if compiled.rank_tsquery else "", sort="relevance" if compiled.rank_tsquery else "")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM catalog_record r WHERE {compiled.where}", compiled.params)
        count = cursor.fetchone()[0]
        ids: list[int] = []
        if limit > 0 and offset < count:
            # Few matches (the count says so): found first, then sorted. Else the planner may walk a sort index of
            # the whole catalog for them: it guesses each ISBN matches 0.5 % of the catalog (4 s for 50 ISBNs on
            # the 1M catalog, against 35 ms).
            alias = "m" if count <= FEW_MATCHES else "r"
            # Ranked as the search page ranks (catalog.search): the CQL's words as the page's compiled query.
            order_sql, order_args = order_by(
                params, SearchQuery(tsquery=compiled.rank_tsquery), first_ids=[], alias=alias
            )
            matches = f"catalog_record r WHERE {compiled.where}"
            if alias == "m":
                select = f"WITH m AS MATERIALIZED (SELECT * FROM {matches}) SELECT m.id FROM m"
            else:
                select = f"SELECT r.id FROM {matches}"
            cursor.execute(
                f"/* sru */ {select} ORDER BY {order_sql} LIMIT %s OFFSET %s",
                [*compiled.params, *order_args, limit, offset],
            )
            ids = [row[0] for row in cursor.fetchall()]
    return count, ids


def simple_query(*, title: str = "", author: str = "", isbn: str = "", any_words: str = "") -> BooleanNode | None:
    """SLiMS's MARC SRU client (Perpusnas style) sends title= / author= instead of a CQL query."""
    clauses = []
    for index, value in (
        ("dc.title", title),
        ("dc.creator", author),
        ("bath.isbn", isbn),
        ("cql.serverchoice", any_words),
    ):
        if value.strip():
            clauses.append(SearchClause(index, "all", value.strip()))
    if not clauses:
        return None
    node = clauses[0]
    for clause in clauses[1:]:
        node = BooleanNode("and", node, clause)
    return node
