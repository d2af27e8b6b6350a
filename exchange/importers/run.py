"""An import run: files and folders in, one report out.

Readers turn each file into items (one per document, JSON object, array
element or JSON Lines line); each item is checked and stored on its own
(``store.store_release``, one transaction per item), so a broken item or file
is reported with its name and reason while the others are imported, and a run
that was interrupted can simply be repeated. A dry run does the same inside
one transaction that is rolled back at the end.
"""

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from ..ninjs.check import check_ninjs
from ..ninjs.read import from_ninjs
from .document import DOCUMENT_SUFFIXES, parse_file, sidecar_path
from .errors import DocumentError
from .lookups import Lookups
from .store import store_release

JSON_SUFFIXES = (".json",)
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
SUPPORTED_SUFFIXES = DOCUMENT_SUFFIXES + JSON_SUFFIXES + JSON_LINES_SUFFIXES
FAILED, SKIPPED, NOTE, PROGRESS = "failed", "skipped", "note", "progress"
_NINJS_KEYS = ("uri", "headlines", "title", "bodies", "type", "pubstatus")


@dataclass
class Report:
    """What a run did: per item outcomes, row counts, problems and new organisations."""

    items: Counter = field(default_factory=Counter)
    rows: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    new_organisations: list = field(default_factory=list)
    skipped_files: int = 0
    files: int = 0

    @property
    def failed(self):
        return len(self.failures)


class Importer:
    """Import files and folders; ``on_event(event, label, detail)`` hears about every item.

    ``default_organisation`` (an Organisation) issues the items that name none.
    Events: ``created``, ``updated``, ``unchanged`` (detail: the release
    title), ``failed`` and ``skipped`` (detail: the reason; a skipped item, an older
    version than the release, counts as unchanged), ``note`` (detail:
    a remark on an imported item) and ``progress`` (detail: items so far,
    every ``progress_every`` items).
    """

    def __init__(self, *, publish=False, strict=False, dry_run=False, on_event=None,
                 progress_every=1000, counts=None, default_organisation=None):
        self.publish = publish
        self.strict = strict
        self.default_organisation = default_organisation
        self.dry_run = dry_run
        self.on_event = on_event or (lambda event, label, detail: None)
        self.progress_every = progress_every
        self.report = Report(rows=counts if counts is not None else Counter())
        self.lookups = Lookups()
        # Releases this run numbered automatically: a number a later item carries wins.
        self.numbered_here = set()

    def run(self, paths, identity_for=None):
        """Import every path (files, or folders walked for supported files); return the report."""
        if not self.dry_run:
            self._run(paths, identity_for)
            return self.report
        with transaction.atomic():
            self._run(paths, identity_for)
            transaction.set_rollback(True)
        return self.report

    def _run(self, paths, identity_for):
        for path in paths:
            path = Path(path)
            if path.is_dir():
                for file in _walk(path):
                    self.import_file(file, identity_for)
            elif path.exists():
                self.import_file(path, identity_for)
            else:
                self.fail(str(path), _("No such file or folder."))

    def import_file(self, path, identity_for=None):
        label = str(path)
        suffix = path.suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            self.skip(label, _("unsupported file type %(suffix)s (supported: %(supported)s)")
                      % {"suffix": suffix or "–", "supported": " ".join(SUPPORTED_SUFFIXES)})
            return
        if suffix in JSON_SUFFIXES and _document_beside(path):
            self.skip(label, _("the metadata file of %(name)s")
                      % {"name": _document_beside(path).name})
            return
        self.report.files += 1
        identity = identity_for(path) if identity_for else None
        try:
            for item_label, values, notes in _items(path, label):
                self.store(item_label, values, notes, identity)
        except Exception as error:  # whatever a reader meets, the other files go on
            self.fail(label, _reason(error))

    def store(self, label, values, notes=(), identity=None):
        if isinstance(values, Exception):
            self.fail(label, _reason(values))
            return
        try:
            stored = store_release(values, identity=identity, publish=self.publish,
                                   strict=self.strict, counts=self.report.rows,
                                   lookups=self.lookups,
                                   default_organisation=self.default_organisation,
                                   renumberable=self.numbered_here)
        except Exception as error:  # one bad item must not end the run
            # The item's transaction was rolled back: rows remembered by name may be gone.
            self.lookups.reset()
            self.fail(label, _reason(error))
            return
        self.report.items[stored.outcome] += 1
        if stored.numbered_automatically:
            self.numbered_here.add(stored.release.pk)
        self.report.new_organisations += stored.new_organisations
        self.report.skipped_files += stored.skipped_files
        if stored.skipped:  # counted as unchanged: the release is as it was
            self.on_event(SKIPPED, label, stored.skipped)
        else:
            self.on_event(stored.outcome, label, stored.release.title)
        for note in [*notes, *stored.notes]:
            self.on_event(NOTE, label, note)
        self.progress()

    def fail(self, label, reason):
        self.report.failures.append((label, reason))
        self.report.items[FAILED] += 1
        self.on_event(FAILED, label, reason)
        self.progress()

    def skip(self, label, reason):
        self.report.skipped.append((label, reason))
        self.on_event(SKIPPED, label, reason)

    def progress(self):
        done = sum(self.report.items.values())
        if self.progress_every and done % self.progress_every == 0:
            self.on_event(PROGRESS, "", done)


