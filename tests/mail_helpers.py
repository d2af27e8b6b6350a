"""Reading links out of mails in tests."""

import base64
import datetime
import email
import email.policy
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


def readable(url):
    """What anyone can read in a link: the link itself and every part of it that decodes
    as base64 (signed values of django.core.signing are base64 JSON, not encrypted)."""
    texts = [url]
    for segment in re.split(r"[/:.?&=]", url):
        try:
            texts.append(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
                         .decode("utf-8", "replace"))
        except ValueError:
            continue
    return "\n".join(texts)


def sender_of(message):
    """(name, address) of From as the mail carries it, and its Reply-To addresses."""
    parsed = email.message_from_bytes(message.message().as_bytes(),
                                      policy=email.policy.default)
    sender = parsed["From"].addresses[0]
    reply_to = [address.addr_spec for address in parsed["Reply-To"].addresses] if (
        parsed["Reply-To"]) else []
    return (sender.display_name, sender.addr_spec), reply_to
