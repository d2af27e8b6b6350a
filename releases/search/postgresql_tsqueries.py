"""PostgreSQL: the tsqueries of a search.

Words reach to_tsquery only as quoted lexemes made of letters and digits, as a
parameter. The tsqueries of a search are made once, in one query (``_written``);
the queries that search use them as PostgreSQL writes them
("'foerder' & 'erzgebirg':*"), each one parameter.
"""

import operator
import re
from functools import reduce

from django.contrib.postgres.search import SearchQuery
from django.db import connections

from .text import (
    FUZZY_SIMILARITY,
    MAX_COMPOUND_CANDIDATES,
    MIN_COMPOUND_CHARS,
    MIN_FUZZY_CHARS,
    TIERS,
    lookup_words,
    loosened,
    looser_tiers,
    spellings,
    term_spellings,
    unmarked,
)

CONFIG = "german_unaccent"
WORDS_TABLE = "releases_searchword"


class _Building:
    """SQL that makes a tsquery, with its parameters: combined with |, & and ~."""

    def __init__(self, sql, params):
        self.sql, self.params = sql, params

    def __or__(self, other):
        return _Building(f"({self.sql} || {other.sql})", self.params + other.params)

    def __and__(self, other):
        return _Building(f"({self.sql} && {other.sql})", self.params + other.params)

    def __invert__(self):
        return _Building(f"!!({self.sql})", self.params)


class _Written(SearchQuery):
    """A tsquery as PostgreSQL writes it, read as it is: no dictionary is asked again."""

    template = "%(expressions)s::tsquery"

    def __init__(self, text):
        super().__init__(text, search_type="raw")


def _written(building, db):
    """{name: _Written} of {name: _Building}, made in one query (None stays None)."""
    names = [name for name, value in building.items() if value is not None]
    if not names:
        return dict(building)
    with connections[db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"({building[name].sql})::text" for name in names),
                       [param for name in names for param in building[name].params])
        texts = cursor.fetchone()
    return {**building, **{name: _Written(_without_repeats(text))
                           for name, text in zip(names, texts, strict=True)}}


# PostgreSQL's written tsquery: quoted lexemes (perhaps with :* or weights), operators.
_TOKEN = re.compile(r"\s*('(?:[^'\\]|''|\\.)*'(?::[*A-D]+)?|<\d+>|<->|[|&!()])")
_BINDING = {"|": 1, "&": 2, "<->": 3}  # <N> binds as <->; ! tighter than all


def _without_repeats(text):
    """``text`` without what another part of the same alternative already matches:
    a word whose beginning is also asked for (``'erzgebirg' | 'erzgebirg':*`` is
    ``'erzgebirg':*``), or the same part twice.

    The matches stay the same; the planner, which adds up the parts of an
    alternative as if each found other releases, no longer counts them twice.
    """
    tokens = _TOKEN.findall(text)
    if not tokens or "".join(tokens) != re.sub(r"\s+", "", text):
        return text  # empty, or not as expected: left as it is
    tree, rest = _parse(tokens, 1)
    return text if rest else _write(tree)


def _parse(tokens, binding):
    """(tree, the tokens after it) of the operand binding at least ``binding``."""
    head, *rest = tokens
    if head == "!":
        left, rest = _parse(rest, 4)
        left = ("!", [left])
    elif head == "(":
        left, rest = _parse(rest, 1)
        rest = rest[1:]  # ")"
    else:
        left = ("word", head)
    while rest and rest[0] != ")":
        operator_ = "<->" if rest[0].startswith("<") else rest[0]
        if _BINDING[operator_] < binding:
            break
        right, after = _parse(rest[1:], _BINDING[operator_] + 1)
        if operator_ == left[0] and operator_ in "|&":
            left = (operator_, [*left[1], right])
        else:
            left = (rest[0], [left, right])
        rest = after
    return left, rest


def _write(tree, binding=0):
    operator_, parts = tree
    if operator_ == "word":
        return parts
    if operator_ == "|":
        parts = _alternatives(parts)
        if len(parts) == 1:
            return _write(parts[0], binding)
    if operator_ == "!":
        return "!" + _write(parts[0], 4)
    own = _BINDING["<->" if operator_.startswith("<") else operator_]
    text = f" {operator_} ".join(_write(part, own + (index > 0 and own == 3))
                                 for index, part in enumerate(parts))
    return f"( {text} )" if own < binding else text


def _alternatives(parts):
    """The parts of an alternative without repeats (see _without_repeats)."""
    beginnings = [part[1][:-3] for part in parts if part[0] == "word" and part[1].endswith("':*")]
    kept, seen = [], set()
    for part in parts:
        written = _write(part)
        if written in seen or (part[0] == "word" and written.endswith("'") and any(
                written[1:].startswith(beginning[1:]) for beginning in beginnings)):
            continue
        seen.add(written)
        kept.append(part)
    return kept


def _quote(lexeme, prefix=False):
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'" + (":*" if prefix else "")


def _any(words, prefix=False):
    return " | ".join(_quote(word, prefix) for word in dict.fromkeys(words))


def _raw(text, config=CONFIG):
    return _Building("to_tsquery(%s::regconfig, %s)", [config, text])


def _exact_term(term):
    """The term's word or phrase, or any other name of the place it names.

    A release number ("7/2021") is one token to PostgreSQL's parser: two numbers
    are also looked for as that token.
    """
    phrases = [" <-> ".join(f"({_any(each)})" for each in term_spellings(words))
               for words in (term.words, *term.places)]
    if len(term.words) == 2 and all(word.isdecimal() for word in term.words):
        phrases.append(_quote("/".join(term.words)))
    return _raw(" | ".join(f"({phrase})" for phrase in phrases))


