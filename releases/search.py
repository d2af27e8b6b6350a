"""Full-text search over public releases: the one module that knows how.

A query string is parsed once (``parse``) into terms: words, quoted phrases,
``-exclusions`` and alternatives joined by "oder". ``search`` turns it into a
filtered, ordered QuerySet and ``add_snippets`` gives each shown result a
``snippet``: escaped text with the matched words in ``<mark>``.

On PostgreSQL each release has a stored, weighted ``search_vector`` (title A,
subtitle and teaser B, text C, names of organisation, topics and people D),
built with the ``german_unaccent`` configuration (unaccent, then the German
Snowball stemmer). Document and query are normalised alike before that:
lower case, ä/ö/ü/ß written as ae/oe/ue/ss, accents removed, so "Goerlitz"
finds "Görlitz" and "Wroclaw" finds "Wrocław" and the other way round. Words
that contain umlauts are indexed a second time with the umlaut dropped (as
the stemmer itself would), so "Land" still finds "Länder".

A word or phrase that is one name of a place in the editable list of place
names (``PlaceName``, seeded with German, Polish and Czech names) also matches
the place's other names, on both databases: "Kattowitz" finds "Katowice",
"-Krakau" excludes "Kraków" too (``_with_places``: one lookup per query).
Related places, such as the twin towns Görlitz and Zgorzelec, are not combined.

Results come in tiers, so that a looser match never outranks a closer one:

2. every term matches a stem (or a phrase) exactly;
1. some term matches only as the beginning of a word ("Digitalisier"), without
   a plural ending the stemmer keeps ("Verbindungsbüros"), or inside a compound
   ("Kriminalität" in "Eigentumskriminalität");
0. some term matches only after correcting a typo ("Kattowtz").

Within a tier, ts_rank with the weights decides.

A search finds at most ``MAX_RESULTS`` releases, the newest that match: a
word found in most releases then costs little more than a rare one (the
newest matches come from the date index, those of a rarer word from the
search index, see ``_newest_postgresql``, and only they are ranked and
counted), and a visitor narrows a search that large with the filters rather
than paging past the thousandth result. The count of such a search is "more
than MAX_RESULTS" (``ResultPaginator``).

Compounds and typos are looked up in ``releases_searchword``, a table of the
distinct normalised words of public releases with a trigram index (as the
PostgreSQL manual suggests for spelling suggestions). Each word counts the
public releases it occurs in. A release's words are counted when its
publication is completed (``effects_done_at``: at once, or when the scheduled
time or the embargo has come) and uncounted when it is withdrawn; a new live
edition swaps its old words for its new ones (``count_public_words``, called
by releases/services.py). A word whose count drops to nothing is deleted, so
neither a suggestion nor an expansion ever spells a word that only a draft,
an embargoed, scheduled, withdrawn or overwritten text contains.
``rebuild_search_index`` counts them afresh.

On SQLite (the embedded default) the same parse drives plain substring
matching over title, subtitle, teaser and text, newest first. SQLite's LIKE
ignores case for ASCII letters only, so each term is also tried in lower,
upper and title case and with umlauts transliterated either way.

The editors' release list searches drafts too (``editorial_matches``): the same
parse and matching, on every state, without ranking or limit.
"""

import html
import json
import operator
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.core.paginator import Paginator
from django.db import connections, router, transaction
from django.db.models import BooleanField, Case, F, FloatField, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_save, pre_delete, pre_save
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .html import html_to_text
from .models import PlaceGroup, PlaceName, Release

CONFIG = "german_unaccent"
WORDS_TABLE = "releases_searchword"
ORDERS = ("relevance", "date")

MAX_QUERY_CHARS = 500  # the rest of a longer query is ignored
MAX_TERMS = 10
MAX_PHRASE_WORDS = 8
MAX_WORD_CHARS = 40  # longer "words" are noise, and costly for trigrams
MIN_PREFIX_CHARS = 4  # "Digi" finds "Digitalisierung"; shorter prefixes match everything
MIN_COMPOUND_CHARS = 5  # "Kriminalität" finds "Eigentumskriminalität", "Amt" not "Landratsamt"
MAX_COMPOUNDS = 30
MIN_FUZZY_CHARS = 4
FUZZY_SIMILARITY = 0.5
PLURAL_ENDINGS = ("es", "en", "er", "s", "n", "e")

