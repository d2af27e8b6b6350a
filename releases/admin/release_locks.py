"""Presence and locks in the release's admin (releases/editing.py): who else has the
release open, who holds its lock, and the views that take, release and report them."""

from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import editing


class ReleaseLocksMixin:
    """ReleaseAdmin's lock column, lock box, and lock, unlock and presence views."""

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

