"""The release in the admin: the form, the list, and what a save does.

Every change goes through releases.services; the admin only turns requests into
calls and the services' refusals (WorkflowError) into messages. The buttons and
their forms come from the one registry of operations (services.OPERATIONS); the
workflow's views and actions are in release_workflow.py, the locks and presence
in release_locks.py, the preview of unsaved changes in release_preview.py and
the versions in release_versions.py; ReleaseAdmin puts them together.

A published or scheduled release is shown read-only, as it is live: its text
rendered, not as HTML source. Changes are written in its working edition, a
form of its own, which shows who changed it and how it differs from the live
text. The list shows releases; working editions are behind the filter
(release_filters.py).

Deleting: superusers may delete a release (for test data or a court order, and
reversion can still recover it); an author may delete a draft only they wrote and
that was never out (services.deletion_refusal). Everyone else withdraws, which
keeps the address with a notice and can be undone.
"""

import re

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from .. import conflicts, editing, revisions, search, services
from ..forms import ReleaseForm
from ..models import Organisation, Release, ReleaseAttachment, ReleaseImage, ReleasePerson
from .autocomplete import CheckedAutocomplete
from .initial import ReadableInitialData
from .release_filters import AuthorFilter, EditionFilter, PublicFilter
from .release_kept import KeptTextMixin
from .release_locks import ReleaseLocksMixin
from .release_preview import LivePreviewMixin
from .release_versions import ReleaseVersionsMixin
from .release_workflow import ReleaseWorkflowMixin

# "123/2026": editors and journalists refer to releases by their number.
NUMBER_SEARCH = re.compile(r"^\s*(\d+)\s*/\s*(\d{4})\s*$")


class ReleasePersonInline(CheckedAutocomplete, admin.TabularInline):
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
        # After a refused save the row holds the upload, which is stored nowhere yet.
        if (image.pk is None or not image.image
                or not image.image.storage.exists(image.image.name)):
            return "–"
        return format_html('<img src="{}" alt="" height="120">', image.image.url)


class ReleaseAttachmentInline(admin.TabularInline):
    model = ReleaseAttachment
    extra = 0
    fields = ["file", "title", "order"]


def _date_and_time(moment):
    """A narrow column: "06.12.2026", then "10:00" below (Berlin time)."""
    if moment is None:
        return "–"
    local = timezone.localtime(moment)
    return format_html('<time datetime="{}">{}<br>{}</time>', local.isoformat(),
                       date_format(local, "SHORT_DATE_FORMAT"), date_format(local, "TIME_FORMAT"))


def _rendered(html):
    # Stored rich text is sanitised on save (releases/html.py): rendered as stored.
    return format_html('<div class="rendered-text" lang="de">{}</div>', mark_safe(html))


