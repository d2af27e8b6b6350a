"""Organisations, their press contacts, and the topics releases are filed under."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..collation import German
from ..forms import ContactForm
from ..models import Contact, Organisation, Topic
from .autocomplete import CheckedAutocomplete


class NameColumn:
    """The name column, sorted in German order when its heading is clicked, as the list
    is by default."""

    @admin.display(description=_("name"), ordering=German("name"))
    def name_column(self, obj):
        return obj.name


@admin.register(Organisation)
class OrganisationAdmin(CheckedAutocomplete, NameColumn, admin.ModelAdmin):
    list_display = ["name_column", "short_name", "kind", "press_email"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["parent"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "parent", "logo"]}),
        (_("Contact"), {"fields": ["website", "press_email", "phone", "street", "postal_code",
                                   "city"]}),
        (_("Footer under releases"), {"fields": ["footer", "email_note_mark"]}),
    ]


@admin.register(Contact)
class ContactAdmin(CheckedAutocomplete, NameColumn, admin.ModelAdmin):
    form = ContactForm
    list_display = ["name_column", "role", "phone", "email", "organisation", "is_active"]
    list_filter = ["organisation", "is_active"]
    list_select_related = ["organisation"]
    search_fields = ["name", "role", "email"]
    autocomplete_fields = ["organisation"]


@admin.register(Topic)
class TopicAdmin(NameColumn, admin.ModelAdmin):
    list_display = ["name_column", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

