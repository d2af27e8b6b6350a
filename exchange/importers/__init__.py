"""Turning documents into releases.

Each reader produces the intermediate structure of ``ninjs.from_ninjs``
(documents through :class:`ParsedRelease`); one function
(``store.store_release``) writes it, so every format is saved the same way.
``run.Importer`` walks files and folders and reports per item.
"""

from .document import ParsedRelease, parse_document, parse_file
from .errors import DocumentError

__all__ = ["DocumentError", "ParsedRelease", "parse_document", "parse_file"]
