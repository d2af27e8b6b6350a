"""The search page: a query, filters and paginated results with marked snippets."""

import datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

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
# Dates far outside these cannot be converted between time zones.
DATE_VALIDATORS = [MinValueValidator(datetime.date(1900, 1, 1)),
                   MaxValueValidator(datetime.date(2999, 12, 31))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class SearchForm(forms.Form):
    """The search page's GET parameters; a bad value is reported and left out."""

    q = forms.CharField(label=_("Search terms"), required=False, max_length=MAX_QUERY_CHARS,
                        widget=forms.TextInput(attrs={"type": "search"}))
    from_date = forms.DateField(label=_("Published from"), required=False, widget=DateInput(),
                                validators=DATE_VALIDATORS)
    to_date = forms.DateField(label=_("Published until"), required=False, widget=DateInput(),
                              validators=DATE_VALIDATORS)
    # The choices are the public topics and organisations (see __init__).
    topic = forms.ModelChoiceField(Topic.objects.none(), to_field_name="slug", required=False,
                                   label=_("Topic"), empty_label=_("All topics"))
    organisation = forms.ModelChoiceField(
        Organisation.objects.none(), to_field_name="slug", required=False,
        label=_("Organisation"), empty_label=_("All organisations"))
    kind = forms.ChoiceField(choices=[("", _("All kinds")), *Release.Kind.choices],
                             required=False, label=_("Kind"))
    sort = forms.ChoiceField(choices=[("relevance", _("Relevance")), ("date", _("Newest first"))],
                             required=False, label=_("Sort by"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Made per request: what is public depends on the moment.
        self.fields["topic"].queryset = Topic.objects.public()
        self.fields["organisation"].queryset = Organisation.objects.public()

    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("from_date"), cleaned_data.get("to_date")
        if start and end and start > end:
            self.add_error("to_date", _("The end date is before the start date."))
        return cleaned_data


def start_of(date):
    """The first moment of ``date`` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time.min))


class SearchView(TemplateView):
    template_name = "releases/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SearchForm(self.request.GET)
        form.is_valid()  # errors are shown; the values that are valid still apply
        data = form.cleaned_data
        query = parse(data.get("q", ""))
        context.update(form=form, query=query, searched=bool(query))
        if not query:
            return context
        releases = self.apply_filters(Release.objects.public(), data)
        results = search(query, releases.select_related("organisation").prefetch_related(
            "topics"), order=data.get("sort") or "relevance")
        page = ResultPaginator(results, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(page_obj=page, paginator=page.paginator,
                       page_range=page.paginator.get_elided_page_range(page.number),
                       results=add_snippets(page.object_list, query),
                       suggestion=did_you_mean(query, releases))
        return context

    @staticmethod
    def apply_filters(releases, data):
        if data.get("from_date"):
            releases = releases.filter(published_at__gte=start_of(data["from_date"]))
        if data.get("to_date"):
            releases = releases.filter(
                published_at__lt=start_of(data["to_date"] + datetime.timedelta(days=1)))
        if data.get("topic"):
            releases = releases.filter(topics=data["topic"])
        if data.get("organisation"):
            releases = releases.filter(organisation=data["organisation"])
        if data.get("kind"):
            releases = releases.filter(kind=data["kind"])
        return releases
