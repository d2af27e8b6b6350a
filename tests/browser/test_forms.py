"""Every public form in real Chromium, on a phone and on a desktop: the button that sends
it must be seen as a button (WCAG 1.4.11: its boundary at least 3:1 against the page),
its text readable (1.4.3: 4.5:1), its focus visible, and axe-core finds nothing.

Screenshots of each form go to test-results/screenshots/form-<name>-<width>.png.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from journalists import tokens
from journalists.models import AccreditationRequest, Journalist, Subscription
from releases.models import Event, Organisation, Topic
from tests.browser.conftest import axe_violations
from tests.public_data import ANNOUNCED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
WIDTHS = [375, 1280]

# What the page shows of the button, and the colour behind it (the first ancestor that
# paints a background), as CSS computes them.
BUTTON_STYLE = """button => {
  const style = getComputedStyle(button);
  let behind = 'rgb(255, 255, 255)';
  for (let node = button.parentElement; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    if (!/^rgba\\(.*, 0\\)$/.test(colour) && colour !== 'transparent') { behind = colour; break; }
  }
  return {background: style.backgroundColor, border: style.borderTopColor,
          borderWidth: parseFloat(style.borderTopWidth), text: style.color,
          outline: style.outlineColor, outlineStyle: style.outlineStyle,
          outlineWidth: parseFloat(style.outlineWidth), shadow: style.boxShadow,
          behind: behind};
}"""


def rgba(css):
    """'rgb(1, 2, 3)' or 'rgba(1, 2, 3, 0.5)' as (r, g, b, alpha)."""
    values = [float(v) for v in re.findall(r"[\d.]+", css)]
    return (*values[:3], values[3] if len(values) > 3 else 1.0)


def over(colour, base):
    """``colour`` painted over the opaque ``base``."""
    *rgb, alpha = colour
    return tuple(alpha * c + (1 - alpha) * b for c, b in zip(rgb, base[:3], strict=True))


def luminance(rgb):
    """WCAG 2.1 relative luminance of an sRGB colour given as 0-255 values."""
    def linear(channel):
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first, second):
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def boundary_contrast(style):
    """How well the button stands out from the page: by its fill or by its border."""
    page = rgba(style["behind"])
    fill = over(rgba(style["background"]), page)
    best = contrast(fill, page)
    if style["borderWidth"] >= 1:
        best = max(best, contrast(over(rgba(style["border"]), fill), page))
    return best


def focus_contrast(style):
    """The strongest ring around the focused button: its outline or its box-shadow."""
    page = rgba(style["behind"])
    rings = []
    if style["outlineStyle"] != "none" and style["outlineWidth"] >= 2:
        rings.append(rgba(style["outline"]))
    rings += [rgba(colour) for colour in re.findall(r"rgba?\([^)]*\)", style["shadow"])]
    return max((contrast(over(ring, page), page) for ring in rings), default=1.0)


@pytest.fixture
def forms(live_server):
    """Every public form, by name, as the path a visitor (or a link in a mail) opens."""
    organisation = Organisation.objects.create(name="Staatsministerium für Regionalentwicklung",
                                               short_name="SMR", slug="smr")
    topic = Topic.objects.create(name="Digitalisierung", slug="digitalisierung")
    event = Event.objects.create(
        title="Pressekonferenz zur Förderung", slug="pressekonferenz", organisation=organisation,
        starts_at=timezone.now() + datetime.timedelta(days=10), city="Dresden",
        requires_accreditation=True, **ANNOUNCED)
    event.topics.add(topic)
    unconfirmed = Subscription.objects.create(email="neu@example.org", kinds=["rede"])
    confirmed = Subscription.objects.create(email="leserin@example.org", kinds=["rede"],
                                            confirmed_at=timezone.now())
    confirmed.topics.add(topic)
    journalist = Journalist.objects.create(name="Erika Muster", medium="MDR",
                                           email="erika@example.org")
    request = AccreditationRequest.objects.create(event=event, name="Erika Muster",
                                                  medium="MDR", email="erika@example.org")
    manage = tokens.subscription_token(tokens.MANAGE, confirmed)
    return live_server.url, {
        "subscribe": reverse("journalists:subscribe"),
        "subscribe-topic": reverse("journalists:subscribe") + f"?topic={topic.slug}",
        "confirm": reverse("journalists:confirm", args=[
            tokens.subscription_token(tokens.CONFIRM, unconfirmed)]),
        "manage": reverse("journalists:manage", args=[manage]),
        "delete": reverse("journalists:delete", args=[manage]),
        "unsubscribe": reverse("journalists:unsubscribe", args=[
            tokens.subscription_token(tokens.UNSUBSCRIBE, confirmed)]),
        "register": reverse("journalists:register"),
        "verify": reverse("journalists:verify", args=[tokens.journalist_token(journalist)]),
        "accreditation": reverse("journalists:accreditation",
                                 kwargs={"pk": event.pk, "slug": event.slug}),
        "accreditation-cancel": reverse("journalists:accreditation-cancel", args=[
            tokens.make(tokens.CANCEL, a=request.pk)]),
    }


def submit_button(page):
    buttons = page.locator("main form button[type=submit]")
    assert buttons.count() == 1, page.url
    return buttons.first


@pytest.mark.parametrize("width", WIDTHS)
def test_every_form_has_a_button_that_stands_out_focus_that_shows_and_no_axe_violations(
        browser, forms, width):
    base, paths = forms
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="de-DE",
                                  timezone_id="Europe/Berlin", is_mobile=width < 600)
    page = context.new_page()
    found, problems = {}, {}
    try:
        for name, path in paths.items():
            response = page.goto(base + path)
            assert response.status == 200, (name, response.status)
            button = submit_button(page)
            button.scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOTS / f"form-{name}-{width}.png"), full_page=True)
            style = button.evaluate(BUTTON_STYLE)
            text = contrast(rgba(style["text"]),
                            over(rgba(style["background"]), rgba(style["behind"])))
            button.focus()
            assert button.evaluate("b => b.matches(':focus-visible')"), name
            ring = focus_contrast(button.evaluate(BUTTON_STYLE))
            found[name] = {"boundary": round(boundary_contrast(style), 2),
                           "text": round(text, 2), "focus": round(ring, 2)}
            violations = axe_violations(page)
            if violations:
                problems[name] = violations
    finally:
        context.close()
    too_faint = {name: values for name, values in found.items()
                 if values["boundary"] < 3 or values["text"] < 4.5 or values["focus"] < 3}
    assert too_faint == {}, "contrast below 3:1 (boundary, focus) or 4.5:1 (text)"
    assert problems == {}


@pytest.mark.parametrize("name", ["subscribe", "register", "accreditation"])
def test_a_refused_form_focuses_its_summary_which_leads_to_the_field(browser, forms, name):
    """Without script: the summary of the errors takes the focus when the page arrives (a
    screen reader reads it), and its link moves on to the field to correct."""
    base, paths = forms
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    page = context.new_page()
    try:
        page.goto(base + paths[name])
        for field in page.locator("main form input[type=email]").all():
            field.fill("kein-at-zeichen")
        submit_button(page).click()
        page.wait_for_load_state()
        assert page.title().startswith("Fehler: ")
        assert page.evaluate("document.activeElement.id") == "form-errors"
        assert axe_violations(page) == []
        link = page.locator("#form-errors a").first
        target = link.get_attribute("href")
        link.click()
        assert page.evaluate("location.hash") == target
    finally:
        context.close()