MAX_RESULTS = 1000  # the newest matches beyond this are left out, see above

SNIPPET_WORDS = 30
SNIPPET_SOURCE_CHARS = 20_000
_SENTENCE_ENDS = (".", "!", "?", ":", ";", "…", "–", "—", '"', "“", "”", "»", "«", ")")

# ---------------------------------------------------------------------------
# Normalisation, shared by documents and queries.

# Letters that lose no mark when decomposed (as str.replace pairs: faster than translate).
_FOLD = {"ß": "ss", "ẞ": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d",
         "þ": "th", "ı": "i"}
_TRANSLITERATE = {"ä": "ae", "ö": "oe", "ü": "ue"}
_UMLAUTS = set("äöüÄÖÜ")
_NO_ANGLES = {"<": " ", ">": " "}
_DIGRAPHS = re.compile(r"ae|oe|ue")
_WORD = re.compile(r"[^\W_]+")  # letters and digits: nothing a query syntax could mistake
_LETTERS = re.compile(r"[^\W\d_]{3,}")
_FORMAT = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufff9-\uffff]")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _clean(text):
    """Text without control characters; format characters (a soft hyphen) join."""
    return _CONTROL.sub(" ", _FORMAT.sub("", unicodedata.normalize("NFKC", str(text))))


def _replace(text, replacements):
    for old, new in replacements.items():
        if old in text:
            text = text.replace(old, new)
    return text


def _strip_accents(text):
    decomposed = unicodedata.normalize("NFKD", _replace(text, _FOLD))
    return unicodedata.normalize("NFC", _COMBINING.sub("", decomposed))


def normalise(text):
    """Lower case, umlauts as ae/oe/ue, ß as ss, no accents: "Görlitz" -> "goerlitz"."""
    return _strip_accents(_replace(_clean(text).lower(), _TRANSLITERATE))


def fold(text):
    """Lower case without any accents, umlauts dropped: "Länder" -> "lander"."""
    return _strip_accents(_clean(text).lower())


# Single words recur across releases: remembered, they cost once per rebuild.
_normalise_word = lru_cache(maxsize=100_000)(normalise)
_fold_word = lru_cache(maxsize=100_000)(fold)


def _variants(word):
    """The normalised spellings under which a query word is looked for.

    The document side holds the normalised words and the folded umlaut words.
    "goerlitz" also as "gorlitz": so it finds a folded "Görlitz", and
    ts_headline, which reads the original text, marks it.
    """
    normalised = normalise(word)
    return list(dict.fromkeys([normalised, fold(word), _DIGRAPHS.sub(
        lambda m: m.group()[0], normalised)]))


def _document(text):
    """What to_tsvector reads for ``text``: the normalised text, then its umlaut words folded.

    Angle brackets go: the parser would take "<script>" in plain text for a tag and skip it.
    """
    folded = " ".join(_fold_word(word) for word in _WORD.findall(text)
                      if not word.isascii() and _UMLAUTS & set(word))
    return _replace(f"{normalise(text)}\n{folded}", _NO_ANGLES)


def _plain(value):
    """Plain text (no tags, no entities) of stored rich text."""
    return html.unescape(html_to_text(value))


# ---------------------------------------------------------------------------
# Parsing a query string.

_QUOTES = str.maketrans({c: '"' for c in "„“”«»‟″"})
_CHUNK = re.compile(r'(?P<negated>-)?(?:"(?P<phrase>[^"]*)"?|(?P<bare>[^\s"]+))')


@dataclass(frozen=True)
class Term:
    """A word, or a phrase of several words (quoted, or joined like "Sachsen-Anhalt").

    ``places``: the other names of the place the term names, each a tuple of words,
    matched as alternatives of the term (see ``_with_places``).
    """

    words: tuple
    places: tuple = ()


@dataclass
class Query:
    """A parsed query: all clauses must match, a clause by any of its terms; no exclusion may."""

    text: str
    clauses: list = field(default_factory=list)
    exclusions: list = field(default_factory=list)
    _lookups: dict = field(default_factory=dict, repr=False)
    _places: dict = field(default_factory=dict, repr=False)

    def __bool__(self):
        return bool(self.clauses)

    @property
    def words(self):
        return [word for clause in self.clauses for term in clause
                for words in (term.words, *term.places) for word in words]


