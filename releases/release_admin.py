"""The release in the admin: the form, the workflow's buttons and actions, versions.

Every change goes through releases.services; this module only turns requests
into calls and the services' refusals (WorkflowError) into messages. The
buttons and their forms come from the one registry of operations
(services.OPERATIONS).

A published or scheduled release is shown read-only, as it is live: its text
rendered, not as HTML source. Changes are written in its working edition, a
form of its own, which shows who changed it and how it differs from the live
text. The list shows releases; working editions are behind the filter.

Deleting: superusers may delete a release (for test data or a court order, and
reversion can still recover it); an author may delete a draft only they wrote and
that was never out (services.deletion_refusal). Everyone else withdraws, which
keeps the address with a notice and can be undone.

The „Vorschau“ button posts the form as it is to live_preview_view, which renders
it with the public release template in a new tab and saves nothing.
"""

import re

from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db.models import FileField
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.models import Version

from . import conflicts, desk, editing, presentation, revisions, search, services
from .forms import ReleaseForm, WorkflowForm
from .links import preview_path
from .models import (
    AuditEntry,
    Organisation,
    PreviewLink,
    Release,
    ReleaseAttachment,
    ReleaseImage,
    ReleasePerson,
)

# "123/2026": editors and journalists refer to releases by their number.
NUMBER_SEARCH = re.compile(r"^\s*(\d+)\s*/\s*(\d{4})\s*$")
Status = Release.Status


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


class EditionFilter(admin.SimpleListFilter):
    """Releases by default; their working editions on request."""

    title = _("edition")
    parameter_name = "fassung"

    def lookups(self, request, model_admin):
        return [("arbeitsfassungen", _("Working editions")),
                ("alle", _("Releases and working editions"))]

    def choices(self, changelist):
        # Not "All": without a choice the list shows releases, not their working editions.
        choices = list(super().choices(changelist))
        choices[0]["display"] = _("Releases")
        return choices

    def queryset(self, request, queryset):
        if self.value() == "arbeitsfassungen":
            return queryset.working_editions()
        if self.value() == "alle":
            return queryset
        return queryset.documents()


