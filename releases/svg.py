"""SVG logos: accepted only when nothing in them can run or load anything.

An SVG file is a document, not a picture: it may hold scripts, event handlers,
HTML inside <foreignObject>, links, animations that rewrite links, and
references to other files and addresses. A logo needs none of that, so
``check_svg`` accepts a file only when

* it parses as XML without entity declarations or external entities
  (defusedxml), and its root element is SVG's <svg>;
* every element is one of SVG's drawing elements (shapes, text, gradients,
  clipping, masks, filters, <style>, <use>), or metadata that editing
  programs write and browsers ignore (Inkscape, Sodipodi, RDF, Dublin Core);
* no attribute is an event handler (``on...``);
* every reference (``href``, ``xlink:href``, CSS ``url(...)`` and the other
  functions that load images) points inside the file (``#id``), CSS imports
  nothing and has no escapes (which could spell ``url``), no value holds a
  ``javascript:`` address, and no processing instruction (``<?xml-stylesheet?>``)
  loads a style sheet;
* no <use> shows an element that itself holds a <use> (nested copies multiply: a
  few kilobytes of them keep a browser busy for minutes).

Nothing is rewritten: a file that passes is stored as uploaded, one that fails
is refused with a message saying what it contains.
"""

import io
import re

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
XLINK_NAMESPACE = "http://www.w3.org/1999/xlink"
# What a logo may be drawn with. Not: script, foreignObject, a, image, feImage, iframe,
# video, audio, animate, set and the other animation elements (they can rewrite links).
DRAWING_ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "switch", "style",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
    "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
    "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight",
    "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR",
    "feGaussianBlur", "feMerge", "feMergeNode", "feMorphology", "feOffset",
    "fePointLight", "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
}
# Namespaces of the metadata editing programs write; browsers render none of it.
METADATA_NAMESPACES = {
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://creativecommons.org/ns#",
    "http://web.resource.org/cc/",
}
HREF_ATTRIBUTES = {"href", f"{{{XLINK_NAMESPACE}}}href"}
# CSS that may load something: a url() (or another function that loads an image) not
# pointing to an element of the file, an @import, or an escape, which could spell either.
_EXTERNAL_CSS = re.compile(
    r"(?:url|src|image|image-set|-webkit-image-set|cross-fade)\s*\(\s*(?![\s'\"]*#)"
    r"|@import|\\", re.IGNORECASE)
# A scheme that runs code, wherever it appears (after the WHATWG URL parser's leniency).
_SCRIPT_SCHEME = re.compile(r"(?:java|vb)\s*script\s*:", re.IGNORECASE)
MAX_SVG_BYTES = 1024 * 1024


def unsafe(message, **values):
    return ValidationError(
        _("The SVG file cannot be used as a logo: %(problem)s Please save it as plain SVG "
          "without scripts, links or embedded files.") % {"problem": message % values},
        code="svg_unsafe")


def invalid_svg():
    return ValidationError(_("The file is not a valid SVG image."), code="svg_invalid")


def _local(name):
    return name.rpartition("}")[2]


def _namespace(name):
    return name[1:].partition("}")[0] if name.startswith("{") else ""


def _check_element(element):
    name, namespace = _local(element.tag), _namespace(element.tag)
    if namespace == SVG_NAMESPACE:
        if name not in DRAWING_ELEMENTS:
            raise unsafe(_("it contains the element <%(element)s>."), element=name)
    elif namespace not in METADATA_NAMESPACES:
        raise unsafe(_("it contains the element <%(element)s>."), element=name)
    for attribute, value in element.attrib.items():
        local = _local(attribute)
        if local.lower().startswith("on"):
            raise unsafe(_("it contains the event handler %(attribute)s, which runs a "
                           "script."), attribute=local)
        if attribute in HREF_ATTRIBUTES and not value.strip().startswith("#"):
            raise unsafe(_("it refers to another file or address (%(reference)s)."),
                         reference=value.strip()[:80])
        if _EXTERNAL_CSS.search(value) or _SCRIPT_SCHEME.search(value):
            raise unsafe(_("it refers to another file or address (%(reference)s)."),
                         reference=value.strip()[:80])


def _check_style(element):
    # A browser reads all the text inside <style>, also that after an element in it.
    text = "".join(element.itertext())
    if _EXTERNAL_CSS.search(text) or _SCRIPT_SCHEME.search(text):
        raise unsafe(_("its style sheet loads another file or address."))


def _check_uses(root):
    """Refuse a <use> of an element that holds a <use> (or is one)."""
    use = f"{{{SVG_NAMESPACE}}}use"
    nesting = {element.get("id") for element in root.iter()
               if element.get("id") and any(True for _ in element.iter(use))}
    for element in root.iter(use):
        reference = next((element.get(name) for name in HREF_ATTRIBUTES if element.get(name)),
                         "")
        if reference.strip().lstrip("#") in nesting:
            raise unsafe(_("it shows copies of copies (<use> of an element holding <use>)."))


def _pi_target(item):
    """The name of a processing instruction, e.g. "xml-stylesheet"."""
    return (item.text or "").split(" ", 1)[0][:40] or "?"


def check_svg(data):
    """Raise ValidationError unless the bytes ``data`` are an SVG safe to show as a logo."""
    if len(data) > MAX_SVG_BYTES:
        raise ValidationError(
            _("The SVG file is too large. A logo may be at most %(limit)d KB.")
            % {"limit": MAX_SVG_BYTES // 1024}, code="too_large")
    root = None
    try:
        # A <style> is checked when it ends: only then does it hold its text.
        for event, item in iterparse(io.BytesIO(data), events=("start", "end", "pi")):
            if event == "pi":
                raise unsafe(_("it contains a processing instruction (%(instruction)s)."),
                             instruction=_pi_target(item))
            if event == "start":
                if root is None:
                    if item.tag != f"{{{SVG_NAMESPACE}}}svg":
                        raise invalid_svg()
                    root = item
                _check_element(item)
            elif item.tag == f"{{{SVG_NAMESPACE}}}style":
                _check_style(item)
    except DefusedXmlException as error:
        raise unsafe(_("it declares entities or loads external definitions.")) from error
    except (ParseError, ValueError, UnicodeError) as error:
        raise invalid_svg() from error
    if root is None:
        raise invalid_svg()
    _check_uses(root)
