"""The letterhead of a Medieninformation: kind and number, organisation, press contact,
date and embargo (Sperrfrist), as press offices write them.

Dates come as ``08.10.2021``, ``08.10.21``, ``8. Oktober 2021``, ``Dresden, 8. Okt. 2021``
or, in English documents, ``October 8, 2021``; times as ``10:00 Uhr``, ``10.30 Uhr``,
``10 Uhr`` or ``10:00``. All of them are Berlin time.
"""

import datetime
import re

from .markdown import plain_text

#: Kind headings and the ``Release.Kind`` value they stand for.
KINDS = {
    "medieninformation": "medieninformation",
    "pressemitteilung": "medieninformation",
    "presseinformation": "medieninformation",
    "presseeinladung": "presseeinladung",
    "einladung": "presseeinladung",
    "terminhinweis": "terminhinweis",
    "statement": "statement",
    "rede": "rede",
    # English documents of the same offices.
    "press release": "medieninformation",
    "media release": "medieninformation",
    "news release": "medieninformation",
    "media information": "medieninformation",
    "press invitation": "presseeinladung",
    "media advisory": "presseeinladung",
    "speech": "rede",
}
CONTACT_LABELS = {"ihr ansprechpartner", "ihre ansprechpartnerin", "ansprechpartner",
                  "ansprechpartnerin", "ansprechpartner/in", "ihre ansprechpartner",
                  "pressesprecher", "pressesprecherin", "kontakt"}
PHONE_LABELS = {"durchwahl", "telefon", "tel.", "tel"}
EMBARGO_LABELS = {"sperrfrist", "sperrvermerk", "embargo"}
LABELS = (CONTACT_LABELS | PHONE_LABELS | EMBARGO_LABELS
          | {"e-mail", "email", "telefax", "fax", "datum"})

MONTHS = {
    "januar": 1, "jänner": 1, "jan": 1, "january": 1, "februar": 2, "feb": 2, "february": 2,
    "märz": 3, "maerz": 3, "mär": 3, "mrz": 3, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "mai": 5, "may": 5, "juni": 6, "jun": 6, "june": 6, "juli": 7, "jul": 7, "july": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10, "okt": 10,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "dezember": 12, "dez": 12,
    "december": 12, "dec": 12,
}
_MONTH = r"(?P<month_name>[a-zäA-ZÄ]{3,9})\.?"
_DATES = [
    re.compile(r"(?<![\d.])(?P<day>\d{1,2})\.\s?(?P<month>\d{1,2})\.\s?(?P<year>\d{4}|\d{2})"
               r"(?![\d])"),
    re.compile(rf"(?<!\d)(?P<day>\d{{1,2}})\.?\s+{_MONTH}\s+(?P<year>\d{{4}})(?!\d)"),
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})(?!\d)"),
    re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)"),
]
_TIME = re.compile(r"(?<![\d.])(?P<hour>[01]?\d|2[0-3])(?:[:.](?P<minute>[0-5]\d))?\s*Uhr\b"
                   r"|(?<![\d.])(?P<hour24>[01]?\d|2[0-3]):(?P<minute24>[0-5]\d)(?![\d])",
                   re.IGNORECASE)
_EMBARGO = re.compile(r"^(?:sperrfrist|sperrvermerk|embargo(?:ed)?)\b\s*:?\s*(?P<rest>.*)$",
                      re.IGNORECASE)
# "Medieninformation Nr. 123/2026", "Pressemitteilung 45/2026", "Nr. 7/2027".
_NUMBERED = re.compile(r"^(?P<kind>[^\d]*?)[\s,]*(?:nr\.?|nummer|no\.?)?\s*"
                       r"(?P<number>\d{1,5})\s*/\s*(?P<year>\d{4})$", re.IGNORECASE)
_EMAIL = re.compile(r"^(?:e-?mail:?\s*)?(?:mailto:)?([\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,})$",
                    re.IGNORECASE)
_PHONE = re.compile(r"^(?:telefon|tel\.?|durchwahl)\s*:?\s*(\+?[\d][\d\s/()-]{4,})$",
                    re.IGNORECASE)