def parse(query):
    """Parse a visitor's query; anything odd is dropped, nothing raises."""
    if isinstance(query, Query):
        return query
    text = _clean(query or "")[:MAX_QUERY_CHARS].translate(_QUOTES)
    parsed = Query(text=text)
    seen = set()
    join_next = False
    for match in _CHUNK.finditer(text):
        bare = match["bare"]
        # Lower-case only: "Oder" is also a river.
        if not match["negated"] and bare in {"oder", "OR"}:
            join_next = bool(parsed.clauses)
            continue
        words = tuple(word for word in _WORD.findall(match["phrase"] or bare or "")
                      if len(word) <= MAX_WORD_CHARS)[:MAX_PHRASE_WORDS]
        if not words:
            continue
        term = Term(words)
        if term in seen or len(seen) >= MAX_TERMS:
            continue
        seen.add(term)
        if match["negated"]:
            parsed.exclusions.append(term)
        elif join_next:
            parsed.clauses[-1].append(term)
        else:
            parsed.clauses.append([term])
        join_next = False
    return parsed


# ---------------------------------------------------------------------------
# Place names in several languages (releases.models.PlaceName): "Kattowitz" also
# finds "Katowice", and the other way round.

MAX_PLACE_WORDS = 4  # "Ústí nad Labem" typed without quotes is still one place


def place_key(name):
    """How a place name is looked up: its words folded, "Ústí nad Labem" -> "usti nad labem"."""
    return " ".join(_fold_word(word) for word in _WORD.findall(_clean(name)))


def _place_keys(words):
    """The keys a query's words may name a place by: "Goerlitz" as "gorlitz" too."""
    return {" ".join(fold(word) for word in words),
            " ".join(_DIGRAPHS.sub(lambda m: m.group()[0], normalise(word)) for word in words)}


def _place_names(keys, db):
    """{key: the names (tuples of words) of the places ``keys`` name}, in one query.

    Only names of the same place count: related places (twin towns) are not searched.
    """
    if not keys:
        return {}
    groups = PlaceName.objects.filter(key__in=keys).values("group")
    rows = (PlaceName.objects.using(db)
            .filter(group__in=groups, group__kind=PlaceGroup.Kind.EQUIVALENT)
            .order_by("pk").values_list("group", "key", "name"))
    by_group, groups_of = {}, {}
    for group, key, name in rows:
        by_group.setdefault(group, {})[tuple(_WORD.findall(name))] = None
        groups_of.setdefault(key, []).append(group)
    return {key: [words for group in groups_of[key] for words in by_group[group]]
            for key in keys & groups_of.keys()}


def _with_places(query, db):
    """``query`` with each place name matching its other names too, as alternatives.

    The words of a phrase, or unquoted consecutive words that together are a known
    name ("Jelenia Góra"), become one term. An excluded place excludes its other
    names. Looked up once per parsed query and database (``_place_names``).
    """
    if db in query._places:
        return query._places[db]
    single = [clause[0].words[0] if len(clause) == 1 and len(clause[0].words) == 1 else None
              for clause in query.clauses]
    runs = {(start, size): tuple(single[start:start + size])
            for size in range(2, MAX_PLACE_WORDS + 1) for start in range(len(single) - size + 1)
            if None not in single[start:start + size]}
    terms = [term for clause in query.clauses for term in clause] + query.exclusions
    candidates = [term.words for term in terms] + list(runs.values())
    found = _place_names(set().union(*map(_place_keys, candidates)) if candidates else set(), db)

    def places(words):
        # All other spellings: SQLite's substring matching cannot add a missing accent.
        typed = tuple(word.lower() for word in words)
        return tuple(name for name in dict.fromkeys(
            name for key in _place_keys(words) & found.keys() for name in found[key])
            if tuple(word.lower() for word in name) != typed)

    def with_places(term):
        return Term(term.words, names) if (names := places(term.words)) else term

    clauses, start = [], 0
    while start < len(query.clauses):
        size = next((size for size in range(MAX_PLACE_WORDS, 1, -1)
                     if places(runs.get((start, size), ()))), 1)
        if size > 1:
            clauses.append([Term(runs[start, size], places(runs[start, size]))])
        else:
            clauses.append([with_places(term) for term in query.clauses[start]])
        start += size
    expanded = Query(text=query.text, clauses=clauses,
                     exclusions=[with_places(term) for term in query.exclusions],
                     _lookups=query._lookups, _places=query._places)
    query._places[db] = expanded
    return expanded


