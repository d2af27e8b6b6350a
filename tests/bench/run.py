"""Benchmark: the public pages under gunicorn, as ratios to a bare Django view.

    python -m tests.bench --releases 10000 --database sqlite|postgres [--rounds 3]
                          [--duration 3] [--memory-requests 20000] [--keep NAME]
                          [--only TEXT] [--search-requests 50]

Builds a scratch database (an SQLite file in a temporary folder, or a new
PostgreSQL database that is dropped at the end; --keep NAME keeps and reuses
one) with migrate, seed and seed --demo N; collects the static files with the
manifest; serves the site with gunicorn in production settings (DEBUG off,
2 sync workers, persistent database connections) on a free loopback port,
pinned to the first core; and drives it from this process, pinned to the
second core, with a closed-loop load generator (tests/bench/load.py).

The pages are measured twice, each time by a gunicorn of its own: first with the
page cache off (PAGE_CACHE_SECONDS=0: every request renders its page, as after a
change), then with the page cache on, as in production (releases/caching.py).
Each page is measured right after the bare view /bench/ok/ (the same gunicorn,
the same middleware: with the page cache on, its lookup too, which misses), in
alternating rounds; the table gives the median over
the rounds of the page's requests per second as a share of the bare view's in
the same round, with absolute figures for reference. Targets are reported,
never asserted. Worker memory (RSS) is read before and after
--memory-requests requests over every page.

Search pages, never cached, are measured by their latency, one request at a time
(tests/bench/search.py): ``--only search`` measures just them.
"""

import argparse
import contextlib
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from . import load, profile, search

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
BARE = "/bench/ok/"
FEED = "/medieninformationen/feed/"
SLOW_FOR_MEMORY = 0.2  # seconds


@dataclass
class Page:
    name: str
    paths: list
    target: str = ""
    headers: dict = field(default_factory=dict)
    note: str = ""
    cached: bool = False
    queries: object = None
    samples: list = field(default_factory=list)  # (page Result, bare Result) per round
    before: object = None  # profile only: run ahead of each request


