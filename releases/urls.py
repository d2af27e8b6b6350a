"""Public pages under German paths; /en/ serves the same pages with an English interface."""

from django.urls import path, re_path

from . import feeds
from .caching import cache_patterns
from .legal import ACCESSIBILITY_URL, IMPRINT_URL, PRIVACY_URL
from .views import archive, bitv, calendars, contacts, events, pages, preview
from .views.search import FILTERS, SearchAtomFeed, SearchFeed, SearchView

app_name = "releases"


def feed_paths(prefix, rss, atom, name):
    """An RSS feed at <prefix>feed/ and its Atom twin at <prefix>feed/atom/."""
    return [
        path(f"{prefix}feed/", feeds.view(rss), name=name),
        path(f"{prefix}feed/atom/", feeds.view(atom), name=f"{name}-atom"),
    ]


urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path("medieninformationen/", pages.ReleaseListView.as_view(), name="release-list"),
    path("medieninformationen/<int:pk>-<slug:slug>/", pages.ReleaseDetailView.as_view(),
         name="release-detail"),
    path("medieninformationen/<int:pk>-<slug:slug>/druckansicht/",
         pages.ReleasePrintView.as_view(), name="release-print"),
    # Signed, expiring links to unpublished releases (releases/views/preview.py).
    path("vorschau/<str:token>/", preview.preview, name="preview"),
    path("medieninformationen/art/<slug:kind>/", pages.KindDetailView.as_view(),
         name="kind-detail"),
    *feed_paths("medieninformationen/", feeds.ReleaseFeed, feeds.ReleaseAtomFeed, "feed"),
    *feed_paths("medieninformationen/art/<slug:kind>/", feeds.KindFeed, feeds.KindAtomFeed,
                "kind-feed"),
    path("themen/", pages.TopicListView.as_view(), name="topic-list"),
    path("themen/<slug:slug>/", pages.TopicDetailView.as_view(), name="topic-detail"),
    *feed_paths("themen/<slug:slug>/", feeds.TopicFeed, feeds.TopicAtomFeed, "topic-feed"),
    path("ressorts/", pages.OrganisationListView.as_view(), name="organisation-list"),
    path("ressorts/<slug:slug>/", pages.OrganisationDetailView.as_view(),
         name="organisation-detail"),
    *feed_paths("ressorts/<slug:slug>/", feeds.OrganisationFeed, feeds.OrganisationAtomFeed,
                "organisation-feed"),
    path("personen/<slug:slug>/", pages.PersonDetailView.as_view(), name="person-detail"),
    *feed_paths("personen/<slug:slug>/", feeds.PersonFeed, feeds.PersonAtomFeed, "person-feed"),
    path("suche/", SearchView.as_view(), name="search"),
    # The releases the search page's filters select (query parameters), without a query.
    *feed_paths("suche/", SearchFeed, SearchAtomFeed, "search-feed"),
    path("archiv/", archive.ArchiveView.as_view(), name="archive"),
    re_path(r"^archiv/(?P<year>[12][0-9]{3})/$", archive.ArchiveYearView.as_view(),
            name="archive-year"),
    re_path(r"^archiv/(?P<year>[12][0-9]{3})/(?P<month>0[1-9]|1[0-2])/$",
            archive.ArchiveMonthView.as_view(), name="archive-month"),
    path("termine/", events.EventListView.as_view(), name="event-list"),
    # iCalendar (releases/views/calendars.py).
    path("termine/kalender.ics", calendars.all_events, name="event-calendar"),
    path("termine/<int:pk>.ics", calendars.event_download, name="event-ics"),
    path("personen/<slug:slug>/termine.ics", calendars.person_events, name="person-calendar"),
    path("themen/<slug:slug>/termine.ics", calendars.topic_events, name="topic-calendar"),
    path("termine/vergangene/", events.EventListView.as_view(past=True), name="event-past"),
    path("termine/<int:pk>-<slug:slug>/", events.EventDetailView.as_view(), name="event-detail"),
    path("delegationsreisen/", events.DelegationListView.as_view(), name="delegation-list"),
    path("delegationsreisen/<slug:slug>/", events.DelegationDetailView.as_view(),
         name="delegation-detail"),
    path("pressekontakte/", contacts.ContactListView.as_view(), name="contact-list"),
    path("pressekontakte/<int:pk>.vcf", contacts.contact_vcard_view, name="contact-vcard"),
    path("impressum/", bitv.legal_page, {"url": IMPRINT_URL}, name="imprint"),
    path("datenschutz/", bitv.legal_page, {"url": PRIVACY_URL}, name="privacy"),
    path("barrierefreiheit/", bitv.legal_page, {"url": ACCESSIBILITY_URL},
         name="accessibility"),
    # BITV 2.0 § 4 (releases/bitv.py).
    path("leichte-sprache/", bitv.easy_language, name="easy-language"),
    path("gebaerdensprache/", bitv.sign_language, name="sign-language"),
]

# Every page here is served from the page cache to anonymous visitors (releases/caching.py)
# except these: a preview is for its link's holder only, a search for whoever asked it.
UNCACHED = {"preview", "search"}
# The query parameters each cached page reads (none unless listed). Any other is dropped
# from an anonymous request (releases/caching.py): a page that starts reading a parameter
# is listed here (another app's pages in its own urls.py).
PAGED = {"page"}
QUERY_PARAMETERS = {
    "release-list": PAGED, "kind-detail": PAGED, "topic-detail": PAGED,
    "organisation-detail": PAGED, "person-detail": PAGED, "archive-month": PAGED,
    "event-list": PAGED, "event-past": PAGED, "delegation-list": PAGED,
    "search-feed": set(FILTERS), "search-feed-atom": set(FILTERS),
}
cache_patterns(urlpatterns, query=QUERY_PARAMETERS, uncached=UNCACHED)
