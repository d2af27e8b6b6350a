"""The editors' working place. The release's own admin is in release_admin.py."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import announcements, audit
from .forms import (
    AppointmentForm,
    ContactForm,
    DelegationForm,
    DelegationStopForm,
    EventForm,
    PersonForm,
)
from .models import (
    Appointment,
    AuditEntry,
    Contact,
    Counterpart,
    Delegation,
    DelegationMember,
    DelegationStop,
    Event,
    Organisation,
    Person,
    ProgrammeItem,
    Release,
    Topic,
)
from .release_admin import ReleaseAdmin  # noqa: F401  registers the release's admin

admin.site.site_header = _("Newsroom")
admin.site.site_title = _("Newsroom")
admin.site.index_title = _("Press releases and more")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "press_email"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["parent"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "parent"]}),
        (_("Contact"), {"fields": ["website", "press_email", "phone", "street", "postal_code",
                                   "city"]}),
        (_("Footer under releases"), {"fields": ["footer", "email_note_mark"]}),
    ]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    form = ContactForm
    list_display = ["name", "role", "phone", "email", "organisation", "is_active"]
    list_filter = ["organisation", "is_active"]
    list_select_related = ["organisation"]
    search_fields = ["name", "role", "email"]
    autocomplete_fields = ["organisation"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class AppointmentInline(admin.TabularInline):
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
    form = PersonForm
    list_display = ["full_name", "description"]
    search_fields = ["family_name", "given_name", "description"]
    prepopulated_fields = {"slug": ["given_name", "family_name"]}
    inlines = [AppointmentInline]
    fields = ["honorific", "given_name", "family_name", "slug", "description", "portrait",
              "portrait_credit", "biography"]

    @admin.display(description=_("name"), ordering="family_name")
    def full_name(self, person):
        return person.full_name


class EventReleaseInline(admin.TabularInline):
    """The releases linked to an appointment, as a list only.

    A link is part of the release: it is set in the release's form, where it is a
    change of the release (reviewed, versioned and logged), never here.
    """

    model = Release.events.through
    template = "admin/edit_inline/read_only_list.html"
    hint = _("Press releases are linked to this appointment in the press release itself "
             "(field “appointments”).")
    extra = 0
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

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AnnouncementAdminMixin:
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


@admin.register(Event)
class EventAdmin(AnnouncementAdminMixin, admin.ModelAdmin):
    form = EventForm
    list_display = ["title", "starts_at", "status", "city", "organisation", "is_cancelled"]
    list_filter = ["status", "organisation", "is_cancelled", "requires_accreditation", "topics"]
    list_select_related = ["organisation"]
    date_hierarchy = "starts_at"
    search_fields = ["title", "theme", "city", "venue"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisation", "ministers", "topics", "delegation"]
    inlines = [EventReleaseInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "organisation", "theme", "description",
                           "expected_participants"]}),
        (_("Time and place"), {"fields": ["starts_at", "ends_at", "has_time", "venue", "address",
                                          "city", "country"]}),
        (_("For the press"), {"fields": ["is_press_open", "requires_accreditation",
                                         "is_photo_opportunity", "press_information",
                                         "is_cancelled"]}),
        (_("Links"), {"fields": ["ministers", "topics", "delegation"]}),
        AnnouncementAdminMixin.publication_fieldset,
    ]


class DelegationMemberInline(admin.TabularInline):
    model = DelegationMember
    extra = 0


class DelegationStopInline(admin.TabularInline):
    model = DelegationStop
    form = DelegationStopForm
    extra = 0
    show_change_link = True


@admin.register(Delegation)
class DelegationAdmin(AnnouncementAdminMixin, admin.ModelAdmin):
    form = DelegationForm
    list_display = ["title", "leader", "start_date", "end_date", "status", "countries",
                    "member_count"]
    list_filter = ["status"]
    list_select_related = ["leader"]
    search_fields = ["title", "countries", "purpose"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["leader", "organisation", "topics"]
    inlines = [DelegationStopInline, DelegationMemberInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "leader", "organisation", "start_date", "end_date",
                           "countries", "member_count", "purpose", "description", "topics"]}),
        AnnouncementAdminMixin.publication_fieldset,
    ]


class ProgrammeItemInline(admin.StackedInline):
    model = ProgrammeItem
    extra = 0
    show_change_link = True


@admin.register(DelegationStop)
class DelegationStopAdmin(admin.ModelAdmin):
    form = DelegationStopForm
    list_display = ["city", "delegation", "arrival_date", "departure_date"]
    list_select_related = ["delegation"]
    search_fields = ["city", "delegation__title"]
    autocomplete_fields = ["delegation"]
    inlines = [ProgrammeItemInline]


class CounterpartInline(admin.TabularInline):
    model = Counterpart
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(ProgrammeItem)
class ProgrammeItemAdmin(admin.ModelAdmin):
    list_display = ["title", "stop", "date"]
    list_select_related = ["stop__delegation"]
    search_fields = ["title", "stop__city"]
    autocomplete_fields = ["stop"]
    inlines = [CounterpartInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, for the Administration group only (view_auditentry): read-only."""

    # What an entry is about by its name at the time: a release, an appointment or a trip.
    list_display = ["at", "actor_name", "action", "object_repr", "detail", "ip_address"]
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "at"
    search_fields = ["actor_name", "object_repr", "detail"]
    search_help_text = _("User, release or detail.")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
