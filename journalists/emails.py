"""The journalist services' e-mails: German, plain text with an HTML alternative.

Alerts, digests, corrections and embargoed releases have their own text and
HTML templates; the short transactional mails (confirm, verify, accreditation)
are one text template whose first line is the subject, with the HTML made from it.

Who a mail is from (``sender``): a mail about a release or an appointment comes in the
name of its office, any other in the service's name (ALERTS_FROM_NAME). The address is
DEFAULT_FROM_EMAIL, which the mail server may send for (SPF, DKIM, DMARC); replies go
to the office's press address. An office whose press address is in a domain listed in
ALERTS_SENDER_DOMAINS (set up for this server too) sends from that address itself.
"""

from email.headerregistry import Address
from email.utils import parseaddr
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from releases.html import html_to_text
from releases.links import absolute_url

from . import tokens
from .embargo import berlin_label, embargo_notice


def mail_domain():
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def message_id(key):
    """A stable Message-ID: a retried mail carries the same one, so mail systems that
    see it twice can drop the second."""
    return f"<{key.replace(':', '.')}@{mail_domain()}>"


def in_mail_language():
    """The mails are German, whatever language the request that sends one is in."""
    return translation.override("de")


def render(template, context):
    with in_mail_language():
        return render_to_string(template, context)


def sender_name(organisation=None):
    return organisation.name if organisation is not None else settings.ALERTS_FROM_NAME


def sender(organisation=None):
    """(From, Reply-To) of a mail about ``organisation``'s release or appointment, or of
    the service's own mail (no organisation)."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    press = organisation.press_email if organisation is not None else ""
    reply_to = []
    if press and press.rpartition("@")[2].lower() in settings.ALERTS_SENDER_DOMAINS:
        address = press
    elif press:
        reply_to = [press]
    name = " ".join(sender_name(organisation).split())
    return str(Address(display_name=name, addr_spec=address)), reply_to


def build(to, subject, text, html, headers=None, attachments=(), organisation=None):
    from_email, reply_to = sender(organisation)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text,
                                     from_email=from_email, to=[to], reply_to=reply_to,
                                     headers=headers or {})
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(*attachment)
    return message


def transactional(template, to, context, attachments=(), organisation=None):
    """A short mail from ``journalists/mail/<template>.txt``: first line subject, then text.
    It is signed, and sent, in the name of ``organisation`` or else of the service."""
    context = {"sender_name": sender_name(organisation), "site_url": settings.SITE_URL,
               **context}
    subject, _, text = render(f"journalists/mail/{template}.txt", context).partition("\n")
    html = render("journalists/mail/transactional.html", {"subject": subject, "text": text})
    return build(to, subject, text.strip() + "\n", html, attachments=attachments,
                 organisation=organisation)


# Links carried by every alert ------------------------------------------------------------


def subscription_links(subscription):
    manage = tokens.subscription_token(tokens.MANAGE, subscription)
    unsubscribe = tokens.subscription_token(tokens.UNSUBSCRIBE, subscription)
    return {
        "manage_url": absolute_url(reverse("journalists:manage", args=[manage])),
        "unsubscribe_url": absolute_url(reverse("journalists:unsubscribe", args=[unsubscribe])),
        "unsubscribe_token": unsubscribe,
    }


def list_headers(links, key):
    """RFC 2369 and RFC 8058: one-click unsubscribe by POST to the https URL, or by mail."""
    mailto = (f"mailto:{settings.ALERTS_UNSUBSCRIBE_EMAIL}"
              f"?subject={quote('Abmelden ' + links['unsubscribe_token'])}")
    return {
        "List-Unsubscribe": f"<{links['unsubscribe_url']}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"Medieninformationen <alerts.{mail_domain()}>",
        "Auto-Submitted": "auto-generated",
        "Message-ID": message_id(key),
    }


def release_context(release):
    """What a mail says of a release (loaded with organisation and contacts)."""
    organisation = release.organisation
    return {
        "release": release,
        "url": absolute_url(release.get_absolute_url()),
        "date": berlin_label(release.public_from),
        "organisation": organisation,
        "contacts": list(release.contacts.all()),
    }


# Alerts ----------------------------------------------------------------------------------


def alert(subscription, release, key):
    context = {**release_context(release), **subscription_links(subscription)}
    subject = f"{release.kind_label}: {release.title}"
    return build(subscription.email, subject,
                 render("journalists/mail/alert.txt", context),
                 render("journalists/mail/alert.html", context),
                 headers=list_headers(context, key), organisation=release.organisation)


def digest(subscription, releases, key):
    links = subscription_links(subscription)
    context = {"items": [release_context(release) for release in releases], **links}
    if len(releases) == 1:
        subject = f"{releases[0].kind_label}: {releases[0].title}"
    else:
        subject = f"{len(releases)} neue Medieninformationen"
    # From one office when all its releases are; else from the service.
    offices = {release.organisation_id for release in releases}
    return build(subscription.email, subject,
                 render("journalists/mail/digest.txt", context),
                 render("journalists/mail/digest.html", context),
                 headers=list_headers(links, key),
                 organisation=releases[0].organisation if len(offices) == 1 else None)


def follow_up_headers(links, key):
    """Headers of a mail that follows one about a release: a subscriber's carry the
    unsubscribe headers, a journalist's (no links) only the Message-ID."""
    if links:
        return list_headers(links, key)
    return {"Message-ID": message_id(key), "Auto-Submitted": "auto-generated"}


