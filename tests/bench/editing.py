"""Benchmark: the page cache's hit rate while editors save drafts and visitors read.

    python -m tests.bench.editing --releases 2000 --database sqlite|postgres
                                  [--duration 180] [--editors 5] [--interval 30]
                                  [--publish-interval 600]
                                  [--cache-url redis://127.0.0.1:6379/5] [--keep NAME]

Builds the scratch database and serves the site as python -m tests.bench does
(tests/bench/run.py: gunicorn in production settings pinned to the first core, the
load generator on the second), with the page cache in the Redis of --cache-url,
which the benchmark empties (FLUSHDB) before each run: give it a database number
of its own. It adds --editors staff accounts of the group "Redaktion": the
odd-numbered each with a draft release of its own, the even-numbered each with a
working edition of an older public release (a change not yet public); and one
account of the group "Pressestelle" that publishes releases waiting in review.

Visitors: --connections closed-loop connections over 35 public pages (start page,
release list, 20 release pages, topics, archive, RSS and Atom feed, appointments)
drawn at random with Zipf weights: the page of rank r is asked for in proportion
to 1/r. The 7 most asked for are the popular pages, the other 28 the long tail.
A share of the requests (--tracking, default 0.2) comes as from a newsletter or a
post: with utm_source, utm_medium and utm_campaign parameters of random values,
different in every such request; their hit rate is reported apart.

Two runs of --duration seconds, each from an emptied cache that one request to
every page has filled: a quiet one (no editors: the ceiling), then one in which
every editor saves its draft every --interval seconds, staggered, through the
admin over HTTP as a browser does: logged in once, it loads the change form,
changes the teaser and posts the form with its CSRF token; and the press office
publishes one release every --publish-interval seconds (the first half an interval,
or half the run if shorter, after the start) through the admin's publish form.

A hit is a visitor's answer that the page cache gave without calling the page's
view; tests/bench/urls.py marks the views and sends X-Bench-Cache: hit or miss.
The report gives the hit rate overall and per group, the saves, the publications
and the misses.
With the visitors as fast as the server answers, the hit rate follows the server's
speed; the misses per save (the number of pages, where a save empties the cache)
do not.
"""

import os
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser

from . import load, run

HEADER = "x-bench-cache"
POPULAR = 7
TRACKED = "with tracking parameters"


def parse_args(argv):
    parser = run.argument_parser("python -m tests.bench.editing", __doc__)
    parser.add_argument("--duration", type=float, default=180.0,
                        help="seconds per run (default 180)")
    parser.add_argument("--editors", type=int, default=5)
    parser.add_argument("--interval", type=float, default=30.0,
                        help="seconds between two saves of one editor (default 30)")
    parser.add_argument("--publish-interval", type=float, default=600.0,
                        help="seconds between two publications (default 600)")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/5",
                        help="a Redis database for the server's cache, emptied before each run")
    parser.add_argument("--tracking", type=float, default=0.2,
                        help="share of the visitors' requests with random utm_* parameters "
                             "(default 0.2)")
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------
# Inside Django: the visitors' pages and the editors' accounts and drafts.