# ---------------------------------------------------------------------------
# The public interface.


def search(query, releases=None, order="relevance"):
    """Public releases matching ``query``, best first (``order="date"``: newest first).

    ``releases`` is a QuerySet derived from ``Release.objects.public()``, maybe
    filtered by topic, organisation, kind or date. Call ``add_snippets`` on the
    page of results that is shown. On SQLite results are always newest first.
    Only the newest ``MAX_RESULTS`` + 1 matches take part (see the module's
    docstring): their ids are fetched at once, and their number is the
    returned QuerySet's ``found``. Page them with ``ResultPaginator``.
    """
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}")
    query = parse(query)
    releases = Release.objects.public() if releases is None else releases
    if not query:
        return releases.none()
    query = _with_places(query, releases.db)
    if connections[releases.db].vendor != "postgresql":
        results, found = _newest(releases, _sqlite_condition(query))
    else:
        tiers = _tsqueries(query, releases.db)
        results, found = _newest_postgresql(releases, Q(search_vector=tiers["fuzzy"]))
        # The vector is only needed inside the database.
        results = results.defer("search_vector")
        if order == "relevance":
            tier = Case(When(search_vector=tiers["exact"], then=Value(2.0)),
                        When(search_vector=tiers["expanded"], then=Value(1.0)),
                        default=Value(0.0), output_field=FloatField())
            # normalization=32 keeps ts_rank below 1, so it orders only within a tier.
            rank = SearchRank(F("search_vector"), tiers["fuzzy"], normalization=32)
            results = results.annotate(rank=tier + rank).order_by("-rank", "-published_at",
                                                                  "-pk")
    # Known already: ResultPaginator needs no count query (a copy made by filtering
    # or slicing forgets it).
    results.found = found
    return results


def editorial_matches(query, releases):
    """``releases`` (of any state: the editors' list) matching ``query``, unordered, all.

    The same parse and the same matching as for visitors, without their results'
    limit and ranking: on PostgreSQL the stored vector (stems, phrases, beginnings
    of words), on SQLite substrings. Compounds and corrections come from the words
    of public releases, not of drafts: left out here. A working edition has no
    vector (see ``_on_release_saved``): its fields are matched as substrings.
    """
    query = parse(query)
    if not query:
        return releases.none()
    query = _with_places(query, releases.db)
    if connections[releases.db].vendor != "postgresql":
        return releases.filter(_sqlite_condition(query))
    expanded = _tsqueries(query, releases.db, look_up=False)["expanded"]
    return releases.filter(Q(search_vector=expanded)
                           | Q(edition_of__isnull=False) & _sqlite_condition(query))


def _newest(releases, condition):
    """(``releases`` matching ``condition``, newest first, how many): at most MAX_RESULTS + 1.

    One more than shown, so that the count can tell that there are more. A
    common word fills the limit from the first rows of the date index; the
    planner turns to the search index for rarer ones. The ids are fetched
    here, once: the count and the page (which ranks them) then cost little.
    """
    ids = list(releases.filter(condition).order_by("-published_at", "-pk")
               .values_list("pk", flat=True)[:MAX_RESULTS + 1])
    return releases.filter(_pk_in(ids, releases.db)).order_by("-published_at", "-pk"), len(ids)


def _pk_in(ids, db):
    """pk__in=ids; on PostgreSQL as one array parameter, not thousands of placeholders."""
    if connections[db].vendor != "postgresql":
        return Q(pk__in=ids)
    table = connections[db].ops.quote_name(Release._meta.db_table)
    return Q(RawSQL(f"{table}.{connections[db].ops.quote_name('id')} = ANY(%s)", (list(ids),),
                    output_field=BooleanField()))


