"""Slugs from German (and Polish, Czech ...) text.

Django's ``slugify`` drops every letter without an ASCII decomposition, so
"Große" would become "groe" and "Katoła" "katoa". German umlauts are written
out as a German reader expects (ä -> ae), the rest is left to ``slugify``.
"""

from django.utils.text import slugify

_TRANSLITERATION = str.maketrans({
    "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae",
    "+": " plus ",
})


def german_slug(text, max_length=200):
    """A URL slug for ``text``, at most ``max_length`` characters, cut at a word boundary."""
    slug = slugify(str(text).translate(_TRANSLITERATION))
    if len(slug) <= max_length:
        return slug
    return slug[:max_length + 1].rsplit("-", 1)[0] or slug[:max_length]