def visitor_pages():
    """[(path, group)], the most asked for first."""
    from django.db.models import Count
    from django.urls import reverse

    from releases.models import Release, Topic

    public = Release.objects.public().order_by("-published_at", "-pk")
    newest = [release.get_absolute_url() for release in public[:3]]
    older = list(public.values_list("pk", flat=True)[3:5000])
    picked = random.Random(1).sample(older, 17)
    older = [release.get_absolute_url() for release in public.filter(pk__in=picked)]
    topics = [topic.get_absolute_url() for topic in
              Topic.objects.annotate(n=Count("releases")).order_by("-n", "pk")[:5]]
    months = public.dates("published_at", "month", order="DESC")
    months = [months[len(months) // 3], months[2 * len(months) // 3]]
    popular = ["/", reverse("releases:release-list"), *newest, reverse("releases:feed"),
               reverse("releases:event-list")]
    tail = [topics[0], reverse("releases:feed-atom"), reverse("releases:topic-list"),
            reverse("releases:archive-year", kwargs={"year": months[0].year}), *topics[1:],
            *(reverse("releases:archive-month",
                      kwargs={"year": month.year, "month": f"{month.month:02}"})
              for month in months),
            reverse("releases:organisation-list"), *older]
    return [(path, "popular") for path in popular] + [(path, "long tail") for path in tail]


@dataclass
class Editor:
    username: str
    password: str
    release: int  # the pk of its draft
    browser: object = None
    saves: int = 0
    failures: int = 0


def add_editors(count):
    """``count`` editors of the group Redaktion: the odd-numbered each with a draft of
    its own, the even-numbered each with a working edition of an older public release."""
    from django.contrib.auth.models import Group, User

    from releases import services
    from releases.models import Organisation, Release

    group = Group.objects.get(name="Redaktion")
    organisation = Organisation.objects.order_by("pk").first()
    older = Release.objects.public().order_by("-published_at", "-pk")[100:100 + count]
    editors = []
    for number in range(1, count + 1):
        user, _ = User.objects.update_or_create(username=f"bench-editor-{number}",
                                                defaults={"is_staff": True, "is_active": True})
        password = secrets.token_urlsafe(16)
        user.set_password(password)
        user.save()
        user.groups.add(group)
        if number % 2 == 0:
            edition = services.start_edition(older[number - 1], user)
            editors.append(Editor(user.username, password, edition.pk))
            continue
        draft = Release.objects.filter(created_by=user, status=Release.Status.DRAFT).first()
        if draft is None:
            draft = Release.objects.create(
                title=f"Entwurf {number} für die Lastmessung", slug=f"entwurf-{number}",
                teaser="Noch in Arbeit.", body="<p>Noch in Arbeit.</p>",
                status=Release.Status.DRAFT, organisation=organisation,
                created_by=user, updated_by=user)
        editors.append(Editor(user.username, password, draft.pk))
    return editors


@dataclass
class Publisher:
    username: str
    password: str
    waiting: list  # pks of releases in review, published one after the other
    browser: object = None
    saves: int = 0  # publications
    failures: int = 0


def add_publisher(count, author):
    """A press officer (group Pressestelle) and ``count`` releases in review, written by
    ``author``, modelled on the newest public release: a second person publishes them."""
    from django.contrib.auth.models import Group, User

    from releases.models import Release

    user, _ = User.objects.update_or_create(username="bench-publisher",
                                            defaults={"is_staff": True, "is_active": True})
    password = secrets.token_urlsafe(16)
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name="Pressestelle"))
    author = User.objects.get(username=author)
    model = Release.objects.public().order_by("-published_at", "-pk").first()
    waiting = []
    for number in range(1, count + 1):
        release = Release.objects.create(
            title=f"Veröffentlichung {number} der Lastmessung", slug=f"lastmessung-{number}",
            teaser=model.teaser, body=model.body, status=Release.Status.IN_REVIEW,
            organisation=model.organisation, created_by=author, updated_by=author)
        release.topics.set(model.topics.all())
        release.contacts.set(model.contacts.all())
        waiting.append(release.pk)
    return Publisher(user.username, password, waiting)


def draft_versions(editors):
    from releases.models import Release

    return sum(Release.objects.filter(pk__in=[editor.release for editor in editors])
               .values_list("version", flat=True))


# ---------------------------------------------------------------------------
# The editors: the admin over HTTP.