# The search index costs a search something for each match; the date index, for each
# row it passes until it has MAX_RESULTS + 1 matches, about WALK_COST times as much (it
# unpacks the row's vector). See _common_matches.
WALK_COST = 5
_table_rows = {}  # database alias -> the planner's count of releases, read once per process


def _newest_postgresql(releases, condition):
    """_newest, with the plan chosen by how common the words are.

    The newest matches of a common word come fastest from the date index, each row
    checked against the query on the way; a rarer word would have that walk check
    (and unpack the stored vector of) tens of thousands of rows, where the search
    index names its few matches at once. The planner weighs those costs poorly, so
    its estimate of the matches decides here: a rare word's matches are fetched from
    the search index alone, and then only they are checked for visibility and
    sorted by date.
    """
    matches = Release.objects.using(releases.db).filter(condition).order_by().values("pk")
    common = _common_matches(releases.db)
    if _estimated_rows(matches) <= common:
        at_most = int(2 * common)
        with transaction.atomic(using=releases.db):
            # For some thousands of matches the planner would rather read the whole
            # table, unpacking every vector, than visit the matches the index names.
            with connections[releases.db].cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
            ids = list(matches.values_list("pk", flat=True)[:at_most + 1])
        if len(ids) <= at_most:  # else the estimate was far off
            return _newest(releases, _pk_in(ids, releases.db))
    return _newest(releases, condition)


def _common_matches(db):
    """How many matches make a word common: from there on the date index is faster.

    Of N releases a word in m: the date index passes about N * (MAX_RESULTS + 1) / m
    rows at WALK_COST each, the search index visits m; even at m² = WALK_COST *
    (MAX_RESULTS + 1) * N. For 100,000 releases that is some 22,000 matches.
    """
    if db not in _table_rows:
        with connections[db].cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                           [Release._meta.db_table])
            _table_rows[db] = cursor.fetchone()[0]
    rows = _table_rows[db] if _table_rows[db] > 0 else 100_000  # -1: never analysed
    return (WALK_COST * (MAX_RESULTS + 1) * rows) ** 0.5


def _estimated_rows(queryset):
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Plan"]["Plan Rows"]


class ResultPaginator(Paginator):
    """Pages of search results: at most MAX_RESULTS, ``has_more`` if more matched."""

    @cached_property
    def found(self):
        """Matches, up to MAX_RESULTS + 1 (the search looks no further)."""
        found = getattr(self.object_list, "found", None)
        return Paginator.count.func(self) if found is None else found

    @cached_property
    def count(self):
        return min(self.found, MAX_RESULTS)

    @property
    def has_more(self):
        return self.found > MAX_RESULTS


def add_snippets(releases, query):
    """Give each of ``releases`` (the page shown) a safe ``snippet`` with matches marked.

    Returns the releases as a list. The snippet is built from the escaped
    plain text of subtitle, teaser and text, so nothing stored as HTML reaches
    it; the only markup in it is ``<mark>``.
    """
    releases = list(releases)
    query = parse(query)
    if not releases:
        return releases
    texts = {release.pk: _snippet_source(release) for release in releases}
    db = router.db_for_read(Release)
    query = _with_places(query, db) if query else query
    if query and connections[db].vendor == "postgresql":
        source = Case(*[When(pk=pk, then=Value(escape(text))) for pk, text in texts.items()],
                      output_field=TextField())
        headline = SearchHeadline(
            source, _tsqueries(query, db)["fuzzy"], config=CONFIG,
            start_sel="<mark>", stop_sel="</mark>", max_words=SNIPPET_WORDS,
            min_words=SNIPPET_WORDS // 2, max_fragments=2, fragment_delimiter=" … ")
        snippets = dict(Release.objects.using(db).filter(pk__in=texts)
                        .annotate(snippet=headline).values_list("pk", "snippet"))
    else:
        snippets = {pk: _python_snippet(text, query) for pk, text in texts.items()}
    for release in releases:
        # Safe: the text was escaped before <mark> was put in (see above).
        release.snippet = mark_safe(snippets.get(release.pk, ""))
    return releases


def did_you_mean(query, releases=None):
    """The query with misspelt words corrected, if that finds public releases; else ""."""
    query = parse(query)
    releases = Release.objects.public() if releases is None else releases
    if not query or connections[releases.db].vendor != "postgresql":
        return ""
    lookups = _lookup(query, releases.db)
    text = query.text
    for word in {term.words[0] for clause in query.clauses for term in clause}:
        correction = lookups.get(normalise(word), {}).get("display")
        if correction:
            text = re.sub(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])",
                          lambda _match, correction=correction: correction, text)
    if text == query.text:
        return ""
    exact = _exact(parse(text))
    return text if exact and releases.filter(search_vector=exact).exists() else ""


