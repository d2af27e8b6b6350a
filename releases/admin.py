"""The editors' working place."""

import re

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .forms import (
    AppointmentForm,
    ContactForm,
    DelegationForm,
    DelegationStopForm,
    EventForm,
    PersonForm,
    ReleaseForm,
)
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
from .search import update_search_vector

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


class ReleasePersonInline(admin.TabularInline):
    model = ReleasePerson
    extra = 0
    autocomplete_fields = ["person"]


class ReleaseImageInline(admin.StackedInline):
    model = ReleaseImage
    extra = 0
    fields = ["image", "thumbnail", "alt_text", "caption", "credit", "licence", "order"]
    readonly_fields = ["thumbnail"]

    @admin.display(description=_("stored image"))
    def thumbnail(self, image):
        if not image.image:
            return "–"
        return format_html('<img src="{}" alt="" height="120">', image.image.url)


class ReleaseAttachmentInline(admin.TabularInline):
    model = ReleaseAttachment
    extra = 0
    fields = ["file", "title", "order"]


# "123/2026": editors and journalists refer to releases by their number.
NUMBER_SEARCH = re.compile(r"^\s*(\d+)\s*/\s*(\d{4})\s*$")


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    form = ReleaseForm
    list_display = ["title", "kind", "status", "published_at", "organisation", "number_label"]
    list_filter = ["status", "organisation", "topics", "kind"]
    list_select_related = ["organisation"]
    date_hierarchy = "published_at"
    search_fields = ["title", "subtitle", "teaser"]
    search_help_text = _("Title, subtitle or teaser; or a number such as 12/2026.")
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisation", "contacts", "topics", "events", "delegations",
                           "related"]
    readonly_fields = ["number_label", "created_at", "created_by", "updated_at", "updated_by"]
    inlines = [ReleasePersonInline, ReleaseImageInline, ReleaseAttachmentInline]
    actions = ["publish_selected"]
    save_on_top = True
    # What an editor fills in on deadline comes first; links and bookkeeping last.
    fieldsets = [
        (None, {"fields": [("kind", "organisation"), "title", "subtitle", "slug", "teaser",
                           "body"]}),
        (_("Publication"), {
            "fields": ["status", "published_at", "embargo_until", "number_label"],
            "description": _("Choose “Published” and leave the time empty to publish now. "
                             "The number is assigned on publication."),
        }),
        (_("Press contacts and topics"), {"fields": ["contacts", "topics"]}),
        (_("Links to appointments, trips and other releases"), {
            "classes": ["collapse"], "fields": ["events", "delegations", "related"]}),
        (_("History"), {"classes": ["collapse"],
                        "fields": ["created_at", "created_by", "updated_at", "updated_by"]}),
    ]

    @admin.display(description=_("number"), ordering="number")
    def number_label(self, release):
        return release.number_label or "–"

    def get_search_results(self, request, queryset, search_term):
        match = NUMBER_SEARCH.match(search_term)
        if match:
            number, year = match.groups()
            return queryset.filter(number=int(number), number_year=int(year)), False
        return super().get_search_results(request, queryset, search_term)

    def is_public(self, release):
        return Release.objects.public().filter(pk=release.pk).exists()

    def view_on_site(self, release):
        # Unpublished releases get the preview link instead (render_change_form).
        return release.get_absolute_url() if self.is_public(release) else None

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None and obj.pk is not None and not self.is_public(obj):
            context["preview_url"] = obj.get_absolute_url()
        return super().render_change_form(request, context, add=add, change=change,
                                          form_url=form_url, obj=obj)

    def save_model(self, request, obj, form, change):
        services.save_release(obj, user=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Topics and people are saved after the release: index them too.
        update_search_vector([form.instance.pk])

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
