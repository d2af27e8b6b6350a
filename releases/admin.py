"""The editors' working place. The release's own admin is in release_admin.py."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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
        (_("Footer under releases"), {"fields": ["footer"]}),
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
    model = Release.events.through
    extra = 0
    autocomplete_fields = ["release"]
    verbose_name = _("linked press release")
    verbose_name_plural = _("linked press releases")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = EventForm
    list_display = ["title", "starts_at", "city", "organisation", "is_cancelled"]
    list_filter = ["organisation", "is_cancelled", "requires_accreditation", "topics"]
    list_select_related = ["organisation"]
    date_hierarchy = "starts_at"
    search_fields = ["title", "theme", "city", "venue"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisation", "ministers", "topics", "delegation"]
    inlines = [EventReleaseInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "organisation", "theme", "description",
                           "expected_participants"]}),
        (_("Time and place"), {"fields": ["starts_at", "ends_at", "venue", "address", "city",
                                          "country"]}),
        (_("For the press"), {"fields": ["is_press_open", "requires_accreditation",
                                         "is_photo_opportunity", "press_information",
                                         "is_cancelled"]}),
        (_("Links"), {"fields": ["ministers", "topics", "delegation"]}),
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
class DelegationAdmin(admin.ModelAdmin):
    form = DelegationForm
    list_display = ["title", "leader", "start_date", "end_date", "countries", "member_count"]
    list_select_related = ["leader"]
    search_fields = ["title", "countries", "purpose"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["leader", "organisation", "topics"]
    inlines = [DelegationStopInline, DelegationMemberInline]


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

    list_display = ["at", "actor_name", "action", "release", "detail", "ip_address"]
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["release"]
    date_hierarchy = "at"
    search_fields = ["actor_name", "object_repr", "detail"]
    search_help_text = _("User, release or detail.")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
