"""Profiles of the public pages, in this process, with the page cache off (but for
the feed's repeat poll while the feed is not in the page cache).

For each page type: the CPU time this process spends per request (Django, the
templates, the database driver; not the database server's own work), the wall
time, and the project's functions that take most of that time (cProfile, their own
time plus what they call, per request) and the functions of any code that take
most time themselves, so that a
change aims at what a reader waits for.

Part of ``python -m tests.bench`` (``--profile N`` requests per page, 0: skip).
"""

import cProfile
import pstats
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOP = 6  # entries shown per page
# The project's code.
OWN = tuple(str(ROOT / app) for app in ("releases", "exchange", "journalists", "newsroom"))
# The stages of a request worth a share of their own.
STAGES = {("django/template/response.py", "rendered_content"): "rendering templates",
          ("django/db/backends/utils.py", "_execute"): "running SQL (driver side)",
          ("django/db/models/sql/compiler.py", "as_sql"): "compiling SQL"}
# Entries that only pass the request on (middleware chains, the test client).
PASSING = ("__call__", "inner", "get_response", "_get_response", "request", "get",
           "generic", "_base_request", "view", "dispatch", "_wrapper_view", "_view_wrapper",
           "cached_view", "wrapper_view", "handler")


def profile_pages(pages, requests):
    """[(page name, CPU ms, wall ms, [(function, cumulative ms)])], per request."""
    from django.test import Client

    client = Client()
    return [profile_page(client, page, requests) for page in pages]


def profile_page(client, page, requests):
    """A page marked cached is profiled with the page cache on; its ``before`` (if
    any) runs ahead of each request, e.g. to drop the page from the cache."""
    from django.test.utils import override_settings

    before = page.before or (lambda: None)

    def get(index):
        before()
        client.get(page.paths[index % len(page.paths)], headers=page.headers)

    with override_settings(PAGE_CACHE_SECONDS=600 if page.cached else 0):
        for index in range(3):  # warm per-process caches (templates, URL resolvers)
            get(index)
        cpu, wall = time.process_time(), time.perf_counter()
        for index in range(requests):
            get(index)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        # Then again under the profiler, which slows each call down: its figures are
        # shares, not times. CPU time: the machine is shared.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for index in range(requests):
            get(index)
        profiler.disable()
    return page.name, cpu / requests * 1000, wall / requests * 1000, top_entries(profiler)


def top_entries(profiler):
    """Shares of the profiled time: rendering templates and running SQL (the driver's
    side); the project's functions that take most including what they call (leaving
    out those that only pass the request on); any functions by their own time."""
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    stages, own_code, any_code = {}, [], []
    for (filename, line, name), (_, _, own, cumulative, _) in stats.stats.items():
        where = filename.replace(str(ROOT) + "/", "").split("site-packages/")[-1]
        label = f"{where}:{line} {name}" if line else name
        if (where, name) in STAGES:  # several compilers have an as_sql: the outermost
            stage = STAGES[where, name]
            stages[stage] = max(stages.get(stage, 0), cumulative / total)
        any_code.append((own / total, "self " + label))
        if any(part in filename for part in OWN) and name not in PASSING:
            own_code.append((cumulative / total, label))
    own_code.sort(reverse=True)
    any_code.sort(reverse=True)
    stages = sorted(((share, stage) for stage, share in stages.items()), reverse=True)
    return [(label, share) for share, label in stages + own_code[:TOP] + any_code[:TOP // 2]]


def report(results, requests):
    lines = ["", f"### Profile: in process, page cache off unless the name says otherwise, "
                 f"{requests} requests per page", "",
             "CPU and wall time per request without the profiler; then the shares of the "
             "profiled CPU time.", "",
             "| Page | CPU ms | Wall ms | Where the time goes (share of the profile) |",
             "| --- | ---: | ---: | --- |"]
    for name, cpu, wall, top in results:
        entries = "<br>".join(f"`{label}` {share:.0%}" for label, share in top)
        lines.append(f"| {name} | {cpu:.1f} | {wall:.1f} | {entries} |")
    return "\n".join(lines) + "\n"
