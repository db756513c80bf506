"""A small, allow-listed expression language for recipe filters.

Expressions are parsed here and compiled to Spark ``Column`` objects; the text is never handed to
Spark SQL or DuckDB. The grammar covers comparisons, boolean logic, arithmetic, ``IN``,
``BETWEEN``, ``LIKE``, ``IS [NOT] NULL`` and a fixed set of scalar functions. Anything else
(subqueries, ``;``, functions such as ``reflect`` or ``java_method``) is rejected with a message
before Spark sees it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from schemas.errors import ExpressionError

MAX_EXPR_CHARS = 4000
KEYWORDS = {"AND", "OR", "NOT", "IS", "NULL", "IN", "BETWEEN", "LIKE", "TRUE", "FALSE"}
FORBIDDEN_WORDS = {"SELECT", "FROM", "WITH", "UNION", "INSERT", "DELETE", "DROP", "UPDATE", "CREATE"}
_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+\.\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|\d+(?:[eE][-+]?\d+)?)"
    r"|(?P<str>'(?:[^']|'')*')|(?P<bq>`(?:[^`]|``)+`)|(?P<id>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op><=|>=|<>|!=|==|[=<>+\-*/%(),]))"
)


@dataclass(frozen=True)
class Token:
    kind: str  # num, str, id, col, op, kw, end
    value: str
    pos: int


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_EXPR_CHARS:
        raise ExpressionError(f"expression longer than {MAX_EXPR_CHARS} characters")
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            bad = text[pos:].lstrip()[:1]
            raise ExpressionError(f"character {bad!r} is not allowed in an expression (at {pos})")
        tokens.append(_classify(m))
        pos = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def _classify(m: re.Match[str]) -> Token:
    kind = m.lastgroup or "op"
    value = m.group(kind)
    if kind == "id" and value.upper() in KEYWORDS:
        return Token("kw", value.upper(), m.start(kind))
    if kind == "id" and value.upper() in FORBIDDEN_WORDS:
        raise ExpressionError(f"'{value}' is not allowed in an expression: no statements or subqueries")
    if kind == "bq":
        return Token("col", value[1:-1].replace("``", "`"), m.start(kind))
    if kind == "str":
        return Token("str", value[1:-1].replace("''", "'"), m.start(kind))
    return Token(kind, value, m.start(kind))


# Node types: ("lit", v) ("col", name) ("call", fname, args) ("un", op, x) ("bin", op, a, b)
# ("isnull", x, negated) ("in", x, values, negated) ("between", x, lo, hi, negated) ("like", x, pat, negated)
Node = tuple[Any, ...]


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self, kind: str | None = None, value: str | None = None) -> bool:
        tok = self.tokens[self.i]
        return (kind is None or tok.kind == kind) and (value is None or tok.value == value)

    def take(self, kind: str | None = None, value: str | None = None) -> Token:
        tok = self.tokens[self.i]
        if not self.peek(kind, value):
            want = value or kind
            got = tok.value or "end of expression"
            raise ExpressionError(f"expected {want} but found '{got}' at position {tok.pos}")
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.disjunction()
        self.take("end")
        return node

    def disjunction(self) -> Node:
        node = self.conjunction()
        while self.peek("kw", "OR"):
            self.take()
            node = ("bin", "OR", node, self.conjunction())
        return node

    def conjunction(self) -> Node:
        node = self.negation()
        while self.peek("kw", "AND"):
            self.take()
            node = ("bin", "AND", node, self.negation())
        return node

    def negation(self) -> Node:
        if self.peek("kw", "NOT"):
            self.take()
            return ("un", "NOT", self.negation())
        return self.predicate()

    def predicate(self) -> Node:
        left = self.additive()
        if self.peek("op") and self.tokens[self.i].value in ("=", "==", "!=", "<>", "<", "<=", ">", ">="):
            op = self.take().value
            return ("bin", op, left, self.additive())
        if self.peek("kw", "IS"):
            self.take()
            negated = bool(self.peek("kw", "NOT")) and bool(self.take())
            self.take("kw", "NULL")
            return ("isnull", left, negated)
        negated = bool(self.peek("kw", "NOT")) and bool(self.take())
        if self.peek("kw", "IN"):
            return self._in(left, negated)
        if self.peek("kw", "BETWEEN"):
            self.take()
            lo = self.additive()
            self.take("kw", "AND")
            return ("between", left, lo, self.additive(), negated)
        if self.peek("kw", "LIKE"):
            self.take()
            return ("like", left, self.take("str").value, negated)
        if negated:
            raise ExpressionError("NOT must be followed by IN, BETWEEN or LIKE here")
        return left

    def _in(self, left: Node, negated: bool) -> Node:
        self.take("kw", "IN")
        self.take("op", "(")
        values = [self.literal()]
        while self.peek("op", ","):
            self.take()
            values.append(self.literal())
        self.take("op", ")")
        return ("in", left, values, negated)

    def literal(self) -> Any:
        node = self.unary()
        if node[0] != "lit":
            raise ExpressionError("IN lists may contain literals only")
        return node[1]

    def additive(self) -> Node:
        node = self.multiplicative()
        while self.peek("op") and self.tokens[self.i].value in ("+", "-"):
            op = self.take().value
            node = ("bin", op, node, self.multiplicative())
        return node

    def multiplicative(self) -> Node:
        node = self.unary()
        while self.peek("op") and self.tokens[self.i].value in ("*", "/", "%"):
            op = self.take().value
            node = ("bin", op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.peek("op", "-"):
            self.take()
            inner = self.unary()
            return ("lit", -inner[1]) if inner[0] == "lit" and isinstance(inner[1], (int, float)) else ("un", "-", inner)
        return self.primary()

    def primary(self) -> Node:
        tok = self.tokens[self.i]
        if tok.kind == "num":
            self.take()
            return ("lit", float(tok.value) if any(c in tok.value for c in ".eE") else int(tok.value))
        if tok.kind == "str":
            self.take()
            return ("lit", tok.value)
        if tok.kind == "kw" and tok.value in ("TRUE", "FALSE", "NULL"):
            self.take()
            return ("lit", {"TRUE": True, "FALSE": False, "NULL": None}[tok.value])
        if tok.kind == "col":
            self.take()
            return ("col", tok.value)
        if tok.kind == "id":
            return self._identifier()
        if self.peek("op", "("):
            self.take()
            node = self.disjunction()
            self.take("op", ")")
            return node
        raise ExpressionError(f"unexpected '{tok.value or 'end of expression'}' at position {tok.pos}")

    def _identifier(self) -> Node:
        name = self.take("id").value
        if not self.peek("op", "("):
            return ("col", name)
        if name.lower() not in FUNCTIONS:
            allowed = ", ".join(sorted(FUNCTIONS))
            raise ExpressionError(f"function '{name}' is not allowed (allowed: {allowed})")
        self.take("op", "(")
        args: list[Node] = []
        if not self.peek("op", ")"):
            args.append(self.disjunction())
            while self.peek("op", ","):
                self.take()
                args.append(self.disjunction())
        self.take("op", ")")
        lo, hi = FUNCTIONS[name.lower()][1]
        if not lo <= len(args) <= hi:
            raise ExpressionError(f"function '{name}' takes {lo}..{hi} arguments, got {len(args)}")
        return ("call", name.lower(), args)


def parse_expression(text: str) -> Node:
    """Parse and allow-list an expression; raises :class:`ExpressionError`."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("expression must be a non-empty string")
    return _Parser(text).parse()