class PublicFilter(admin.SimpleListFilter):
    """Whether the public sees a release now (Release.objects.public())."""

    title = _("visible to the public")
    parameter_name = "oeffentlich"

    def lookups(self, request, model_admin):
        return [("ja", _("Visible now")), ("nein", _("Not visible"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.public()
        if self.value() == "nein":
            return queryset.exclude(pk__in=Release.objects.public())
        return queryset


class AuthorFilter(admin.SimpleListFilter):
    """Editions the user changed (is one of the authors of), or those by others only."""

    title = _("author")
    parameter_name = "autor"

    def lookups(self, request, model_admin):
        return [("ich", _("Changed by me")), ("andere", _("Not changed by me"))]

    def queryset(self, request, queryset):
        if self.value() == "ich":
            return queryset.filter(authors=request.user)
        if self.value() == "andere":
            return queryset.exclude(authors=request.user)
        return queryset


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
class ReleaseAdmin(VersionAdmin):
    form = ReleaseForm
    # Work in progress first (get_ordering); no column cut off at 1280 pixels.
    list_display = ["title_label", "status_badge", "published_label", "organisation_label",
                    "number_label", "authors_label", "last_change"]
    list_filter = [EditionFilter, "status", PublicFilter, AuthorFilter, "organisation", "topics",
                   "kind"]
    list_select_related = ["organisation", "working_edition"]
    # Work in progress first, in the workflow's order; then the latest change.
    ordering = [desk.status_rank().asc(), "-updated_at"]
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

    @admin.display(description=_("status"), ordering=desk.status_rank())
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
                           release.get_kind_display())

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

    def has_submit_permission(self, request):
        return request.user.has_perm("releases.submit_release")

    def has_review_permission(self, request):
        return request.user.has_perm("releases.review_release")

    def has_publish_permission(self, request):
        return request.user.has_perm("releases.publish_release")

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

    # Presence and locks (releases/editing.py).

    def get_list_display(self, request):
        names = list(super().get_list_display(request))
        return [*names[:1], "lock_label", *names[1:]]

    def get_list_select_related(self, request):
        return [*super().get_list_select_related(request), "edit_lock__locked_by",
                "working_edition__edit_lock__locked_by"]

    @admin.display(description=_("lock"))
    def lock_label(self, release):
        lock = editing.lock_of(release) or editing.lock_of(release.get_working_edition())
        if lock is None:
            return ""
        return format_html(
            '<span class="edit-lock" title="{}"><span class="edit-lock-badge">{}</span><br>{}'
            '<br>{}</span>', editing.lock_label(lock), gettext("locked"),
            editing.display_name(lock.locked_by),
            gettext("since %(time)s") % {"time": editing.clock(lock.locked_at)})

    def editing_context(self, request, release):
        """Who else works on the release, and its lock; records that this user has it open."""
        user = request.user
        may_edit = self.has_change_permission(request, release)
        if may_edit:
            editing.record_open(release, user)
        lock = editing.lock_of(release)
        notices = editing.presence_notices(release, user)
        can_lock = lock is None and may_edit and editing.may_lock(user)
        return {
            # A release nobody edits here (a live one: changes go to its working edition)
            # gets no empty box.
            "shown": bool(notices or lock or can_lock or may_edit),
            "notices": notices,
            "lock": lock,
            "lock_text": lock and editing.lock_label(lock),
            "lock_time": lock and editing.clock(lock.locked_at),
            "is_mine": lock is not None and lock.locked_by_id == user.pk,
            "can_lock": can_lock,
            "can_unlock": lock is not None and editing.may_release(lock, user),
            "lock_url": reverse("admin:releases_release_lock", args=[release.pk]),
            "unlock_url": reverse("admin:releases_release_unlock", args=[release.pk]),
            "presence_url": reverse("admin:releases_release_presence", args=[release.pk])
            if may_edit else "",
            "heartbeat_seconds": editing.HEARTBEAT_SECONDS,
        }

    def lock_view(self, request, object_id):
        release = self._release(request, object_id)
        if request.method == "POST":
            try:
                if not self.has_change_permission(request, release):
                    raise editing.LockRefused(gettext(
                        "This press release cannot be edited now, so it is not locked."))
                editing.lock(release, request.user)
            except editing.LockRefused as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, gettext(
                    "The press release is locked for you: nobody else can save it or move "
                    "it on in the workflow until you release the lock."), messages.SUCCESS)
        return self._back(release)

    def unlock_view(self, request, object_id):
        release = self._release(request, object_id)
        if request.method == "POST":
            try:
                editing.unlock(release, request.user)
            except editing.LockRefused as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, gettext("The lock is released."), messages.SUCCESS)
        return self._back(release)

    def presence_view(self, request, object_id):
        """The change form's heartbeat: still open (or closed); answers who else is at work."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        release = self._release(request, object_id)
        if request.POST.get("state") == "left":
            editing.record_left(release, request.user)
        elif self.has_change_permission(request, release):
            editing.record_open(release, request.user)
        return JsonResponse({"notices": editing.presence_notices(release, request.user)})

    def operations(self, release, user):
        return [{"name": name, "label": services.OPERATIONS[name].label,
                 "url": self.workflow_url(release, name),
                 "needs_form": services.OPERATIONS[name].form is not None}
                for name in services.allowed_transitions(release, user)]

    def workflow_context(self, request, release):
        user = request.user
        document = release.document
        edition = release if release.is_working_edition else release.get_working_edition()
        last = (document.audit_entries.exclude(action__in=[
            AuditEntry.Action.PREVIEW_LINK, AuditEntry.Action.PREVIEW_REVOKE])
            .order_by("-at", "-pk").first())
        context = {
            "operations": self.operations(release, user),
            "is_public": services.is_public(release),
            "authors": [author.get_username() for author in release.authors.all()],
            "preview_links": self.preview_links(release),
            "can_revoke": user.has_perm("releases.change_previewlink"),
            "corrections": document.corrections.all(),
            "sent_back": last if last and last.action == AuditEntry.Action.REJECT else None,
            "is_overdue": services.overdue_publications().filter(pk=release.pk).exists(),
            "document": document,
            "edition": edition,
        }
        if edition is not None:
            context["edition_changes"] = revisions.differences(
                revisions.values_of_release(document), revisions.values_of_release(edition))
            if edition is not release:
                context["edition_operations"] = self.operations(edition, user)
                context["edition_authors"] = [
                    author.get_username() for author in edition.authors.all()]
                context["edition_url"] = reverse("admin:releases_release_change",
                                                 args=[edition.pk])
        return context

    def preview_links(self, release):
        return [{"link": link, "path": preview_path(link),
                 "revoke_url": reverse("admin:releases_release_revoke_preview",
                                       args=[release.pk, link.pk])}
                for link in release.preview_links.active()]

    def workflow_url(self, release, operation):
        return reverse("admin:releases_release_workflow", args=[release.pk, operation])

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

    # The workflow's views.

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

    def workflow_view(self, request, object_id, operation):
        release = self._release(request, object_id)
        if operation not in services.OPERATIONS:
            raise Http404
        spec = services.OPERATIONS[operation]
        form_class = spec.form or WorkflowForm
        refusal = services.refusal(operation, release, request.user)
        if request.method != "POST" and refusal is not None:
            # No form for what cannot be done. (A post is the service's to refuse: a
            # button on a page left open may be refused for its old version first.)
            self.message_user(request, refusal, messages.ERROR)
            return self._back(release)
        if request.method == "POST":
            form = form_class(request.POST)
            if form.is_valid():
                try:
                    result = spec(release, request.user, form.cleaned_data)
                except services.WorkflowError as error:
                    if spec.form is None:
                        self.message_user(request, str(error), messages.ERROR)
                        return self._back(release)
                    form.add_error(None, error)
                else:
                    self.message_user(request, spec.done, messages.SUCCESS)
                    if isinstance(result, PreviewLink):
                        self.message_user(request, request.build_absolute_uri(
                            preview_path(result)), messages.INFO)
                        result = release
                    return self._back(result)
            elif spec.form is None:
                return self._back(release)
        elif spec.form is None:
            return self._back(release)
        else:
            form = form_class(initial={"version": release.version})
        context = {
            **self.admin_site.each_context(request),
            "title": str(spec.label).capitalize(),
            "subtitle": release.title,
            "opts": self.opts,
            "original": release,
            "form": form,
            "media": self.media + form.media,
            "operation": operation,
            "override_needed": (services.needs_override(release, request.user)
                                if operation in {"publish", "schedule"} else None),
            "approves_in_passing": operation in {"publish", "schedule"} and (
                services.approves_in_passing(release, request.user)),
        }
        if release.is_working_edition and operation in {"publish", "schedule", "discard"}:
            # What the reviewer decides on: the change, and whether it is a correction.
            context["edition_changes"] = revisions.differences(
                revisions.values_of_release(release.edition_of),
                revisions.values_of_release(release))
        return TemplateResponse(request, "admin/releases/release/workflow_form.html", context)

    # The preview of unsaved changes: the form as it is, on the public page, saved nowhere.

    def live_preview_view(self, request, object_id=None):
        """The form's content (posted by its „Vorschau“ button into a new tab) rendered
        with the public release template. Nothing is saved: no row, no revision, no
        audit entry; the text is sanitised as on saving; new uploads are not stored,
        so only images already saved are shown."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        release = None
        if object_id is not None:
            release = self.get_object(request, object_id)
            if release is None:
                raise Http404
        if not (self.has_add_permission(request) if release is None
                else self.has_change_permission(request, release)):
            raise PermissionDenied
        form = self.get_form(request, release, change=release is not None)(
            request.POST, request.FILES, instance=release)
        form.is_valid()
        # A conflict with another save or a constraint does not keep the text from being
        # shown; a field that cannot be read does.
        errors = [(form.fields[name].label if name in form.fields else name, messages_)
                  for name, messages_ in form.errors.items() if name != NON_FIELD_ERRORS]
        if errors:
            return TemplateResponse(request, "admin/releases/release/live_preview_errors.html", {
                **self.admin_site.each_context(request),
                "title": gettext("Preview not possible"), "opts": self.opts,
                "errors": errors}, status=400)
        instance = form.instance
        Release._meta.get_field("body").pre_save(instance, False)
        relations = {name: self._preview_rows(form, release, name)
                     for name in ("topics", "contacts", "events", "delegations", "related")}
        relations["events"].sort(key=lambda event: event.starts_at)
        relations["related"] = list(
            Release.objects.public().filter(pk__in=[row.pk for row in relations["related"]])
            .select_related("organisation").order_by("-published_at", "-pk"))
        relations["corrections"] = (list(release.corrections.all())
                                    if release is not None else [])
        relations.update(self._preview_inline_rows(request, release, instance))
        unsaved = presentation.UnsavedRelease(instance, relations)
        context = {**presentation.detail_context(unsaved), "release": unsaved,
                   "object": unsaved, "is_preview": True, "is_unsaved_preview": True,
                   # A posted form has no address in another language.
                   "canonical_url": "", "other_languages": []}
        response = TemplateResponse(request, "releases/release_detail.html", context)
        response["X-Robots-Tag"] = "noindex, nofollow"  # the admin's pages are never cached
        return response

    @staticmethod
    def _preview_rows(form, release, name):
        if name in form.cleaned_data and form.cleaned_data[name] is not None:
            return list(form.cleaned_data[name])
        return list(getattr(release, name).all()) if release is not None else []

    def _preview_inline_rows(self, request, release, instance):
        """The inlines' rows as the form holds them: edited, without the ones marked for
        deletion; new images and attachments only once saved (their files are not
        stored for a preview)."""
        rows, prefixes = {}, {}
        for formset_class, inline in self.get_formsets_with_inlines(request, release):
            # Prefixes as the admin gives them to its formsets.
            prefix = formset_class.get_default_prefix()
            prefixes[prefix] = prefixes.get(prefix, 0) + 1
            if prefixes[prefix] != 1 or not prefix:
                prefix = f"{prefix}-{prefixes[prefix]}"
            kwargs = self.get_formset_kwargs(request, release, inline, prefix)
            formset = formset_class(**{**kwargs, "instance": instance})
            formset.is_valid()
            name = formset.fk.remote_field.related_name
            has_files = any(isinstance(field, FileField) for field in inline.model._meta.fields)
            kept = []
            for inline_form in formset.forms:
                cleaned = getattr(inline_form, "cleaned_data", {})
                if cleaned.get("DELETE") or (inline_form.instance.pk is None and (
                        has_files or not inline_form.has_changed() or inline_form.errors)):
                    continue
                kept.append(inline_form.instance)
            rows[name] = sorted(kept, key=lambda row: (getattr(row, "order", 0), row.pk or 0))
        return rows

    def revoke_preview_view(self, request, object_id, link_id):
        release = self._release(request, object_id)
        if request.method != "POST":
            return self._back(release)
        link = get_object_or_404(PreviewLink, pk=link_id, release=release)
        try:
            services.revoke_preview_link(link, request.user)
        except services.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, gettext("The preview link is revoked."),
                              messages.SUCCESS)
        return self._back(release)

    # Versions: the history lists them; one is compared with the present and restored.

    def history_view(self, request, object_id, extra_context=None):
        release = self._release(request, object_id)
        versions = list(revisions.versions_of(release))
        return super().history_view(request, object_id, {
            **(extra_context or {}), "versions": versions[::-1],
            "compare_url": reverse("admin:releases_release_compare", args=[release.pk])})

    def _version(self, release, version_id):
        try:
            return revisions.versions_of(release).get(pk=int(version_id))
        except (Version.DoesNotExist, TypeError, ValueError):
            raise Http404 from None

    def can_restore(self, release, user):
        """Restoring goes into the release itself or, when it is live, its working edition."""
        return user.has_perm("releases.change_release") and (
            release.status != Release.Status.WITHDRAWN)

    def compare_view(self, request, object_id):
        release = self._release(request, object_id)
        old = self._version(release, request.GET.get("old"))
        new_id = request.GET.get("new", "current")
        if new_id == "current":
            new, new_values = None, revisions.values_of_release(release)
        else:
            new = self._version(release, new_id)
            new_values = revisions.values_of_version(new)
        return self._diff_response(
            request, release, old, new,
            revisions.differences(revisions.values_of_version(old), new_values),
            can_restore=new is None and self.can_restore(release, request.user))

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """One stored version against the present; restored with a POST."""
        release = self._release(request, object_id)
        stored = self._version(release, version_id)
        if request.method == "POST":
            form = WorkflowForm(request.POST)
            if form.is_valid():
                try:
                    target = services.restore_revision(release, request.user, stored,
                                                       version=form.cleaned_data["version"])
                except services.WorkflowError as error:
                    self.message_user(request, str(error), messages.ERROR)
                else:
                    self.message_user(request, gettext(
                        "The version is restored in the working edition: it is published "
                        "after review, like any change.") if target.is_working_edition
                        and not release.is_working_edition
                        else gettext("The version is restored."), messages.SUCCESS)
                    return self._back(target)
            return self._back(release)
        changes = revisions.differences(revisions.values_of_version(stored),
                                        revisions.values_of_release(release))
        return self._diff_response(request, release, stored, None, changes,
                                   can_restore=self.can_restore(release, request.user))

    def _diff_response(self, request, release, old, new, changes, can_restore=False):
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Compare versions"),
            "subtitle": release.title,
            "opts": self.opts,
            "original": release,
            "old": old,
            "new": new,
            "changes": changes,
            "can_restore": can_restore,
            "restores_into_edition": (not release.is_working_edition
                                      and release.status in services.LIVE),
            "restore_url": reverse("admin:releases_release_revision",
                                   args=[release.pk, old.pk]),
            "history_url": reverse("admin:releases_release_history", args=[release.pk]),
        }
        return TemplateResponse(request, "admin/releases/release/compare.html", context)

    def recoverlist_view(self, request, extra_context=None):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    # Actions: each release through the service, with its own checks; refusals reported.
    # A live release with a working edition stands for that edition.

    def _bulk(self, request, queryset, operation, done_message):
        done, refused = 0, []
        for release in queryset.select_related("working_edition").order_by("pk"):
            target = release.get_working_edition() or release
            data = {"version": target.version}
            try:
                services.OPERATIONS[operation](target, request.user, data)
            except services.WorkflowError as error:
                refused.append(f"„{release.title}“: {error}")
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)
        if refused:
            self.message_user(request, ngettext(
                "%(count)d release skipped: %(reasons)s", "%(count)d releases skipped: "
                "%(reasons)s", len(refused)) % {"count": len(refused),
                                                 "reasons": " · ".join(refused)},
                messages.WARNING)

    @admin.action(description=_("Submit selected releases for review"),
                  permissions=["submit"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, "submit", lambda count: ngettext(
            "%(count)d release submitted for review.",
            "%(count)d releases submitted for review.", count) % {"count": count})

    @admin.action(description=_("Approve selected releases"), permissions=["review"])
    def approve_selected(self, request, queryset):
        self._bulk(request, queryset, "approve", lambda count: ngettext(
            "%(count)d release approved.", "%(count)d releases approved.", count)
            % {"count": count})

    @admin.action(description=_("Publish selected releases now"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "publish", lambda count: ngettext(
            "%(count)d release published.", "%(count)d releases published.", count)
            % {"count": count})
