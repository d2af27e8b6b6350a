"""Checking ninjs: whether each property ``from_ninjs`` reads has a JSON type it can use.

What ``from_ninjs`` reads is stated below as a JSON Schema and checked with
jsonschema. It is not the bundled ninjs 2.2 schema, which the export is tested
against: an import also takes ninjs 1.x (Superdesk writes associations and
renditions as objects keyed by name) and properties it does not read.
"""

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from .vocabulary import NAMED_OBJECTS, PUBSTATUSES

_TEXT_PROPERTIES = ("uri", "guid", "title", "headline", "slugline", "language", "pubstatus",
                    "profile", "contentcreated", "firstpublished", "embargoed",
                    "firstcreated", "versioncreated", "body_html", "body_text",
                    "description_text", "description_html")
_VALUE_LISTS = ("headlines", "descriptions", "bodies", "altids")
_NAME_LISTS = ("people", "organisations", "subjects", "subject", "events", "places", "place")
_OBJECT_LISTS = ("genres",)


def _list_of(item, key):
    if key in NAMED_OBJECTS:  # a list, or (ninjs 1.x) an object of items keyed by name
        return {"type": ["array", "object", "null"], "items": item,
                "additionalProperties": item}
    if key == "altids":  # a list, or (ninjs 1.x) an object of values keyed by role
        return {"type": ["array", "object", "null"], "items": item,
                "additionalProperties": {"type": ["string", "null"]}}
    return {"type": ["array", "null"], "items": item}


def _item(*text_properties, **more):
    """An object whose ``text_properties`` are text and ``more`` (name: schema) as given."""
    properties = {name: {"type": "string"} for name in text_properties}
    return {"type": "object", "properties": {**properties, **more}}


# contactinfo of people, organisations and places: read for its values and address.
_CONTACTINFO = {"type": ["array", "null"], "items": _item(
    "type", "value", address={"type": ["object", "null"], "properties": {
        "lines": {"type": ["array", "null"], "items": {"type": "string"}},
        **{key: {"type": "string"} for key in ("postalcode", "locality", "country")}}})}


# Checked in this order; the first property found wrong is reported.
READABLE = {
    "type": "object",
    "properties": {
        **{key: {"type": ["string", "null"]} for key in _TEXT_PROPERTIES},
        **{key: _list_of(_item("value"), key) for key in _VALUE_LISTS},
        **{key: _list_of(_item("literal"), key) for key in _OBJECT_LISTS},
        **{key: _list_of(_item("name", contactinfo=_CONTACTINFO), key) for key in _NAME_LISTS},
        "associations": _list_of(_item(), "associations"),
    },
}
READABLE["properties"]["pubstatus"] = {"enum": [*PUBSTATUSES, None]}
_VALIDATOR = Draft202012Validator(READABLE)


def check_ninjs(data):
    """Raise ``ValueError`` naming the first property whose JSON type ``from_ninjs`` cannot use.

    Stricter than ``from_ninjs``, which skips such values: an importer must not
    store a release whose title was a number as one without a title.
    """
    if not isinstance(data, dict):
        raise ValueError(_("A ninjs document is a JSON object, not %(type)s.")
                         % {"type": _json_type(data)})
    error = next(_VALIDATOR.iter_errors(data), None)
    if error is None:
        _check_unicode(data)
        return
    where = _where(error.absolute_path)
    if error.validator == "enum":  # pubstatus
        raise ValueError(_("pubstatus: %(value)s is not one of %(allowed)s.")
                         % {"value": shorten(error.instance), "allowed": ", ".join(PUBSTATUSES)})
    expected = error.validator_value
    expected = (_("a list") if "array" in expected else _("text") if "string" in expected
                else _("an object"))
    raise ValueError(_("%(where)s: expected %(expected)s, found %(found)s.")
                     % {"where": where, "expected": expected, "found": _json_type(error.instance)})


def _where(path):
    """``people[0].name``: where in the document ``path`` (keys and indexes) leads."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}"
                   for part in path).lstrip(".")


def _check_unicode(value, path=()):
    """Refuse text that is no Unicode: JSON may escape half a UTF-16 pair (\\ud800), which
    no database or page can hold."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(_("%(where)s: the text holds a character that is not Unicode "
                               "(a lone surrogate).") % {"where": _where(path)}) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_unicode(key, path)
            _check_unicode(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_unicode(item, (*path, index))


def _json_type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    return _("an object")


def shorten(value, limit=60):
    """``repr(value)``, cut after ``limit`` characters: a bad value quoted in a message."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"