def correction(recipient_email, release, correction, key, links=None, notice=None):
    """A published correction, to everyone who got the original (subscribers with their
    links, journalists without). While the Sperrfrist runs (only journalists get it
    then) ``notice`` marks subject and text as the embargo mail does."""
    context = {**release_context(release), "correction": correction, "notice": notice,
               **(links or {})}
    subject = f"Berichtigung: {release.title}"
    if notice:
        subject = f"Berichtigung: {notice}: {release.title}"
    return build(recipient_email, subject,
                 render("journalists/mail/correction.txt", context),
                 render("journalists/mail/correction.html", context),
                 headers=follow_up_headers(links, key), organisation=release.organisation)


def withdrawal(recipient_email, release, key, links=None):
    """A withdrawn release, to everyone who got it by e-mail: it must not be used. With
    the reason, as the release's page shows it, unless it was removed for legal reasons
    (the page then shows nothing). One withdrawn under embargo says so in the subject."""
    context = {**release_context(release), **(links or {}),
               "was_embargoed": was_withdrawn_under_embargo(release),
               "reason": "" if release.is_removed_for_legal_reasons
               else release.withdrawal_reason,
               "withdrawn_at": berlin_label(release.withdrawn_at)}
    if context["was_embargoed"]:
        subject = (f"Sperrfrist-Meldung zurückgezogen: {release.title} – "
                   "bitte nicht veröffentlichen")
    else:
        subject = f"Zurückgezogen: {release.title}"
    return build(recipient_email, subject,
                 render("journalists/mail/withdrawal.txt", context),
                 render("journalists/mail/withdrawal.html", context),
                 headers=follow_up_headers(links, key), organisation=release.organisation)


def was_withdrawn_under_embargo(release):
    """Whether its Sperrfrist was still running when it was withdrawn."""
    return bool(release.embargo_until and release.withdrawn_at
                and release.withdrawn_at < release.embargo_until)


def embargoed(journalist, release, key):
    """The full release ahead of time, marked with its Sperrfrist."""
    context = {
        **release_context(release),
        "journalist": journalist,
        "notice": embargo_notice(release),
        "body_text": html_to_text(release.body),
        "feed_url": absolute_url(reverse("journalists:feed", args=[journalist.feed_token])),
    }
    subject = f"{embargo_notice(release)}: {release.title}"
    return build(journalist.email, subject,
                 render("journalists/mail/embargo.txt", context),
                 render("journalists/mail/embargo.html", context),
                 headers={"Message-ID": message_id(key), "Auto-Submitted": "auto-generated"},
                 organisation=release.organisation)
