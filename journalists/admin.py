"""Admin for the journalist services; decisions go through accreditation.py."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from releases.admin.autocomplete import CheckedAutocomplete

from . import accreditation, outbox, subscriptions
from .models import (
    AccreditationRequest,
    AccreditationSettings,
    EditorNotificationSettings,
    EmbargoAccess,
    Journalist,
    OutboxMessage,
    Subscription,
)


def report(modeladmin, request, message, done, total):
    modeladmin.message_user(request, message % {"count": done, "total": total},
                            messages.SUCCESS if done == total else messages.WARNING)


class ReadOnlyAdmin(admin.ModelAdmin):
    """A log: looked at, never written by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "frequency", "confirmed_at", "paused_until", "created_at"]
    list_filter = ["frequency", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    filter_horizontal = ["topics", "organisations", "ministers"]
    readonly_fields = ["created_at", "confirmed_at", "token_version"]
    actions = ["rotate_links"]

    @admin.action(description=_("Invalidate the manage and unsubscribe links sent so far"),
                  permissions=["change"])
    def rotate_links(self, request, queryset):
        for subscription in queryset:
            subscriptions.rotate_links(subscription)
        count = queryset.count()
        report(self, request, ngettext(
            "%(count)d subscription has new links.",
            "%(count)d subscriptions have new links.", count),
               count, count)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        outbox.reschedule_held(obj)  # a pause ended or shortened here, too

    def delete_model(self, request, obj):
        subscriptions.delete(obj)

    def delete_queryset(self, request, queryset):
        for subscription in queryset:
            subscriptions.delete(subscription)


@admin.register(Journalist)
class JournalistAdmin(admin.ModelAdmin):
    list_display = ["name", "medium", "email", "status", "email_verified_at", "approved_at"]
    list_filter = ["status", ("email_verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "medium", "email", "press_card_number"]
    readonly_fields = ["status", "email_verified_at", "approved_by", "approved_at",
                       "revoked_at", "created_at"]
    actions = ["approve", "revoke", "rotate_token"]

    def has_approve_permission(self, request):
        return request.user.has_perm("journalists.approve_journalist")

    @admin.action(description=_("Approve accreditation (address must be verified)"),
                  permissions=["approve"])
    def approve(self, request, queryset):
        done = sum(accreditation.approve_journalist(j, request.user) for j in queryset)
        report(self, request, gettext("%(count)d of %(total)d journalists approved."),
               done, queryset.count())

    @admin.action(description=_("Revoke accreditation"), permissions=["approve"])
    def revoke(self, request, queryset):
        done = sum(accreditation.revoke_journalist(j) for j in queryset)
        report(self, request, gettext("%(count)d of %(total)d accreditations revoked."),
               done, queryset.count())

    @admin.action(description=_("Give a new feed address (the old one stops working)"),
                  permissions=["approve"])
    def rotate_token(self, request, queryset):
        for journalist in queryset:
            accreditation.rotate_feed_token(journalist)
        count = queryset.count()
        report(self, request, ngettext(
            "%(count)d journalist has a new feed address.",
            "%(count)d journalists have new feed addresses.", count),
               count, count)


@admin.register(EmbargoAccess)
class EmbargoAccessAdmin(ReadOnlyAdmin):
    list_display = ["journalist", "release", "via", "first_at", "last_at", "count"]
    list_filter = ["via"]
    search_fields = ["journalist__name", "journalist__medium", "release__title"]
    list_select_related = ["journalist", "release"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["key", "kind", "status", "to_address", "due_at", "sent_at", "attempts"]
    list_filter = ["kind", "status", "is_digest"]
    search_fields = ["key", "to_address", "release__title", "recipient__username"]
    date_hierarchy = "created_at"


@admin.register(EditorNotificationSettings)
class EditorNotificationSettingsAdmin(admin.ModelAdmin):
    """Each editor's own choice and nobody else's, reached from the user tools: the list
    is their own form."""

    fields = ["email_address", "delivery"]
    readonly_fields = ["email_address"]
    radio_fields = {"delivery": admin.VERTICAL}
    change_form_template = "admin/journalists/editornotificationsettings/change_form.html"

    def has_module_permission(self, request):
        return False  # not in the index: every editor has exactly one, their own

    def has_view_permission(self, request, obj=None):
        return obj is None or obj.user_id == request.user.pk

    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user=request.user)

    def changelist_view(self, request, extra_context=None):
        own, _created = EditorNotificationSettings.objects.get_or_create(user=request.user)
        return redirect("admin:journalists_editornotificationsettings_change", own.pk)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "title": _("Notifications about my releases"),
                         "subtitle": None, "show_save_and_continue": False}
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("e-mail address"))
    def email_address(self, obj):
        return obj.user.email or gettext(
            "None: ask the administration to enter your address.")

    def response_change(self, request, obj):
        self.message_user(request, gettext("Your choice is saved."), messages.SUCCESS)
        return redirect("admin:journalists_editornotificationsettings_change", obj.pk)


@admin.register(AccreditationSettings)
class AccreditationSettingsAdmin(CheckedAutocomplete, admin.ModelAdmin):
    list_display = ["event", "deadline", "capacity"]
    autocomplete_fields = ["event"]
    search_fields = ["event__title"]


@admin.register(AccreditationRequest)
class AccreditationRequestAdmin(CheckedAutocomplete, admin.ModelAdmin):
    list_display = ["name", "medium", "email", "event", "status", "created_at"]
    list_filter = ["status", "event"]
    search_fields = ["name", "medium", "email", "event__title"]
    list_select_related = ["event"]
    readonly_fields = ["status", "created_at", "decided_at", "decided_by"]
    autocomplete_fields = ["event"]
    actions = ["approve", "decline"]

    def has_decide_permission(self, request):
        return request.user.has_perm("journalists.decide_accreditationrequest")

    @admin.action(description=_("Approve (the journalist gets a calendar entry)"),
                  permissions=["decide"])
    def approve(self, request, queryset):
        done = sum(accreditation.approve_request(r, request.user)
                   for r in queryset.select_related("event"))
        report(self, request, gettext("%(count)d of %(total)d requests approved."),
               done, queryset.count())

    @admin.action(description=_("Decline (the next on the waiting list moves up)"),
                  permissions=["decide"])
    def decline(self, request, queryset):
        done = sum(accreditation.decline_request(r, request.user)
                   for r in queryset.select_related("event"))
        report(self, request, gettext("%(count)d of %(total)d requests declined."),
               done, queryset.count())
