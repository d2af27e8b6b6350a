"""The search page: a query, filters and paginated results with marked snippets."""

import datetime
import re

from django import forms
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.utils import flatatt
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from ..cached_values import public_value
from ..feeds import ReleaseFeed, atom
from ..links import absolute_url
from ..models import Organisation, Release, Topic
from ..search import (
    MAX_QUERY_CHARS,
    ResultPaginator,
    add_snippets,
    did_you_mean,
    parse,
    search,
)

PAGE_SIZE = 20
# The language releases are written in: names of topics and organisations are theirs.
CONTENT_LANGUAGE = "de"
FILTERS = ("from_date", "to_date", "topic", "organisation", "kind")
# A query that is only a release number, as printed on it: "12/2026", "12 / 2026".
RELEASE_NUMBER = re.compile(r"(\d{1,9})\s*/\s*(\d{4})")
# Dates far outside these cannot be converted between time zones.
DATE_VALIDATORS = [MinValueValidator(datetime.date(1900, 1, 1)),
                   MaxValueValidator(datetime.date(2999, 12, 31))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class Select(forms.Select):
    """A select list of plain options (no groups), written here rather than through
    Django's widget templates, which build a context for each of the fifty options.

    ``content_language``: the language of the options that name content (topics,
    organisations), marked on each of them but the empty one ("All topics")."""

    def __init__(self, attrs=None, choices=(), content_language=""):
        super().__init__(attrs, choices)
        self.content_language = content_language

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join("", '\n  <option value="{}"{}{}>{}</option>', (
            (choice, " selected" if str(choice) in chosen else "",
             format_html(' lang="{}"', self.content_language)
             if choice and self.content_language else "", label)
            for choice, label in self.choices))
        return format_html('<select name="{}"{}>{}\n</select>', name,
                           flatatt(self.build_attrs(self.attrs, attrs)), options)


def _public_row(model, slug):
    """The public topic or organisation named ``slug`` (one row or none), asked reason by
    reason rather than through all of them at once (``get_public``)."""
    try:
        return model.objects.filter(pk=model.objects.get_public(slug=slug).pk)
    except (model.DoesNotExist, ValueError):  # ValueError: a value no query can carry
        return model.objects.none()


class SearchForm(forms.Form):
    """The search page's GET parameters; a bad value is reported and left out."""

    # A longer query is searched by its beginning (parse), not refused.
    q = forms.CharField(label=_("Search terms"), required=False, widget=forms.TextInput(
        attrs={"type": "search", "maxlength": MAX_QUERY_CHARS}))
    from_date = forms.DateField(label=_("Published from"), required=False, widget=DateInput(),
                                validators=DATE_VALIDATORS)
    to_date = forms.DateField(label=_("Published until"), required=False, widget=DateInput(),
                              validators=DATE_VALIDATORS)
    # The choices are the topics and organisations of public releases (see __init__).
    topic = forms.ModelChoiceField(Topic.objects.none(), to_field_name="slug", required=False,
                                   label=_("Topic"), empty_label=_("All topics"),
                                   widget=Select(content_language=CONTENT_LANGUAGE))
    organisation = forms.ModelChoiceField(
        Organisation.objects.none(), to_field_name="slug", required=False,
        label=_("Organisation"), empty_label=_("All organisations"),
        widget=Select(content_language=CONTENT_LANGUAGE))
    kind = forms.ChoiceField(choices=[("", _("All kinds")), *Release.Kind.choices],
                             required=False, label=_("Kind"), widget=Select)
    sort = forms.ChoiceField(choices=[("relevance", _("Relevance")), ("date", _("Newest first"))],
                             required=False, label=_("Sort by"), widget=Select)

    def __init__(self, *args, offered=False, **kwargs):
        """``offered``: the form is shown, with every topic and organisation of a public
        release as a choice (one only an appointment names would find nothing); else it
        only checks the values given, each against what is public (a feed may be asked
        for before its first release)."""
        super().__init__(*args, **kwargs)
        for name, model in (("topic", Topic), ("organisation", Organisation)):
            # What is public depends on the moment. Listing all of it costs a pass over
            # the archive: asked of the cache, which knows when it changes.
            if offered:
                offer = public_value(f"search-choices:{name}", lambda model=model: [
                    (item.pk, item.slug, str(item))
                    for item in model.objects.with_public_releases()])
                field = self.fields[name]
                field.queryset = model.objects.filter(pk__in=[pk for pk, _, _ in offer])
                # Listed as kept: the database is asked only for a value given.
                field.choices = [("", field.empty_label),
                                 *((slug, label) for _, slug, label in offer)]
            elif self.data.get(name):  # a value given is checked; none needs no query
                self.fields[name].queryset = _public_row(model, self.data.get(name))

    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("from_date"), cleaned_data.get("to_date")
        if start and end and start > end:
            self.add_error("to_date", _("The end date is before the start date."))
        return cleaned_data

    @property
    def filters(self):
        """The valid filters given, by name: what narrows the list."""
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in FILTERS if data.get(name)}

    def filter_lookups(self):
        """The lookups on Release.objects.public() that the valid filters ask for."""
        filters, lookups = self.filters, {}
        if "from_date" in filters:
            lookups["published_at__gte"] = start_of(filters["from_date"])
        if "to_date" in filters:
            lookups["published_at__lt"] = start_of(
                filters["to_date"] + datetime.timedelta(days=1))
        if "topic" in filters:
            lookups["topics"] = filters["topic"]
        if "organisation" in filters:
            lookups["organisation"] = filters["organisation"]
        if "kind" in filters:
            lookups["kind"] = filters["kind"]
        return lookups

    def filter_query_string(self):
        """The valid filters as a query string, in the form's order."""
        values = {"topic": lambda topic: topic.slug,
                  "organisation": lambda organisation: organisation.slug,
                  "from_date": datetime.date.isoformat, "to_date": datetime.date.isoformat}
        return urlencode({name: values.get(name, str)(value)
                          for name, value in self.filters.items()})

    def filter_parts(self):
        """The valid filters in words: (text, language) each, the language that of the
        content for the names of topics and organisations, else "" (the interface's)."""
        filters = self.filters
        parts = [(str(filters[name]), CONTENT_LANGUAGE)
                 for name in ("topic", "organisation") if name in filters]
        if "kind" in filters:
            parts.append((str(Release.Kind(filters["kind"]).label), ""))
        if "from_date" in filters:
            parts.append((_now("from %(date)s") % {
                "date": formats.date_format(filters["from_date"], "SHORT_DATE_FORMAT")}, ""))
        if "to_date" in filters:
            parts.append((_now("until %(date)s") % {
                "date": formats.date_format(filters["to_date"], "SHORT_DATE_FORMAT")}, ""))
        return parts

    def describe_filters(self):
        """The valid filters in words (plain text), e.g. for a feed's title."""
        return ", ".join(text for text, _language in self.filter_parts())


