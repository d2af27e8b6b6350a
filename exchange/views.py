"""The read-only JSON API: public releases as ninjs 2.2 documents.

Everything starts from ``Release.objects.public()``: a release that is not
public answers 404 like one that does not exist, but for one withdrawn after it
was public, which answers a short document that says so (``withdrawal_notice``);
the list asked for changes ``since`` a moment gives those of withdrawals since then
too. Errors are JSON too.
"""

import datetime
import re
import uuid

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.core.validators import validate_slug
from django.db.models import Q
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from releases.cached_values import counted_paginator
from releases.models import Release
from releases.models.releases import changed_publicly_since

from .importers.values import identity, plain_line
from .ninjs.write import releases_for_ninjs, to_ninjs, withdrawal_notice
from .openapi import openapi_document

CONTENT_TYPE = "application/json; charset=utf-8"
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

# "+02:00" arrives as " 02:00" when a client forgets to encode the plus sign.
_UNENCODED_OFFSET = re.compile(r" (\d{2}:?\d{2})$")


class BadRequest(ValueError):
    """A query parameter cannot be used; the message says which and why."""


def json_response(data, status=200):
    return JsonResponse(data, status=status, content_type=CONTENT_TYPE,
                        json_dumps_params={"ensure_ascii": False})


def error_response(status, message):
    return json_response({"error": {"status": status, "message": message}}, status=status)


@require_safe
def release_list(request):
    """Public releases, newest first, paginated, optionally filtered."""
    try:
        page_number = _positive_int(request.GET.get("page"), "page", default=1)
        page_size = _positive_int(request.GET.get("page_size"), "page_size", default=PAGE_SIZE)
        if page_size > MAX_PAGE_SIZE:
            raise BadRequest(_("page_size must be at most %(max)d.") % {"max": MAX_PAGE_SIZE})
        releases = Release.objects.public()
        if request.GET.get("since"):  # a partner's poll: withdrawals are news to it
            releases |= Release.objects.withdrawn_after_public()
        queryset = _filtered(releases, request.GET)
    except BadRequest as error:
        return error_response(400, str(error))

    try:
        return json_response(release_page(
            queryset, page_number, page_size, lambda number: _page_url(request, number),
            # The count of the whole list, once for all its pages.
            paginate=lambda rows, size: counted_paginator(
                request, rows, size, scope=_filter_scope(request.GET))))
    except EmptyPage:
        return error_response(404, _("There is no page %(page)d.") % {"page": page_number})


def release_page(queryset, page_number, page_size, page_url, paginate=Paginator):
    """A page of the public releases in ``queryset``, newest first, as the list answers
    it; ``page_url(number)`` is the address of another page. Raises EmptyPage."""
    paginator = paginate(releases_for_ninjs(queryset).order_by("-published_at", "-pk"),
                         page_size)
    page = paginator.page(page_number)
    return {
        "count": paginator.count,
        "next": page_url(page.next_page_number()) if page.has_next() else None,
        "previous": page_url(page.previous_page_number()) if page.has_previous() else None,
        "results": [withdrawal_notice(release) if release.status == Release.Status.WITHDRAWN
                    else to_ninjs(release) for release in page.object_list],
    }


@require_safe
def release_detail(request, release_id):
    """One public release by its UUID (also as urn:uuid:...) or its ninjs uri."""
    which = _identified_by(release_id)
    release = (releases_for_ninjs(Release.objects.public()).filter(**which).first()
               if which else None)
    if release is not None:
        return json_response(to_ninjs(release))
    withdrawn = (Release.objects.withdrawn_after_public().filter(**which).first()
                 if which else None)
    if withdrawn is not None:
        return json_response(withdrawal_notice(withdrawn))
    return error_response(404, _("There is no public release with this identifier."))


@require_safe
def openapi(request):
    return json_response(openapi_document(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE))


def _identified_by(release_id):
    """The lookup of the release ``release_id`` names, or None when it can name none."""
    try:
        return {"uuid": uuid.UUID(release_id)}
    except ValueError:
        pass
    if not release_id or plain_line(release_id) != release_id:
        return None  # control characters (a NUL byte) are in no uri
    # An imported release: its UUID derives from its source's uri, which it keeps.
    return {"uuid": identity({"uri": release_id}), "source_uri": release_id}


def _filter_scope(params):
    """The list's filters in ``params``, as one string: what selects its rows."""
    return urlencode(sorted((name, value) for name, values in params.lists()
                            if name not in {"page", "page_size"} for value in values))


def _positive_int(value, name, default):
    if value is None or value == "":
        return default
    # Nine digits are plenty; longer strings are refused before int() has to read them.
    if not value.isascii() or not value.isdigit() or len(value) > 9 or int(value) < 1:
        raise BadRequest(_("%(name)s must be a whole number of at least 1.") % {"name": name})
    return int(value)


def _filtered(queryset, params):
    if params.get("topic"):
        queryset = queryset.filter(topics__slug=_slug(params["topic"], "topic"))
    if params.get("organisation"):
        queryset = queryset.filter(organisation__slug=_slug(params["organisation"],
                                                            "organisation"))
    if params.get("kind"):
        if params["kind"] not in Release.Kind.values:
            raise BadRequest(_("kind must be one of: %(kinds)s.")
                             % {"kinds": ", ".join(Release.Kind.values)})
        queryset = queryset.filter(kind=params["kind"])
    if params.get("since"):
        # Whatever became public, changed publicly or was withdrawn since: its ninjs
        # versioncreated.
        since = _since(params["since"])
        queryset = queryset.filter(changed_publicly_since(since) | Q(
            status=Release.Status.WITHDRAWN, withdrawn_at__gte=since))
    return queryset


def _slug(value, name):
    """A slug as in the site's addresses; anything else (a NUL byte) cannot name one."""
    try:
        validate_slug(value)
    except ValidationError as error:
        raise BadRequest(_("%(name)s must be a slug: letters, digits, hyphens and "
                           "underscores.") % {"name": name}) from error
    return value


def _since(value):
    """An ISO 8601 date or date-time; without an offset it is Berlin time."""
    value = _UNENCODED_OFFSET.sub(r"+\1", value.strip())
    try:
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value)) is not None:
            moment = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        moment = None
    if moment is None:
        raise BadRequest(_("since must be an ISO 8601 date or date-time, "
                           "e.g. 2021-10-08 or 2021-10-08T10:00:00+02:00."))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError as error:
        raise BadRequest(_("since is out of range.")) from error


def _page_url(request, number):
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

