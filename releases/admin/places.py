"""Places with their names in several languages, for the search."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import PlaceGroup, PlaceName


class PlaceNameInline(admin.TabularInline):
    model = PlaceName
    fields = ["name", "language"]
    extra = 2


@admin.register(PlaceGroup)
class PlaceGroupAdmin(admin.ModelAdmin):
    """Names of a place in several languages (the search finds them all), and related places."""

    list_display = ["__str__", "kind", "note"]
    list_filter = ["kind"]
    ordering = ["kind", "pk"]  # the places the search combines first
    search_fields = ["note", "names__name"]
    search_help_text = _("Any name of the place, or the note.")
    fields = ["kind", "note"]
    inlines = [PlaceNameInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("names")
