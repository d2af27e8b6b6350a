"""One client address behind 0, 1 or 2 proxies: login protection, the audit log and the
public forms' rate limit all count the same visitor, whatever the visitor claims."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import reverse

from releases.clientaddress import client_ip
from releases.models import AuditEntry

PASSWORD = "Kattowitz-Werkstatt-2021"
# What a client may write into X-Forwarded-For itself; never the address that counts.
SPOOFED = "192.0.2.66"


def through(proxies, visitor):
    """The request headers gunicorn passes on for ``visitor`` behind ``proxies`` proxies.

    No proxy: the visitor connects itself (and may send any X-Forwarded-For). nginx:
    it appends the visitor's address and connects from 127.0.0.1. Load balancer and
    nginx: the balancer appends the visitor's address, nginx the balancer's.
    """
    return {
        0: {"REMOTE_ADDR": visitor, "HTTP_X_FORWARDED_FOR": SPOOFED},
        1: {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": f"{SPOOFED}, {visitor}"},
        2: {"REMOTE_ADDR": "127.0.0.1",
            "HTTP_X_FORWARDED_FOR": f"{SPOOFED}, {visitor}, 10.0.0.2"},
    }[proxies]


CHAINS = pytest.mark.parametrize("proxies", [0, 1, 2], ids=["direct", "nginx",
                                                             "balancer-and-nginx"])


@pytest.fixture
def editor(db):
    return User.objects.create_user("redakteurin", password=PASSWORD, is_staff=True)


@pytest.fixture
def browser():
    # One client for all requests of a test: each new one would set up the middleware
    # again, which takes longer than a login. The addresses come with each request.
    return Client()


def log_in(browser, headers, password, username="redakteurin"):
    return browser.post(reverse("admin:login"), {
        "username": username, "password": password, "next": reverse("admin:index")},
        **headers)


@CHAINS
@pytest.mark.django_db
class TestOneAddressBehindProxies:
    @pytest.fixture(autouse=True)
    def _proxies(self, settings, proxies):
        settings.TRUSTED_PROXIES = proxies

    def test_failed_logins_lock_the_visitor_and_not_everyone_behind_the_proxy(
            self, editor, browser, proxies):
        for _ in range(5):
            log_in(browser, through(proxies, "203.0.113.10"), "falsch")
        assert log_in(browser, through(proxies, "203.0.113.10"), PASSWORD).status_code == 429
        assert log_in(browser, through(proxies, "198.51.100.20"), PASSWORD).status_code == 302
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
            "203.0.113.10"}

    def test_the_audit_log_names_the_visitor(self, editor, browser, proxies):
        log_in(browser, through(proxies, "198.51.100.20"), "falsch")
        log_in(browser, through(proxies, "203.0.113.10"), PASSWORD)
        entries = AuditEntry.objects.order_by("pk")
        assert [(entry.action, entry.ip_address) for entry in entries] == [
            (AuditEntry.Action.LOGIN_FAILED, "198.51.100.20"),
            (AuditEntry.Action.LOGIN, "203.0.113.10"),
        ]

    def test_the_subscription_limit_counts_each_visitor_for_themselves(
            self, db, browser, mailoutbox, proxies):
        def subscribe(visitor, n):
            return browser.post(reverse("journalists:subscribe"), {
                "email": f"leser{n}@example.org", "kinds": ["medieninformation"],
                "frequency": "immediate"}, **through(proxies, visitor))

        for n in range(5):
            assert subscribe("203.0.113.10", n).status_code == 302
        refused = subscribe("203.0.113.10", 5)
        assert refused.status_code == 429
        assert "Zu viele Anfragen" in refused.content.decode()
        assert subscribe("198.51.100.20", 6).status_code == 302
        assert len(mailoutbox) == 6


def request_with(**headers):
    return RequestFactory().get("/", **headers)


class TestClientAddress:
    def test_without_proxies_forwarded_addresses_are_ignored(self, settings):
        settings.TRUSTED_PROXIES = 0
        assert client_ip(request_with(REMOTE_ADDR="203.0.113.10",
                                      HTTP_X_FORWARDED_FOR="198.51.100.7")) == "203.0.113.10"

    def test_a_header_shorter_than_the_chain_gives_the_proxy_address(self, settings):
        settings.TRUSTED_PROXIES = 2
        assert client_ip(request_with(REMOTE_ADDR="127.0.0.1",
                                      HTTP_X_FORWARDED_FOR="203.0.113.10")) == "127.0.0.1"
        assert client_ip(request_with(REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"

    @pytest.mark.parametrize("forwarded", [
        "nonsense", "", " , ", "203.0.113.10:5555", "<script>", "203.0.113.10 198.51.100.7",
        "999.1.1.1",
    ])
    def test_an_entry_that_is_no_address_gives_the_proxy_address(self, settings, forwarded):
        settings.TRUSTED_PROXIES = 1
        assert client_ip(request_with(REMOTE_ADDR="127.0.0.1",
                                      HTTP_X_FORWARDED_FOR=forwarded)) == "127.0.0.1"

    def test_ipv6_addresses_are_written_one_way(self, settings):
        settings.TRUSTED_PROXIES = 1
        request = request_with(REMOTE_ADDR="::1",
                               HTTP_X_FORWARDED_FOR="2001:DB8:0:0:0:0:0:7")
        assert client_ip(request) == "2001:db8::7"


@pytest.mark.django_db
class TestLoginCeilingPerUser:
    """Many addresses buy no more than twenty guesses per user name in 15 minutes."""

    def fail_from(self, browser, addresses):
        for address in addresses:
            # The last failure may already answer with the lockout page.
            assert log_in(browser, address, "falsch").status_code in {200, 429}

    def test_nineteen_failures_from_as_many_addresses_lock_nobody(self, editor, browser):
        self.fail_from(browser, [{"REMOTE_ADDR": f"2001:db8::{n}"} for n in range(1, 20)])
        assert log_in(browser, {"REMOTE_ADDR": "2001:db8::ffff"}, PASSWORD).status_code == 302

    def test_twenty_failures_from_as_many_addresses_lock_the_name_everywhere(
            self, editor, browser):
        User.objects.create_user("pressesprecher", password=PASSWORD, is_staff=True)
        self.fail_from(browser, [{"REMOTE_ADDR": f"2001:db8::{n}"} for n in range(1, 21)])
        response = log_in(browser, {"REMOTE_ADDR": "198.51.100.20"}, PASSWORD)
        assert response.status_code == 429
        assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.content.decode()
        assert log_in(browser, {"REMOTE_ADDR": "198.51.100.20"}, PASSWORD,
                      username="pressesprecher").status_code == 302

    def test_rotating_forwarded_addresses_lock_the_name_after_twenty_failures(
            self, editor, browser, settings):
        # Trusting one proxy too many (two, with only nginx in front) hands the choice of
        # address to the client: the entry before the one nginx appends. The ceiling holds.
        settings.TRUSTED_PROXIES = 2

        def forged(address):
            return {"REMOTE_ADDR": "127.0.0.1",
                    "HTTP_X_FORWARDED_FOR": f"{address}, 203.0.113.5"}

        self.fail_from(browser, [forged(f"198.51.100.{n}") for n in range(1, 21)])
        assert AccessAttempt.objects.values("ip_address").distinct().count() == 20
        assert log_in(browser, forged("198.51.100.99"), PASSWORD).status_code == 429
