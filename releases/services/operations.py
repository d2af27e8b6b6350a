"""The registry of operations: each one's states, permission, label, form and function.

Registered once, here, in ``OPERATIONS`` (defined in rules.py, which checks
them); the admin's buttons, forms and messages come from it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from ..forms import (
    PreviewLinkForm,
    PublishForm,
    RejectForm,
    ScheduleForm,
    WithdrawForm,
    WorkflowForm,
)
from .drafts import duplicate
from .preview_links import create_preview_link
from .publication import publish, schedule, unschedule
from .review import approve, reject, submit, take_back
from .rules import LIVE, OPERATIONS, UNRELEASED, Status
from .withdrawal import restore, withdraw
from .working_editions import discard_edition, start_edition


@dataclass(frozen=True)
class Operation:
    """One operation of the workflow, as the admin offers it and the services check it.

    ``function(release, user, **form.cleaned_data)`` does it; ``form`` asks for its
    input (None: a button that posts the version); ``done`` reports it. It applies to
    releases as documents (``on_documents``: a new release, or a live one) and/or
    to working editions (``on_editions``).
    """

    name: str
    label: str
    states: frozenset
    permission: str
    function: object
    done: str
    form: type = None
    on_documents: bool = True
    on_editions: bool = True

    def __call__(self, release, user, data):
        return self.function(release, user, **data)


OPERATIONS.update((operation.name, operation) for operation in [
    Operation("start_edition", gettext_lazy("start a change"), frozenset(LIVE),
              "change_release", start_edition, on_editions=False,
              done=gettext_lazy("A working edition has been started. The public still sees "
                                "the published text until the working edition is "
                                "published after a second person's review.")),
    Operation("submit", gettext_lazy("submit for review"), frozenset({Status.DRAFT}),
              "submit_release", submit, done=gettext_lazy("Submitted for review.")),
    Operation("take_back", gettext_lazy("take back the submission"),
              frozenset({Status.IN_REVIEW}), "submit_release", take_back,
              done=gettext_lazy("The submission is taken back: the release is a draft again.")),
    Operation("reject", gettext_lazy("send back"),
              frozenset({Status.IN_REVIEW, Status.APPROVED}), "review_release", reject,
              form=RejectForm, done=gettext_lazy("Sent back to the authors as a draft.")),
    Operation("approve", gettext_lazy("approve"), frozenset({Status.IN_REVIEW}),
              "review_release", approve,
              done=gettext_lazy("Approved. It can now be published or scheduled.")),
    Operation("publish", gettext_lazy("publish"), frozenset(UNRELEASED), "publish_release",
              publish, form=PublishForm, done=gettext_lazy("Published.")),
    Operation("schedule", gettext_lazy("schedule"),
              frozenset({Status.DRAFT, Status.IN_REVIEW, Status.APPROVED}), "publish_release",
              schedule, form=ScheduleForm, done=gettext_lazy("Scheduled.")),
    Operation("unschedule", gettext_lazy("cancel the schedule"), frozenset({Status.SCHEDULED}),
              "publish_release", unschedule,
              done=gettext_lazy("The schedule is cancelled; the edition is approved again.")),
    Operation("discard", gettext_lazy("discard the working edition"), frozenset(UNRELEASED),
              "change_release", discard_edition, form=WorkflowForm, on_documents=False,
              done=gettext_lazy("The working edition is discarded; the published text is "
                                "unchanged.")),
    Operation("withdraw", gettext_lazy("withdraw"), frozenset(LIVE), "withdraw_release",
              withdraw, form=WithdrawForm, on_editions=False, done=gettext_lazy("Withdrawn.")),
    Operation("restore", gettext_lazy("restore"), frozenset({Status.WITHDRAWN}),
              "withdraw_release", restore, on_editions=False,
              done=gettext_lazy("The withdrawal is undone.")),
    Operation("preview", gettext_lazy("create a preview link"), frozenset(UNRELEASED),
              "add_previewlink", create_preview_link, form=PreviewLinkForm,
              done=gettext_lazy("Preview link created.")),
    Operation("duplicate", gettext_lazy("use as a template"), frozenset(Status),
              "add_release", duplicate, on_editions=False,
              done=gettext_lazy("A copy is open as a new draft, with you as its author: text, "
                                "topics, press contacts and people; no images, attachments "
                                "or links to appointments.")),
])
