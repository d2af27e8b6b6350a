"""The OpenAPI 3.1 description of the read-only release API (served at /api/openapi.json).

Release documents are described by the IPTC ninjs 2.2 JSON Schema itself,
referenced by its public address; a copy lives in ``exchange/schemas/``. The
document is in English; its texts are marked for translation (gettext_noop) so
that the API's documentation page (exchange/documentation.py) shows them in the
visitor's language.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from releases.models import Release

from .ninjs.vocabulary import NINJS_SCHEMA_URL

_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


def openapi_document(page_size, max_page_size):
    with translation.override(settings.LANGUAGE_CODE):
        list_path = reverse("releases:api-release-list")
        detail_path = reverse("releases:api-release-detail",
                              kwargs={"release_id": _PLACEHOLDER}).replace(_PLACEHOLDER, "{uuid}")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": gettext_noop("Newsroom press releases"),
            "version": "1.0.0",
            "description": gettext_noop(
                "Read-only access to the public press releases as IPTC ninjs 2.2 documents. "
                "Releases under embargo, scheduled for later or unpublished are not part of "
                "the API: asking for one answers 404. A release withdrawn after it was "
                "public answers a short document with pubstatus \"canceled\", as of its "
                "withdrawal and without its text (nor its title, if it was removed for "
                "legal reasons); the list asked for changes since a moment gives such "
                "documents for the withdrawals since then."
            ),
        },
        "servers": [{"url": settings.SITE_URL}],
        "paths": {
            list_path: {"get": {
                "operationId": "listReleases",
                "summary": gettext_noop("Public releases, newest first"),
                "parameters": [
                    _query("page", gettext_noop("Page number, from 1."),
                           {"type": "integer", "minimum": 1, "default": 1}),
                    _query("page_size", gettext_noop("Releases per page."), {
                        "type": "integer", "minimum": 1, "maximum": max_page_size,
                        "default": page_size}),
                    _query("topic",
                           gettext_noop("Only releases filed under the topic with this slug."),
                           {"type": "string"}),
                    _query("organisation",
                           gettext_noop("Only releases of the organisation with this slug."),
                           {"type": "string"}),
                    _query("kind", gettext_noop("Only releases of this kind."),
                           {"type": "string", "enum": list(Release.Kind.values)}),
                    _query("since", gettext_noop(
                        "Only releases that became public or were last changed publicly at "
                        "or after this time, as their versioncreated says (ISO 8601 date or "
                        "date-time; without an offset Europe/Berlin). A release under embargo "
                        "counts from the end of its embargo."), {"type": "string"}),
                ],
                "responses": {
                    "200": _json(gettext_noop("A page of releases."),
                                 {"$ref": "#/components/schemas/Page"}),
                    "400": _json(gettext_noop("A parameter cannot be used."), _ERROR),
                    "404": _json(gettext_noop("The page does not exist."), _ERROR),
                },
            }},
            detail_path: {"get": {
                "operationId": "getRelease",
                "summary": gettext_noop("One public release"),
                "parameters": [{
                    "name": "uuid", "in": "path", "required": True,
                    "description": gettext_noop(
                        "The UUID of the release or its ninjs uri, URL-encoded. A release "
                        "published here has the uri urn:uuid:<uuid>; one imported from "
                        "another system keeps the uri it had there and gives its UUID as the "
                        "alternative id (altids) with role newsroom-uuid. A uri containing "
                        "a slash cannot be used here: ask for such a release by its UUID."),
                    "schema": {"type": "string"},
                }],
                "responses": {
                    "200": _json(gettext_noop("The release."),
                                 {"$ref": "#/components/schemas/Ninjs"}),
                    "404": _json(gettext_noop("No public release has this identifier."), _ERROR),
                },
            }},
        },
        "components": {"schemas": {
            "Ninjs": {"$ref": NINJS_SCHEMA_URL},
            "Page": {
                "type": "object",
                "required": ["count", "next", "previous", "results"],
                "properties": {
                    "count": {"type": "integer",
                              "description": gettext_noop("Matching releases in all.")},
                    "next": {"type": ["string", "null"], "format": "uri"},
                    "previous": {"type": ["string", "null"], "format": "uri"},
                    "results": {"type": "array",
                                "items": {"$ref": "#/components/schemas/Ninjs"}},
                },
            },
            "Error": _ERROR_SCHEMA,
        }},
    }


_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["status", "message"],
        "properties": {"status": {"type": "integer"}, "message": {"type": "string"}},
    }},
}
_ERROR = {"$ref": "#/components/schemas/Error"}


def _query(name, description, schema):
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}


def _json(description, schema):
    return {"description": description,
            "content": {"application/json": {"schema": schema}}}
