"""SQLite: the FTS5 queries of a search, and the lookups they are made of.

Every word reaches MATCH as a quoted string of letters and digits (``_quote``).
"""

import itertools
import json

from django.db import connections

from .text import (
    FUZZY_SIMILARITY,
    MAX_COMPOUND_CANDIDATES,
    MIN_COMPOUND_CHARS,
    lookup_words,
    loosened,
    term_spellings,
)

FTS_TABLE = "releases_release_fts"
WORDS_TABLE = "releases_searchword"
TRIGRAM_TABLE = "releases_searchword_trigram"
HEADING = "{title heading}"
MAX_CANDIDATES = 200  # words sharing trigrams with a typo, by bm25, to compare


def _quote(word, prefix=False):
    return '"' + word.replace('"', '""') + '"' + ("*" if prefix else "")


def _any(parts):
    parts = list(dict.fromkeys(parts))
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def _exact_term(term):
    """The term's word or phrase, or any other name of the place it names."""
    return _any(_quote(" ".join(combination))
                for words in (term.words, *term.places)
                for combination in itertools.product(*term_spellings(words)))


def _loose_term(term, lookups):
    """A term also without its umlauts, as a word's beginning, without a plural ending, or
    inside compounds."""
    exact = _exact_term(term)
    more = loosened(term, lookups)
    if more is None:
        return exact, exact
    expanded = [exact, *(_quote(prefix, prefix=True) for prefix in more["prefixes"]),
                *map(_quote, more["folded"] + more["compounds"])]
    return _any(expanded), _any([*expanded, *map(_quote, more["corrections"])])


def _all(parts):
    return " AND ".join(f"({part})" for part in parts)


def _fts_queries(query, db, *, look_up=True):
    """The exact, expanded and fuzzy FTS5 queries of ``query``, with and without exclusions.

    ``look_up=False``: without compounds and corrections from the public words (no query).
    """
    lookups = _lookup(query, db) if look_up else {}
    exact = [_any(map(_exact_term, clause)) for clause in query.clauses]
    loose = [[_loose_term(term, lookups) for term in clause] for clause in query.clauses]
    expanded = [_any(pair[0] for pair in clause) for clause in loose]
    fuzzy = [_any(pair[1] for pair in clause) for clause in loose]
    exclusions = _any(map(_exact_term, query.exclusions)) if query.exclusions else ""

    def without_exclusions(parts):
        return f"({_all(parts)}) NOT ({exclusions})" if exclusions else _all(parts)

    positive = {"exact": _all(exact), "expanded": _all(expanded), "fuzzy": _all(fuzzy)}
    return {"exact": without_exclusions(exact), "expanded": without_exclusions(expanded),
            "fuzzy": without_exclusions(fuzzy),
            # Without the exclusions, which a heading alone cannot rule out.
            "positive": positive, "exclusions": exclusions}


# ---------------------------------------------------------------------------
# Compounds and corrections from the words of public releases.


def _trigrams(word):
    """pg_trgm's trigrams of a word: padded with two blanks before and one after."""
    padded = f"  {word} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def similarity(a, b):
    """pg_trgm's similarity: shared trigrams over all trigrams of both words."""
    ta, tb = _trigrams(a), _trigrams(b)
    return len(ta & tb) / len(ta | tb)


_LOOKUP_SQL = f"""
SELECT q.value,
    (SELECT json_group_array(word) FROM (
        SELECT t.word FROM {TRIGRAM_TABLE} t
        WHERE length(q.value) >= %s AND t.{TRIGRAM_TABLE} MATCH '"' || q.value || '"'
          AND t.word LIKE '_%%' || q.value || '%%'
        ORDER BY length(t.word), t.word LIMIT %s)),
    EXISTS (SELECT 1 FROM {WORDS_TABLE} w
            WHERE w.word >= q.value AND w.word < q.value || char(1114111))
FROM json_each(%s) q
"""


def _lookup(query, db):
    """Compounds containing each single-word term, and a correction if it is unknown.

    One query per parsed query and database (and one per unknown word), remembered on
    the parsed query. The MATCH strings and LIKE patterns are safe: words hold letters
    and digits only.
    """
    if db not in query._lookups:
        words = lookup_words(query)
        found = {}
        if words:
            with connections[db].cursor() as cursor:
                cursor.execute(_LOOKUP_SQL, [MIN_COMPOUND_CHARS, MAX_COMPOUND_CANDIDATES,
                                             json.dumps(words)])
                for word, compounds, known in cursor.fetchall():
                    found[word] = {"compounds": json.loads(compounds), "correction": None,
                                   "display": None}
                    if not known:
                        found[word].update(_correction(cursor, word))
        query._lookups[db] = found
    return query._lookups[db]


def _correction(cursor, word):
    """The known word most like ``word``, if it is like enough: {correction, display}."""
    trigrams = {word[i:i + 3] for i in range(len(word) - 2)}
    if not trigrams:
        return {}
    cursor.execute(
        f"SELECT t.word, w.display FROM {TRIGRAM_TABLE} t JOIN {WORDS_TABLE} w ON w.word = t.word "
        f"WHERE {TRIGRAM_TABLE} MATCH %s ORDER BY rank LIMIT %s",
        [" OR ".join(map(_quote, sorted(trigrams))), MAX_CANDIDATES])
    scored = [(similarity(candidate, word), candidate, display)
              for candidate, display in cursor.fetchall()]
    scored = [row for row in scored if row[0] >= FUZZY_SIMILARITY]
    if not scored:
        return {}
    _, candidate, display = min(scored, key=lambda row: (-row[0], row[1]))
    return {"correction": candidate, "display": display}
