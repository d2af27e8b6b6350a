"""Versions of a release in the admin: the history lists them; one is compared with the
present and restored (through services.restore_revision)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from reversion.models import Version

from .. import revisions, services
from ..forms import WorkflowForm
from ..models import Release


class ReleaseVersionsMixin:
    """ReleaseAdmin's history, comparison, restoring and (for superusers) recovery."""

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

