"""Versions of a release (django-reversion) and readable differences between two of them.

Every save of a release through releases.services keeps a revision: the release's
own fields and, followed, its images, attachments and people. A difference is
computed on plain text, field by field, and returned as data; templates render it
escaped, so hostile content in a version stays inert. Each difference also comes
word by word (``words``): the text as it reads, paragraphs kept, bold and italics
shown, removed words in <del>, added ones in <ins>. That HTML is built here from
escaped text and a fixed set of tags, never from the stored markup.
"""

import difflib
import re
from html.parser import HTMLParser

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import models
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from reversion.models import Version

from .html import html_to_text
from .models import Release, ReleaseAttachment, ReleaseImage, ReleasePerson

FOLLOW = ("images", "attachments", "release_people")
FOLLOWED_MODELS = {"images": ReleaseImage, "attachments": ReleaseAttachment,
                   "release_people": ReleasePerson}

# What an editor writes: the fields the change form edits, a revision restores and a
# difference compares. Everything else (status, times, number, approval, version) is
# the workflow's and changes only through its operations.
CONTENT_FIELDS = ("kind", "organisation", "title", "subtitle", "slug", "teaser", "body",
                  "embargo_until", "change_note")
CONTENT_M2M = ("contacts", "topics", "events", "delegations", "related")


def register():
    for model in FOLLOWED_MODELS.values():
        if not reversion.is_registered(model):
            reversion.register(model)
    if not reversion.is_registered(Release):
        # The search vector is derived from the rest and rebuilt on every save.
        reversion.register(Release, follow=FOLLOW, exclude=["search_vector", "heading_vector"])


register()


def versions_of(release):
    """The release's versions, oldest first."""
    return (Version.objects.get_for_object(release)
            .select_related("revision", "revision__user").order_by("pk"))


# Values: {name: raw value}, the same shape from a stored version, a live release
# or a submitted form, so that any two can be compared.

def stored_rows(version, name):
    """The rows of ``name`` (images, attachments, release_people) as ``version`` kept them:
    unsaved instances, in their order."""
    model = FOLLOWED_MODELS[name]
    rows = []
    for other in version.revision.version_set.all():
        if ContentType.objects.get_for_id(other.content_type_id).model_class() is not model:
            continue
        for item in serializers.deserialize(other.format, other.serialized_data,
                                            ignorenonexistent=True):
            if str(item.object.release_id) == str(version.object_id):
                rows.append(item.object)
    return sorted(rows, key=lambda row: (row.order, row.pk))


def values_of_version(version):
    """Content values of a stored version of a release, with its followed rows."""
    fields = version.field_dict
    values = {}
    for name in CONTENT_FIELDS:
        field = Release._meta.get_field(name)
        values[name] = fields.get(field.attname)
    for name in CONTENT_M2M:
        values[name] = sorted(int(pk) for pk in fields.get(name, []) or [])
    for name in FOLLOWED_MODELS:
        values[name] = _describe_rows(name, stored_rows(version, name))
    return values


def values_of_release(release):
    """Content values of the release as stored now."""
    values = {name: getattr(release, Release._meta.get_field(name).attname)
              for name in CONTENT_FIELDS}
    for name in CONTENT_M2M:
        values[name] = sorted(getattr(release, name).values_list("pk", flat=True))
    for name in FOLLOWED_MODELS:
        values[name] = _describe_rows(name, getattr(release, name).all())
    return values


def values_of_form(cleaned_data, stored):
    """What an editor submitted, on top of ``stored`` for whatever the form lacks."""
    values = dict(stored)
    for name in CONTENT_FIELDS:
        if name in cleaned_data:
            value = cleaned_data[name]
            values[name] = value.pk if isinstance(value, models.Model) else value
    for name in CONTENT_M2M:
        if name in cleaned_data and cleaned_data[name] is not None:
            values[name] = sorted(item.pk for item in cleaned_data[name])
    return values


def _describe_rows(name, rows):
    if name == "images":
        return [f"{row.image.name} – {row.alt_text} – {row.caption} – {row.credit}"
                for row in rows]
    if name == "attachments":
        return [f"{row.title} ({row.file.name})" for row in rows]
    return [f"{row.person}{', ' + row.role if row.role else ''}"
            f"{' (' + _('quoted') + ')' if row.is_quoted else ''}" for row in rows]


def _lines(name, value):
    """A value as lines of plain text, for display and comparison."""
    if value in (None, "", []):
        return []
    if name == "body":
        return [line for line in html_to_text(value).splitlines() if line.strip()]
    if name == "kind":
        return [str(Release.Kind(value).label) if value in Release.Kind.values else value]
    if name == "embargo_until":
        return [timezone.localtime(value).strftime("%d.%m.%Y %H:%M")]
    if name in CONTENT_M2M or name == "organisation":
        model = Release._meta.get_field(name).related_model
        pks = value if isinstance(value, list) else [value]
        found = {row.pk: str(row) for row in model.objects.filter(pk__in=pks)}
        return [found.get(pk, f"#{pk}") for pk in pks]
    if isinstance(value, list):
        return [str(item) for item in value]
    return str(value).splitlines() or [""]


def label(name):
    if name in FOLLOWED_MODELS:
        return str(FOLLOWED_MODELS[name]._meta.verbose_name_plural)
    return str(Release._meta.get_field(name).verbose_name)


