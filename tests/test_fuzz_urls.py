"""Hostile input in any address is answered with 400, 404 or 410, never with a 500.

Every URL pattern of the project is requested (of the admin only its login page):
each path argument in turn replaced by a hostile value (a NUL byte, bytes that are
not UTF-8, ten kilobytes, a negative and a huge number) while the others stay valid;
then, with valid path arguments, every query parameter a view reads, and one none
reads, set to each hostile value. The API answers its errors in JSON.

Query parameters go all at once first; where that is refused (400) each goes alone
again, as the first bad one may have hidden the others. The /en/ twins are requested
with valid arguments and a NUL byte in each. PostgreSQL refuses NUL in strings where
SQLite does not: CI runs this module on both.
"""

import logging
import re
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.contrib.flatpages.models import FlatPage
from django.test import Client
from django.urls import Resolver404, URLResolver, get_resolver, resolve
from django.utils import translation

from journalists import tokens
from journalists.models import AccreditationRequest, Subscription
from releases import services
from releases.links import preview_token
from releases.models import Release

pytest_plugins = ["tests.public_fixtures", "tests.journalist_fixtures"]
pytestmark = pytest.mark.django_db

# As sent (URL-encoded): NUL, bytes that are not UTF-8, 10 kB, negative, huge.
HOSTILE_VALUES = ["%00", "%ff%fe", "x" * 10_240, "-1", "9" * 30]
# What the views read (API, search, listings' pages, sitemap pages, admin login's
# next, journalist pages' flags) and one nobody reads.
PARAMETERS = ["page", "page_size", "q", "topic", "organisation", "kind", "since", "from_date",
              "to_date", "sort", "p", "next", "bestaetigt", "gespeichert", "warteliste",
              "unbekannt"]
_ROUTE_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")
_REGEX_ARGUMENT = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def url_patterns(language):
    """(name, address with {argument} placeholders) of every pattern under ``language``."""

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, prefix + part(entry), inner)
            else:
                yield f"{namespace}{entry.name}", prefix + part(entry)

    def part(entry):
        return str(entry.pattern).removeprefix("^").removesuffix("$")

    with translation.override(language):
        found = list(walk(get_resolver().url_patterns, "", ""))
    return [(name, "/" + _ROUTE_ARGUMENT.sub(r"{\1}", _REGEX_ARGUMENT.sub(r"{\1}", route)))
            for name, route in found if not name.startswith("admin:") or name == "admin:login"]


@pytest.fixture
def valid(full_release, organisation, topic, minister, event, delegation, contact,
          make_journalist):
    """Valid path arguments for every named pattern."""
    editor = User.objects.create_user("fuzz-redakteurin", is_staff=True, is_superuser=True)
    draft = Release.objects.create(organisation=organisation, title="Entwurf", slug="entwurf",
                                   body="<p>Text.</p>", status=Release.Status.DRAFT)
    link = services.create_preview_link(services.submit(draft, editor), editor)
    subscription = Subscription.objects.create(email="leser@example.org")
    journalist = make_journalist()
    request = AccreditationRequest.objects.create(event=event, name="Erika Muster",
                                                  medium="Sächsische Zeitung",
                                                  email="erika@example.org")
    image = full_release.images.first()
    month = full_release.published_at
    return {
        "releases:release-detail": {"pk": full_release.pk, "slug": full_release.slug},
        "releases:release-print": {"pk": full_release.pk, "slug": full_release.slug},
        "releases:preview": {"token": preview_token(link)},
        "releases:kind-detail": {"kind": full_release.kind},
        "releases:kind-feed": {"kind": full_release.kind},
        "releases:kind-feed-atom": {"kind": full_release.kind},
        **{f"releases:{name}{suffix}": {"slug": subject.slug}
           for name, subject in (("topic", topic), ("organisation", organisation),
                                 ("person", minister))
           for suffix in ("-detail", "-feed", "-feed-atom", "-calendar")},
        "releases:archive-year": {"year": month.year},
        "releases:archive-month": {"year": month.year, "month": f"{month.month:02d}"},
        "releases:event-ics": {"pk": event.pk},
        "releases:event-detail": {"pk": event.pk, "slug": event.slug},
        "releases:delegation-detail": {"slug": delegation.slug},
        "releases:contact-vcard": {"pk": contact.pk},
        "releases:api-release-detail": {"release_id": full_release.uuid},
        "sitemap-section": {"section": "releases"},
        "media": {"path": image.image.name},
        "journalists:confirm": {"token": tokens.subscription_token(tokens.CONFIRM,
                                                                   subscription)},
        **{f"journalists:{name}": {"token": tokens.subscription_token(tokens.MANAGE,
                                                                      subscription)}
           for name in ("manage", "export", "delete")},
        "journalists:unsubscribe": {"token": tokens.subscription_token(tokens.UNSUBSCRIBE,
                                                                       subscription)},
        "journalists:verify": {"token": tokens.make(tokens.VERIFY, j=journalist.pk,
                                                    e=journalist.email)},
        "journalists:feed": {"token": journalist.feed_token},
        "journalists:feed-atom": {"token": journalist.feed_token},
        "journalists:accreditation": {"pk": event.pk, "slug": event.slug},
        "journalists:accreditation-sent": {"pk": event.pk, "slug": event.slug},
        "journalists:accreditation-cancel": {"token": tokens.make(tokens.CANCEL, a=request.pk)},
    }


