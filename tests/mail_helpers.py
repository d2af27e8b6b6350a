"""Reading links out of mails in tests."""

import datetime
import re
import socket
import zoneinfo

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def links_in(text):
    return re.findall(r"https?://[^\s<>\"]+", text)


def path_of(url):
    """The path of an absolute link in a mail, for the test client."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def berlin(*args, fold=0):
    """An instant given in Berlin wall-clock time, as UTC (fold=1: the second 02:30)."""
    return datetime.datetime(*args, tzinfo=BERLIN, fold=fold).astimezone(datetime.UTC)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