# ---------------------------------------------------------------------------
# PostgreSQL: tsqueries. Words reach to_tsquery only as quoted lexemes made of
# letters and digits, as a parameter.


def _quote(lexeme, prefix=False):
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'" + (":*" if prefix else "")


def _any(words, prefix=False):
    return " | ".join(_quote(word, prefix) for word in dict.fromkeys(words))


def _raw(text, config=CONFIG):
    return SearchQuery(text, config=config, search_type="raw")


def _exact_term(term):
    """The term's word or phrase, or any other name of the place it names."""
    phrases = [" <-> ".join(f"({_any(_variants(word))})" for word in words)
               for words in (term.words, *term.places)]
    return _raw(" | ".join(f"({phrase})" for phrase in phrases))


def _exact(query):
    """Each clause matched by a stem or phrase, no exclusion matched: tier 2 (None if empty)."""
    if not query:
        return None
    clauses = [reduce(operator.or_, map(_exact_term, clause)) for clause in query.clauses]
    exclusions = [~_exact_term(term) for term in query.exclusions]
    return reduce(operator.and_, clauses + exclusions)


def _loose_term(term, lookups):
    """A term also as a word's beginning, without a plural ending, or inside compounds."""
    exact = _exact_term(term)
    if len(term.words) > 1:
        return exact, exact
    word = normalise(term.words[0])
    prefixes = [word] if len(word) >= MIN_PREFIX_CHARS else []
    prefixes += [word[:-len(ending)] for ending in PLURAL_ENDINGS
                 if word.endswith(ending) and len(word) - len(ending) >= MIN_PREFIX_CHARS + 1]
    found = lookups.get(word, {})
    expanded = exact
    if prefixes:
        expanded |= _raw(_any(prefixes, prefix=True), config="simple")
    if found.get("compounds"):
        expanded |= _raw(_any(v for compound in found["compounds"]
                              for v in _variants(compound)))
    fuzzy = expanded
    if found.get("correction"):
        fuzzy |= _raw(_any(_variants(found["correction"])))
    return expanded, fuzzy


def _tsqueries(query, db, *, look_up=True):
    """The exact (tier 2), expanded (tier 1) and fuzzy (tier 0) tsqueries of ``query``.

    ``look_up=False``: without compounds and corrections from the public words (no query).
    """
    lookups = _lookup(query, db) if look_up else {}
    expanded, fuzzy = [], []
    for clause in query.clauses:
        loose = [_loose_term(term, lookups) for term in clause]
        expanded.append(reduce(operator.or_, (pair[0] for pair in loose)))
        fuzzy.append(reduce(operator.or_, (pair[1] for pair in loose)))
    exclusions = [~_exact_term(term) for term in query.exclusions]
    return {"exact": _exact(query),
            "expanded": reduce(operator.and_, expanded + exclusions),
            "fuzzy": reduce(operator.and_, fuzzy + exclusions)}


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
        words = sorted({normalise(term.words[0]) for clause in query.clauses for term in clause
                        if len(term.words) == 1 and len(term.words[0]) >= MIN_FUZZY_CHARS})
        words = [word for word in words if _WORD.fullmatch(word)]
        found = {}
        if words:
            with connections[db].cursor() as cursor:
                cursor.execute(_LOOKUP_SQL, [words, MIN_COMPOUND_CHARS, MAX_COMPOUNDS,
                                             MIN_FUZZY_CHARS, FUZZY_SIMILARITY])
                for word, compounds, correction in cursor.fetchall():
                    found[word] = {"compounds": compounds,
                                   "correction": correction[0] if correction else None,
                                   "display": correction[1] if correction else None}
        query._lookups[db] = found
    return query._lookups[db]