_MOBILE = re.compile(r"^(?:mobil|mobilfunk|handy|mobile)\s*:?\s*(\+?[\d][\d\s/()-]{4,})$",
                     re.IGNORECASE)
_FAX = re.compile(r"^(?:telefax|fax)\b", re.IGNORECASE)
# A line in bold alone: a label ("**Durchwahl**") or, after the date, the headline.
BOLD_LINE = re.compile(r"^\*\*(.+?)\*\*:?$")


def find_date(text):
    """The first date in ``text`` (a ``datetime.date``), or None."""
    for pattern in _DATES:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            month = parts.get("month")
            if month is None:
                month = MONTHS.get(parts["month_name"].lower().rstrip("."))
                if month is None:
                    continue
            year = int(parts["year"])
            year += 2000 if year < 100 else 0
            try:
                return datetime.date(year, int(month), int(parts["day"]))
            except ValueError:
                continue
    return None


def find_time(text):
    """The first time of day in ``text`` (``datetime.time``), or None."""
    match = _TIME.search(text)
    if match is None:
        return None
    hour = match.group("hour") or match.group("hour24")
    minute = match.group("minute") or match.group("minute24") or 0
    return datetime.time(int(hour), int(minute))


def kind_and_number(text):
    """(kind, number label) of a kind line: "Medieninformation Nr. 123/2026" gives
    ("medieninformation", "123/2026"); ("", "") if ``text`` is no kind line."""
    text = plain_text(text).rstrip(":").strip()
    kind = KINDS.get(text.lower())
    if kind:
        return kind, ""
    numbered = _NUMBERED.match(text)
    if numbered:
        kind = KINDS.get(numbered.group("kind").strip().rstrip(":").lower(), "")
        if kind or not numbered.group("kind").strip():
            return kind, f"{int(numbered.group('number'))}/{numbered.group('year')}"
    return "", ""


def label(line):
    """The label of a bold label line ("**Durchwahl**"), lower case; else None."""
    match = BOLD_LINE.match(line.strip())
    if match and plain_text(match.group(1)).lower().rstrip(":") in LABELS:
        return plain_text(match.group(1)).lower().rstrip(":")
    return None


def embargo_text(line, line_label=None):
    """What a Sperrfrist line says after its label ("08.12.2026, 10 Uhr"), or None
    when ``line`` is no Sperrfrist line."""
    if line_label in EMBARGO_LABELS:
        return line.strip()
    match = _EMBARGO.match(line.strip().lstrip("*").strip())
    if match is None:
        return None
    return match.group("rest").strip(" *:")


def header_line(line, line_label, parsed):
    """Read one line of the letterhead into ``parsed``; parts joined by "|" each on
    their own ("Tel.: 0351 564-65065 | Fax: 0351 564-65067")."""
    for part in re.split(r"\s+\|\s+|\s*\|\s*(?=\S)", line.strip()):
        if part:
            _header_part(part.strip(), line_label, parsed)


def _header_part(line, line_label, parsed):
    address = line.rstrip("*¹ ").strip()
    email = _EMAIL.match(address)
    phone = _PHONE.match(line)
    embargo = embargo_text(line, line_label)
    kind, number = kind_and_number(line)
    date = find_date(line) if len(line) <= 40 else None
    if embargo is not None:
        parsed.set_embargo(embargo)
    elif line_label in CONTACT_LABELS and not parsed.contact_name and not email and not phone:
        parsed.contact_name = line
    elif email:
        if not parsed.contact_email:
            parsed.contact_email = email.group(1)
            parsed.email_note_mark = line[len(address):].strip()
    elif phone or (line_label in PHONE_LABELS and re.search(r"\d{3}", line)):
        number_text = phone.group(1) if phone else line
        parsed.contact_phone = parsed.contact_phone or " ".join(number_text.split())
    elif _MOBILE.match(line):
        parsed.contact_mobile = parsed.contact_mobile or " ".join(
            _MOBILE.match(line).group(1).split())
    elif _FAX.match(line):
        pass  # the office's fax: nobody's number to call
    elif number:
        parsed.kind = parsed.kind or kind
        parsed.number_label = parsed.number_label or number
    elif date:
        parsed.date = parsed.date or date
    elif line_label is None and not parsed.organisation_name:
        parsed.organisation_name = line
