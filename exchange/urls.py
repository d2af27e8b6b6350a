"""The read-only JSON API (ninjs 2.2, see exchange/views.py), its OpenAPI document and the
page that documents it (exchange/documentation.py).

Its pages share the namespace of the public site (``releases:api-release-list``):
newsroom/urls.py includes these patterns together with those of releases/urls.py.
"""

from django.urls import path

from releases.caching import cache_patterns

from . import documentation, views

urlpatterns = [
    path("api/", documentation.api_documentation, name="api-documentation"),
    path("api/releases/", views.release_list, name="api-release-list"),
    path("api/releases/<str:release_id>/", views.release_detail, name="api-release-detail"),
    path("api/openapi.json", views.openapi, name="api-openapi"),
]

# Every page here is served from the page cache to anonymous visitors (releases/caching.py).
# The query parameters each reads (none unless listed); any other is dropped from an
# anonymous request. The list's are those its OpenAPI document describes.
QUERY_PARAMETERS = {
    "api-release-list": {"page", "page_size", "topic", "organisation", "kind", "since"},
}
cache_patterns(urlpatterns, query=QUERY_PARAMETERS)
