"""The archive by year and month: Django's date-based views on public releases."""

from django.db.models import Count
from django.db.models.functions import TruncMonth, TruncYear
from django.http import Http404
from django.views.generic import ArchiveIndexView, MonthArchiveView, YearArchiveView

from ..cached_values import CachedCountMixin
from .pages import PAGE_SIZE, public_releases


def counts_by(period, releases):
    """[{"date": ..., "count": ...}] of ``releases`` per year or month (Europe/Berlin)."""
    return list(
        releases.annotate(date=period("published_at")).values("date")
        .annotate(count=Count("pk")).order_by("date")
    )


class ArchiveMixin:
    date_field = "published_at"
    context_object_name = "releases"

    def get_queryset(self):
        return public_releases()


class ArchiveView(ArchiveMixin, ArchiveIndexView):
    """The years with their counts, newest first."""

    allow_empty = True

    def get_date_list(self, queryset, date_type=None, ordering="DESC"):
        return counts_by(TruncYear, queryset)[::-1]


class ArchiveYearView(ArchiveMixin, YearArchiveView):
    """A year's months with their counts; a year without releases is not found."""

    allow_empty = False

    def get_dated_queryset(self, **lookup):
        # Without pagination Django tests a year for emptiness by loading all its rows;
        # one is enough. (Public releases are never in the future.)
        queryset = self.get_queryset().filter(**lookup)
        if not queryset.exists():
            raise Http404
        return queryset

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        return counts_by(TruncMonth, queryset)


class ArchiveMonthView(CachedCountMixin, ArchiveMixin, MonthArchiveView):
    """A month's releases, paginated; an empty month is not found."""

    allow_empty = False
    month_format = "%m"
    paginate_by = PAGE_SIZE

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        # The month's days are not shown; spare the query.
        return []

    def get_dated_items(self):
        # Previous and next month are looked up on the plain queryset (one row each);
        # only the listed page needs the listing's related rows.
        date_list, releases, extra = super().get_dated_items()
        return date_list, releases.for_listing(), extra
