"""Search latency: each class of query, one request at a time, as a visitor waits for it.

Search pages are never in the page cache, so their cost is the latency of one
request rather than a rate under load. For each query the bare view /bench/ok/
is requested first, then the search page GET /suche/?q=..., each WARM_UP times
unmeasured and then --search-requests times in turn on one connection (fewer,
at least MIN_SAMPLES, where they take more than BUDGET seconds), against
the gunicorn of the benchmark with the page cache on as in production. The
table gives p50 and p95 of the whole request and the ratio of its p50 to the
bare view's measured right before it; then, in this process, the time of
search() with the first page of results and their snippets (the database's
part of the page) and, separately, of did_you_mean(), which the page also calls.

Matches are ``search(q).found``, which stops at MAX_RESULTS + 1; beyond that the
editors' matching (``editorial_matches``, the same parse without the search's
limit) counts them all, outside the timed part.
"""

import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from . import load

WARM_UP = 5
BUDGET = 60.0  # seconds per measurement: a slow query gets fewer samples
MIN_SAMPLES = 10
TARGETS = {"sqlite": 0.050, "postgres": 0.050}  # p95 in seconds, at 100,000 releases
TARGET_LARGE = 0.150  # p95 in seconds, at 1,000,000 releases on PostgreSQL
# Words of the generated data set (exchange/demodata/words.py) and the seed document.
QUERIES = {
    "search: one word, rare": "Kattowitz",
    "search: one word, common": "Staatsministerin",
    "search: two words": "Förderung Erzgebirge",
    "search: prefix": "Digitalisier",
    "search: typo": "Digitalsierung",
    "search: place in another language, rare": "Katowice",
    "search: place in another language, common": "Budyšin",
}


@dataclass
class Query:
    name: str
    words: str
    found: int = 0
    all_matches: int = 0
    queries: int = 0
    page: list = field(default_factory=list)  # seconds of the search page's requests
    bare: list = field(default_factory=list)  # seconds of the bare view's, right before
    statuses: dict = field(default_factory=dict)  # of the search page's answers
    in_process: list = field(default_factory=list)  # seconds of search + page + snippets
    suggestion: list = field(default_factory=list)  # seconds of did_you_mean

    @property
    def path(self):
        return f"/suche/?{urlencode({'q': self.words})}"


def pick_queries(args):
    """The query classes whose name contains --only."""
    return [Query(name, words) for name, words in QUERIES.items() if args.only in name]


def first_page(words):
    """What the search page asks of the search: the results, their first page, snippets."""
    from releases.models import Release
    from releases.search import ResultPaginator, add_snippets, parse, search
    from releases.views.search import PAGE_SIZE

    # Parsed once, as the page does: what is looked up for the query is kept with it.
    query = parse(words)
    releases = Release.objects.public().select_related("organisation").prefetch_related("topics")
    results = search(query, releases)
    page = ResultPaginator(results, PAGE_SIZE).get_page(1)
    return results, add_snippets(page.object_list, query)


def repeat(once, count):
    """The seconds ``once()`` returns, ``count`` times after WARM_UP unmeasured; fewer,
    at least MIN_SAMPLES, where they take more than BUDGET seconds."""
    for _ in range(WARM_UP):
        once()
    seconds, started = [], time.perf_counter()
    while len(seconds) < count and (len(seconds) < MIN_SAMPLES
                                    or time.perf_counter() - started < BUDGET):
        seconds.append(once())
    return seconds


def timed(function, count):
    """Seconds of calls of ``function`` (see repeat)."""
    def once():
        started = time.perf_counter()
        function()
        return time.perf_counter() - started

    return repeat(once, count)


def measure_in_process(queries, args, log):
    """Matches, queries per page and the in-process times, in this process."""
    from django.test import Client

    from releases.models import Release
    from releases.search import MAX_RESULTS, did_you_mean, editorial_matches

    from .run import Page, count_page_queries

    client = Client()
    for query in queries:
        results, _ = first_page(query.words)
        query.found = results.found
        if query.found > MAX_RESULTS:
            query.all_matches = editorial_matches(query.words, Release.objects.public()).count()
        page = Page(query.name, [query.path])
        count_page_queries(client, page)
        query.queries = page.queries
        query.in_process = timed(lambda words=query.words: first_page(words),
                                 args.search_requests)
        query.suggestion = timed(lambda words=query.words: did_you_mean(words),
                                 args.search_requests)
        log(f"in process {query.name}: p50 {percentile(query.in_process, 0.5) * 1000:.1f} ms")


