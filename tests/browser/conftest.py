"""Real Chromium, driven by Playwright, against Django's live test server.

Playwright cannot download browsers here; Debian's Chromium is used instead.
Every module here sets ``pytestmark = pytest.mark.browser``.
"""

import os
import threading
import time

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread

from tests.browser.helpers import user
from tests.conftest import CHROMIUM, restore_migration_data

# Playwright's sync API runs an event loop in this thread; the test's database
# calls are still synchronous, so Django's async guard must stand aside.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


class _OneRequestAtATime(ThreadedWSGIServer):
    """The live server, answering one request at a time (each connection still in a
    thread of its own): with an in-memory SQLite database all its threads share the
    test's one connection, and two requests at once (two browsers' heartbeats) would
    interleave their transactions and savepoints."""

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return application(environ, start_response)

        super().set_app(one_at_a_time)


@pytest.fixture(scope="session", autouse=True)
def _live_server_on_sqlite():
    if connection.vendor == "sqlite":
        LiveServerThread.server_class = _OneRequestAtATime
    yield
    LiveServerThread.server_class = ThreadedWSGIServer


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"needs Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="de-DE",
                                  timezone_id="Europe/Berlin")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport=PHONE, locale="de-DE", timezone_id="Europe/Berlin",
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def context_of(browser):
    """Browser contexts (each its own cookies), closed after the test."""
    contexts = []

    def make(**options):
        context = browser.new_context(**{"viewport": DESKTOP, "locale": "de-DE",
                                         "timezone_id": "Europe/Berlin", **options})
        contexts.append(context)
        return context.new_page()

    yield make
    # Pages that poll the server (the editing heartbeat) are stopped first, and their
    # last requests given time to end: else the live server may still be answering one
    # while the test database is emptied, which SQLite refuses ("table is locked").
    for context in contexts:
        for page in context.pages:
            page.goto("about:blank")
    time.sleep(0.5)
    for context in contexts:
        context.close()


@pytest.fixture
def roles(transactional_db):
    """The groups Redaktion and Pressestelle, as their migrations make them (an earlier
    transactional test emptied the tables and they were written again after it)."""
    restore_migration_data()


@pytest.fixture
def people(roles):
    """Redaktion's editor and the Pressestelle's spokesperson, who log in with PASSWORD."""
    return {"editor": user("redakteurin", "Redaktion"),
            "spokesperson": user("sprecher", "Pressestelle")}


def axe_violations(page):
    """axe-core's WCAG 2.1 A/AA violations on the page, as readable strings."""
    from axe_playwright_python.sync_playwright import Axe

    # Every violation with all its nodes; of what passes, no more than axe must find (a
    # quarter less of its time).
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                       "resultTypes": ["violations"]})
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])}x, e.g. "
        f"{violation['nodes'][0]['target']})"
        for violation in results.response["violations"]
    ]
