"""The workflow in the release's admin: its buttons, their forms, and the list's actions.

Each button is an operation of services.OPERATIONS that the user may start now
(services.allowed_transitions); its form, if any, is shown by ``workflow_view``,
and the service's refusal (WorkflowError) becomes a message. The list's actions
run each selected release through the same service.
"""

from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import revisions, services
from ..forms import WorkflowForm
from ..links import preview_path
from ..models import AuditEntry, PreviewLink

# The field of an operation's form that a refusal of the service concerns, by its code.
REFUSED_FIELDS = {"past_time": "at", "four_eyes": "override_reason"}

class ReleaseWorkflowMixin:
    """ReleaseAdmin's workflow: buttons, their views, preview links and bulk actions."""

    def has_submit_permission(self, request):
        return request.user.has_perm("releases.submit_release")

    def has_review_permission(self, request):
        return request.user.has_perm("releases.review_release")

    def has_publish_permission(self, request):
        return request.user.has_perm("releases.publish_release")

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
                    # At the field it concerns, where the form has it.
                    field = REFUSED_FIELDS.get(error.code)
                    form.add_error(field if field in form.fields else None, error)
                else:
                    self.message_user(request, spec.done, messages.SUCCESS)
                    if isinstance(result, PreviewLink):
                        self.message_user(request, gettext("Preview link: %(url)s") % {
                            "url": request.build_absolute_uri(preview_path(result))},
                            messages.INFO)
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
