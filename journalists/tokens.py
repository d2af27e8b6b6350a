"""Signed links instead of accounts (django.core.signing, one salt per purpose).

Manage and unsubscribe links do not expire; raising the row's token_version
(or rotating a journalist's feed token) makes all earlier links invalid.
Confirmation links expire with the confirmation window.
"""

from django.core import signing

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


def subscription_token(purpose, subscription):
    if purpose == CONFIRM:
        return make(purpose, s=subscription.pk, e=subscription.email)
    return make(purpose, s=subscription.pk, v=subscription.token_version)


def subscription_from(purpose, token, queryset):
    """The subscription a token was made for, if the token is still valid for it."""
    values = read(purpose, token, expires=purpose == CONFIRM)
    if not isinstance(values, dict):
        return None
    subscription = queryset.filter(pk=values.get("s")).first()
    if subscription is None:
        return None
    if purpose == CONFIRM:
        return subscription if values.get("e") == subscription.email else None
    return subscription if values.get("v") == subscription.token_version else None