# ---------------------------------------------------------------------------
# PostgreSQL: keeping the index current.


def _search_document(release):
    """The texts to index per weight."""
    people = [person.full_name for person in release.people.all()]
    names = [release.organisation.name, release.organisation.short_name,
             *(topic.name for topic in release.topics.all()), *people]
    return {
        "A": release.title,
        "B": "\n".join([release.subtitle, release.teaser]),
        "C": _plain(release.body),
        "D": "\n".join(filter(None, names)),
    }


def _words(document):
    """The normalised words of a search document, each with one spelling to show."""
    words = {}
    for word in dict.fromkeys(_LETTERS.findall(_clean("\n".join(document.values())))):
        if len(word) <= MAX_WORD_CHARS:
            words.setdefault(_normalise_word(word), word)
    return words


def _indexed(release_ids, db):
    return (Release.objects.using(db).filter(pk__in=release_ids)
            .select_related("organisation").prefetch_related("topics", "people")
            .only("title", "subtitle", "teaser", "body",
                  "organisation__name", "organisation__short_name"))


def update_search_vector(release_ids):
    """Rebuild the stored search vector of these releases (PostgreSQL; elsewhere a no-op).

    A receiver calls it after every save of a release; whoever changes a release's
    topics or people afterwards (the admin after save_related) calls it again.
    """
    db = router.db_for_write(Release)
    release_ids = list(release_ids)
    if connections[db].vendor != "postgresql" or not release_ids:
        return
    releases = list(_indexed(release_ids, db))
    for release in releases:
        release.search_vector = reduce(operator.add, (
            SearchVector(Value(_document(text)), config=CONFIG, weight=weight)
            for weight, text in _search_document(release).items()))
    Release.objects.using(db).bulk_update(releases, ["search_vector"], batch_size=100)


def count_public_words(releases, sign):
    """Count (``sign`` 1) or uncount (-1) the words of ``releases`` as they are now.

    ``releases`` are Release instances or ids. Called when releases become public,
    stop being public, or before and after their live content changes, in the
    transaction that does it. A word no public release contains any more is deleted.
    """
    db = router.db_for_write(Release)
    ids = [getattr(release, "pk", release) for release in releases]
    if connections[db].vendor != "postgresql" or not ids:
        return
    for start in range(0, len(ids), 500):
        _count_words(ids[start:start + 500], sign, db)


def _count_words(ids, sign, db):
    counts = {}
    for release in _indexed(ids, db):
        for word, display in _words(_search_document(release)).items():
            entry = counts.setdefault(word, [display, 0])
            entry[1] += 1
    if not counts:
        return
    words = sorted(counts)  # one order for every writer: no deadlocks between them
    with connections[db].cursor() as cursor:
        if sign > 0:
            cursor.execute(
                f"INSERT INTO {WORDS_TABLE} (word, display, release_count) "
                "SELECT * FROM unnest(%s::text[], %s::text[], %s::int[]) "
                "ON CONFLICT (word) DO UPDATE "
                f"SET release_count = {WORDS_TABLE}.release_count + excluded.release_count",
                [words, [counts[word][0] for word in words],
                 [counts[word][1] for word in words]])
        else:
            cursor.execute(
                f"UPDATE {WORDS_TABLE} w SET release_count = w.release_count - c.n "
                "FROM unnest(%s::text[], %s::int[]) AS c(word, n) WHERE w.word = c.word",
                [words, [counts[word][1] for word in words]])
            cursor.execute(f"DELETE FROM {WORDS_TABLE} WHERE word = ANY(%s) "
                           "AND release_count <= 0", [words])


def counted_releases(now=None):
    """The releases whose words are in the list: public, their publication completed."""
    return Release.objects.public(now).filter(effects_done_at__isnull=False)


def rebuild_search_index(batch_size=500, progress=None):
    """Rebuild every release's vector and count the words of public releases afresh;
    returns the number of releases."""
    db = router.db_for_write(Release)
    if connections[db].vendor != "postgresql":
        return 0
    ids = list(Release.objects.using(db).documents().order_by("pk")
               .values_list("pk", flat=True))
    counted = set(counted_releases().using(db).values_list("pk", flat=True))
    with transaction.atomic(using=db):
        with connections[db].cursor() as cursor:
            cursor.execute(f"TRUNCATE {WORDS_TABLE}")
        for start in range(0, len(ids), batch_size):
            batch = ids[start:start + batch_size]
            update_search_vector(batch)
            count_public_words([pk for pk in batch if pk in counted], 1)
            if progress:
                progress(min(start + batch_size, len(ids)), len(ids))
    return len(ids)