def _exact(query, db):
    """Each clause matched by a stem or phrase, no exclusion matched (None if empty)."""
    return _written({"exact": _exact_building(query)}, db)["exact"]


def _exact_building(query):
    if not query:
        return None
    clauses = [reduce(operator.or_, map(_exact_term, clause)) for clause in query.clauses]
    exclusions = [~_exact_term(term) for term in query.exclusions]
    return reduce(operator.and_, clauses + exclusions)


def _loose_term(term, lookups):
    """A term also without its umlauts, as a word's beginning, without a plural ending, or
    inside compounds."""
    exact = _exact_term(term)
    more = loosened(term, lookups)
    if more is None:
        return exact, exact
    expanded = exact
    if more["prefixes"]:
        expanded |= _raw(_any(more["prefixes"], prefix=True), config="simple")
    if more["folded"] or more["compounds"]:
        expanded |= _raw(_any(more["folded"] + more["compounds"]))
    fuzzy = expanded
    if more["corrections"]:
        fuzzy |= _raw(_any(more["corrections"]))
    return expanded, fuzzy


def _marked_term(term, lookups):
    """What ts_headline marks for a term, reading the text with its umlauts folded:
    every spelling that finds it, unmarked (text.unmarked); of a phrase, each word."""
    more = loosened(term, lookups)
    found = [spelling for words in (term.words, *term.places) for word in words
             for spelling in spellings(word, loose=True)]
    if more is not None:
        found += more["compounds"] + more["corrections"]
    marked = _raw(_any(map(unmarked, found)))
    if more is not None and more["prefixes"]:
        marked |= _raw(_any(map(unmarked, more["prefixes"]), prefix=True), config="simple")
    return marked


def _tsqueries(query, db, *, look_up=True):
    """The exact, expanded and fuzzy tsqueries of ``query``; "positive": the same without
    the exclusions; "exclusions"; "looser": the tiers that add matches (text.looser_tiers);
    "marks": what a snippet marks.

    ``look_up=False``: without compounds and corrections from the public words.
    Made once per parsed query and database (kept with the query).
    """
    key = ("tsqueries", db, look_up)
    if key not in query._made:
        query._made[key] = _make_tsqueries(query, db, look_up)
    return query._made[key]


def _make_tsqueries(query, db, look_up):
    lookups = _lookup(query, db) if look_up else {}
    expanded, fuzzy, marks = [], [], []
    for clause in query.clauses:
        loose = [_loose_term(term, lookups) for term in clause]
        expanded.append(reduce(operator.or_, (pair[0] for pair in loose)))
        fuzzy.append(reduce(operator.or_, (pair[1] for pair in loose)))
        marks += [_marked_term(term, lookups) for term in clause]
    exclusions = [~_exact_term(term) for term in query.exclusions]
    written = _written({
        "exact": _exact_building(query),
        "expanded": reduce(operator.and_, expanded + exclusions),
        "fuzzy": reduce(operator.and_, fuzzy + exclusions),
        "exclusions": reduce(operator.and_, exclusions) if exclusions else None,
        # Without the exclusions, which a heading alone cannot rule out.
        "positive exact": reduce(operator.and_, [reduce(operator.or_, map(_exact_term, clause))
                                                 for clause in query.clauses]),
        "positive expanded": reduce(operator.and_, expanded),
        "positive fuzzy": reduce(operator.and_, fuzzy),
        "marks": reduce(operator.or_, marks),
    }, db)
    return {**{name: written[name]
               for name in ("exact", "expanded", "fuzzy", "exclusions", "marks")},
            "positive": {tier: written[f"positive {tier}"] for tier in TIERS},
            "looser": looser_tiers(query, lookups)}


_LOOKUP_SQL = f"""
WITH q AS (
    SELECT word, EXISTS (SELECT 1 FROM {WORDS_TABLE} w
                         WHERE w.word >= q.word AND w.word < q.word || chr(1114111)) AS known
    FROM unnest(%s::text[]) AS q(word)
)
SELECT q.word,
    ARRAY(SELECT w.word FROM {WORDS_TABLE} w
          WHERE length(q.word) >= %s AND w.word LIKE '_%%' || q.word || '%%'
          ORDER BY length(w.word), w.word LIMIT %s),
    (SELECT ARRAY[w.word, w.display] FROM {WORDS_TABLE} w
     WHERE NOT q.known AND length(q.word) >= %s
       AND w.word %% q.word AND similarity(w.word, q.word) >= %s
     ORDER BY similarity(w.word, q.word) DESC, w.word LIMIT 1)
FROM q
"""


def _lookup(query, db):
    """Compounds containing each single-word term, and a correction if it is unknown.

    One query per parsed query and database, remembered on the parsed query.
    The LIKE patterns are safe: words hold letters and digits only.
    """
    if db not in query._lookups:
        words = lookup_words(query)
        found = {}
        if words:
            with connections[db].cursor() as cursor:
                cursor.execute(_LOOKUP_SQL, [words, MIN_COMPOUND_CHARS, MAX_COMPOUND_CANDIDATES,
                                             MIN_FUZZY_CHARS, FUZZY_SIMILARITY])
                for word, compounds, correction in cursor.fetchall():
                    found[word] = {"compounds": compounds,
                                   "correction": correction[0] if correction else None,
                                   "display": correction[1] if correction else None}
        query._lookups[db] = found
    return query._lookups[db]
