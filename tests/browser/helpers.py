"""Shared helpers of the browser tests: logging in, users with a password, CSP reports."""

import re
from pathlib import Path

from django.urls import reverse

from tests.workflow_fixtures import member

PASSWORD = "Kattowitz-Werkstatt-2021"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
# Collects the page's CSP violations in window.__csp (an init script, outside the policy).
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
                    + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


def violations(page):
    return page.csp + page.evaluate("window.__csp || []")


def user(username, group):
    """A member of ``group`` who logs in with PASSWORD."""
    person = member(username, group)
    person.set_password(PASSWORD)
    person.save()
    return person


def log_in_to_admin_index(page, live_server, user):
    """Log in on the login page; it leads to the admin's index."""
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def log_in_and_go_to(page, base, user, path):
    """Log in on the way to ``path``, as after following a link to it."""
    page.goto(f"{base}{reverse('admin:login')}?next={path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(base + path)


def wait_for_ckeditor(page):
    # A function, not an expression: the admin's CSP forbids eval.
    page.wait_for_function("() => window.CKEDITOR?.instances.id_body?.status === 'ready'")
