"""The API's documentation page (/api/): the OpenAPI document, readable by people.

Everything the page says of the endpoints is read from the document that
/api/openapi.json serves, so the two cannot disagree. The document is English;
its texts are marked for translation where it is written (exchange/openapi.py)
and translated here. The example answers are what the API answers now: a page of
one release and that release, made by the API's own functions.
"""

import json

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from releases.links import absolute_url
from releases.models import Release

from .ninjs.vocabulary import NINJS_SCHEMA_URL
from .openapi import openapi_document
from .views import MAX_PAGE_SIZE, PAGE_SIZE, release_page

LOCATIONS = {"query": gettext_lazy("query parameter"), "path": gettext_lazy("path parameter"),
             "header": gettext_lazy("header field")}


@require_safe
def api_documentation(request):
    document = openapi_document(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    return render(request, "exchange/api_documentation.html", {
        "title": _(document["info"]["title"]),
        "description": _(document["info"]["description"]),
        "version": document["info"]["version"],
        "server": document["servers"][0]["url"],
        "endpoints": list(endpoints(document, examples())),
        "ninjs_schema_url": NINJS_SCHEMA_URL,
    })


def endpoints(document, examples):
    """Each operation of ``document``, ready for the template, with its example answer."""
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            example = examples.get(operation.get("operationId"))
            yield {
                "id": operation.get("operationId") or f"{method}-{path}",
                "method": method.upper(),
                "path": path,
                "summary": _(operation.get("summary", "")) if operation.get("summary") else "",
                "parameters": [_parameter(parameter)
                               for parameter in operation.get("parameters", [])],
                "responses": [(status, _(response["description"]))
                              for status, response in operation.get("responses", {}).items()],
                "example": (json.dumps(example, indent=2, ensure_ascii=False)
                            if example is not None else None),
            }


def _parameter(parameter):
    schema = parameter.get("schema", {})
    kinds = schema.get("type", "")
    kind = " | ".join(kinds) if isinstance(kinds, list) else kinds
    if schema.get("format"):
        kind = f"{kind} ({schema['format']})"
    notes = []
    if "enum" in schema:
        notes.append(_("One of: %(values)s.") % {"values": ", ".join(map(str, schema["enum"]))})
    if "minimum" in schema and "maximum" in schema:
        notes.append(_("From %(minimum)s to %(maximum)s.") % schema)
    elif "minimum" in schema:
        notes.append(_("At least %(minimum)s.") % schema)
    if "default" in schema:
        notes.append(_("Default: %(default)s.") % schema)
    description = _(parameter["description"]) if parameter.get("description") else ""
    return {
        "name": parameter["name"],
        "location": LOCATIONS.get(parameter["in"], parameter["in"]),
        "type": kind,
        "is_required": parameter.get("required", False),
        "description": " ".join([description, *notes]).strip(),
    }


def examples():
    """Example answers by operationId, from the newest public release (none without one)."""
    with translation.override(settings.LANGUAGE_CODE):  # the document's addresses
        list_path = reverse("releases:api-release-list")
    page = release_page(Release.objects.public(), 1, 1,
                        lambda number: absolute_url(f"{list_path}?page={number}&page_size=1"))
    if not page["results"]:
        return {}
    return {"listReleases": page, "getRelease": page["results"][0]}
