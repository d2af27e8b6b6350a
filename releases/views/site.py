"""Files for robots and crawlers."""

from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from ..links import absolute_url


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /en/admin/",
        "Allow: /",
        f"Sitemap: {absolute_url(reverse('sitemap'))}",
        f"Sitemap: {absolute_url(reverse('sitemap-news'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
@x_robots_tag
def sitemap_index(request, sitemaps):
    """sitemap.xml: the address of each page of each section's sitemap, from SITE_URL
    (Django's own index takes the host from the sites framework's table)."""
    entries = []
    for section, sitemap in sitemaps.items():
        sitemap = sitemap()
        location = absolute_url(reverse("sitemap-section", kwargs={"section": section}))
        lastmod = sitemap.get_latest_lastmod()
        entries += [SitemapIndexItem(location if page == 1 else f"{location}?p={page}", lastmod)
                    for page in sitemap.paginator.page_range]
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": entries},
                            content_type="application/xml")
