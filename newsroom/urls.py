from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.urls import include, path, re_path
from django.views.decorators.http import require_safe

from exchange import urls as exchange_urls
from releases import urls as releases_urls
from releases.caching import cache_public
from releases.sitemaps import NEWS_SITEMAPS, SITEMAPS, news_changes_at
from releases.views.health import healthz
from releases.views.media import serve_media
from releases.views.site import robots_txt, sitemap_index

# The sitemaps' pages answer GET and HEAD only.
sitemap = require_safe(sitemap_view)

# Crawlers' files (the sitemap, the news sitemap, robots.txt) and the load balancer's
# health check live outside the language prefix.
urlpatterns = [
    path("robots.txt", robots_txt, name="robots-txt"),
    path("sitemap.xml", cache_public(sitemap_index), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("sitemap-news.xml", cache_public(sitemap, query={"p"}, changes=news_changes_at),
         {"sitemaps": NEWS_SITEMAPS, "template_name": "releases/sitemap_news.xml"},
         name="sitemap-news"),
    # After the news sitemap, whose address this pattern would match too.
    path("sitemap-<slug:section>.xml", cache_public(sitemap, query={"p"}),
         {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("healthz/", healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    # The public site and, in its namespace ("releases:api-release-list"), the JSON API.
    path("", include((releases_urls.urlpatterns + exchange_urls.urlpatterns,
                      releases_urls.app_name))),
    path("", include("journalists.urls")),
    prefix_default_language=False,
)

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.+)$", serve_media, name="media"),
    ]