def differences(old, new):
    """Changed fields between two value dicts: [{"name", "label", "lines", "words"}].

    ``lines`` are (kind, text) with kind "removed", "added" or "same", from a
    line diff of the plain text; ``words`` is the word difference as safe HTML
    (word_difference); unchanged fields are left out.
    """
    changes = []
    for name in (*CONTENT_FIELDS, *CONTENT_M2M, *FOLLOWED_MODELS):
        if name not in old and name not in new:
            continue
        before, after = _lines(name, old.get(name)), _lines(name, new.get(name))
        words_before = _words(name, old.get(name), before)
        words_after = _words(name, new.get(name), after)
        # Bold or italics changed in the same words is a change too.
        if before == after and words_before == words_after:
            continue
        lines = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
                a=before, b=after, autojunk=False).get_opcodes():
            if tag == "equal":
                lines += [("same", line) for line in before[i1:i2]]
                continue
            lines += [("removed", line) for line in before[i1:i2]]
            lines += [("added", line) for line in after[j1:j2]]
        changes.append({"name": name, "label": label(name), "lines": lines,
                        "words": word_difference(words_before, words_after)})
    return changes


# Word by word -------------------------------------------------------------------------------

# Formatting shown in a word difference: the stored tag -> the tag shown.
FORMATS = {"strong": "strong", "b": "strong", "em": "em", "i": "em", "u": "u", "s": "s",
           "sub": "sub", "sup": "sup", "h2": "strong", "h3": "strong", "h4": "strong"}
BLOCKS = {"p", "h2", "h3", "h4", "li", "blockquote", "tr", "caption", "br", "hr", "ul",
          "ol", "table"}
# A paragraph break, as a token of its own: paragraphs are compared like words.
BREAK = ("\n", (), False)
_WORD = re.compile(r"\w+|[^\w\s]+")


class _Tokens(HTMLParser):
    """Sanitised rich text as tokens (word, formats, joined to the previous word)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens, self.open, self.joined = [], [], False

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.brk()
        if tag in FORMATS:
            self.open.append(FORMATS[tag])

    def handle_endtag(self, tag):
        if tag in FORMATS and FORMATS[tag] in self.open:
            self.open.reverse()
            self.open.remove(FORMATS[tag])
            self.open.reverse()
        if tag in BLOCKS:
            self.brk()

    def handle_data(self, data):
        self.tokens += _split(data, tuple(sorted(set(self.open))),
                              self.joined and not data[:1].isspace())
        self.joined = bool(data) and not data[-1:].isspace()

    def brk(self):
        if self.tokens and self.tokens[-1] is not BREAK:
            self.tokens.append(BREAK)
        self.joined = False


def _split(text, formats=(), joined=False):
    """Tokens of ``text``: words, and punctuation apart from them ("Oktober", ".")."""
    tokens = []
    # str.split() splits at every kind of space, the non-breaking one (&nbsp;) too.
    for chunk in text.split():
        for index, word in enumerate(_WORD.findall(chunk)):
            tokens.append((word, formats, index > 0 or joined))
        joined = False
    return tokens


def _words(name, value, lines):
    """A value as tokens for a word difference: rich text with its formatting, anything
    else from its ``lines``."""
    if name == "body":
        parser = _Tokens()
        parser.feed(value or "")
        parser.close()
        tokens = parser.tokens
    else:
        tokens = []
        for line in lines:
            tokens += [*_split(line), BREAK]
    while tokens and tokens[-1] is BREAK:
        tokens.pop()
    return tokens


def _render(kind, tokens, first):
    """Escaped words with their formatting, in <del> or <ins> for a change."""
    html = []
    for index, (word, formats, joined) in enumerate(tokens):
        piece = escape(word)
        for name in reversed(formats):
            piece = f"<{name}>{piece}</{name}>"
        html.append(("" if joined or (first and index == 0) else " ") + piece)
    text = "".join(html)
    if kind == "same" or not text:
        return text
    space = " " if text.startswith(" ") else ""
    tag = "del" if kind == "removed" else "ins"
    return f"{space}<{tag}>{text.lstrip(' ')}</{tag}>"


def word_difference(before, after):
    """The word difference of two token lists as HTML paragraphs (safe: built from
    escaped words and a fixed set of tags)."""
    compared = [(word, formats) for word, formats, _joined in before], [
        (word, formats) for word, formats, _joined in after]
    paragraphs, current = [], []

    def add(kind, tokens):
        run = []
        for token in tokens:
            if token is BREAK or token[0] == "\n":
                if run:
                    current.append(_render(kind, run, not current))
                    run = []
                if kind == "removed":
                    current.append("<del>¶</del>")
                elif current:
                    paragraphs.append(current.copy())
                    current.clear()
            else:
                run.append(token)
        if run:
            current.append(_render(kind, run, not current))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
            a=compared[0], b=compared[1], autojunk=False).get_opcodes():
        if tag == "equal":
            add("same", after[j1:j2])
        else:
            add("removed", before[i1:i2])
            add("added", after[j1:j2])
    if current:
        paragraphs.append(current)
    return mark_safe("".join(f"<p>{''.join(parts).strip()}</p>" for parts in paragraphs))
