"""Reading the sitemap as a crawler does: the index (sitemap.xml), then each page of
each section it lists."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

NAMESPACE = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_pages(client):
    """The content of each sitemap page the index lists, fetched with ``client``."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    pages = []
    for location in ET.fromstring(index.content).iter(f"{NAMESPACE}loc"):
        parts = urlsplit(location.text)
        response = client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path)
        assert response.status_code == 200, location.text
        pages.append(response.content)
    return pages


def sitemap_text(client):
    """All sitemap pages as one text, for looking addresses up in."""
    return "\n".join(page.decode() for page in sitemap_pages(client))


def sitemap_entries(client):
    """{address: lastmod or None} of every <url> of every sitemap page."""
    return {url.findtext(f"{NAMESPACE}loc"): url.findtext(f"{NAMESPACE}lastmod")
            for page in sitemap_pages(client)
            for url in ET.fromstring(page).findall(f"{NAMESPACE}url")}