def measure_requests(port, queries, args, log):
    """Each query's page and the bare view before it, one request at a time."""
    from .run import BARE, HOST

    def requesting(path, statuses):
        request = [load.request_bytes(HOST, port, path)]

        def once():
            result = load.run_count(HOST, port, request, 1, connections=1)
            for status, count in result.statuses.items():
                statuses[status] = statuses.get(status, 0) + count
            return result.latencies[0]

        return once

    for query in queries:
        query.bare = repeat(requesting(BARE, {}), args.search_requests)
        query.page = repeat(requesting(query.path, query.statuses), args.search_requests)
        log(f"{query.name}: p50 {percentile(query.page, 0.5) * 1000:.1f} ms, "
            f"p95 {percentile(query.page, 0.95) * 1000:.1f} ms "
            f"(bare {percentile(query.bare, 0.5) * 1000:.1f} ms)")


def percentile(seconds, share):
    return load.Result(0.0, seconds).percentile(share)


def matches(query):
    from releases.search import MAX_RESULTS

    if query.found <= MAX_RESULTS:
        return str(query.found)
    if query.all_matches <= MAX_RESULTS:  # found by compounds or corrections
        return f">{MAX_RESULTS}"
    return f">{MAX_RESULTS} ({query.all_matches})"


def target(args):
    if args.database == "postgres" and args.releases >= 1_000_000:
        return TARGET_LARGE
    return TARGETS[args.database]


def report(queries, args, load_average):
    from releases.search import MAX_RESULTS

    goal = target(args)
    lines = [
        "",
        f"### Search latency ({args.search_requests} requests in turn per query after "
        f"{WARM_UP} unmeasured, fewer for a query slower than {BUDGET:.0f} s in all; "
        "page cache on, as in production)",
        "",
        f"- Load average before and after: {load_average[0]} / {load_average[1]}",
        f"- Target: p95 of the page <= {goal * 1000:.0f} ms ("
        f"{TARGETS[args.database] * 1000:.0f} ms at 100,000 releases, "
        f"{TARGET_LARGE * 1000:.0f} ms at 1,000,000 on PostgreSQL)",
        f"- Matches: search(q).found, which stops at {MAX_RESULTS + 1}; in brackets all "
        "matches of the editors' matching (editorial_matches: without the compounds and "
        "typo corrections that only the visitors' search looks up; left out where it "
        f"finds no more than {MAX_RESULTS})",
        "- In process: search() + first page + add_snippets(); did_you_mean() apart",
        "",
        "| Query | Words | Matches | Page p50 ms | Page p95 ms | Bare p50 ms | "
        "Ratio p50 to bare | Target met | In process p50 ms | In process p95 ms | "
        "did_you_mean p50 ms | Queries | Samples |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: "
        "| ---: |",
    ]
    for query in queries:
        page_p50, page_p95 = percentile(query.page, 0.5), percentile(query.page, 0.95)
        bare_p50 = percentile(query.bare, 0.5)
        errors = sum(count for status, count in query.statuses.items() if status != 200)
        met = "yes" if page_p95 <= goal else "no"
        lines.append(
            f"| {query.name.removeprefix('search: ')} | {query.words} | {matches(query)} | "
            f"{page_p50 * 1000:.1f} | {page_p95 * 1000:.1f} | {bare_p50 * 1000:.1f} | "
            f"{page_p50 / bare_p50:.1f} | {met}"
            + (f", {errors} answers not 200" if errors else "") + " | "
            f"{percentile(query.in_process, 0.5) * 1000:.1f} | "
            f"{percentile(query.in_process, 0.95) * 1000:.1f} | "
            f"{percentile(query.suggestion, 0.5) * 1000:.1f} | {query.queries} | "
            f"{len(query.page)} |")
    return "\n".join(lines) + "\n"