@admin.register(Release)
class ReleaseAdmin(ReadableInitialData, CheckedAutocomplete, ReleaseWorkflowMixin,
                   ReleaseLocksMixin, LivePreviewMixin, KeptTextMixin, ReleaseVersionsMixin,
                   VersionAdmin):
    form = ReleaseForm
    # Work in progress first (get_ordering); no column cut off at 1280 pixels.
    list_display = ["title_label", "status_badge", "published_label", "organisation_label",
                    "number_label", "authors_label", "last_change"]
    list_filter = [EditionFilter, "status", PublicFilter, AuthorFilter, "organisation", "topics",
                   "kind"]
    list_select_related = ["organisation", "working_edition"]
    # Work in progress first, in the workflow's order; then the latest change.
    ordering = ["status_rank", "-updated_at"]
    date_hierarchy = "published_at"
    # The autocomplete's fields; the list searches the text too (get_search_results).
    search_fields = ["title", "subtitle", "teaser"]
    search_help_text = _("Title, subtitle, teaser or text; or a number such as 12/2026.")
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisation", "contacts", "topics", "events", "delegations",
                           "related"]
    readonly_fields = ["status", "published_at", "number_label", "created_at", "created_by",
                       "updated_at", "updated_by", "approved_by", "approved_at", "version",
                       "authors_label", "rendered_body", "live_text"]
    inlines = [ReleasePersonInline, ReleaseImageInline, ReleaseAttachmentInline]
    actions = ["submit_selected", "approve_selected", "publish_selected"]
    save_on_top = True
    object_history_template = "admin/releases/release/object_history.html"
    change_list_template = "admin/releases/release/change_list.html"

    def get_fieldsets(self, request, obj=None):
        # What an editor fills in on deadline comes first; links and bookkeeping last.
        editable = obj is None or self.has_change_permission(request, obj)
        body = "body" if editable else "rendered_body"
        content = [("kind", "organisation"), "title", "subtitle", "slug", "teaser", body]
        if editable:
            content.append("expected_version")
        fieldsets = []
        if obj is not None and obj.is_working_edition:
            fieldsets.append((_("Kind of change"), {
                "fields": ["change_note"],
                "description": _("This is a working edition: the public sees the published "
                                 "text until it is published after a second person's "
                                 "review. Address, number and issuer stay as they are."),
            }))
        fieldsets += [
            (None, {"fields": content}),
            (_("Publication"), {
                "fields": ["status", "published_at", "embargo_until", "number_label"],
                "description": _("The status changes with the workflow's buttons above the "
                                 "form. The number is assigned when the release becomes "
                                 "public."),
            }),
            (_("Press contacts and topics"), {"fields": ["contacts", "topics"]}),
            (_("Links to appointments, trips and other releases"), {
                "classes": ["collapse"], "fields": ["events", "delegations", "related"]}),
        ]
        if obj is not None and obj.is_working_edition:
            fieldsets.append((_("Published text"), {
                "classes": ["collapse"], "fields": ["live_text"]}))
        fieldsets.append((_("History"), {"classes": ["collapse"], "fields": [
            "created_at", "created_by", "authors_label", "updated_at", "updated_by",
            "approved_by", "approved_at", "version"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_working_edition:
            # The address and the issuer's numbering are the live release's.
            fields += ["organisation", "slug"]
            if services.is_public(obj.edition_of):
                fields.append("embargo_until")
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and obj.is_working_edition:
            return {}
        return super().get_prepopulated_fields(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("authors")

    @admin.display(description=_("number"), ordering="number")
    def number_label(self, release):
        return release.number_label or "–"

    @admin.display(description=_("status"), ordering="status_rank")
    def status_badge(self, release):
        badge = format_html('<span class="status-badge status-{}">{}</span>', release.status,
                            services.status_label(release))
        edition = release.get_working_edition()
        if edition is None:
            return badge
        return format_html('{}<br><span class="list-edition">{} <a href="{}">{}</a></span>',
                           badge, gettext("Working edition:"),
                           reverse("admin:releases_release_change", args=[edition.pk]),
                           edition.get_status_display())

    @admin.display(description=_("title"), ordering="title")
    def title_label(self, release):
        # The kind only where it is not the usual press release: it stands out there.
        if release.kind == Release.Kind.PRESS_RELEASE:
            return release.title
        return format_html('{}<span class="list-kind">{}</span>', release.title,
                           release.kind_label)

    @admin.display(description=_("published"), ordering="published_at")
    def published_label(self, release):
        return _date_and_time(release.published_at)

    @admin.display(description=_("organisation"), ordering="organisation__short_name")
    def organisation_label(self, release):
        organisation = release.organisation
        return format_html('<abbr title="{}">{}</abbr>', organisation.name,
                           organisation.short_name) if organisation.short_name else (
            organisation.name)

    @admin.display(description=_("last change"), ordering="updated_at")
    def last_change(self, release):
        return _date_and_time(release.updated_at)

    @admin.display(description=_("authors"))
    def authors_label(self, release):
        return ", ".join(user.get_username() for user in release.authors.all()) or "–"

    @admin.display(description=_("text"))
    def rendered_body(self, release):
        return _rendered(release.body)

    @admin.display(description=_("published text"))
    def live_text(self, release):
        live = release.edition_of
        if live is None:
            return "–"
        parts = [format_html("<h3>{}</h3>", live.title)]
        if live.subtitle:
            parts.append(format_html("<p><strong>{}</strong></p>", live.subtitle))
        if live.teaser:
            parts.append(format_html("<p>{}</p>", live.teaser))
        return format_html('<div class="live-text">{}{}</div>',
                           mark_safe("".join(parts)), _rendered(live.body))

    def get_search_results(self, request, queryset, search_term):
        is_autocomplete = (request.resolver_match
                           and request.resolver_match.url_name == "autocomplete")
        if is_autocomplete:
            # "Related releases" are releases, never one's working edition.
            queryset = queryset.documents()
        match = NUMBER_SEARCH.match(search_term)
        if match:
            number, year = match.groups()
            return queryset.filter(number=int(number), number_year=int(year)), False
        if is_autocomplete:
            # Beginnings of words as they are typed: the search fields' substrings.
            return super().get_search_results(request, queryset, search_term)
        if not search_term.strip():
            return queryset, False
        # Drafts too, and the text: not the public search's results, its way of matching.
        return search.editorial_matches(search_term, queryset), False

    # Permissions: the model's, narrowed by the release's state.

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or services.can_edit(obj, request.user))

    def has_delete_permission(self, request, obj=None):
        # Superusers delete anything; an author their own draft that was never out
        # (services.deletion_refusal), one at a time from its form.
        if request.user.is_active and request.user.is_superuser:
            return True
        return obj is not None and services.deletion_refusal(obj, request.user) is None

    def delete_model(self, request, obj):
        services.delete_draft(obj, request.user)

    def delete_queryset(self, request, queryset):
        for release in queryset:
            services.delete_draft(release, request.user)

    # The form.

    def view_on_site(self, release):
        # Unpublished editions get the preview link instead (render_change_form).
        return release.get_absolute_url() if services.is_public(release) else None

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None and obj.pk is not None:
            if not services.is_public(obj):
                context["preview_url"] = obj.get_absolute_url()
            context["workflow"] = self.workflow_context(request, obj)
            if obj.is_working_edition:
                context["show_save_and_add_another"] = False
        context["conflict"] = getattr(context["adminform"].form, "conflict", None)
        context["other_change"] = getattr(context["adminform"].form, "other_change", None)
        if obj is not None and obj.pk is not None:
            context["editing"] = self.editing_context(request, obj)
        if add:
            context["live_preview_url"] = reverse("admin:releases_release_live_preview_add")
        elif obj is not None and self.has_change_permission(request, obj):
            context["live_preview_url"] = reverse("admin:releases_release_live_preview",
                                                  args=[obj.pk])
        # One click for an editor under deadline: save, then submit what was saved.
        context["save_and_submit"] = request.user.has_perm("releases.submit_release") and (
            add or (obj.status == Release.Status.DRAFT
                    and self.has_change_permission(request, obj)))
        return super().render_change_form(request, context, add=add, change=change,
                                          form_url=form_url, obj=obj)

    def get_changeform_initial_data(self, request):
        """A new release starts with the organisation and press contacts of the editor's
        latest release, or, in a newsroom of one organisation, with it and its only
        press contact; all of it can be changed in the form."""
        initial = super().get_changeform_initial_data(request)
        if "organisation" in initial:
            return initial
        latest = (Release.objects.filter(authors=request.user, edition_of=None)
                  .order_by("-created_at", "-pk").first())
        if latest is not None:
            return {**initial, "organisation": latest.organisation_id,
                    "contacts": list(latest.contacts.values_list("pk", flat=True))}
        organisations = list(Organisation.objects.all()[:2])
        if len(organisations) == 1:
            contacts = list(organisations[0].contacts.filter(is_active=True)
                            .values_list("pk", flat=True)[:2])
            return {**initial, "organisation": organisations[0].pk,
                    "contacts": contacts if len(contacts) == 1 else []}
        return initial

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.editor = request.user  # a new class per request (modelform_factory)
        return form

    def save_model(self, request, obj, form, change):
        """Nothing here: save_related saves the release with its relations in one call."""

    def save_related(self, request, form, formsets, change):
        status = form.instance.status
        services.save_release(
            form.instance, request.user,
            version=form.cleaned_data.get("expected_version"),
            changed=form.has_changed() or any(formset.has_changed() for formset in formsets),
            save_related=lambda: super(ReleaseAdmin, self).save_related(
                request, form, formsets, change))
        if change:
            editing.record_saved(form.instance, request.user)
        if form.merged is not None and form.merged.taken:
            self.message_user(request, gettext(
                "Both changes are saved. From the other change: %(fields)s.") % {
                "fields": ", ".join(revisions.label(name) for name in form.merged.taken)},
                messages.SUCCESS)
        if change and status != form.instance.status:
            self.message_user(request, gettext(
                "The release was changed after its approval and is back in review: "
                "somebody else has to approve it again."), messages.WARNING)

    def response_add(self, request, obj, post_url_continue=None):
        return self._then_submit(request, obj) or super().response_add(
            request, obj, post_url_continue)

    def response_change(self, request, obj):
        if conflicts.TAKE_BOTH in request.POST:
            return self._back(obj)  # the merged text, to be read again
        return self._then_submit(request, obj) or super().response_change(request, obj)

    def _then_submit(self, request, obj):
        """"Save and submit for review": the submission of what has just been saved."""
        if "_save_and_submit" not in request.POST:
            return None
        spec = services.OPERATIONS["submit"]
        try:
            spec(obj, request.user, {"version": obj.version})
        except services.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
            return self._back(obj)
        self.message_user(request, spec.done, messages.SUCCESS)
        return self._back(obj.document)

    def response_post_save_change(self, request, obj):
        # A working edition is not in the list: back to its release, where it is shown.
        if obj.is_working_edition:
            return self._back(obj.edition_of)
        return super().response_post_save_change(request, obj)

    def add_view(self, request, form_url="", extra_context=None):
        return self._refusing(super().add_view, request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._refusing(super().change_view, request, object_id, form_url,
                              extra_context)

    def _refusing(self, view, request, *args):
        """The view, with a refused save shown as a message instead of an error page.

        The form checks the version first; the service refuses only when another
        save came between that check and the locked row, or the state changed.
        """
        try:
            return view(request, *args)
        except services.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            overdue = list(services.overdue_publications()[:10])
            if overdue:
                self.message_user(request, ngettext(
                    "Publication not completed: %(titles)s. It is public, but its number "
                    "and notifications are overdue. Is the publish_due job running?",
                    "Publications not completed: %(titles)s. They are public, but their "
                    "numbers and notifications are overdue. Is the publish_due job running?",
                    len(overdue)) % {"titles": "; ".join(f"„{r.title}“" for r in overdue)},
                    messages.WARNING)
        # Not VersionAdmin's: its revision is for list_editable, which this list does not
        # have; the actions' services keep their own revisions.
        return admin.ModelAdmin.changelist_view(self, request, extra_context)

    # The admin's addresses, with the views of the workflow, locks, preview and versions.

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/workflow/<slug:operation>/", view(self.workflow_view),
                 name="releases_release_workflow"),
            path("<path:object_id>/preview-links/<int:link_id>/revoke/",
                 view(self.revoke_preview_view), name="releases_release_revoke_preview"),
            path("<path:object_id>/history/compare/", view(self.compare_view),
                 name="releases_release_compare"),
            path("<path:object_id>/lock/", view(self.lock_view), name="releases_release_lock"),
            path("<path:object_id>/unlock/", view(self.unlock_view),
                 name="releases_release_unlock"),
            path("<path:object_id>/presence/", view(self.presence_view),
                 name="releases_release_presence"),
            # The preview of unsaved changes; "add" before the object's address.
            path("add/preview/", view(self.live_preview_view),
                 name="releases_release_live_preview_add"),
            path("<path:object_id>/preview/", view(self.live_preview_view),
                 name="releases_release_live_preview"),
            *super().get_urls(),
        ]

    def _release(self, request, object_id):
        release = self.get_object(request, object_id)
        if release is None:
            raise Http404
        if not self.has_view_or_change_permission(request, release):
            raise PermissionDenied
        return release

    def _back(self, release):
        return HttpResponseRedirect(reverse("admin:releases_release_change",
                                            args=[release.pk]))