def fill(route, arguments):
    """The address; hostile values are URL-encoded already."""
    return route.format(**{name: quote(str(value), safe="%/")
                           for name, value in arguments.items()})


def problem(client, url):
    """What is wrong with the answer to ``url`` (None: nothing), and its status."""
    response = client.get(url)
    path = url.split("?")[0]
    if response.status_code >= 500:
        return f"{url[:120]} -> {response.status_code}", response.status_code
    # The API's own answers are JSON, refusals included (an address no pattern
    # matches gets the site's 404 page); its documentation at /api/ is a page for people.
    if path.removeprefix("/en").startswith("/api/") and resolves(path) and (
            resolve(path).url_name != "api-documentation") and not (
            response["Content-Type"].startswith("application/json")):
        return f"{url[:120]} -> {response['Content-Type']}", response.status_code
    return None, response.status_code


def resolves(path):
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


@pytest.fixture
def client(settings):
    settings.PAGE_CACHE_SECONDS = 0
    # Each refusal would be logged with its ten kilobytes; the assertion lists the failures.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield Client(raise_request_exception=False)
    logger.setLevel(level)


@pytest.fixture
def patterns(client, valid):
    """(language, route, valid arguments) of every pattern; each valid address answers."""
    assert FlatPage.objects.exists()  # the legal pages are there, as after migrate
    found = []
    for language in ("de", "en"):
        for name, route in url_patterns(language):
            arguments = {key: str(value) for key, value in valid.get(name, {}).items()}
            assert set(re.findall(r"{(\w+)}", route)) == set(arguments), (
                f"valid arguments for {name} are missing")
            status = client.get(fill(route, arguments)).status_code
            assert status < 400, (name, status)
            found.append((language, route, arguments))
    return found


def test_hostile_path_arguments_are_refused_without_a_server_error(client, patterns):
    problems = []
    for language, route, arguments in patterns:
        # The /en/ twins run the same views: a NUL byte in each argument is enough there.
        values = HOSTILE_VALUES if language == "de" else HOSTILE_VALUES[:1]
        for name in arguments:
            for value in values:
                found, _status = problem(client, fill(route, {**arguments, name: value}))
                problems += [found] if found else []
    assert problems == [], "\n".join(problems)


def test_hostile_query_parameters_are_refused_without_a_server_error(client, patterns):
    problems = []
    for _language, route, arguments in (entry for entry in patterns if entry[0] == "de"):
        url = fill(route, arguments)
        for value in HOSTILE_VALUES:
            found, status = problem(client, f"{url}?" + "&".join(
                f"{parameter}={value}" for parameter in PARAMETERS))
            problems += [found] if found else []
            if status == 400:
                # Refused for the first bad parameter: the others may not have been read.
                for parameter in PARAMETERS:
                    found, _status = problem(client, f"{url}?{parameter}={value}")
                    problems += [found] if found else []
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("url", ["/api/releases/?topic=%00", "/api/releases/?organisation=%00",
                                 "/api/releases/?topic=%ff%fe"])
def test_a_filter_that_cannot_be_a_slug_is_refused_in_json(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["message"].startswith(url.split("?")[1].split("=")[0])


def test_a_nul_byte_in_a_feed_address_is_not_found(client, make_journalist):
    make_journalist()
    assert client.get("/journalisten/feed/%00/").status_code == 404


def test_no_address_answers_a_method_it_does_not_serve(client, patterns):
    """TRACE and DELETE are nobody's: 405 (or a refusal), never the page; a feed or
    calendar answers OPTIONS with its methods, not with its content."""
    problems = []
    for _language, route, arguments in (entry for entry in patterns if entry[0] == "de"):
        url = fill(route, arguments)
        for method in ("TRACE", "DELETE"):
            status = client.generic(method, url).status_code
            if status not in (301, 302, 400, 403, 404, 405):
                problems.append(f"{method} {url} -> {status}")
        response = client.options(url)
        if response.status_code == 200 and response.content:
            problems.append(f"OPTIONS {url} -> 200 with {len(response.content)} bytes")
    assert problems == [], "\n".join(problems)
