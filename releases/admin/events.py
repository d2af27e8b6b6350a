"""Appointments and delegation trips: their pages, the trip's stops and programme.

Their status, publication time and embargo are announced through
releases/announcements.py (AnnouncementAdminMixin); the releases linked to them
are only listed here, as a link is set in the release.
"""

import nested_admin
from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .. import announcements, audit
from ..forms import DelegationForm, DelegationStopForm, EventForm
from ..models import (
    Counterpart,
    Delegation,
    DelegationMember,
    DelegationStop,
    Event,
    ProgrammeItem,
    Release,
)
from .autocomplete import CheckedAutocomplete
from .initial import ReadableInitialData


class ListOnlyInline(admin.TabularInline):
    """Rows shown on another object's page as a list: nothing is added, changed or
    deleted through it (each row has its own place to be edited)."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventReleaseInline(ListOnlyInline):
    """The releases linked to an appointment, as a list only.

    A link is part of the release: it is set in the release's form, where it is a
    change of the release (reviewed, versioned and logged), never here.
    """

    model = Release.events.through
    template = "admin/edit_inline/read_only_list.html"
    hint = _("Press releases are linked to this appointment in the press release itself "
             "(field “appointments”).")
    fields = readonly_fields = ["linked_release", "release_status"]
    verbose_name = _("linked press release")
    verbose_name_plural = _("linked press releases")

    def get_queryset(self, request):
        # The releases as documents; a working edition's links are not yet the release's.
        return super().get_queryset(request).filter(
            release__edition_of__isnull=True).select_related("release")

    @admin.display(description=_("press release"))
    def linked_release(self, link):
        url = reverse("admin:releases_release_change", args=[link.release_id])
        return format_html('<a href="{}">{}</a>', url, link.release)

    @admin.display(description=_("status"))
    def release_status(self, link):
        return link.release.get_status_display()


class AnnouncementAdminMixin(ReadableInitialData):
    """Status, publication time and embargo of an appointment or trip: read-only for
    those who may not announce; each change of them is in the audit log."""

    publication_fieldset = (_("Publication"), {"fields": list(announcements.FIELDS)})

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not announcements.may_announce(request.user):
            fields += announcements.FIELDS
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        announcements.publication_saved(obj, form.changed_data, request.user,
                                        created=not change,
                                        ip_address=audit.client_ip(request))


def trip_link(delegation):
    """A link to the trip's page, where its stops, programme and counterparts are."""
    if delegation is None:
        return "–"
    url = reverse("admin:releases_delegation_change", args=[delegation.pk])
    return format_html('<a href="{}" class="trip-link">{}</a>', url, delegation)


@admin.register(Event)
class EventAdmin(CheckedAutocomplete, AnnouncementAdminMixin, admin.ModelAdmin):
    form = EventForm
    list_display = ["title", "starts_at", "status", "city", "organisation", "is_cancelled"]
    list_filter = ["status", "organisation", "is_cancelled", "requires_accreditation", "topics"]
    list_select_related = ["organisation"]
    date_hierarchy = "starts_at"
    search_fields = ["title", "theme", "city", "venue"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisation", "ministers", "topics", "delegation"]
    inlines = [EventReleaseInline]
    readonly_fields = ["trip"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "organisation", "theme", "description",
                           "expected_participants", "loaded_version"]}),
        (_("Time and place"), {"fields": ["starts_at", "ends_at", "has_time", "venue", "address",
                                          "city", "country"]}),
        (_("For the press"), {"fields": ["is_press_open", "requires_accreditation",
                                         "is_photo_opportunity", "press_information",
                                         "is_cancelled"]}),
        (_("Links"), {"fields": ["ministers", "topics", "delegation", "trip"]}),
        AnnouncementAdminMixin.publication_fieldset,
    ]

    @admin.display(description=_("trip's page"))
    def trip(self, event):
        return trip_link(event.delegation)


# A trip is built on its own page: stops, each with its programme, each programme item
# with the people met (nested inlines), the members, and the trip's appointments.

class RelatedRowsFormSet(nested_admin.formsets.NestedInlineFormSet):
    """A nested formset whose rows are read through its parent row's relation, which the
    trip's stops prefetch: a trip's page costs the same queries for one stop or ten."""

    def get_queryset(self):
        if self.data or self.instance.pk is None:
            return super().get_queryset()
        if not hasattr(self, "related_rows"):
            # One QuerySet, evaluated once (from the prefetched rows where there are).
            self.related_rows = getattr(
                self.instance, self.fk.remote_field.get_accessor_name()).all()
        return self.related_rows


