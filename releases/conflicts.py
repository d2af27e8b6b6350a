"""A save refused because someone else saved in the meantime: what they changed, and
taking both changes.

The form knows the version the editor loaded (``expected_version``). Its stored
revision is the base of a three-way merge (releases/merge.py) with what the editor
submitted and what is stored now. Only the release's own fields and its links are
merged; images, attachments and people are shown when the other person changed them,
but not merged.
"""

import re
from dataclasses import dataclass

from django import forms

from . import revisions
from .editing import display_name
from .html import clean_html
from .merge import merge

MERGED_FIELDS = (*revisions.CONTENT_FIELDS, *revisions.CONTENT_M2M)
# A conflict is about the last few saves; older versions are not searched for the base.
SEARCHED_VERSIONS = 50
BASE_FIELD = "merge_base"
TAKE_BOTH = "_take_both"
_BETWEEN_TAGS = re.compile(r">\s+<")


@dataclass
class OtherChange:
    """What the other person's save changed since the editor loaded the form."""

    saved_by: str
    saved_at: object
    changes: list  # revisions.differences(base, stored), with "is_conflict" and "is_taken"
    conflicts: list  # labels of fields both changed
    base_version: int

    @property
    def can_take_both(self):
        return any(change["is_taken"] for change in self.changes)


def comparable(name, value):
    """What counts as a change: rich text without the editor's formatting whitespace."""
    if value is None:
        return ""
    if name == "body":
        return _BETWEEN_TAGS.sub("><", clean_html(value)).strip()
    return value


def base_values(release, version_number):
    """The release's content as it was at ``version_number``, or None if not kept."""
    if version_number is None:
        return None
    for version in revisions.versions_of(release).order_by("-pk")[:SEARCHED_VERSIONS]:
        number = version.field_dict.get("version")
        if number == version_number:
            return revisions.values_of_version(version)
        if number is not None and number < version_number:
            break
    return None


def base_version(form):
    """The version the editor's text is based on: the one they first loaded, kept
    through refused saves in BASE_FIELD."""
    try:
        return int(form.data.get(form.add_prefix(BASE_FIELD)) or "")
    except ValueError:
        return form.cleaned_data.get("expected_version")


def _mine(cleaned_data):
    values = revisions.values_of_form(cleaned_data, {})
    return {name: values[name] for name in MERGED_FIELDS if name in values}


def _merged(release, cleaned_data, version_number):
    base = base_values(release, version_number)
    if base is None:
        return None, None, None
    stored = revisions.values_of_release(release)
    return base, stored, merge(base, _mine(cleaned_data), stored, key=comparable)


def other_change(release, cleaned_data, version_number):
    """What was saved on top of ``version_number``, or None when that version is unknown."""
    base, stored, result = _merged(release, cleaned_data, version_number)
    if result is None:
        return None
    changes = revisions.differences(base, stored)
    for change in changes:
        change["is_conflict"] = change["name"] in result.conflicts
        change["is_taken"] = change["name"] in result.taken
    return OtherChange(
        saved_by=display_name(release.updated_by) if release.updated_by else "",
        saved_at=release.updated_at, changes=changes,
        conflicts=[revisions.label(name) for name in result.conflicts],
        base_version=version_number)


def take_both(form, version_number):
    """Put the other change's fields into ``form`` where only they changed; return the
    Merge (its ``conflicts`` keep the editor's value), or None without a base."""
    release = form.instance
    _base, _stored, result = _merged(release, form.cleaned_data, version_number)
    if result is None:
        return None
    data = form.data.copy()
    for name in result.taken:
        field = form.fields[name]
        if name in revisions.CONTENT_M2M:
            value = list(getattr(release, name).all())
        else:
            value = getattr(release, name)
        form.cleaned_data[name] = value
        _put(data, form.add_prefix(name), field, value)
    form.data = data
    return result


def _put(data, key, field, value):
    """``value`` into form data as the field's widget reads it back."""
    widget = field.widget
    widget = getattr(widget, "widget", widget)  # the admin's related-object wrapper
    prepared = field.prepare_value(value)
    if isinstance(widget, forms.MultiWidget):
        for name, part, subwidget in zip(widget.widgets_names, widget.decompress(value),
                                         widget.widgets, strict=True):
            data[key + name] = subwidget.format_value(part) or ""
    elif isinstance(prepared, list | tuple):
        data.setlist(key, [str(item) for item in prepared])
    else:
        data[key] = "" if prepared is None else str(prepared)
