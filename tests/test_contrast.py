"""The public site's colours meet WCAG 2.1 AA: text has a contrast ratio of 4.5:1 at least.

The colours are read from static/css/site.css as the browser would resolve them (its
palette is custom properties on :root). Checked are every rule that sets a text colour
and a background together, and the text of one rule on the background of another where
the page puts one inside the other (PAIRS). Print styles are left out: black on white.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

CSS = Path(settings.BASE_DIR) / "static" / "css" / "site.css"
AA_NORMAL_TEXT = 4.5
# (text of this rule, on the background of that rule): the page's nesting.
PAIRS = [
    ("body", "body"),                    # text on the page
    ("a", "body"),
    ("a:hover", "body"),
    (".meta", "body"),                   # muted text: dates, notes, credits
    (".badge", "body"),                  # warnings: cancelled
    (".errorlist", "body"),
    ("body", ".notice"),                 # notices, corrections
    ("a", ".notice"),
    ("body", ".site-footer"),            # the footer: the issuing body's address
    ("a", ".site-footer"),
    (".brand", ".site-header"),          # the site's name in the header
    (".site-header", ".site-header"),    # the search label
    (".site-nav a", ".site-nav"),
    (".search-form button", ".search-form button:hover"),
    ("button", "button:hover"),
    ("body", "mark"),                    # search hits
]


def without_blocks(text, at_rule):
    """``text`` without the blocks of ``at_rule`` (e.g. "@media print"), braces matched."""
    while (start := text.find(at_rule)) != -1:
        depth, position = 0, text.index("{", start)
        while True:
            depth += {"{": 1, "}": -1}.get(text[position], 0)
            position += 1
            if depth == 0:
                break
        text = text[:start] + text[position:]
    return text


def rules():
    """(selector, declarations) of every screen rule, in order, selector lists split."""
    text = re.sub(r"/\*.*?\*/", "", CSS.read_text(encoding="utf-8"), flags=re.S)
    text = without_blocks(text, "@media print")
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        declarations = dict(
            (name.strip(), value.strip()) for name, _, value in
            (part.partition(":") for part in body.split(";") if ":" in part))
        for selector in selectors.split(","):
            yield " ".join(selector.split()), declarations


def palette():
    return {name: value for selector, declarations in rules() if selector == ":root"
            for name, value in declarations.items() if name.startswith("--")}


def colour(value, variables):
    """The hex colour a declaration's value comes to, or None (none, inherit, ...)."""
    value = re.sub(r"var\((--[\w-]+)\)", lambda match: variables[match.group(1)], value)
    match = re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", value.split()[0] if value else "")
    if not match:
        return None
    digits = match.group(1)
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits).lower()


def luminance(hex_colour):
    """Relative luminance (WCAG 2.1)."""
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(first, second):
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def declared(selector, prop):
    """The colour ``prop`` (color or background) the last rule for ``selector`` gives."""
    variables = palette()
    names = ("background", "background-color") if prop == "background" else ("color",)
    found = [colour(declarations[name], variables) for rule, declarations in rules()
             if rule == selector for name in names if name in declarations]
    found = [value for value in found if value]
    assert found, f"site.css gives {selector} no {prop}"
    return found[-1]


def rules_with_text_and_background():
    variables = palette()
    for selector, declarations in rules():
        text = colour(declarations.get("color", ""), variables)
        background = colour(declarations.get("background", declarations.get(
            "background-color", "")), variables)
        if text and background:
            yield selector, text, background


def test_luminance_and_contrast_are_those_of_wcag():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#0b5a3c", "#0b5a3c") == 1


def test_the_palette_is_defined_as_custom_properties():
    assert {"--text", "--muted", "--accent", "--accent-dark", "--tint", "--warning"} <= set(
        palette())


def test_the_parser_finds_the_rules_that_set_both():
    found = {selector for selector, _, _ in rules_with_text_and_background()}
    assert {"button", ".site-header", "a:focus-visible"} <= found


@pytest.mark.parametrize("selector, text, background", list(rules_with_text_and_background()))
def test_rule_with_text_and_background_meets_aa(selector, text, background):
    assert contrast(text, background) >= AA_NORMAL_TEXT, (selector, text, background)


@pytest.mark.parametrize("text_of, background_of", PAIRS)
def test_text_on_the_background_it_sits_on_meets_aa(text_of, background_of):
    text, background = declared(text_of, "color"), declared(background_of, "background")
    assert contrast(text, background) >= AA_NORMAL_TEXT, (text_of, text, background)
