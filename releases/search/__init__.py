"""Full-text search over public releases: the one module that knows how.

A query string is parsed once (``parse``) into terms: words, quoted phrases,
``-exclusions`` and alternatives joined by "oder". ``search`` ranks the matching
public releases (``SearchResults``) and ``add_snippets`` gives each shown result a
``snippet``: escaped text with the matched words in ``<mark>``.

Each release is indexed as a document of three parts (index.py): its heading
(title, subtitle, and the names it carries: organisation and short name, topics,
people, press contacts, its number "12/2026"), its teaser and its text. Document
and query are normalised alike (text.py): lower case, ä/ö/ü/ß written as
ae/oe/ue/ss, accents removed, so "Goerlitz" finds "Görlitz" and "Wroclaw" finds
"Wrocław" and the other way round. Words that contain umlauts are indexed a
second time with the umlaut dropped, marked as such: a word typed without its
umlaut finds them one tier lower ("Land" finds "Länder", "Forderung" also
"Förderung"), a word typed with it never finds the word without ("Förderung"
not "Forderung"; text.spellings). Each
database has a module that indexes and ranks (``backend``): postgresql.py,
sqlite.py.

A word or phrase that is one name of a place in the editable list of place
names (``PlaceName``, seeded with German, Polish and Czech names) also matches
the place's other names, on both databases: "Kattowitz" finds "Katowice",
"-Krakau" excludes "Kraków" too (``_with_places``: one lookup per query).
Related places, such as the twin towns Görlitz and Zgorzelec, are not combined.

Results come from the whole archive, in tiers, so that neither a looser match
nor a mere mention outranks a closer one:

2. every term matches a stem (or a phrase) exactly;
1. some term matches only as the beginning of a word ("Digitalisier"), without
   a plural ending ("Verbindungsbüros"), inside a compound ("Kriminalität" in
   "Eigentumskriminalität"), or as a word with an umlaut ("Gorlitz");
0. some term matches only after correcting a typo ("Kattowtz").

Within a tier a release whose heading matches comes before one that only
mentions the words in its text, whatever their ages; then the database's rank
(weighted: the title most); then the newer release. A search shows at most
``MAX_RESULTS``, the best; its count then is "more than MAX_RESULTS"
(``ResultPaginator``), and a visitor narrows it with more words or the filters.

Compounds and typos are looked up in ``releases_searchword``, a table of the
distinct normalised words of public releases with a trigram index (as the
PostgreSQL manual suggests for spelling suggestions). Each word counts the
public releases it occurs in. A release's words are counted when its
publication is completed (``effects_done_at``: at once, or when the scheduled
time or the embargo has come) and uncounted when it is withdrawn; a new live
edition swaps its old words for its new ones (``count_public_words``, called
by releases/services/). A word whose count drops to nothing is deleted, so
neither a suggestion nor an expansion ever spells a word that only a draft,
an embargoed, scheduled, withdrawn or overwritten text contains.
``rebuild_search_index`` counts them afresh.

On SQLite (the embedded default) each release has a row in an FTS5 table
(title, the rest of the heading, teaser, text), normalised alike, and the same
parse drives the same tiers, heading matches first, ranked by bm25 with the
title weighing most (see sqlite.py). SQLite has no German stemmer: inflected
forms are found as beginnings of words, one tier below exact words. Compounds
and typos are looked up in the same list of public words, through an FTS5
trigram table. Snippets are cut in Python.

The editors' release list searches drafts too (``editorial_matches``): the same
parse and matching, on every state, without ranking or limit.
"""

import re
from collections.abc import Sequence
from functools import cached_property

from django.core.paginator import Paginator
from django.db import connections, router
from django.utils.safestring import mark_safe

from ..models import Release
from . import postgresql, sqlite
from .index import (  # noqa: F401 (the interface of the package)
    connect_signals,
    count_public_words,
    counted_releases,
    rebuild_search_index,
    update_search_vector,
)
from .places import _with_places, place_key  # noqa: F401
from .snippets import _python_snippet, _snippet_source
from .text import (  # noqa: F401
    MAX_QUERY_CHARS,
    MAX_RESULTS,
    Query,
    Term,
    normalise,
    parse,
)

ORDERS = ("relevance", "date")


def backend(db):
    """The module that searches database ``db``: postgresql or sqlite."""
    return postgresql if connections[db].vendor == "postgresql" else sqlite


def search(query, releases=None, order="relevance"):
    """Public releases matching ``query``, best first (``order="date"``: newest first).

    ``releases`` is a QuerySet derived from ``Release.objects.public()``, maybe
    filtered by topic, organisation, kind or date, with whatever select_related
    and prefetch_related the caller needs. Returns ``SearchResults``: at most
    MAX_RESULTS, and ``found``, how many matched (up to MAX_RESULTS + 1). Page them
    with ``ResultPaginator`` and call ``add_snippets`` on the page shown.
    """
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}")
    query = parse(query)
    releases = Release.objects.public() if releases is None else releases
    if not query:
        return SearchResults(releases, [], 0)
    query = _with_places(query, releases.db)
    engine = backend(releases.db)
    ids, found = engine.ranked(query, releases, order)
    return SearchResults(engine.shown(releases), ids, found)


class SearchResults(Sequence):
    """The ranked ids of a search; a slice fetches just its releases, in rank order."""

    def __init__(self, releases, ids, found):
        self.releases = releases
        self.ids = list(ids)[:MAX_RESULTS]
        self.found = found

    def __len__(self):
        return len(self.ids)

    def count(self):
        return len(self.ids)

    def exists(self):
        return bool(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            ids = self.ids[index]
            by_pk = self.releases.filter(pk__in=ids).in_bulk() if ids else {}
            return [by_pk[pk] for pk in ids if pk in by_pk]
        releases = self[index:index + 1 or None]
        if not releases:
            raise IndexError(index)
        return releases[0]

    def __iter__(self):
        return iter(self[:])


def editorial_matches(query, releases):
    """``releases`` (of any state: the editors' list) matching ``query``, unordered, all.

    The same parse and the same matching as for visitors, without their results'
    limit and ranking. Compounds and corrections come from the words of public
    releases, not of drafts: left out here.
    """
    query = parse(query)
    if not query:
        return releases.none()
    return backend(releases.db).editorial(_with_places(query, releases.db), releases)


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
    it; the only markup in it is ``<mark>``. On PostgreSQL the database cuts it
    from the stored columns: the releases' texts need not be loaded.
    """
    releases = list(releases)
    query = parse(query)
    if not releases:
        return releases
    db = router.db_for_read(Release)
    if query:
        snippets = backend(db).snippets(releases, _with_places(query, db), db)
    else:
        snippets = {release.pk: _python_snippet(_snippet_source(release), query)
                    for release in releases}
    for release in releases:
        # Safe: the text was escaped before <mark> was put in.
        release.snippet = mark_safe(snippets.get(release.pk, ""))
    return releases


def did_you_mean(query, releases=None):
    """The query with misspelt words corrected, if that finds public releases; else ""."""
    query = parse(query)
    releases = Release.objects.public() if releases is None else releases
    if not query:
        return ""
    engine = backend(releases.db)
    lookups = engine.lookup(query, releases.db)
    text = query.text
    for word in {term.words[0] for clause in query.clauses for term in clause}:
        correction = lookups.get(normalise(word), {}).get("display")
        if correction:
            text = re.sub(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])",
                          lambda _match, correction=correction: correction, text)
    if text == query.text:
        return ""
    corrected = parse(text)
    return text if corrected and engine.has_exact_match(corrected, releases) else ""
