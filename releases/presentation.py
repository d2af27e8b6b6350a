"""A release as its page shows it: what templates/releases/release_detail.html needs.

The public page, the preview link and the admin's preview of unsaved changes
render the same template with the same context, built here. The admin's preview
shows a release as the form holds it: ``UnsavedRelease`` stands in for the
release with the form's values and relations, so nothing is saved to show it.
"""

from urllib.parse import quote

from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .links import absolute_url
from .models import Correction, Release, SiteIdentity


def detail_context(release):
    """The page's context besides the release: corrections, minister, structured data.

    A working edition is shown as it will look once published (present_as_live).
    """
    if release.is_working_edition:
        corrections = present_as_live(release)
    else:
        corrections = list(release.corrections.all())
    return {"corrections": corrections, "minister": release.minister_in_office(),
            "structured_data": news_article(release)}


def share_links(release):
    """Plain links that pass the release on: (label, href) for e-mail and the networks.

    Nothing is loaded from the networks before a visitor follows a link; each address
    carries the release's title and canonical URL, encoded here.
    """
    url = absolute_url(release.get_absolute_url())
    text = f"{release.title} {url}"
    # mailto: wants %20 for a space (RFC 6068), not the "+" of a form's query string.
    mail = "&".join(f"{name}={quote(value, safe='')}"
                    for name, value in (("subject", release.title), ("body", url)))
    return [
        (_("E-mail"), f"mailto:?{mail}"),
        ("Mastodon", "https://mastodon.social/share?" + urlencode({"text": text})),
        ("Bluesky", "https://bsky.app/intent/compose?" + urlencode({"text": text})),
        ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?"
         + urlencode({"url": url})),
        ("X", "https://x.com/intent/post?" + urlencode({"url": url, "text": release.title})),
    ]


def present_as_live(edition):
    """Show a working edition (in memory) with what it takes over from its live release;
    returns the corrections the page will list, the edition's own note first."""
    live = edition.edition_of
    for name in ("uuid", "number", "number_year", "published_at", "has_publication_time",
                 "public_changed_at", "source_uri", "created_at"):
        setattr(edition, name, getattr(live, name))
    corrections = list(live.corrections.all())
    if edition.change_note.strip():
        corrections.insert(0, Correction(release=live, text=edition.change_note.strip(),
                                         published_at=None))
    return corrections


def news_article(release):
    """schema.org NewsArticle of a release, for search engines (JSON-LD).

    Its organisation is author and publisher; as publisher with a logo, its own
    or else the site's.
    """
    organisation = {"@type": "GovernmentOrganization", "name": release.organisation.name}
    if release.organisation.website:
        organisation["url"] = release.organisation.website
    publisher = dict(organisation)
    logo = release.organisation.logo or SiteIdentity.get().logo
    if logo:
        publisher["logo"] = {"@type": "ImageObject", "url": absolute_url(logo.url)}
    url = absolute_url(release.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": release.title,
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": "de",
        "articleSection": release.kind_label,
        "author": organisation,
        "publisher": publisher,
    }
    if release.published_at:
        data["datePublished"] = _schema_time(release.published_at,
                                             release.has_publication_time)
    modified = release.last_public_change_at
    if modified:
        # Unchanged since a publication known by its day only: that day, no invented time.
        data["dateModified"] = _schema_time(
            modified, release.has_publication_time or modified != release.published_at)
    if release.subtitle:
        data["alternativeHeadline"] = release.subtitle
    if release.teaser:
        data["description"] = release.teaser
    if release.number_label:
        data["identifier"] = release.number_label
    images = [absolute_url(image.image.url) for image in release.images.all()]
    if images:
        data["image"] = images
    topics = [topic.name for topic in release.topics.all()]
    if topics:
        data["keywords"] = topics
    return data


def _schema_time(moment, has_time):
    local = timezone.localtime(moment)
    return local.isoformat() if has_time else local.date().isoformat()


class Rows:
    """A to-many relation as a template reads it (``.all``), from a list in memory."""

    def __init__(self, rows):
        self.rows = list(rows)

    def all(self):
        return self.rows

    def __iter__(self):
        return iter(self.rows)


class UnsavedRelease:
    """A release with the form's values (``instance``, changed in memory, never saved)
    and the form's relations (``relations``: name -> rows), for a preview.

    Everything not given is the instance's; the model's own rules (lead image,
    minister in office) run on this stand-in, so they read the form's rows too.
    """

    RELATIONS = ("topics", "contacts", "images", "attachments", "release_people", "events",
                 "delegations", "related", "corrections")

    def __init__(self, instance, relations):
        self._instance = instance
        self._relations = {name: Rows(relations.get(name, ())) for name in self.RELATIONS}

    def __getattr__(self, name):
        relations = self.__dict__.get("_relations", {})
        if name in relations:
            return relations[name]
        return getattr(self.__dict__["_instance"], name)

    def __setattr__(self, name, value):
        if name.startswith("_"):
            super().__setattr__(name, value)
        else:
            setattr(self._instance, name, value)

    lead_image = Release.lead_image
    minister_in_office = Release.minister_in_office

    def get_absolute_url(self):
        # A new release has no address yet.
        return self._instance.get_absolute_url() if self._instance.pk else ""
