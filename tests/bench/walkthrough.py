"""The press office's walkthrough in the admin, counted in user actions.

    python -m tests.bench.walkthrough --base-url http://127.0.0.1:8000 \\
        --demo-output demo.txt [--ui before|after] [--shots DIR]

Drives Chromium (Playwright, Debian's build as in tests/browser) through four tasks
as the demo roles of ``manage.py demo`` (their passwords are read from that
command's output, saved to a file) against a running server with the seed loaded:

a. Redaktion creates a release like the seed (title, subtitle, teaser, body, four
   topics, contact, organisation), saves it and submits it for review;
b. Pressestelle approves it and schedules it for tomorrow, 10:00 Uhr;
c. Redaktion corrects the seed's live release (a working edition with a correction
   note, submitted), Pressestelle approves and publishes the correction;
d. Pressestelle builds the seed's delegation trip anew: a trip with two stops, a
   programme item at the first and a counterpart met there.

Each click, each field filled and each choice in a list counts as one action (a
choice in a search-as-you-type list is three: open, type, choose); page loads
are counted apart (each click that leads to a new page, a form's post with its
redirect counted once). Each task starts on the admin's start page, logged in. The
table printed at the end gives the counts per task.

``--ui before`` takes the steps of the admin as it was before trips were built on
one page (stops saved first, then each stop's and programme item's own page);
``--ui after`` (the default) those of the current admin. Where the current admin
offers a shorter way that may or may not be there (a start page listing the
release, one button to save and submit), the script takes it when it is shown.
"""

import argparse
import datetime
import os
import re
import sys
import time
from dataclasses import dataclass, field

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--no-first-run"]
SEED_TITLE = "Große Resonanz bei simul+Werkstatt in Kattowitz"
SEED_TOPICS = ["Digitalisierung", "Regionale Wertschöpfung", "Polen", "Internet of Things"]
TEASER = ("Staatsminister Thomas Schmidt hat eine positive Bilanz der ersten "
          "sächsisch-schlesischen simul+Werkstatt gezogen.")
BODY = ("Unter dem Thema »Regionale Wertschöpfung in Zeiten der Digitalisierung« hatten "
        "gestern rund 70 Teilnehmer über gemeinsame Zukunftsprojekte diskutiert.")


@dataclass
class Count:
    clicks: int = 0
    fills: int = 0
    selects: int = 0
    loads: int = 0
    notes: list = field(default_factory=list)

    @property
    def actions(self):
        return self.clicks + self.fills + self.selects


