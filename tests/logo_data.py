"""Logos to upload in the tests of the site's identity and of organisations' logos."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
XLINK_NS = 'xmlns:xlink="http://www.w3.org/1999/xlink"'
# A plain logo: a shape filled with a gradient, as drawing programs export it.
SAFE_SVG = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<svg {SVG_NS} viewBox="0 0 120 40">'
    '<title>Wappen</title><defs><linearGradient id="g"><stop offset="0" stop-color="#0b5a3c"/>'
    '<stop offset="1" stop-color="#073d29"/></linearGradient></defs>'
    '<style>.a{fill:url(#g)}</style><rect class="a" width="40" height="40"/>'
    '<text x="48" y="26" font-family="Arial">SMR</text></svg>').encode()
SCRIPT_SVG = f'<svg {SVG_NS} viewBox="0 0 10 10"><script>alert(1)</script></svg>'.encode()


def svg_upload(data=SAFE_SVG, name="wappen.svg"):
    return SimpleUploadedFile(name, data, content_type="image/svg+xml")


def png_bytes(size=(60, 30), text=None):
    """A PNG; ``text`` goes into a tEXt chunk, as editing programs write metadata."""
    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Comment", text)
    buffer = io.BytesIO()
    Image.new("RGBA", size, (11, 90, 60, 255)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def png_upload(name="logo.png", **kwargs):
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")
