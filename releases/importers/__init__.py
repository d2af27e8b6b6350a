"""Turning documents into releases.

Each format has a parser that produces a :class:`ParsedRelease`; one function
(``store.store_release``) turns that into rows, so every format is saved the
same way.
"""

from .document import DocumentError, ParsedRelease, parse_document, parse_file

__all__ = ["DocumentError", "ParsedRelease", "parse_document", "parse_file"]