def _reason(error):
    if isinstance(error, OSError):
        return _("cannot be read: %(error)s") % {"error": error.strerror or error}
    if isinstance(error, DocumentError | ValueError):
        return str(error)
    messages = getattr(error, "messages", None)
    if messages:
        return " ".join(messages)
    return _("unexpected error (%(type)s): %(error)s") % {"type": type(error).__name__,
                                                          "error": error}


def _walk(folder):
    for root, directories, files in os.walk(folder):
        directories[:] = sorted(d for d in directories if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def _document_beside(path):
    """The document whose sidecar ``path`` (a .json file) is, if there is one."""
    for suffix in DOCUMENT_SUFFIXES:
        for candidate in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
            if candidate.is_file() and sidecar_path(candidate) == path:
                return candidate
    return None


def _items(path, label):
    """(label, values or the exception that stopped them, notes) of each item in the file."""
    suffix = path.suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        parsed = parse_file(path)
        yield label, parsed.values(), parsed.notes
    elif suffix in JSON_LINES_SUFFIXES:
        yield from _json_lines(path, label)
    else:
        yield from _json_file(path, label)


def _json_file(path, label):
    raw = path.read_bytes()
    if not raw.strip():
        raise DocumentError(_("The file is empty."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentError(_("The file is not UTF-8 text, as JSON must be.")) from error
    data = _json(text, _("Not valid JSON (%(error)s); the file may be cut off."))
    if isinstance(data, list):
        for index, item in enumerate(data, start=1):
            item_label = _("%(file)s, item %(number)d") % {"file": label, "number": index}
            yield item_label, _ninjs_values(item), ()
    elif isinstance(data, dict):
        yield label, _ninjs_values(data), ()
    else:
        raise DocumentError(_("The file holds neither a ninjs object nor a list of them."))


def _json_lines(path, label):
    seen = False
    with path.open("rb") as lines:
        for number, line in enumerate(lines, start=1):
            if number == 1:
                line = line.removeprefix(b"\xef\xbb\xbf")
            if not line.strip():
                continue
            seen = True
            item_label = _("%(file)s, line %(number)d") % {"file": label, "number": number}
            try:
                data = _json(line.decode("utf-8"), _("Not valid JSON (%(error)s)."))
            except UnicodeDecodeError:
                yield item_label, DocumentError(_("The line is not UTF-8 text.")), ()
                continue
            except DocumentError as error:
                yield item_label, error, ()
                continue
            yield item_label, _ninjs_values(data), ()
    if not seen:
        raise DocumentError(_("The file is empty."))


def _json(text, invalid):
    """The JSON ``text`` holds; ``DocumentError`` says why not (``invalid`` for a syntax
    error, with ``%(error)s`` where it goes)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise DocumentError(invalid % {"error": error}) from error
    except RecursionError:
        raise DocumentError(_("The JSON is nested too deeply to be read.")) from None
    except ValueError:  # a number of more digits than Python converts
        raise DocumentError(_("The JSON holds a number too long to be read.")) from None


def _ninjs_values(data):
    """from_ninjs of ``data``, or the error that says why it cannot be imported."""
    try:
        if isinstance(data, dict) and not any(key in data for key in _NINJS_KEYS):
            raise DocumentError(_("This JSON object is not a ninjs document (it has no uri, "
                                  "title, headlines or bodies)."))
        check_ninjs(data)
        return from_ninjs(data)
    except ValueError as error:
        return error
