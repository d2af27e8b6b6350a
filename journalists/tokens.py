"""Signed links instead of accounts (django.core.signing, one salt per purpose).

Manage and unsubscribe links do not expire; raising the row's token_version
(or rotating a journalist's feed token) makes all earlier links invalid.
Confirmation links expire with the confirmation window.

A signed value is readable (base64 JSON), so no token carries an e-mail address:
links are forwarded, logged by proxies and kept in browser histories. Tokens that
must fail once the address changes carry a keyed hash of it instead.
"""

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from .models.subscriptions import confirmation_window

CONFIRM = "journalists.subscription.confirm"
MANAGE = "journalists.subscription.manage"
UNSUBSCRIBE = "journalists.subscription.unsubscribe"
VERIFY = "journalists.journalist.verify"
CANCEL = "journalists.accreditation.cancel"


def make(purpose, **values):
    return signing.dumps(values, salt=purpose, compress=False)


def read(purpose, token, expires=False):
    """The values signed into ``token``, or None when it is forged, altered or expired."""
    try:
        return signing.loads(token, salt=purpose,
                             max_age=confirmation_window() if expires else None)
    except signing.BadSignature:  # SignatureExpired is one
        return None


def fingerprint(email):
    """An address as a token carries it: bound to it, but not readable."""
    return salted_hmac("journalists.tokens.address", email).hexdigest()[:20]


def is_for(values, email):
    """True when the signed ``values`` were made for ``email``. Links mailed before
    fingerprints carry the address itself (``e``); they expire with the confirmation
    window like every link that has one."""
    if "a" in values:
        return constant_time_compare(str(values["a"]), fingerprint(email))
    return values.get("e") == email


def subscription_token(purpose, subscription):
    if purpose == CONFIRM:
        return make(purpose, s=subscription.pk, a=fingerprint(subscription.email))
    return make(purpose, s=subscription.pk, v=subscription.token_version)


def journalist_token(journalist):
    """The link that verifies a journalist's address."""
    return make(VERIFY, j=journalist.pk, a=fingerprint(journalist.email))


def journalist_from(token, queryset):
    values = read(VERIFY, token, expires=True)
    if not isinstance(values, dict):
        return None
    journalist = queryset.filter(pk=values.get("j")).first()
    return journalist if journalist is not None and is_for(values, journalist.email) else None


def subscription_from(purpose, token, queryset):
    """The subscription a token was made for, if the token is still valid for it."""
    values = read(purpose, token, expires=purpose == CONFIRM)
    if not isinstance(values, dict):
        return None
    subscription = queryset.filter(pk=values.get("s")).first()
    if subscription is None:
        return None
    if purpose == CONFIRM:
        return subscription if is_for(values, subscription.email) else None
    return subscription if values.get("v") == subscription.token_version else None