def argument_parser(prog, description):
    """The options every benchmark here has: data set, database, server, output."""
    parser = argparse.ArgumentParser(prog=prog, description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--releases", type=int, default=10_000,
                        help="generated releases in the data set (default 10000)")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/postgres",
                        help="server on which the scratch database is created")
    parser.add_argument("--keep", metavar="NAME",
                        help="PostgreSQL database name or SQLite file to build once and reuse; "
                             "never dropped")
    parser.add_argument("--connections", type=int, default=2,
                        help="concurrent connections (default: one per worker)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    return parser


def parse_args(argv):
    parser = argument_parser("python -m tests.bench", __doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per measurement")
    parser.add_argument("--memory-requests", type=int, default=20_000,
                        help="requests between the two memory readings (0: skip)")
    parser.add_argument("--cache-url", default="locmem", help="CACHE_URL for the server")
    parser.add_argument("--only", default="",
                        help="measure only pages whose name contains this text "
                             "(\"search\": the search latency alone)")
    parser.add_argument("--search-requests", type=int, default=50,
                        help="requests in turn per search query (default 50)")
    parser.add_argument("--profile", type=int, default=30, metavar="N",
                        help="profile each uncached page type in process over N requests "
                             "(default 30; 0: skip)")
    return parser.parse_args(argv)


STARTED = time.monotonic()


def log(message):
    print(f"[bench {time.monotonic() - STARTED:6.0f} s] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Data set, server, machine.


@contextlib.contextmanager
def scratch_database(args, workdir):
    """(DATABASE_URL, whether it must be built)."""
    if args.database == "sqlite":
        path = Path(args.keep).resolve() if args.keep else workdir / "bench.sqlite3"
        yield f"sqlite:///{path}", not path.exists()
        return
    import psycopg2

    name = args.keep or f"newsroom_bench_{os.getpid()}"
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit("--keep: a PostgreSQL database name of a-z, 0-9 and _")

    def administer(*statements):
        # A connection of its own each time: the restart benchmark stops the server between.
        admin = psycopg2.connect(args.postgres_url)
        admin.autocommit = True
        try:
            with admin.cursor() as cursor:
                for statement, parameters in statements:
                    cursor.execute(statement, parameters)
                return cursor.fetchone() if cursor.description else None
        finally:
            admin.close()

    exists = administer(("SELECT 1 FROM pg_database WHERE datname = %s", [name])) is not None
    if not exists:
        administer((f'CREATE DATABASE "{name}"', None))
    try:
        yield f"{args.postgres_url.rsplit('/', 1)[0]}/{name}", not exists
    finally:
        if not args.keep:
            administer(("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()", [name]),
                       (f'DROP DATABASE IF EXISTS "{name}"', None))


def manage(env, *arguments):
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def build(env, releases, fresh):
    """Migrate (a kept database too), then seed and generate ``releases`` if ``fresh``."""
    log("migrate")
    seconds = manage(env, "migrate", "--no-input", "-v0")
    if not fresh:
        return 0
    log(f"seed and {releases} generated releases")
    seconds += manage(env, "seed", "-v0")
    seconds += manage(env, "seed", "--demo", str(releases), "--seed-random", "1", "-v0")
    log(f"data set built in {seconds:.0f} s")
    return seconds


def analyse():
    """Planner statistics, as autovacuum would gather them soon after a bulk load."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def server_environment(database_url, workdir, args, port):
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR")
            if name in os.environ}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "HTTPS": "0",  # plain http on the loopback address
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "600",
        "CACHE_URL": args.cache_url,
        "STATIC_MANIFEST": "1",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "SERVE_MEDIA": "0",
        "LOG_LEVEL": "ERROR",
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_MAX_REQUESTS": "0",  # memory is measured: no recycled workers
        "GUNICORN_LOG_LEVEL": "warning",
    }


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def cores():
    """(server core, client core), or None where the machine cannot pin two apart."""
    available = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(available) >= 2 and shutil.which("taskset"):
        return available[0], available[1]
    return None


@contextlib.contextmanager
def gunicorn(env, workdir, pinning):
    command = [sys.executable, "-m", "gunicorn", "-c", "newsroom/gunicorn.conf.py"]
    if pinning:
        command = ["taskset", "-c", str(pinning[0]), *command]
    log_path = workdir / "gunicorn.log"
    with open(log_path, "wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output,
                                   stderr=subprocess.STDOUT)
    url = f"http://{env['GUNICORN_BIND']}/healthz/"
    try:
        for _ in range(300):
            if process.poll() is not None:
                break
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not become healthy")
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{log_path.read_text()[-3000:]}")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker_pids(master):
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == master:
                pids.append(int(stat.parent.name))
    return sorted(pids)


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Site:
    env: dict  # the server's environment
    port: int
    workdir: Path
    database_url: str
    build_seconds: float


@contextlib.contextmanager
def prepared_site(args, **settings):
    """The data set built in a scratch database and the static files collected; Django
    set up on them in this process, with ``settings`` (environment variables) added
    to the server's environment. Yields a Site; drops what it made at the end."""
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as workdir:
        workdir = Path(workdir)
        with scratch_database(args, workdir) as (database_url, fresh):
            port = free_port()
            env = server_environment(database_url, workdir, args, port)
            env.update(settings)
            build_seconds = build(env, args.releases, fresh)
            log("collectstatic")
            manage(env, "collectstatic", "--no-input", "-v0")
            setup_django(env)
            analyse()
            yield Site(env, port, workdir, database_url, build_seconds)


def machine():
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores ({model}), {platform.system()} {platform.release()}"


# ---------------------------------------------------------------------------
# Inside Django (this process, pointed at the same database): the pages to load.


def setup_django(env):
    os.environ.update(env)
    os.environ["ALLOWED_HOSTS"] = f"{HOST},testserver"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def pick_pages(args):
    """The pages to measure, with their paths picked from the data set."""
    from django.db.models import Count

    from releases.models import Release, Topic

    public = Release.objects.public()
    rng = random.Random(1)
    ids = list(public.values_list("pk", flat=True)[:5000])
    sample = public.filter(pk__in=rng.sample(ids, min(100, len(ids)))).only("pk", "slug")
    release_paths = [release.get_absolute_url() for release in sample]
    topic = Topic.objects.annotate(n=Count("releases")).order_by("-n").first()
    year = public.order_by("-published_at").first().published_at.year - 1
    month = f"/archiv/{year}/06/"
    topic_path = topic.get_absolute_url()
    pages = [
        Page("start page", ["/"], ">= 0.3"),
        Page("release page (100 different)", release_paths, ">= 0.35"),
        Page("topic listing", [topic_path], ">= 0.3"),
        Page("archive month", [month], ">= 0.3"),
    ]
    pages.append(Page("RSS feed", [FEED], ">= 0.3"))
    pages += [
        Page("start page, cached", ["/"], ">= 0.8", cached=True),
        Page("release page (100 different), cached", release_paths, ">= 0.8", cached=True),
        Page("topic listing, cached", [topic_path], ">= 0.8", cached=True),
        Page("archive month, cached", [month], ">= 0.8", cached=True),
        Page("RSS feed, cached", [FEED], ">= 0.8", cached=True),
    ]
    return [page for page in pages if args.only in page.name]


def profiled_pages(pages):
    """The uncached pages, an appointment's page, and the feed's repeat poll (304)."""
    from django.test import Client

    from releases.models import Event

    profiled = [page for page in pages if not page.cached]
    event = Event.objects.public().order_by("-starts_at").first()
    if event is not None:
        profiled.append(Page("event page", [event.get_absolute_url()]))
    answer = Client().get(FEED)
    if answer.get("ETag"):
        validators = {"If-None-Match": answer["ETag"]}
        profiled.append(Page("RSS feed, repeat poll (304), page cache off", [FEED],
                             headers=validators))
        profiled.append(Page("RSS feed, repeat poll (304), page cache on, the feed not in it",
                             [FEED], headers=validators, cached=True, before=evicter(FEED)))
    return profiled


def evicter(path):
    """A function that drops ``path``'s page from the page cache (its kept values stay)."""
    from django.conf import settings
    from django.core.cache import cache
    from django.test import RequestFactory
    from django.utils import translation

    from releases import caching

    with translation.override(settings.LANGUAGE_CODE):  # the path has no language prefix
        key = caching.page_key(RequestFactory().get(path))
    return lambda: cache.delete(key)


def count_queries(pages):
    """Database queries per page (the second request, once per-process caches are warm)."""
    from django.test import Client
    from django.test.utils import override_settings

    client = Client()
    for page in pages:
        stack = contextlib.ExitStack()
        if page.cached:
            stack.enter_context(override_settings(PAGE_CACHE_SECONDS=600))
        with stack:
            count_page_queries(client, page)


def count_page_queries(client, page):
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    client.get(page.paths[0], headers=page.headers)
    with contextlib.ExitStack() as stack:
        captured = [stack.enter_context(CaptureQueriesContext(connections[alias]))
                    for alias in connections]
        response = client.get(page.paths[0], headers=page.headers)
    page.queries = sum(len(capture) for capture in captured)
    page.status = response.status_code


def conditional_feed(port, pages, cached):
    """Add the feed's conditional repeat if it answers one with 304; else say "n/a"."""
    feed = next((page for page in pages if page.paths == [FEED] and page.cached == cached),
                None)
    if feed is None:
        return "n/a"
    with urllib.request.urlopen(f"http://{HOST}:{port}{feed.paths[0]}") as response:
        validators = {"If-None-Match": response.headers.get("ETag"),
                      "If-Modified-Since": response.headers.get("Last-Modified")}
    validators = {name: value for name, value in validators.items() if value}
    if not validators:
        return "n/a: the feed sends neither ETag nor Last-Modified"
    request = urllib.request.Request(f"http://{HOST}:{port}{feed.paths[0]}", headers=validators)
    try:
        with urllib.request.urlopen(request) as response:
            return f"n/a: a conditional repeat is answered {response.status}"
    except urllib.error.HTTPError as error:
        if error.code != 304:
            return f"n/a: a conditional repeat is answered {error.code}"
    repeat = Page(feed.name + ", conditional repeat", feed.paths, ">= 0.8, >= 99 % 304",
                  headers=validators, note=", ".join(validators), cached=cached)
    pages.insert(pages.index(feed) + 1, repeat)
    count_queries([repeat])
    return "yes (" + ", ".join(validators) + ")"


def describe(database_url):
    import django
    from django.db import connection

    from releases.models import Release, Topic

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version'), "
                           "pg_size_pretty(pg_database_size(current_database()))")
            version, size = cursor.fetchone()
        database = f"PostgreSQL {version}, {size}"
    else:
        import sqlite3

        size = Path(database_url.removeprefix("sqlite:///")).stat().st_size / 2**20
        database = f"SQLite {sqlite3.sqlite_version}, {size:.0f} MB"
    import gunicorn

    return {
        "releases": f"{Release.objects.count()} releases, {Release.objects.public().count()} "
                    f"public, {Topic.objects.count()} topics",
        "database": database,
        "versions": f"Python {platform.python_version()}, Django {django.get_version()}, "
                    f"gunicorn {gunicorn.__version__}",
    }


# ---------------------------------------------------------------------------
# Measuring and reporting.


def requests_of(port, page):
    return [load.request_bytes(HOST, port, path, page.headers) for path in page.paths]


def measure(port, pages, args):
    bare = [load.request_bytes(HOST, port, BARE)]
    for page in pages:  # fill per-process caches (templates, URL resolvers; pages if cached)
        warm = 4 * args.workers * (len(page.paths) if page.cached else 1)
        load.run_count(HOST, port, requests_of(port, page), warm, args.connections)
    for number in range(1, args.rounds + 1):
        for page in pages:
            base = load.run(HOST, port, bare, args.duration, args.connections)
            result = load.run(HOST, port, requests_of(port, page), args.duration,
                              args.connections)
            page.samples.append((result, base))
            log(f"round {number}/{args.rounds} {page.name}: {result.rps:.0f} rps "
                f"(bare {base.rps:.0f}), p95 {result.percentile(0.95) * 1000:.1f} ms")


def measure_memory(process, port, pages, args):
    """RSS of each worker before and after the requests, and the pages left out as too slow.

    Pages slower than SLOW_FOR_MEMORY (p50) would make the run last too long; they
    have been requested many times in the rounds already.
    """
    slow = [page.name for page in pages
            if median([result.percentile(0.5) for result, _ in page.samples]) > SLOW_FOR_MEMORY]
    workers = worker_pids(process.pid)
    before = {pid: rss_mb(pid) for pid in workers}
    mixed = [request for page in pages if page.name not in slow
             for request in requests_of(port, page)[:10]]
    random.Random(2).shuffle(mixed)
    mixed.append(load.request_bytes(HOST, port, BARE))
    log(f"memory: {args.memory_requests} requests over every page")
    result = load.run_count(HOST, port, mixed, args.memory_requests, args.connections)
    after = {pid: rss_mb(pid) for pid in worker_pids(process.pid)}
    return before, after, result, slow


def load_average():
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def median(values):
    return statistics.median(values) if values else float("nan")


def setting_lines(info, build_seconds, pinning):
    """Data, machine and versions: the first lines of every report."""
    return [
        f"- Data: {info['releases']}; {info['database']}"
        + (f"; built in {build_seconds:.0f} s" if build_seconds else ""),
        f"- Machine: {machine()}; server pinned to core {pinning[0]}, load generator to "
        f"core {pinning[1]}" if pinning else f"- Machine: {machine()}; no pinning",
        f"- Versions: {info['versions']}, {info['database'].split(',')[0]}",
    ]


def report_header(info, args, build_seconds, pinning, pages):
    lines = [
        f"## Benchmark: {args.releases} generated releases on {args.database}",
        "",
        *setting_lines(info, build_seconds, pinning),
        f"- Server: gunicorn, {args.workers} sync workers, DEBUG off, CACHE_URL="
        f"{args.cache_url}" + (f"; {args.connections} closed-loop connections; median of "
                               f"{args.rounds} rounds of {args.duration:g} s, each page right "
                               "after the bare view" if pages else ""),
    ]
    return "\n".join(lines) + "\n"


def report(pages, args, feed_support, cached):
    lines = [
        "",
        "### Page cache " + ("on (as in production)" if cached else
                              "off (every request renders its page)"),
        "",
        f"- Conditional feed requests: {feed_support}",
        "",
        "| Page | Ratio to bare | Target | rps | p50 ms | p95 ms | Queries | Note |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    bare = [base for page in pages for _, base in page.samples]
    lines.append(f"| bare view {BARE} | 1.00 | | {median([b.rps for b in bare]):.0f} | "
                 f"{median([b.percentile(0.5) for b in bare]) * 1000:.1f} | "
                 f"{median([b.percentile(0.95) for b in bare]) * 1000:.1f} | 0 | |")
    for page in pages:
        results = [result for result, _ in page.samples]
        ratio = median([result.rps / base.rps for result, base in page.samples if base.rps])
        note = page.note
        errors = sum(count for result in results for status, count in result.statuses.items()
                     if status >= 400 or status == 0)
        if errors:
            note += f"; {errors} error answers"
        if page.headers:
            share = median([result.share(304) for result in results])
            note += f"; {share:.1%} answered 304"
        lines.append(
            f"| {page.name} | {ratio:.2f} | {page.target} | "
            f"{median([r.rps for r in results]):.0f} | "
            f"{median([r.percentile(0.5) for r in results]) * 1000:.1f} | "
            f"{median([r.percentile(0.95) for r in results]) * 1000:.1f} | "
            f"{page.queries if page.queries is not None else ''} | {note.strip('; ')} |")
    return "\n".join(lines) + "\n"


def memory_report(memory):
    before, after, result, slow = memory
    errors = sum(count for status, count in result.statuses.items() if status >= 400)
    pages = "every page" + (f" but {', '.join(slow)} (p50 over "
                            f"{SLOW_FOR_MEMORY * 1000:.0f} ms)" if slow else "")
    lines = ["", f"Worker memory (RSS) before and after {result.requests} requests over {pages} "
                 f"({result.rps:.0f} rps, {errors} errors); target: flat", "",
             "| Worker | Before MB | After MB | Change MB |", "| --- | ---: | ---: | ---: |"]
    for pid in sorted(set(before) | set(after)):
        old, new = before.get(pid, float("nan")), after.get(pid, float("nan"))
        lines.append(f"| {pid} | {old:.1f} | {new:.1f} | {new - old:+.1f} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    args = parse_args(argv)
    # Stopped from outside: still stop gunicorn and drop the scratch database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    pinning = cores()
    with prepared_site(args, PAGE_CACHE_SECONDS="0") as site:
        env, port = site.env, site.port
        info = describe(site.database_url)
        pages = pick_pages(args)
        count_queries(pages)
        profiles = ""
        if args.profile:
            profiled = profiled_pages(pages)
            profiles = profile.report(profile.profile_pages(profiled, args.profile),
                                      args.profile)
        queries = search.pick_queries(args)
        search.measure_in_process(queries, args, log)
        from django.db import connections

        connections.close_all()
        if pinning:
            os.sched_setaffinity(0, {pinning[1]})
        text = report_header(info, args, site.build_seconds, pinning, pages) + profiles
        print(text, flush=True)
        for cached in (False, True):
            phase = [page for page in pages if page.cached == cached]
            if not phase:
                continue
            env["PAGE_CACHE_SECONDS"] = "600" if cached else "0"
            log(f"gunicorn on port {port}, page cache {'on' if cached else 'off'}")
            with gunicorn(env, site.workdir, pinning) as process:
                feed_support = conditional_feed(port, phase, cached)
                measure(port, phase, args)
                table = report(phase, args, feed_support, cached)
                print(table, flush=True)
                text += table
                if args.memory_requests and not cached:
                    memory = memory_report(measure_memory(process, port, phase, args))
                    print(memory, flush=True)
                    text += memory
        if queries:
            env["PAGE_CACHE_SECONDS"] = "600"
            log(f"gunicorn on port {port}, page cache on: search latency")
            before = load_average()
            with gunicorn(env, site.workdir, pinning):
                search.measure_requests(port, queries, args, log)
            table = search.report(queries, args, (before, load_average()))
            print(table, flush=True)
            text += table
    if args.output:
        args.output.write_text(text)
    return 0
