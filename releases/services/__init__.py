"""The editorial workflow: every operation that changes a release goes through here.

Admin buttons and actions, management commands, importers and tests call these
functions; views and admin classes hold no workflow logic of their own. The
operations are listed once, in ``OPERATIONS`` (operations.py): the states each
starts from, the permission it needs, its label, the form that asks for its
input, the message that reports it done, and the function.

Each operation runs in one transaction: it locks the row, checks the version
the caller based its decision on (optimistic locking: ``version``, by default
the version of the instance passed in), checks permission and state, changes
the row, bumps its version, keeps a revision (django-reversion) and writes an
AuditEntry. A refused operation raises WorkflowError, whose message says why in
the editor's language; the same function (``refusal``) decides which buttons
are offered, so a button is never offered for something that is then refused.

Editions. A new release is its own first edition: draft -> review -> approved
-> scheduled/published. Once published or scheduled its content is the live
edition and is no longer edited in place: a change is written in a working
edition (``start_edition``, releases/editions.py), which goes through the same
states and, when published, replaces the live content in one transaction
(same address, uuid and number). Its correction note, if any, is then shown on
the page and sent to those who received the release; without a note it is a
minor change. Discarding it leaves the live edition as it was. A withdrawn
release stays withdrawn whatever edition is being worked on.

Four eyes (Vier-Augen-Prinzip): everyone who changed an edition's content is
one of its ``authors``; none of them approves it, and publishing it without an
approval by somebody else needs a written reason, logged as an override.

Public moments. A release's number, the words it adds to the search
suggestions and the alerts about it come when it becomes public: at once when
published without an embargo, otherwise when its time or the end of its
embargo has come (``complete_due_publications``, run every minute by
``publish_due``, which also publishes working editions scheduled for then).

``user=None`` is the system: commands and the importer, run by an operator. It
is not asked for permissions and writes a release's content directly, since that
decision was taken elsewhere.

The package's modules, each along one seam of the workflow:

- rules.py: who may do what and why not (``refusal``), WorkflowError, the states;
- steps.py: locking the row, saving with a revision, logging the step;
- review.py: submit, take back, send back, approve;
- publication.py: publish, schedule, unschedule;
- completion.py: the public moment (number, search words, alerts) and the
  minute job that completes what the clock made public;
- working_editions.py: start, discard and publish a working edition;
- withdrawal.py: withdraw and undo a withdrawal;
- content.py: create and edit an edition's content, restore a stored version;
- drafts.py: duplicate a release, delete a draft;
- preview_links.py: links for reviewers without an account;
- operations.py: the registry of operations (``OPERATIONS``).

Callers use the names exported here (``from releases import services``).
"""

from .completion import (
    OVERDUE_AFTER,
    assign_number,
    complete_due_publications,
    overdue_publications,
)
from .content import WORKFLOW_FIELDS, restore_revision, save_release
from .drafts import DUPLICATED_FIELDS, DUPLICATED_M2M, delete_draft, deletion_refusal, duplicate
from .operations import Operation
from .preview_links import (
    PREVIEW_DAYS,
    create_preview_link,
    preview_is_gone,
    revoke_preview_link,
)
from .publication import publish, schedule, unschedule
from .review import approve, reject, submit, take_back
from .rules import (
    LEAVE_RELEASE_AS_IT_IS,
    LIVE,
    MIN_REASON_LENGTH,
    OPERATIONS,
    UNRELEASED,
    Action,
    Status,
    WorkflowError,
    allowed_transitions,
    approves_in_passing,
    can_edit,
    four_eyes_problem,
    is_author,
    is_public,
    needs_override,
    operation_label,
    refusal,
    status_label,
)
from .steps import berlin_time
from .withdrawal import restore, was_public_before_withdrawal, withdraw
from .working_editions import discard_edition, start_edition

__all__ = [
    "DUPLICATED_FIELDS", "DUPLICATED_M2M", "LEAVE_RELEASE_AS_IT_IS", "LIVE", "MIN_REASON_LENGTH",
    "OPERATIONS", "OVERDUE_AFTER", "PREVIEW_DAYS", "UNRELEASED", "WORKFLOW_FIELDS", "Action",
    "Operation", "Status", "WorkflowError", "allowed_transitions", "approve",
    "approves_in_passing", "assign_number", "berlin_time", "can_edit",
    "complete_due_publications", "create_preview_link", "delete_draft", "deletion_refusal",
    "discard_edition", "duplicate", "four_eyes_problem", "is_author", "is_public",
    "needs_override", "operation_label", "overdue_publications", "preview_is_gone", "publish",
    "refusal", "reject", "restore", "restore_revision", "revoke_preview_link", "save_release",
    "schedule", "start_edition", "status_label", "submit", "take_back", "unschedule",
    "was_public_before_withdrawal", "withdraw",
]
