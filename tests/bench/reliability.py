"""Reliability: a long run at a steady rate, and a database restart under load.

    python -m tests.bench.reliability soak --releases 2000 --database postgres
                                      [--duration 600] [--share 0.7]
    python -m tests.bench.reliability restart --releases 2000 --database postgres
                                      [--outage 10] [--cluster 15/main]

Both serve the site as python -m tests.bench does (tests/bench/run.py: a scratch
database, gunicorn in production settings pinned to the first core, the load from
the second), with the page cache in a Redis database of its own (--cache-url,
emptied first), as in production.

soak: the visitors' mix of tests/bench/editing.py (35 public pages, Zipf weights)
plus searches. First the maximum: closed-loop connections (two per worker) for
--probe seconds. Then an open loop at --share of that rate for --duration seconds:
requests are due on a fixed schedule whatever the answers do, and a latency counts
from the moment a request was due. Reported: answers by status, errors (refused,
reset, no answer within 30 s, or 5xx: the target is none), latency percentiles and
the workers' memory before and after.

restart: visitors read (the same mix and uncached searches) while editors save
their drafts through releases.services in this process, one save every half
second; after --before seconds the PostgreSQL cluster is stopped (pg_ctlcluster,
fast shutdown), started again --outage seconds later, and the run goes on for
--after seconds. Reported, second by second, what visitors were answered; every
save the service acknowledged (it returned) is checked in the database afterwards;
and when the site answered normally again, without being restarted. Needs a local
cluster this user may stop and start (PostgreSQL only).
"""

import contextlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from . import editing, load, run

SEARCHES = ["Kattowitz", "Förderung Erzgebirge", "Digitalisier", "Staatsministerin"]


def parse_args(argv):
    parser = run.argument_parser("python -m tests.bench.reliability", __doc__)
    parser.add_argument("scenario", choices=["soak", "restart"])
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/6",
                        help="a Redis database for the server's cache, emptied first")
    parser.add_argument("--duration", type=float, default=600.0,
                        help="soak: seconds at the steady rate (default 600)")
    parser.add_argument("--probe", type=float, default=20.0,
                        help="soak: seconds to find the maximum rate (default 20)")
    parser.add_argument("--share", type=float, default=0.7,
                        help="soak: the steady rate as a share of the maximum (default 0.7)")
    parser.add_argument("--editors", type=int, default=5, help="restart: editors saving")
    parser.add_argument("--before", type=float, default=20.0)
    parser.add_argument("--outage", type=float, default=10.0)
    parser.add_argument("--after", type=float, default=30.0)
    parser.add_argument("--cluster", default="", help="restart: VERSION/NAME of the cluster "
                        "(default: the only one in /etc/postgresql)")
    return parser.parse_args(argv)


def search_path(words):
    return "/suche/?" + urllib.parse.urlencode({"q": words})


def mix(port):
    """Raw requests: the visitors' pages by Zipf weight, one in twenty a search."""
    pages = editing.visitor_pages()
    paths = [path for path, _group in pages]
    rng = random.Random(3)
    sequence = rng.choices(paths, editing.zipf(len(paths)), k=50_000)
    for index in range(0, len(sequence), 20):
        sequence[index] = search_path(rng.choice(SEARCHES))
    return pages, [load.request_bytes(run.HOST, port, path) for path in sequence]


def errors(result):
    return sum(count for status, count in result.statuses.items() if status == 0 or status >= 500)


def statuses(result):
    return ", ".join(f"{status or 'no answer'}: {count}"
                     for status, count in sorted(result.statuses.items()))


def soak(args, site, pinning):
    pages, requests = mix(site.port)
    with run.gunicorn(site.env, site.workdir, pinning) as server:
        editing.fill(site.port, pages)
        workers = run.worker_pids(server.pid)
        probe = load.run(run.HOST, site.port, requests, args.probe, 2 * args.workers)
        rate = args.share * probe.rps
        run.log(f"maximum {probe.rps:.0f} rps; now {rate:.0f} rps for {args.duration:.0f} s")
        memory = {pid: run.rss_mb(pid) for pid in workers}
        steady = load.run_rate(run.HOST, site.port, requests, rate, args.duration,
                               connections=8 * args.workers)
        memory = {pid: (before, run.rss_mb(pid)) for pid, before in memory.items()}
    lines = [
        f"- Maximum (closed loop, {2 * args.workers} connections, {args.probe:.0f} s): "
        f"{probe.rps:.0f} rps; {statuses(probe)}",
        f"- Steady: {args.share:.0%} of it, {rate:.0f} rps due for {args.duration:.0f} s; "
        f"{steady.requests} answered ({steady.rps:.0f} rps)",
        f"- Answers: {statuses(steady)}; errors (no answer or 5xx): {errors(steady)}",
        f"- Latency from the moment due: p50 {steady.percentile(0.5) * 1000:.1f} ms, "
        f"p95 {steady.percentile(0.95) * 1000:.1f} ms, p99 {steady.percentile(0.99) * 1000:.1f} "
        f"ms, max {max(steady.latencies, default=0) * 1000:.0f} ms",
        "- Worker memory (RSS) before and after: " + ", ".join(
            f"{before:.1f} → {after:.1f} MB" for before, after in memory.values()),
    ]
    return lines


# ---------------------------------------------------------------------------
# Restart.


