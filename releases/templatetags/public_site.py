"""Template helpers of the public site."""

import json
import re
from pathlib import Path

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext

from ..links import absolute_url

register = template.Library()

# The escapes of django.utils.html.json_script: inside a <script> element
# no "</script>" or "<!--" can end it early.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """``data`` as a <script type="application/ld+json"> element, escaped like json_script."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.filter
def absolute(path):
    """A path (or a file's URL) as an absolute URL on the public site."""
    return absolute_url(path)


@register.filter
def datetime_label(value, has_time=True):
    """Date and time in Berlin, e.g. "8. Oktober 2021, 10:30 Uhr"; the date alone when
    ``has_time`` is false (only the day is known)."""
    if not value:
        return ""
    local = timezone.localtime(value)
    if not has_time:
        return date_format(local, "DATE_FORMAT")
    return pgettext("date and time", "%(date)s, %(time)s") % {
        "date": date_format(local, "DATE_FORMAT"),
        "time": time_format(local, "TIME_FORMAT"),
    }


@register.simple_tag
def time_element(value, has_time=True):
    """A <time> element of ``value``: date and time in Berlin, or the day alone (also in
    its machine-readable form) when only the day is known."""
    return _time_element(value, has_time, lambda local: datetime_label(local, has_time))


@register.simple_tag
def topic_links(release):
    """A teaser's line of links to its topics, or nothing: one tag rather than a template
    loop, whose cost per link is most of a list's. The names are German content, marked
    as such for the English interface."""
    topics = release.topics.all()
    if not topics:
        return ""
    return format_html(
        '<p class="topics"><span class="visually-hidden">{} </span>{}</p>', gettext("Topics:"),
        format_html_join(", ", '<a href="{}" lang="de">{}</a>',
                         ((topic.get_absolute_url(), topic.name) for topic in topics)))


@register.simple_tag
def day_element(value, has_time=True):
    """A <time> element showing the day of ``value`` in Berlin, machine-readable with its
    time when the time is known (``has_time``)."""
    return _time_element(value, has_time, lambda local: date_format(local, "DATE_FORMAT"))


def _time_element(value, has_time, label):
    if not value:
        return ""
    local = timezone.localtime(value)
    machine = local.isoformat() if has_time else local.date().isoformat()
    return format_html('<time datetime="{}">{}</time>', machine, label(local))


@register.filter
def file_extension(field_file):
    """"PDF" for a stored file "…/abc.pdf"."""
    return Path(field_file.name).suffix.lstrip(".").upper() if field_file else ""


@register.filter
def file_size(field_file):
    """Human-readable size of a stored file; empty when the storage cannot tell."""
    try:
        return filesizeformat(field_file.size)
    except (OSError, ValueError):
        return ""


@register.filter
def tel_href(phone):
    """A tel: URI of a written phone number: "+49 (0)351 564-50024" -> "tel:+4935156450024"."""
    number = re.sub(r"\(0\)", "", phone or "")
    number = ("+" if number.strip().startswith("+") else "") + re.sub(r"\D", "", number)
    return f"tel:{number}" if number.strip("+") else ""