def start_of(date):
    """The first moment of ``date`` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time.min))


def numbered_release(form):
    """The one public release whose number the query is (within the filters), or None."""
    match = RELEASE_NUMBER.fullmatch(form.cleaned_data.get("q") or "")
    if not match:
        return None
    found = list(Release.objects.public().filter(
        **form.filter_lookups(), number=int(match[1]), number_year=int(match[2]))[:2])
    # The same number in two offices: the search lists both.
    return found[0] if len(found) == 1 else None


def filtered_feed_links(form):
    """The RSS and Atom feed of the filtered list, for <link rel="alternate"> and links."""
    query_string = form.filter_query_string()
    return {
        "title": _now("Press releases: %(subject)s") % {"subject": form.describe_filters()},
        "rss": f"{reverse('releases:search-feed')}?{query_string}",
        "atom": f"{reverse('releases:search-feed-atom')}?{query_string}",
    }


class SearchView(TemplateView):
    """Results of a query; without one, the public releases the filters select, newest
    first; a query that is a release's number opens that release."""

    template_name = "releases/search.html"

    def get(self, request, *args, **kwargs):
        self.form = SearchForm(request.GET, offered=True)
        self.form.is_valid()  # errors are shown; the values that are valid still apply
        release = numbered_release(self.form)
        if release is not None:
            return redirect(release)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.form
        data = form.cleaned_data
        query = parse(data.get("q", ""))
        browsing = not query and bool(form.filters)
        context.update(form=form, query=query, searched=bool(query), browsing=browsing,
                       filter_parts=form.filter_parts(), filter_text=form.describe_filters())
        releases = Release.objects.public().filter(**form.filter_lookups())
        if query:
            shown, order = (releases.select_related("organisation").prefetch_related("topics"),
                            data.get("sort") or "relevance")
            results = search(query, shown, order=order)
            suggestion = did_you_mean(query, releases)
            # No release has all the words, and none is misspelt: those with some of them.
            if not results and not suggestion and (loosened := query.any_of()):
                results = search(loosened, shown, order=order)
                if results:
                    query = loosened
                    context.update(query=query, some_words=True)
            page = ResultPaginator(results, PAGE_SIZE).get_page(self.request.GET.get("page"))
            context.update(suggestion=suggestion)
        elif browsing:
            # With their texts: the snippets are cut from them.
            page = Paginator(releases.for_listing(text=True), PAGE_SIZE).get_page(
                self.request.GET.get("page"))
            context.update(feed=filtered_feed_links(form))
        else:
            return context
        context.update(page_obj=page, paginator=page.paginator,
                       page_range=page.paginator.get_elided_page_range(page.number),
                       results=add_snippets(page.object_list, query))
        return context


def with_query(address, query):
    """``address`` with ``query`` after a "?", if there is one."""
    return f"{address}?{query}" if query else address


class SearchFeed(ReleaseFeed):
    """The public releases the search page's filters select, newest first.

    Its filters are query parameters; one that is not valid (an unknown topic, a
    date that is none) is a bad request rather than silently a wider feed.
    """

    url_name = "search-feed"

    @staticmethod
    def request_scope(request, kwargs):
        return SearchFeed.valid_form(request).filter_lookups()

    @staticmethod
    def valid_form(request):
        """The filters, checked once per request (the validators and the feed both ask)."""
        form = getattr(request, "_search_feed_form", None)
        if form is None:
            form = SearchForm({name: value for name, value in request.GET.items()
                               if name in FILTERS})
            if not form.is_valid():
                raise BadRequest("invalid filter")
            request._search_feed_form = form
        return form

    def get_object(self, request, **kwargs):
        return self.valid_form(request)

    def scope_of(self, obj):
        return obj.filter_lookups()

    def subject(self, obj):
        return obj.describe_filters() or None

    def link(self, obj):
        return absolute_url(with_query(reverse("releases:search"), obj.filter_query_string()))

    def feed_url(self, obj):
        return with_query(super().feed_url(obj), obj.filter_query_string())


SearchAtomFeed = atom(SearchFeed)