class OrderedInline:
    """Rows put in order by dragging them by their handle; the number is kept hidden."""

    sortable_field_name = "order"
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["widgets"] = {**kwargs.get("widgets", {}), "order": forms.HiddenInput}
        return super().get_formset(request, obj, **kwargs)


class CounterpartInline(CheckedAutocomplete, OrderedInline, nested_admin.NestedTabularInline):
    model = Counterpart
    formset = RelatedRowsFormSet
    fields = ["person", "role", "order"]
    autocomplete_fields = ["person"]


class ProgrammeItemInline(OrderedInline, nested_admin.NestedStackedInline):
    model = ProgrammeItem
    formset = RelatedRowsFormSet
    fields = [("title", "date"), "description", "order"]
    inlines = [CounterpartInline]


class DelegationStopInline(OrderedInline, nested_admin.NestedStackedInline):
    model = DelegationStop
    form = DelegationStopForm
    fields = [("city", "country"), ("arrival_date", "departure_date"), "order"]
    inlines = [ProgrammeItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("delegation").prefetch_related(
            "programme__counterparts__person")


class DelegationMemberInline(OrderedInline, nested_admin.NestedTabularInline):
    model = DelegationMember
    fields = ["name", "role", "order"]


class DelegationEventInline(ListOnlyInline):
    """The trip's appointments, as a list with links: an appointment has its own page."""

    model = Event
    fk_name = "delegation"
    template = "admin/edit_inline/trip_events.html"
    hint = _("An appointment belongs to this trip when its field “delegation trip” names it.")
    fields = readonly_fields = ["appointment", "starts_at", "city", "status"]
    verbose_name = _("appointment of the trip")
    verbose_name_plural = _("appointments of the trip")

    @admin.display(description=_("appointment"))
    def appointment(self, event):
        url = reverse("admin:releases_event_change", args=[event.pk])
        return format_html('<a href="{}">{}</a>', url, event.title)


@admin.register(Delegation)
class DelegationAdmin(CheckedAutocomplete, AnnouncementAdminMixin, nested_admin.NestedModelAdmin):
    form = DelegationForm
    list_display = ["title", "leader", "start_date", "end_date", "status", "countries",
                    "member_count"]
    list_filter = ["status"]
    list_select_related = ["leader"]
    search_fields = ["title", "countries", "purpose"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["leader", "organisation", "topics"]
    inlines = [DelegationStopInline, DelegationMemberInline, DelegationEventInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "leader", "organisation", "start_date", "end_date",
                           "countries", "member_count", "purpose", "description", "topics"]}),
        AnnouncementAdminMixin.publication_fieldset,
    ]

    def get_inlines(self, request, obj):
        # A trip being added has no appointments yet.
        inlines = super().get_inlines(request, obj)
        return inlines if obj is not None else [
            inline for inline in inlines if inline is not DelegationEventInline]

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None and obj.pk is not None:
            context["add_event_url"] = "{}?{}".format(
                reverse("admin:releases_event_add"), urlencode({
                    "delegation": obj.pk, "organisation": obj.organisation_id}))
        return super().render_change_form(request, context, add=add, change=change,
                                          form_url=form_url, obj=obj)


class TripPartAdmin(CheckedAutocomplete, nested_admin.NestedModelAdmin):
    """A stop or programme item on a page of its own, for searching and linking; it is
    edited on its trip's page, which is also where the sidebar leads."""

    readonly_fields = ["trip"]

    def has_module_permission(self, request):
        return False

    @admin.display(description=_("trip's page"))
    def trip(self, part):
        return trip_link(self.delegation_of(part))


@admin.register(DelegationStop)
class DelegationStopAdmin(TripPartAdmin):
    form = DelegationStopForm
    list_display = ["city", "delegation", "arrival_date", "departure_date"]
    list_select_related = ["delegation"]
    search_fields = ["city", "delegation__title"]
    autocomplete_fields = ["delegation"]
    fields = ["delegation", "trip", "city", "country", "arrival_date", "departure_date", "order"]
    inlines = [ProgrammeItemInline]

    def delegation_of(self, stop):
        return stop.delegation if stop.delegation_id else None


@admin.register(ProgrammeItem)
class ProgrammeItemAdmin(TripPartAdmin):
    list_display = ["title", "stop", "date"]
    list_select_related = ["stop__delegation"]
    search_fields = ["title", "stop__city"]
    autocomplete_fields = ["stop"]
    fields = ["stop", "trip", "title", "date", "description", "order"]
    inlines = [CounterpartInline]

    def delegation_of(self, item):
        return item.stop.delegation if item.stop_id else None

