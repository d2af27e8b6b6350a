"""The Markdown that documents arrive in, as safe HTML.

Inline: ``**bold**``, ``*italic*`` or ``_italic_``, ``[label](url)``, ``<url>`` and
backslash escapes; everything else is text, escaped. Blocks (one paragraph of the
source each): text, with a hard break at two trailing spaces, a trailing backslash
or before a "Label: value" line ("Ort: Rathaus"); bullet lists (``-``, ``*``, ``•``,
``–``, ``·``) and numbered lists (``1.``, ``1)``) on their own or after a line
that ends with a colon; and tables of ``| a | b |`` rows under a ``|---|---|`` rule.
"""

import html
import re

_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")
_PROTECTED = re.compile(r"\x00(\d+)\x01")
# [label](url "title"); the URL may hold balanced parentheses.
_LINK = re.compile(r"\[([^\]]+)\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))+)>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^\s<>]+)>", re.IGNORECASE)
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
# An asterisk or underscore after a letter is no emphasis: "Bürger*innen", "file_name".
_ITALIC = re.compile(r"(?<![\w*])\*(?![\s*])([^*\n]+?)(?<!\s)\*(?![\w*])"
                     r"|(?<![\w_])_(?![\s_])([^_\n]+?)(?<!\s)_(?![\w_])")
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:")
_WEBSITE = re.compile(r"^(?:https?://|www\.)[^\s/]+\.[a-z]{2,}/?$", re.IGNORECASE)
_BULLET = re.compile(r"^(?:[-•–·▪]|\*(?!\*))\s+")
_NUMBERED = re.compile(r"^(\d{1,2})[.)]\s+")
_LABEL_LINE = re.compile(r"^[A-ZÄÖÜ][\wäöüß./-]*(?: [\wäöüß./-]+){0,2}:\s+\S")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")


def _protect(text):
    """Hide Markdown backslash escapes so that ``\\*`` is never read as emphasis."""
    return _ESCAPE.sub(lambda match: f"\x00{ord(match.group(1))}\x01", text)


def _restore(text, escape=True):
    def character(match):
        char = chr(int(match.group(1)))
        return html.escape(char, quote=False) if escape else char
    return _PROTECTED.sub(character, text)


def _text_html(text):
    """Escaped text with bold and italics; ``text`` is already protected."""
    escaped = html.escape(text, quote=False)
    escaped = _BOLD.sub(lambda m: f"<strong>{m.group(1) or m.group(2)}</strong>", escaped)
    return _ITALIC.sub(lambda m: f"<em>{m.group(1) or m.group(2)}</em>", escaped)


def inline_html(text):
    """One paragraph's Markdown inline syntax as safe HTML: text escaped, links, bold and
    italics kept."""
    text = _AUTOLINK.sub(lambda match: f"[{match.group(1)}]({match.group(1)})", text)
    text = _protect(text)
    out, position = [], 0
    for link in _LINK.finditer(text):
        out.append(_text_html(text[position:link.start()]))
        label = _text_html(link.group(1))
        url = _restore(link.group(2), escape=False)
        if url.lower().startswith("www."):
            url = f"http://{url}"
        if url.lower().startswith(_SAFE_SCHEMES):
            out.append(f'<a href="{html.escape(url, quote=True)}">{label}</a>')
        else:
            out.append(label)
        position = link.end()
    out.append(_text_html(text[position:]))
    return _restore("".join(out))


def plain_text(text):
    """Markdown inline syntax reduced to its text: link labels, no emphasis marks, no escapes."""
    text = _protect(text.strip())
    text = _LINK.sub(lambda link: link.group(1), text)
    text = _BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    return _restore(text, escape=False).strip()


def is_website_line(block):
    """A paragraph that is nothing but a link to a website's front page."""
    if len(block) != 1:
        return False
    line = block[0].strip()
    link = _LINK.fullmatch(line)
    if link:
        return bool(_WEBSITE.match(link.group(1).strip()) and _WEBSITE.match(link.group(2)))
    return bool(_WEBSITE.match(line))


def is_footnote(block):
    """The paragraph a footnote mark (``*``) in the letterhead refers to."""
    first = block[0].strip()
    return first.startswith("\\*") or bool(re.match(r"\*(?!\*)\s", first))


def block_html(block):
    """One paragraph of the source (its lines) as HTML blocks: text, lists, a table."""
    if len(block) > 1 and _TABLE_RULE.match(block[1].strip()) and all(
            "|" in line for line in block):
        return [_table(block)]
    out, text, items, numbered = [], [], [], False
    for line in block:
        stripped = line.strip()
        bullet, number = _BULLET.match(stripped), _NUMBERED.match(stripped)
        may_start = not text or text[-1].rstrip(" \\").endswith(":")
        if items and (bullet if not numbered else number):
            items.append(stripped[(bullet or number).end():])
        elif items and line[:1].isspace():
            items[-1] += " " + stripped  # a list item's wrapped line
        elif not items and may_start and (bullet or number and number.group(1) == "1"):
            if text:
                out.append(paragraph(text))
                text = []
            numbered = bullet is None
            items.append(stripped[(bullet or number).end():])
        else:
            if items:
                out.append(_list(items, numbered))
                items = []
            text.append(line)
    if items:
        out.append(_list(items, numbered))
    if text:
        out.append(paragraph(text))
    return out


def _list(items, numbered):
    tag = "ol" if numbered else "ul"
    return f"<{tag}>{''.join(f'<li>{inline_html(item)}</li>' for item in items)}</{tag}>"


def _table(block):
    def cells(line):
        line = line.strip()
        line = line[1:] if line.startswith("|") else line
        line = line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
        return [cell.strip() for cell in re.split(r"(?<!\\)\|", line)]

    head = "".join(f"<th>{inline_html(cell)}</th>" for cell in cells(block[0]))
    rows = "".join("<tr>" + "".join(f"<td>{inline_html(cell)}</td>" for cell in cells(line))
                   + "</tr>" for line in block[2:])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def paragraph(block):
    """Lines of text as one ``<p>``; hard breaks where the source has them."""
    parts = []
    for number, line in enumerate(block):
        following = block[number + 1].strip() if number < len(block) - 1 else ""
        hard_break = (line.endswith("  ") or line.rstrip().endswith("\\")
                      or bool(_LABEL_LINE.match(following)))
        text = line.strip()
        if text.endswith("\\") and not text.endswith("\\\\"):
            text = text[:-1].rstrip()
        parts.append(inline_html(text))
        if following:
            parts.append("<br>" if hard_break else " ")
    return f"<p>{''.join(parts)}</p>"
