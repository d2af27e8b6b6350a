"""The editors' working place."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import (
    Appointment,
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
    ReleaseAttachment,
    ReleaseImage,
    ReleasePerson,
    Topic,
)

admin.site.site_header = _("Newsroom – editorial office")
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
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "description"]
    search_fields = ["family_name", "given_name", "description"]
    prepopulated_fields = {"slug": ["given_name", "family_name"]}
    inlines = [AppointmentInline]
    fields = ["honorific", "given_name", "family_name", "slug", "description", "portrait",
              "portrait_credit", "biography"]

    @admin.display(description=_("name"), ordering="family_name")
    def full_name(self, person):
        return person.full_name


class ReleasePersonInline(admin.TabularInline):
    model = ReleasePerson
    extra = 0
    autocomplete_fields = ["person"]


class ReleaseImageInline(admin.StackedInline):
    model = ReleaseImage
    extra = 0
    fields = ["image", "alt_text", "caption", "credit", "licence", "order"]


class ReleaseAttachmentInline(admin.TabularInline):
    model = ReleaseAttachment
    extra = 0
    fields = ["file", "title", "order"]


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "published_at", "organisation", "number_label"]
    list_filter = ["status", "organisation", "topics", "kind"]
    list_select_related = ["organisation"]
    date_hierarchy = "published_at"
    search_fields = ["title", "subtitle", "teaser"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisation", "contacts", "topics", "events", "delegations",
                           "related"]
    readonly_fields = ["number_label", "created_at", "created_by", "updated_at", "updated_by"]
    inlines = [ReleasePersonInline, ReleaseImageInline, ReleaseAttachmentInline]
    actions = ["publish_selected"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["kind", "organisation", "title", "subtitle", "slug", "teaser",
                           "body"]}),
        (_("Publication"), {"fields": ["status", "published_at", "embargo_until",
                                       "number_label"]}),
        (_("Links"), {"fields": ["contacts", "topics", "events", "delegations", "related"]}),
        (_("History"), {"classes": ["collapse"],
                        "fields": ["created_at", "created_by", "updated_at", "updated_by"]}),
    ]

    @admin.display(description=_("number"), ordering="number")
    def number_label(self, release):
        return release.number_label or "–"

    def save_model(self, request, obj, form, change):
        services.save_release(obj, user=request.user)

    @admin.action(description=_("Publish selected releases now"), permissions=["change"])
    def publish_selected(self, request, queryset):
        count = 0
        for release in queryset.exclude(status__in=Release.VISIBLE_STATUSES):
            services.publish(release, user=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d release published.", "%(count)d releases published.", count)
            % {"count": count},
            messages.SUCCESS,
        )


class EventReleaseInline(admin.TabularInline):
    model = Release.events.through
    extra = 0
    autocomplete_fields = ["release"]
    verbose_name = _("linked press release")
    verbose_name_plural = _("linked press releases")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
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
    extra = 0
    show_change_link = True


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
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
