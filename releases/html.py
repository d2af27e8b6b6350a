"""The one place where rich text is made safe.

Whatever the browser, an importer or an API client sends, rich text is cut
down to this allowlist before it is stored. Templates then render the stored
value as it is and mark nothing else safe.
"""

import html
import re
from urllib.parse import urljoin, urlsplit

import nh3
from django.utils.html import strip_tags

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote", "q", "cite", "a", "abbr",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "hr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Elements whose content is dropped with them, not kept as text.
CLEAN_CONTENT_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "embed",
                      "svg", "math", "textarea", "select", "title", "xmp", "noembed",
                      "noframes", "plaintext"}

_EMPTY_PARAGRAPH = re.compile(r"<p>(\s|&nbsp;|\u00a0|<br>)*</p>")
# Blocks the allowlist has no place for become its nearest blocks before cleaning, so that
# their text stays apart (the editor's source view or a paste can bring any of them): a
# page's heading is the text's first-level heading (h2), a box of text a paragraph.
_BLOCK_AS = [(re.compile(r"<(/?)h1\b", re.IGNORECASE), r"<\1h2"),
             (re.compile(r"<(/?)h[56]\b", re.IGNORECASE), r"<\1h4"),
             (re.compile(r"<(/?)(?:div|section|article|header|footer|main|aside|address|"
                         r"center|figure|figcaption|details|summary|dl|dt|dd|pre)\b",
                         re.IGNORECASE), r"<\1p")]


def clean_html(value):
    """Return ``value`` reduced to the allowlist: no script, handlers, styles or odd URLs."""
    if not value:
        return ""
    value = str(value)
    for pattern, replacement in _BLOCK_AS:
        value = pattern.sub(replacement, value)
    cleaned = nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return _EMPTY_PARAGRAPH.sub("", cleaned).strip()


# The address of a link in cleaned rich text, whose attribute values are double-quoted
# (a ">" may stand inside one).
_LINK = re.compile(r'(<a\s(?:[^>"]|"[^"]*")*?\bhref=")([^"]*)(")')


def absolute_links(value, base):
    """Cleaned rich text with each relative link made absolute against ``base``: for
    text read away from its page (a feed reader resolves against the feed)."""

    def absolute(match):
        address = html.unescape(match[2])
        if urlsplit(address).scheme:
            return match[0]
        return f"{match[1]}{html.escape(urljoin(base, address))}{match[3]}"

    return _LINK.sub(absolute, value) if value and "href=" in value else value


def html_to_text(value):
    """Plain text of stored rich text, entities resolved ("&amp;" is "&"), for teasers,
    snippets, feeds, calendars, e-mails and search."""
    return html.unescape(markup_text(value))


def markup_text(value):
    """The text of stored rich text as it stands in the markup, entities unresolved: what
    the identities of imported documents were computed from, which must not change."""
    text = re.sub(r"</(p|h[2-4]|li|blockquote|tr)>", "\n", value or "")
    text = strip_tags(re.sub(r"</t[dh]>", " ", text))  # table cells apart
    return re.sub(r"[ \t\r\f\v]+", " ", text).strip()
