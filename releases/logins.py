"""Login protection (django-axes) with a limit per address and a ceiling per user name.

AXES_LOCKOUT_PARAMETERS counts failed logins twice: for a user name from one address,
and for the user name from any address. django-axes compares the larger count with
its one AXES_FAILURE_LIMIT; this handler gives each count its own limit instead.
AXES_FAILURE_LIMIT failures lock the pair, so whoever types a colleague's name wrongly
locks out nobody but themselves; LOGIN_FAILURE_LIMIT_PER_USER failures from however
many addresses lock the user name everywhere, so someone with many addresses (an IPv6
network, a botnet, forged forwarding headers) gets no more guesses than that. Both
locks last AXES_COOLOFF_TIME. A successful login clears the failures from its own
address only: the editor's own typing mistakes, not someone else's guesses.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class LoginFailureHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        from_address, from_anywhere = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials))
        if from_anywhere >= settings.LOGIN_FAILURE_LIMIT_PER_USER:
            # Counted as a full set for the pair: django-axes then locks as usual.
            return max(from_address, settings.AXES_FAILURE_LIMIT)
        return from_address

    def reset_user_attempts(self, request, credentials=None):
        from_address = self.filter_user_attempts(request, credentials)[0]
        count, _deleted = from_address.delete()
        return count
