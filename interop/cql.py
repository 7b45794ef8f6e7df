"""A CQL (Contextual Query Language, SRU 1.1-2.0) parser: query text to a small tree, or CQLError with the SRU
diagnostic to answer. Grammar (loc.gov/standards/sru/cql/spec.html), without prefix maps' effect:

    cqlQuery     ::= prefixAssignment? scopedClause ('sortby' sortSpec)?
    scopedClause ::= scopedClause booleanGroup searchClause | searchClause      (left-associative)
    searchClause ::= '(' cqlQuery ')' | index relation searchTerm | searchTerm
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# SRU diagnostics (info:srw/diagnostic/1/N) the parser can raise.
SYNTAX_ERROR = 10
UNSUPPORTED_INDEX = 16
UNSUPPORTED_RELATION = 19
UNSUPPORTED_RELATION_MODIFIER = 20
UNSUPPORTED_BOOLEAN = 37
TOO_MANY_BOOLEANS = 38
UNSUPPORTED_COMBINATION = 36
EMPTY_TERM = 27
MAX_CLAUSES = 32
MAX_DEPTH = 16

BOOLEANS = {"and", "or", "not", "prox"}
SYMBOL_RELATIONS = ("==", "<>", "<=", ">=", "=", "<", ">")
WORD_RELATIONS = {"any", "all", "adj", "exact", "within", "encloses"}
TOKEN_RE = re.compile(r'\s*(?:(?P<quoted>"(?:[^"\\]|\\.)*")|(?P<symbol>==|<>|<=|>=|[()=<>/])|(?P<word>[^\s()=<>/"]+))')


class CQLError(Exception):
    def __init__(self, code: int, details: str = "", message: str = ""):
        super().__init__(message or details)
        self.code = code
        self.details = details
        self.message = message


@dataclass
class SearchClause:
    index: str  # lower-cased, with its prefix: "dc.title"; "cql.serverchoice" when none was given
    relation: str  # "=", "any", "all", "adj", "==", "exact", ...
    term: str
    modifiers: list[str] = field(default_factory=list)


@dataclass
class BooleanNode:
    op: str  # and, or, not
    left: SearchClause | BooleanNode
    right: SearchClause | BooleanNode


@dataclass
class _Token:
    kind: str  # quoted, symbol, word
    text: str


def tokenize(text: str) -> list[_Token]:
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        match = TOKEN_RE.match(text, pos)
        if not match or match.end() == pos:
            raise CQLError(SYNTAX_ERROR, text[pos : pos + 20], "Unbalanced quotes or a character CQL does not allow")
        pos = match.end()
        for kind in ("quoted", "symbol", "word"):
            if match.group(kind) is not None:
                tokens.append(_Token(kind, match.group(kind)))
                break
    return tokens


def _unquote(token: _Token) -> str:
    if token.kind != "quoted":
        return token.text
    # \" and \\ are escapes; other backslashes (masking \* \?) are kept for the term.
    return re.sub(r'\\(["\\])', r"\1", token.text[1:-1])


class _Parser:
    def __init__(self, tokens: list[_Token]):
        self.tokens = tokens
        self.pos = 0
        self.clauses = 0

    def peek(self, offset: int = 0) -> _Token | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise CQLError(SYNTAX_ERROR, "", "The query ends too early")
        self.pos += 1
        return token

    def query(self, depth: int = 0):
        if depth > MAX_DEPTH:
            raise CQLError(TOO_MANY_BOOLEANS, str(MAX_DEPTH), "Too deeply nested")
        token = self.peek()
        # prefix assignment: > name = "uri"  or  > "uri"
        if token is not None and token.kind == "symbol" and token.text == ">":
            self.take()
            if self.peek(1) is not None and self.peek(1).text == "=":
                self.take()
                self.take()
            self.take()
        node = self.scoped(depth)
        token = self.peek()
        if token is not None and token.kind == "word" and token.text.lower() == "sortby":
            self.take()
            # Sort keys are accepted and ignored: results come in relevance order.
            while self.peek() is not None and not (self.peek().kind == "symbol" and self.peek().text == ")"):
                self.take()
        return node

    def scoped(self, depth: int):
        left = self.search_clause(depth)
        while True:
            token = self.peek()
            if token is None or (token.kind == "symbol" and token.text == ")"):
                return left
            if token.kind == "word" and token.text.lower() == "sortby":
                return left
            if token.kind != "word" or token.text.lower() not in BOOLEANS:
                raise CQLError(SYNTAX_ERROR, token.text, "Expected a boolean operator (and, or, not)")
            op = self.take().text.lower()
            if op == "prox":
                raise CQLError(UNSUPPORTED_BOOLEAN, "prox", "Proximity (prox) is not supported")
            while self.peek() is not None and self.peek().kind == "symbol" and self.peek().text == "/":
                self.take()
                modifier = self.take().text
                raise CQLError(UNSUPPORTED_RELATION_MODIFIER, modifier, "Boolean modifiers are not supported")
            right = self.search_clause(depth)
            left = BooleanNode(op, left, right)

    def search_clause(self, depth: int):
        self.clauses += 1
        if self.clauses > MAX_CLAUSES:
            raise CQLError(TOO_MANY_BOOLEANS, str(MAX_CLAUSES), "Too many search clauses")
        token = self.take()
        if token.kind == "symbol" and token.text == "(":
            node = self.query(depth + 1)
            closing = self.take()
            if closing.text != ")":
                raise CQLError(SYNTAX_ERROR, closing.text, "Expected )")
            return node
        if token.kind == "symbol":
            raise CQLError(SYNTAX_ERROR, token.text, "A search term was expected")
        nxt = self.peek()
        is_relation = nxt is not None and (
            (nxt.kind == "symbol" and nxt.text in SYMBOL_RELATIONS)
            or (nxt.kind == "word" and nxt.text.lower() in WORD_RELATIONS)
        )
        # `a any b`: a word relation counts only when a term follows it.
        if is_relation and nxt.kind == "word":
            after = self.peek(1)
            is_relation = after is not None and after.kind != "symbol"
        if not is_relation:
            return SearchClause("cql.serverchoice", "=", _unquote(token))
        if token.kind == "quoted":
            raise CQLError(SYNTAX_ERROR, token.text, "An index name cannot be quoted")
        relation = self.take().text.lower()
        modifiers = []
        while self.peek() is not None and self.peek().kind == "symbol" and self.peek().text == "/":
            self.take()
            modifiers.append(self.take().text.lower())
        term_token = self.take()
        if term_token.kind == "symbol":
            raise CQLError(SYNTAX_ERROR, term_token.text, "A search term was expected")
        return SearchClause(token.text.lower(), relation, _unquote(term_token), modifiers)


def parse(text: str):
    """The query's tree: a SearchClause or a BooleanNode. Raises CQLError."""
    if not text or not text.strip():
        raise CQLError(SYNTAX_ERROR, "", "The query is empty")
    parser = _Parser(tokenize(text))
    node = parser.query()
    if parser.peek() is not None:
        raise CQLError(SYNTAX_ERROR, parser.peek().text, "Unexpected text after the end of the query")
    return node