def _on_release_saved(sender, instance, raw=False, **kwargs):
    # A working edition is never searched: the public reads the live edition.
    if not raw and instance.edition_of_id is None:
        update_search_vector([instance.pk])


def _on_release_deleted(sender, instance, **kwargs):
    if counted_releases().filter(pk=instance.pk).exists():
        count_public_words([instance.pk], -1)


def _on_place_name_saving(sender, instance, **kwargs):
    instance.key = place_key(instance.name)


def connect_signals():
    """Keep the vector current on every save of a release, and a place name's
    lookup key on every save of the name (models do not call search)."""
    post_save.connect(_on_release_saved, sender=Release, dispatch_uid="releases.search.save")
    pre_save.connect(_on_place_name_saving, sender=PlaceName,
                     dispatch_uid="releases.search.place_name")
    pre_delete.connect(_on_release_deleted, sender=Release,
                       dispatch_uid="releases.search.delete")


# ---------------------------------------------------------------------------
# SQLite: substring matching, and snippets computed in Python.

_SQLITE_FIELDS = ("title", "subtitle", "teaser", "body")
_UMLAUT_DIGRAPHS = {"ae": "ä", "oe": "ö", "ue": "ü"}


def _spellings(text):
    """``text`` as it may be written: cases SQLite cannot fold, umlauts either way."""
    base = _clean(text).lower()
    forms = {base, _replace(base, _TRANSLITERATE).replace("ß", "ss"), _strip_accents(base),
             _DIGRAPHS.sub(lambda m: _UMLAUT_DIGRAPHS[m.group()], base)}
    return sorted({variant for form in forms for variant in (form, form.upper(), form.title())})


def _sqlite_term(term):
    # A phrase as typed, or hyphenated as in "Sachsen-Anhalt"; any name of a place.
    texts = {text for words in (term.words, *term.places)
             for text in (" ".join(words), "-".join(words))}
    return reduce(operator.or_, (Q(**{f"{name}__icontains": spelling})
                                 for text in sorted(texts) for spelling in _spellings(text)
                                 for name in _SQLITE_FIELDS))


def _sqlite_condition(query):
    condition = Q()
    for clause in query.clauses:
        condition &= reduce(operator.or_, map(_sqlite_term, clause))
    for term in query.exclusions:
        condition &= ~_sqlite_term(term)
    return condition


def _snippet_source(release):
    parts = [part.strip() for part in (release.subtitle, release.teaser, _plain(release.body))
             if part and part.strip()]
    # A line break reads as a space in a snippet: a subtitle without a full stop would
    # run on into the text as if one sentence.
    ended = [part if part.endswith(_SENTENCE_ENDS) else f"{part} –" for part in parts[:-1]]
    return "\n".join(ended + parts[-1:])[:SNIPPET_SOURCE_CHARS]


def _python_snippet(text, query):
    """Escaped text around the first match, each word that contains a query word marked."""
    needles = {normalise(word) for word in query.words}
    tokens = list(_WORD.finditer(text))
    marked = {i for i, token in enumerate(tokens)
              if any(needle in normalise(token.group()) for needle in needles)}
    first = max(0, min(marked) - 5) if marked else 0
    window = tokens[first:first + SNIPPET_WORDS]
    if not window:
        return escape(text)
    start, end = window[0].start(), window[-1].end()
    pieces = ["… " if start > 0 else ""]
    position = start
    for index, token in enumerate(window, start=first):
        if index in marked:
            pieces += [escape(text[position:token.start()]), "<mark>",
                       escape(token.group()), "</mark>"]
            position = token.end()
    if not _WORD.search(text, end):  # only punctuation left: show it, no ellipsis
        end = len(text.rstrip())
    pieces += [escape(text[position:end]), " …" if end < len(text.rstrip()) else ""]
    return "".join(pieces)
