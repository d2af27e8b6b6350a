"""The client's address: one rule for login protection, rate limits and the audit log.

Behind proxies every request reaches the application from the nearest proxy, so
REMOTE_ADDR is that proxy's address (gunicorn does not change it). Each proxy appends
the address it saw to X-Forwarded-For; entries further left are whatever the client
sent and prove nothing. With TRUSTED_PROXIES = N, the number of proxies in front that
append an entry, the client is the Nth entry from the right. 0 means no proxy: the
client is REMOTE_ADDR and X-Forwarded-For is ignored.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The address the client of ``request`` connected from (None without a request).

    A header with fewer entries than trusted proxies, or an entry that is not an
    address, gives REMOTE_ADDR: such a request did not come through the whole chain,
    and the proxy's address is the most that can be vouched for.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXIES
    if not proxies:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies].strip()))
    except ValueError:
        return remote