def referenced_columns(node: Node) -> set[str]:
    """Column names an expression reads."""
    if node[0] == "col":
        return {node[1]}
    found: set[str] = set()
    for part in node[1:]:
        items = part if isinstance(part, list) else [part]
        for item in items:
            if isinstance(item, tuple):
                found |= referenced_columns(item)
    return found


def _fn(name: str) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        from pyspark.sql import functions as F

        return getattr(F, name)(*args)

    return call


FUNCTIONS: dict[str, tuple[Callable[..., Any], tuple[int, int]]] = {
    "lower": (_fn("lower"), (1, 1)),
    "upper": (_fn("upper"), (1, 1)),
    "trim": (_fn("trim"), (1, 1)),
    "length": (_fn("length"), (1, 1)),
    "abs": (_fn("abs"), (1, 1)),
    "coalesce": (_fn("coalesce"), (1, 16)),
    "floor": (_fn("floor"), (1, 1)),
    "ceil": (_fn("ceil"), (1, 1)),
    "isnan": (_fn("isnan"), (1, 1)),
    "year": (_fn("year"), (1, 1)),
    "month": (_fn("month"), (1, 1)),
    "dayofmonth": (_fn("dayofmonth"), (1, 1)),
    "size": (_fn("size"), (1, 1)),
    "round": (_fn("round"), (1, 1)),
}


def to_column(node: Node) -> Any:
    """Compile a parsed expression to a Spark Column (no SQL text involved)."""
    from pyspark.sql import functions as F

    kind = node[0]
    if kind == "lit":
        return F.lit(node[1])
    if kind == "col":
        return F.col(f"`{node[1].replace('`', '``')}`")
    if kind == "call":
        return FUNCTIONS[node[1]][0](*[to_column(a) for a in node[2]])
    if kind == "un":
        inner = to_column(node[2])
        return ~inner if node[1] == "NOT" else -inner
    if kind == "bin":
        return _binary(node[1], to_column(node[2]), to_column(node[3]))
    return _special(node)


def _binary(op: str, a: Any, b: Any) -> Any:
    ops: dict[str, Callable[[Any, Any], Any]] = {
        "AND": lambda x, y: x & y, "OR": lambda x, y: x | y,
        "=": lambda x, y: x == y, "==": lambda x, y: x == y,
        "!=": lambda x, y: x != y, "<>": lambda x, y: x != y,
        "<": lambda x, y: x < y, "<=": lambda x, y: x <= y,
        ">": lambda x, y: x > y, ">=": lambda x, y: x >= y,
        "+": lambda x, y: x + y, "-": lambda x, y: x - y,
        "*": lambda x, y: x * y, "/": lambda x, y: x / y, "%": lambda x, y: x % y,
    }
    return ops[op](a, b)


def _special(node: Node) -> Any:
    kind = node[0]
    x = to_column(node[1])
    if kind == "isnull":
        return x.isNotNull() if node[2] else x.isNull()
    if kind == "in":
        col = x.isin(list(node[2]))
    elif kind == "between":
        col = x.between(to_column(node[2]), to_column(node[3]))
    else:
        col = x.like(node[2])
    return ~col if node[-1] else col


def compile_expression(text: str) -> Any:
    """Parse, allow-list and compile in one go."""
    return to_column(parse_expression(text))