def cluster(args):
    if args.cluster:
        return args.cluster.split("/")
    versions = sorted(os.listdir("/etc/postgresql"))
    return versions[-1], "main"


def pg_ctl(args, action):
    version, name = cluster(args)
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action]
    if action == "stop":
        command += ["-m", "fast"]
    subprocess.run(command, check=True, capture_output=True)


class Editors(threading.Thread):
    """Saves the editors' drafts through releases.services, one every ``pause`` seconds,
    and remembers what each acknowledged save wrote."""

    def __init__(self, drafts, pause=0.5):
        super().__init__(daemon=True)
        self.drafts, self.pause = drafts, pause
        self.stop = threading.Event()
        self.acknowledged = {}  # draft pk: (teaser, time) of the last acknowledged save
        self.saves = self.refused = 0
        self.refusals = Counter()

    def run(self):
        from django.contrib.auth.models import User
        from django.db import close_old_connections, connection

        from releases import services
        from releases.models import Release

        number = 0
        while not self.stop.wait(self.pause):
            number += 1
            pk = self.drafts[number % len(self.drafts)]
            teaser = f"Gespeichert als Nummer {number}."
            try:
                close_old_connections()
                release = Release.objects.get(pk=pk)
                release.teaser = teaser
                services.save_release(release, User.objects.get(pk=release.created_by_id))
            except Exception as error:  # the database is away: not acknowledged
                self.refused += 1
                self.refusals[type(error).__name__] += 1
                with contextlib.suppress(Exception):
                    connection.close()
                continue
            self.saves += 1
            self.acknowledged[pk] = (teaser, time.monotonic())


def visitors(port, requests, seconds):
    """[(second, Counter of statuses)]: closed-loop visitors, one slice a second."""
    slices, started = [], time.monotonic()
    while time.monotonic() - started < seconds:
        result = load.run(run.HOST, port, requests[len(slices) * 50:], 1.0, 2, warmup=0,
                          min_requests=1)
        slices.append((time.monotonic() - started, Counter(result.statuses)))
    return slices


def restart(args, site, pinning):
    if args.database != "postgres":
        raise SystemExit("restart needs --database postgres")
    pages, requests = mix(site.port)
    # Uncached addresses too: the cache may answer read pages while the database is away.
    requests = [request if index % 2 else load.request_bytes(
        run.HOST, site.port, search_path(SEARCHES[index % len(SEARCHES)]))
        for index, request in enumerate(requests)]
    drafts = [editor.release for editor in editing.add_editors(args.editors)]
    from django.db import connections

    connections.close_all()
    with run.gunicorn(site.env, site.workdir, pinning):
        editing.fill(site.port, pages)
        editors = Editors(drafts)
        editors.start()
        outage = {}

        def restart_database():
            time.sleep(args.before)
            outage["stopped"] = time.monotonic()
            pg_ctl(args, "stop")
            time.sleep(args.outage)
            pg_ctl(args, "start")
            outage["started"] = time.monotonic()

        restarter = threading.Thread(target=restart_database, daemon=True)
        began = time.monotonic()
        restarter.start()
        try:
            slices = visitors(site.port, requests, args.before + args.outage + args.after)
        finally:
            restarter.join()
            editors.stop.set()
            editors.join()
    connections.close_all()
    from releases.models import Release

    stored = dict(Release.objects.filter(pk__in=drafts).values_list("pk", "teaser"))
    lost = {pk: teaser for pk, (teaser, _at) in editors.acknowledged.items()
            if stored.get(pk) != teaser}
    stop_at, start_at = outage["stopped"] - began, outage["started"] - began
    recovered = next((second for second, counts in slices
                      if second > start_at and set(counts) <= {200, 304}), None)
    lines = [
        f"- Database stopped at {stop_at:.1f} s, started again at {start_at:.1f} s",
        f"- Editors: {editors.saves} saves acknowledged, {editors.refused} refused while the "
        f"database was away ({dict(editors.refusals)}); acknowledged saves missing "
        f"afterwards: {len(lost)}",
        f"- Visitors answered normally again at {recovered:.1f} s, "
        f"{recovered - start_at:.1f} s after the start, without restarting the site"
        if recovered is not None else "- Visitors: the site did not recover",
        "",
        "| Seconds | Answers by status |",
        "| --- | --- |",
    ]
    for second, counts in slices:
        lines.append(f"| {second:.0f} | " + ", ".join(
            f"{status or 'no answer'}: {count}" for status, count in sorted(counts.items()))
            + " |")
    return lines


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    pinning = run.cores()
    editing.flush(args.cache_url)
    with run.prepared_site(args, PAGE_CACHE_SECONDS="600", CACHE_URL=args.cache_url) as site:
        info = run.describe(site.database_url)
        if pinning:
            os.sched_setaffinity(0, {pinning[1]})
        run.log(f"gunicorn on port {site.port}: {args.scenario}")
        lines = (soak if args.scenario == "soak" else restart)(args, site, pinning)
        editing.flush(args.cache_url)
    text = "\n".join([f"## Reliability, {args.scenario}: {args.releases} generated releases on "
                      f"{args.database}", "", *run.setting_lines(info, site.build_seconds,
                                                                 pinning), *lines, ""])
    print(text, flush=True)
    if args.output:
        Path(args.output).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
