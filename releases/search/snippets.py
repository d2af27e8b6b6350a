"""Snippets cut in Python: on SQLite, and for a page of results without a query."""

import re
from collections import deque
from itertools import islice

from django.utils.html import escape

from .text import (
    _WORD,
    MIN_COMPOUND_CHARS,
    MIN_PREFIX_CHARS,
    SNIPPET_HTML_CHARS,
    SNIPPET_SOURCE_CHARS,
    SNIPPET_WORDS,
    _fold_word,
    _normalise_word,
    _plain,
    is_compound_part,
    normalise,
)

_SENTENCE_ENDS = (".", "!", "?", ":", ";", "…", "–", "—", '"', "“", "”", "»", "«", ")")

_PARTIAL_TAG = re.compile(r"<[^>]*\Z")


def _snippet_source(release):
    body = release.body or ""
    if len(body) > SNIPPET_HTML_CHARS:
        body = _PARTIAL_TAG.sub("", body[:SNIPPET_HTML_CHARS])  # no tag cut in two
    parts = [part.strip() for part in (release.subtitle, release.teaser, _plain(body))
             if part and part.strip()]
    # A line break reads as a space in a snippet: a subtitle without a full stop would
    # run on into the text as if one sentence.
    ended = [part if part.endswith(_SENTENCE_ENDS) else f"{part} –" for part in parts[:-1]]
    return "\n".join(ended + parts[-1:])[:SNIPPET_SOURCE_CHARS]


def _python_snippet(text, query):
    """Escaped text around the first match, each word that a query word matches marked:
    the word itself, a longer word it begins, or a compound it is a part of ("Eu" marks
    no "Euro", "E-Mobilität" no word with an "e" in it)."""
    needles = {normalise(word) for word in query.words}
    found = {}  # word -> whether it matches: a text repeats its words

    def matches(token):
        word = token.group()
        if word not in found:
            # As written, and without its umlauts ("Gorlitz" marks "Görlitz").
            forms = {_normalise_word(word), _fold_word(word)}
            found[word] = any(
                needle == form
                or (len(needle) >= MIN_PREFIX_CHARS and form.startswith(needle))
                or (len(needle) >= MIN_COMPOUND_CHARS and is_compound_part(needle, form))
                for needle in needles for form in forms)
        return found[word]

    # Read up to the first match and the window after it, not the whole text.
    tokens = _WORD.finditer(text)
    before = deque(maxlen=5)
    for token in tokens:
        if matches(token):
            window = [*before, token, *islice(tokens, SNIPPET_WORDS - len(before) - 1)]
            break
        before.append(token)
    else:
        window = list(islice(_WORD.finditer(text), SNIPPET_WORDS))
    marked = {token.start() for token in window if matches(token)}
    if not window:
        return escape(text)
    start, end = window[0].start(), window[-1].end()
    pieces = ["… " if start > 0 else ""]
    position = start
    for token in window:
        if token.start() in marked:
            pieces += [escape(text[position:token.start()]), "<mark>",
                       escape(token.group()), "</mark>"]
            position = token.end()
    if not _WORD.search(text, end):  # only punctuation left: show it, no ellipsis
        end = len(text.rstrip())
    pieces += [escape(text[position:end]), " …" if end < len(text.rstrip()) else ""]
    return "".join(pieces)