class FormFields(HTMLParser):
    """The fields a browser would post for the form ``form_id``, without buttons and files."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        kind = attrs.get("type", "text")
        if tag == "input" and name and kind not in {"submit", "button", "reset", "file", "image"}:
            if kind not in {"checkbox", "radio"} or "checked" in attrs:
                self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self.textarea = [name, ""]
        elif tag == "select":
            self.select = {"name": name, "multiple": "multiple" in attrs, "first": None,
                           "chosen": False}
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.fields.append((self.select["name"], value))
                self.select["chosen"] = True

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            name, value = self.textarea
            self.fields.append((name, value.removeprefix("\r").removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select:
            select, self.select = self.select, None
            # A single choice with nothing selected: the browser posts the first option.
            if not (select["multiple"] or select["chosen"]) and select["first"] is not None:
                self.fields.append((select["name"], select["first"]))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None  # the caller reads the redirect itself


class Browser:
    """One editor's cookies, on the admin of the server at ``base``."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(), _Stay)

    def form(self, path, form_id):
        with self.opener.open(self.base + path, timeout=60) as response:
            parser = FormFields(form_id)
            parser.feed(response.read().decode())
        return parser.fields

    def post(self, path, fields):
        """(status, the Location it redirects to or "")."""
        request = urllib.request.Request(
            self.base + path, data=urllib.parse.urlencode(fields).encode(),
            headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, ""
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", "")

    def log_in(self, editor):
        path = "/admin/login/?next=/admin/"
        fields = [(name, value) for name, value in self.form(path, "login-form")
                  if name not in {"username", "password"}]
        fields += [("username", editor.username), ("password", editor.password)]
        status, location = self.post(path, fields)
        if status != 302 or "/login/" in location:
            raise RuntimeError(f"{editor.username} could not log in ({status})")

    def save_draft(self, editor, number):
        """Change the teaser on the change form and save; True if the admin took it."""
        path = f"/admin/releases/release/{editor.release}/change/"
        fields = [(name, f"Arbeitsstand {number} von {editor.username}." if name == "teaser"
                   else value) for name, value in self.form(path, "release_form")]
        status, location = self.post(path, [*fields, ("_save", "1")])
        # Saved: on to the list of releases. Refused: back to the form with a message,
        # or the form again with its errors (200).
        return status == 302 and urllib.parse.urlsplit(location).path not in {
            path, "/admin/login/"}

    def publish(self, publisher, number):
        """Publish the next release in review through its publish form; True if done."""
        if not publisher.waiting:
            return False
        path = f"/admin/releases/release/{publisher.waiting.pop(0)}/workflow/publish/"
        status, location = self.post(path, self.form(path, "workflow-form"))
        return status == 302 and not urllib.parse.urlsplit(location).path.endswith(
            ("/workflow/publish/", "/admin/login/"))


def edit(editor, first, interval, started, stop, act=None):
    """Save ``editor``'s draft (or call ``act``) at ``first`` seconds after ``started``,
    then every ``interval``."""
    act = act or editor.browser.save_draft
    number = 0
    while not stop.wait(max(0.0, started + first + number * interval - time.monotonic())):
        number += 1
        try:
            saved = act(editor, number)
        except OSError:
            saved = False
        if saved:
            editor.saves += 1
        else:
            editor.failures += 1


# ---------------------------------------------------------------------------
# Measuring and reporting.


@dataclass
class Outcome:
    name: str
    result: load.Result
    groups: dict  # group: (hits, answers)
    saves: int = 0
    failed_saves: int = 0
    publications: int = 0
    failed_publications: int = 0


def zipf(count):
    """Weights of the pages by rank: the page of rank r in proportion to 1/r."""
    return [1 / rank for rank in range(1, count + 1)]


def flush(cache_url):
    import redis

    redis.Redis.from_url(cache_url).flushdb()


def fill(port, pages):
    """One request to every page; each must answer 200 through the page cache."""
    for path, _ in pages:
        try:
            with urllib.request.urlopen(f"http://{run.HOST}:{port}{path}", timeout=60) as answer:
                if answer.headers.get(HEADER) is None:
                    raise RuntimeError(f"{path}: no {HEADER} header: not under the page cache?")
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"{path} answers {error.code}") from None


def visit(port, pages, args, editors=(), publisher=None):
    """One run: an emptied and filled cache, visitors for --duration, editors (and the
    press office) meanwhile."""
    flush(args.cache_url)
    fill(port, pages)
    chance = random.Random(2)
    # Each request's groups: its page's, and TRACKED if it carries tracking parameters.
    requests = {}
    sequence = []
    for path, group in chance.choices(pages, zipf(len(pages)), k=200_000):
        groups = (group,)
        if chance.random() < args.tracking:
            path += ("&" if "?" in path else "?") + urllib.parse.urlencode({
                "utm_source": f"newsletter-{chance.randrange(10**6)}", "utm_medium": "email",
                "utm_campaign": f"campaign-{chance.randrange(10**6)}"})
            groups = (group, TRACKED)
        request = load.request_bytes(run.HOST, port, path)
        requests[request] = groups
        sequence.append(request)
    stop, started = threading.Event(), time.monotonic()
    threads = [threading.Thread(target=edit, daemon=True, args=(
        editor, (number + 1) * args.interval / len(editors), args.interval, started, stop))
        for number, editor in enumerate(editors)]
    if publisher is not None:
        threads.append(threading.Thread(target=edit, daemon=True, args=(
            publisher, min(args.publish_interval, args.duration) / 2, args.publish_interval,
            started, stop, publisher.browser.publish)))
    for thread in threads:
        thread.start()
    try:
        result = load.run(run.HOST, port, sequence, args.duration, args.connections,
                          tally=HEADER)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    groups = {}
    for (request, state), count in result.tally.items():
        for group in requests[request]:
            hits, answers = groups.get(group, (0, 0))
            groups[group] = (hits + count * (state == "hit"), answers + count)
    return Outcome("editing" if editors else "quiet (no editors)", result, groups,
                   sum(editor.saves for editor in editors),
                   sum(editor.failures for editor in editors),
                   publisher.saves if publisher else 0, publisher.failures if publisher else 0)


