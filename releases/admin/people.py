"""People releases and appointments name, with the offices they hold."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..collation import German
from ..forms import AppointmentForm
from ..models import Appointment, Person
from .autocomplete import CheckedAutocomplete


class AppointmentInline(CheckedAutocomplete, admin.TabularInline):
    model = Appointment
    form = AppointmentForm
    extra = 0
    # The model's verbose name ("appointment") is also the one of Event (a Termin);
    # an office held is something else to an editor.
    verbose_name = _("office")
    verbose_name_plural = _("offices")
    autocomplete_fields = ["organisation"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "description"]
    search_fields = ["family_name", "given_name", "description"]
    prepopulated_fields = {"slug": ["given_name", "family_name"]}
    inlines = [AppointmentInline]
    fields = ["honorific", "given_name", "family_name", "slug", "description", "portrait",
              "portrait_credit", "biography"]

    @admin.display(description=_("name"), ordering=German("family_name"))
    def full_name(self, person):
        return person.full_name