class Walker:
    """One logged-in editor's browser tab that counts what the editor does."""

    verbose = False

    def __init__(self, browser, base_url, username, password):
        self.base_url = base_url.rstrip("/")
        self.context = browser.new_context(viewport={"width": 1280, "height": 900},
                                           locale="de-DE", timezone_id="Europe/Berlin")
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        # "Leave the page with unsaved changes?" is answered as the editor would, who
        # has just saved.
        self.page.on("dialog", lambda dialog: dialog.accept())
        self.page.on("load", lambda _page: self._loaded())
        self.count = Count()
        self.page.goto(f"{self.base_url}/admin/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("[type=submit]")
        self.page.wait_for_load_state()
        if "/login/" in self.page.url:
            raise SystemExit(f"login as {username} failed")

    def _loaded(self):
        if self.verbose:
            print(f"  load {self.page.url}", file=sys.stderr)

    def start(self, count):
        """Begin a task on the admin's start page; its load is not counted."""
        self.page.goto(f"{self.base_url}/admin/")
        self.count = count

    # The actions counted.

    def click(self, locator, navigates=False):
        if navigates:
            with self.page.expect_navigation():
                locator.click()
            self.count.loads += 1
        else:
            locator.click()
        self.count.clicks += 1

    def fill(self, locator, text):
        locator.fill(text)
        self.count.fills += 1

    def pick(self, select_id, term, option_text=None):
        """A choice in Django's autocomplete (select2): open, type, choose."""
        container = self.page.locator(f"#{select_id} + .select2")
        self.click(container.locator(".select2-selection"))
        search = self.page.locator(".select2-container--open .select2-search__field")
        self.fill(search, term)
        option = self.page.locator(".select2-container--open .select2-results__option",
                                   has_text=option_text or term).first
        option.wait_for()
        option.click()
        self.count.selects += 1

    # Looking, which costs nothing.

    def link(self, text):
        return self.page.get_by_role("link", name=text, exact=True)

    def visible(self, locator):
        return locator.count() > 0 and locator.first.is_visible()

    def expect_message(self, pattern):
        messages = self.page.locator(".messagelist li")
        texts = " | ".join(messages.all_inner_texts())
        if not re.search(pattern, texts, re.IGNORECASE):
            raise AssertionError(f"expected a message like {pattern!r}, got {texts!r} "
                                 f"on {self.page.url}")

    def open_release(self, title):
        """From the start page to a release's page: from the start page when it lists
        the release, else through the list of releases."""
        # A link in the start page's own content (a desk), not in its recent actions,
        # which may name an edition that is gone.
        direct = self.page.locator("#content-main").get_by_role("link", name=title, exact=True)
        if self.visible(direct):
            self.click(direct.first, navigates=True)
            return
        self.click(self.page.locator("#content-main a[href$='/releases/release/']").first,
                   navigates=True)
        self.click(self.link(title).first, navigates=True)

    def save_and_submit(self):
        combined = self.page.locator("[name=_save_and_submit]")
        if self.visible(combined):
            self.click(combined.first, navigates=True)
        else:
            self.click(self.page.locator("[name=_continue]").first, navigates=True)
            self.operation_button("zur Prüfung einreichen")
        self.expect_message("eingereicht")

    def operation_button(self, label):
        """A workflow operation without a form of its own: a button that posts."""
        button = self.page.get_by_role("button", name=re.compile(label, re.IGNORECASE))
        self.click(button.first, navigates=True)

    def operation_form(self, label):
        """A workflow operation with a form: its link, then the form's page."""
        link = self.page.get_by_role("link", name=re.compile(label, re.IGNORECASE))
        self.click(link.first, navigates=True)

    def close(self):
        self.context.close()


def create_release(walker, title, ui):
    page = walker.page
    walker.click(page.locator("a[href$='/releases/release/add/']").first, navigates=True)
    organisation = page.locator("#id_organisation")
    if not organisation.input_value():
        walker.pick("id_organisation", "Regionalentwicklung")
    walker.fill(page.locator("#id_title"), title)
    walker.fill(page.locator("#id_subtitle"),
                "Zusammenarbeit zwischen Sachsen und Schlesien ausgebaut")
    walker.fill(page.locator("#id_teaser"), TEASER)
    editor = page.locator("#cke_id_body iframe")
    if editor.count():
        walker.fill(page.frame_locator("#cke_id_body iframe").locator("body"), BODY)
    else:
        walker.fill(page.locator("[name=body]"), BODY)
    for topic in SEED_TOPICS:
        walker.pick("id_topics", topic)
    # The form may start with the press contact already chosen.
    if not page.locator("#id_contacts option:checked", has_text="Frank Meyer").count():
        walker.pick("id_contacts", "Meyer", "Frank Meyer")
    walker.save_and_submit()


def approve_and_schedule(walker, title, ui):
    page = walker.page
    walker.open_release(title)
    if ui == "before":
        walker.operation_button("^freigeben$")
        walker.expect_message("freigegeben")
    # After: scheduling a release in review is also the reviewer's approval.
    walker.operation_form("Veröffentlichung planen")
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    walker.fill(page.locator("#id_at_0"), tomorrow.strftime("%d.%m.%Y"))
    walker.fill(page.locator("#id_at_1"), "10:00")
    walker.click(page.locator("#content-main [type=submit]").first, navigates=True)
    walker.expect_message("geplant")


def correct_live_release(author, reviewer, ui):
    page = author.page
    author.open_release(SEED_TITLE)
    author.operation_button("Änderung beginnen")
    author.fill(page.locator("#id_change_note"),
                "Korrigiert: Die simul+Werkstatt fand am 7. Oktober 2021 statt.")
    author.fill(page.locator("#id_teaser"), TEASER + " Korrigierte Fassung.")
    author.save_and_submit()

    page = reviewer.page
    reviewer.open_release(SEED_TITLE)
    edition = page.locator(".workflow-edition")
    if not reviewer.visible(edition):
        # A start page that lists the working edition itself leads to its own page.
        edition = page.locator("#content-main")
    if ui == "before":
        reviewer.click(edition.get_by_role("button", name=re.compile("^freigeben$",
                                                                      re.IGNORECASE))
                       .first, navigates=True)
        reviewer.expect_message("freigegeben")
    # After: publishing an edition in review is also the reviewer's approval.
    edition = page.locator(".workflow-edition")
    if not reviewer.visible(edition):
        edition = page.locator("#content-main")
    reviewer.click(edition.get_by_role("link", name=re.compile("veröffentlichen", re.IGNORECASE))
                   .first, navigates=True)
    reviewer.click(page.locator("#content-main [type=submit]").first, navigates=True)
    reviewer.expect_message("veröffentlicht")


def add_row(page, text):
    """An inline's "add another" link (a link acting as a button)."""
    return page.locator("a:visible", has_text=text)


def new_form_field(page, prefix, name):
    """The newest row's field of an inline formset: not its empty template."""
    return page.locator(f"[name^='{prefix}'][name$='-{name}']"
                        ":not([name*='__prefix__']):not([name*='empty'])").last


def build_trip_before(walker, title):
    """The trip and its stops on the trip's page; each stop's programme on the stop's
    page, each programme item's counterparts on the item's page."""
    page = walker.page
    trip_fields(walker, title)
    for city in ("Kattowitz", "Krakau"):
        walker.click(add_row(page, "Station hinzufügen").first)
        walker.fill(new_form_field(page, "stops-", "city"), city)
        walker.fill(new_form_field(page, "stops-", "country"), "Polen")
    walker.click(page.locator("[name=_continue]").first, navigates=True)
    walker.expect_message("erfolgreich")
    row = page.locator("tr", has=page.locator("input[value=Kattowitz]"))
    walker.click(row.get_by_role("link", name=re.compile("Ändern")).first, navigates=True)
    walker.click(add_row(page, "Programmpunkt hinzufügen").first)
    walker.fill(new_form_field(page, "programme-", "title"), "Gespräche in Kattowitz")
    walker.click(page.locator("[name=_continue]").first, navigates=True)
    walker.click(page.get_by_role("link", name=re.compile("Ändern")).first, navigates=True)
    walker.click(add_row(page, "Gesprächspartner hinzufügen").first)
    walker.pick(new_form_field(page, "counterparts-", "person").get_attribute("id"), "Katoła",
                "Wojciech Katoła")
    walker.fill(new_form_field(page, "counterparts-", "role"),
                "Vizemarschall der Woiwodschaft Schlesien")
    walker.click(page.locator("[name=_save]").first, navigates=True)
    walker.expect_message("erfolgreich")


def build_trip_after(walker, title):
    """Everything on the trip's page: stops, their programme and counterparts."""
    page = walker.page
    trip_fields(walker, title)
    for index, city in enumerate(("Kattowitz", "Krakau")):
        walker.click(add_row(page, "Station hinzufügen").last)
        walker.fill(new_form_field(page, "stops-", "city"), city)
        # An empty country is the trip's, when it goes to one country only.
        if index == 0:
            stop = new_form_field(page, "stops-", "city").get_attribute("name")
            stop_prefix = stop.rsplit("-", 1)[0]
            walker.click(page.locator(f"#{stop_prefix}-programme-group, "
                                      f"[id='{stop_prefix}-programme-group']")
                         .locator("a", has_text="Programmpunkt hinzufügen").last)
            walker.fill(new_form_field(page, f"{stop_prefix}-programme-", "title"),
                        "Gespräche in Kattowitz")
            item = new_form_field(page, f"{stop_prefix}-programme-", "title").get_attribute(
                "name").rsplit("-", 1)[0]
            walker.click(page.locator(f"[id='{item}-counterparts-group']").locator(
                "a", has_text="Gesprächspartner hinzufügen").last)
            walker.pick(new_form_field(page, f"{item}-counterparts-", "person")
                        .get_attribute("id"), "Katoła", "Wojciech Katoła")
            walker.fill(new_form_field(page, f"{item}-counterparts-", "role"),
                        "Vizemarschall der Woiwodschaft Schlesien")
    walker.click(page.locator("[name=_save]").first, navigates=True)
    walker.expect_message("erfolgreich")


def trip_fields(walker, title):
    page = walker.page
    walker.click(page.locator("a[href$='/releases/delegation/add/']").first, navigates=True)
    walker.fill(page.locator("#id_title"), title)
    walker.pick("id_leader", "Schmidt", "Thomas Schmidt")
    organisation = page.locator("#id_organisation")
    # Left empty where it may be: the leader's office then gives it.
    if organisation.get_attribute("required") is not None and not organisation.input_value():
        walker.pick("id_organisation", "Regionalentwicklung")
    walker.fill(page.locator("#id_start_date"), "06.10.2021")
    walker.fill(page.locator("#id_countries"), "Polen")


def read_accounts(path):
    """The demo command's output: each "Username:"/"Benutzername:" with its password."""
    accounts, user = {}, None
    for line in open(path, encoding="utf-8"):
        key, _colon, value = line.strip().partition(":")
        if key in {"Username", "Benutzername"}:
            user = value.strip()
        elif key in {"Password", "Passwort"} and user:
            accounts[user] = value.strip()
    return accounts


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.walkthrough",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--demo-output", required=True,
                        help="the output of manage.py demo, saved to a file")
    parser.add_argument("--ui", choices=["before", "after"], default="after")
    parser.add_argument("--shots", help="folder for a screenshot after each task")
    parser.add_argument("--verbose", action="store_true", help="print each page load")
    args = parser.parse_args(argv)
    Walker.verbose = args.verbose
    accounts = read_accounts(args.demo_output)
    from playwright.sync_api import sync_playwright

    stamp = time.strftime("%H%M%S")
    title = f"{SEED_TITLE} ({stamp})"
    trip = f"Delegationsreise nach Polen ({stamp})"
    counts = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        redaktion = Walker(browser, args.base_url, "redaktion", accounts["redaktion"])
        pressestelle = Walker(browser, args.base_url, "pressestelle", accounts["pressestelle"])

        def task(name, walkers, function, *function_args):
            shared = Count()
            for walker in walkers:
                walker.start(shared)
            try:
                function(*function_args)
            except Exception as error:  # noqa: BLE001  the table shows what failed
                shared.notes.append(f"failed: {str(error).splitlines()[0][:120]}")
            counts[name] = shared
            if args.shots:
                os.makedirs(args.shots, exist_ok=True)
                walkers[-1].page.screenshot(
                    path=os.path.join(args.shots, f"{args.ui}-{name[0]}.png"), full_page=True)

        task("a create a release like the seed", [redaktion], create_release, redaktion, title,
             args.ui)
        task("b approve and schedule", [pressestelle], approve_and_schedule, pressestelle,
             title, args.ui)
        task("c correct a live release", [redaktion, pressestelle], correct_live_release,
             redaktion, pressestelle, args.ui)
        builder = build_trip_before if args.ui == "before" else build_trip_after
        task("d build the seed's delegation trip", [pressestelle], builder, pressestelle, trip)
        browser.close()

    print(f"Walkthrough ({args.ui}) against {args.base_url}")
    header = f"{'task':40} {'clicks':>6} {'fills':>6} {'choices':>7} {'actions':>7} {'loads':>6}"
    print(header)
    print("-" * len(header))
    for name, count in counts.items():
        print(f"{name:40} {count.clicks:6} {count.fills:6} {count.selects:7} "
              f"{count.actions:7} {count.loads:6}")
        for note in count.notes:
            print(f"    {note}")
    return 1 if any(count.notes for count in counts.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