def share(hits, answers):
    return f"{hits / answers:.1%}" if answers else "–"


def code_version():
    def git(*arguments):
        return subprocess.run(["git", *arguments], cwd=run.ROOT, capture_output=True,
                              text=True).stdout.strip()

    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!tests/bench")
    return (f"{run.ROOT}, commit {git('rev-parse', '--short', 'HEAD') or 'unknown'}"
            + (", with uncommitted changes" if changed else ""))


def report(info, args, site, pinning, pages, outcomes, versions):
    weights = zipf(len(pages))
    popular = sum(weights[:POPULAR]) / sum(weights)
    lines = [
        f"## Page cache under editing: {args.releases} generated releases on {args.database}",
        "",
        *run.setting_lines(info, site.build_seconds, pinning),
        f"- Code: {code_version()}",
        f"- Server: gunicorn, {args.workers} sync workers, DEBUG off, CACHE_URL="
        f"{args.cache_url}, PAGE_CACHE_SECONDS={site.env['PAGE_CACHE_SECONDS']}",
        f"- Visitors: {args.connections} closed-loop connections over {len(pages)} pages, "
        f"Zipf weights; popular: the {POPULAR} most asked for ({popular:.0%} of the requests), "
        f"long tail: the other {len(pages) - POPULAR}; {args.duration:g} s per run",
        f"- Editors: {args.editors}, each saving its draft or working edition through the admin "
        f"change form every {args.interval:g} s; "
        f"their versions moved on by {versions}",
        f"- Press office: one release in review published through the admin every "
        f"{args.publish_interval:g} s",
        "",
        f"- Tracking parameters: {args.tracking:.0%} of the requests carry utm_source, "
        "utm_medium and utm_campaign with values of their own",
        "",
        "| Run | Visitor answers | rps | rps / quiet run | Hit rate | Popular | Long tail "
        "| With tracking parameters | Misses | Saves | Publications | Misses per save "
        "| Errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| --- |",
    ]
    quiet_rps = outcomes[0].result.rps
    for outcome in outcomes:
        result = outcome.result
        hits = sum(hits for group, (hits, _) in outcome.groups.items() if group != TRACKED)
        misses = result.requests - hits
        errors = sum(count for status, count in result.statuses.items() if status != 200)
        errors = ", ".join(filter(None, [
            f"{errors} visitor answers not 200" if errors else "",
            f"{outcome.failed_saves} saves failed" if outcome.failed_saves else "",
            f"{outcome.failed_publications} publications failed"
            if outcome.failed_publications else ""])) or "none"
        lines.append(
            f"| {outcome.name} | {result.requests} | {result.rps:.0f} | "
            f"{result.rps / quiet_rps:.2f} | {share(hits, result.requests)} | "
            f"{share(*outcome.groups.get('popular', (0, 0)))} | "
            f"{share(*outcome.groups.get('long tail', (0, 0)))} | "
            f"{share(*outcome.groups.get(TRACKED, (0, 0)))} | {misses} | {outcome.saves} | "
            f"{outcome.publications} | "
            f"{f'{misses / outcome.saves:.1f}' if outcome.saves else '–'} | {errors} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    pinning = run.cores()
    with run.prepared_site(args, PAGE_CACHE_SECONDS="600") as site:
        info = run.describe(site.database_url)
        pages = visitor_pages()
        editors = add_editors(args.editors)
        publisher = (add_publisher(int(args.duration // args.publish_interval) + 1,
                                   editors[0].username) if editors else None)
        versions = draft_versions(editors)
        from django.db import connections

        connections.close_all()
        if pinning:
            os.sched_setaffinity(0, {pinning[1]})
        run.log(f"gunicorn on port {site.port}, cache {args.cache_url}")
        with run.gunicorn(site.env, site.workdir, pinning):
            outcomes = [visit(site.port, pages, args)]
            run.log(f"quiet run: {outcomes[0].result.requests} answers")
            for editor in [*editors, *filter(None, [publisher])]:
                editor.browser = Browser(f"http://{run.HOST}:{site.port}")
                editor.browser.log_in(editor)
            outcomes.append(visit(site.port, pages, args, editors, publisher))
            run.log(f"editing run: {outcomes[1].result.requests} answers, "
                    f"{outcomes[1].saves} saves, {outcomes[1].publications} publications")
        versions = draft_versions(editors) - versions
        connections.close_all()
        flush(args.cache_url)
    text = report(info, args, site, pinning, pages, outcomes, versions)
    print(text, flush=True)
    if args.output:
        args.output.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
