"""Checking ninjs: whether each property ``from_ninjs`` reads has a JSON type it can use."""

from django.utils.translation import gettext as _

from .vocabulary import NAMED_OBJECTS, PUBSTATUSES

# What from_ninjs reads, by JSON type. from_ninjs itself skips what it cannot
# use; an importer calls check_ninjs first so that a wrong type is an error.
_TEXT_PROPERTIES = ("uri", "guid", "title", "headline", "slugline", "language", "pubstatus",
                    "profile", "contentcreated", "firstpublished", "embargoed",
                    "firstcreated", "versioncreated", "body_html", "body_text",
                    "description_text", "description_html")
_LIST_PROPERTIES = ("headlines", "descriptions", "bodies", "altids", "genres", "people",
                    "organisations", "subjects", "subject", "events", "places", "place",
                    "associations")
_VALUE_LISTS = ("headlines", "descriptions", "bodies", "altids")
_NAME_LISTS = ("people", "organisations", "subjects", "subject", "events", "places", "place")


def check_ninjs(data):
    """Raise ``ValueError`` naming the first property whose JSON type ``from_ninjs`` cannot use.

    Stricter than ``from_ninjs``, which skips such values: an importer must not
    store a release whose title was a number as one without a title.
    """
    if not isinstance(data, dict):
        raise ValueError(_("A ninjs document is a JSON object, not %(type)s.")
                         % {"type": _json_type(data)})
    for key in _TEXT_PROPERTIES:
        if data.get(key) is not None and not isinstance(data[key], str):
            raise _wrong_type(key, "text", data[key])
    pubstatus = data.get("pubstatus")
    if pubstatus is not None and pubstatus not in PUBSTATUSES:
        raise ValueError(_("pubstatus: %(value)s is not one of %(allowed)s.")
                         % {"value": shorten(pubstatus), "allowed": ", ".join(PUBSTATUSES)})
    for key in _LIST_PROPERTIES:
        value = data.get(key)
        if value is None:
            continue
        if key in NAMED_OBJECTS and isinstance(value, dict):
            value = list(value.values())
        if not isinstance(value, list):
            raise _wrong_type(key, "list", value)
        for index, item in enumerate(value):
            where = f"{key}[{index}]"
            if not isinstance(item, dict):
                raise _wrong_type(where, "object", item)
            if key in _VALUE_LISTS and not isinstance(item.get("value", ""), str):
                raise _wrong_type(f"{where}.value", "text", item["value"])
            if key in _NAME_LISTS and not isinstance(item.get("name", ""), str):
                raise _wrong_type(f"{where}.name", "text", item["name"])


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


def _wrong_type(where, expected, value):
    expected = {"text": _("text"), "list": _("a list"), "object": _("an object")}[expected]
    return ValueError(_("%(where)s: expected %(expected)s, found %(found)s.")
                      % {"where": where, "expected": expected, "found": _json_type(value)})


def shorten(value, limit=60):
    """``repr(value)``, cut after ``limit`` characters: a bad value quoted in a message."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"

