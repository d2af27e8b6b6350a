"""A press contact as a vCard 3.0 (RFC 2426), for journalists' address books."""

from django.utils.text import slugify

from .names import split_name


def escape(value):
    """Text value escaping of RFC 2426 section 4: backslash, comma, semicolon, newline."""
    return (
        str(value).replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
        .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
    )


def fold(line, limit=75):
    """Fold a content line at ``limit`` octets without splitting a UTF-8 character."""
    parts = []
    current = ""
    for character in line:
        budget = limit if not parts else limit - 1  # continuation lines start with a space
        if len((current + character).encode()) > budget:
            parts.append(current)
            current = ""
        current += character
    parts.append(current)
    return "\r\n ".join(parts)


def contact_vcard(contact):
    """The vCard of a Contact (with its organisation loaded)."""
    organisation = contact.organisation
    honorific, given, family = split_name(contact.name)
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{escape(family)};{escape(given)};;{escape(honorific)};",
        f"FN:{escape(contact.name)}",
        f"ORG:{escape(organisation.name)}",
    ]
    if contact.role:
        lines.append(f"TITLE:{escape(contact.role)}")
    if contact.phone:
        lines.append(f"TEL;TYPE=WORK,VOICE:{escape(contact.phone)}")
    if contact.mobile:
        lines.append(f"TEL;TYPE=CELL,VOICE:{escape(contact.mobile)}")
    if contact.email:
        lines.append(f"EMAIL;TYPE=INTERNET,WORK:{escape(contact.email)}")
    if organisation.street or organisation.city:
        address = ["", "", organisation.street, organisation.city, "", organisation.postal_code,
                   ""]
        lines.append("ADR;TYPE=WORK:" + ";".join(escape(part) for part in address))
    if organisation.website:
        lines.append(f"URL:{escape(organisation.website)}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def contact_vcard_filename(contact):
    return f"{slugify(contact.name) or 'kontakt'}.vcf"
