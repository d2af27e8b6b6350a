"""The editors' notifications: workflow steps by mail, through the outbox.

The releases app sends ``workflow_step`` (releases/signals.py) inside the transaction
of every logged step; outbox.on_workflow_step (connected in JournalistsConfig.ready())
queues one outbox row per recipient there, so the rows commit or roll back with the
step. Who hears of what:

- submitted for review: the Pressestelle, i.e. the active staff users who may approve
  (permission releases.review_release, by group or directly; superusers only if given
  it), except the edition's authors, who may not approve it;
- sent back (with the note), approved, scheduled (with the time), published (also when
  the time of a scheduled release has come), published without a second person's
  approval (with the reason): the edition's authors.

Never the person who took the step, never an account without an address. Each editor
chooses (EditorNotificationSettings) one mail per step, one summary a day at
ALERTS_DIGEST_HOUR, or none. A row's key names the edition, its version (every step
saves a new one), the kind and the recipient: a step reported twice is queued once.
The outbox sender (journalists/outbox.py) sends them with the journalists' mails.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from releases.links import absolute_url
from releases.models import AuditEntry, Release

from . import emails
from .embargo import berlin_label
from .models import EditorNotificationSettings, OutboxMessage

Kind = OutboxMessage.Kind
Action = AuditEntry.Action
Delivery = EditorNotificationSettings.Delivery

KIND_OF_ACTION = {
    Action.SUBMIT: Kind.SUBMITTED,
    Action.REJECT: Kind.SENT_BACK,
    Action.APPROVE: Kind.APPROVED,
    Action.SCHEDULE: Kind.SCHEDULED,
    Action.PUBLISH: Kind.PUBLISHED,
    Action.CORRECT: Kind.PUBLISHED,
    Action.OVERRIDE: Kind.OVERRIDDEN,
}
KINDS = frozenset(KIND_OF_ACTION.values())
REVIEW_PERMISSION = "releases.review_release"
# Who holds a permission through groups or directly (the other backend, axes, holds none).
PERMISSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


def display_name(user):
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def recipients(kind, release, actor):
    """The users to tell about a step of ``kind`` on ``release`` (an edition)."""
    users = get_user_model()._default_manager
    if kind == Kind.SUBMITTED:
        users = users.with_perm(REVIEW_PERMISSION, include_superusers=False,
                                backend=PERMISSION_BACKEND).filter(
            is_staff=True).exclude(pk__in=release.authors.values("pk"))
    else:
        users = release.authors.filter(is_active=True)
    if actor is not None:
        users = users.exclude(pk=actor.pk)
    return users.exclude(Q(email="") | Q(email__isnull=True)).order_by("pk")


def step_detail(kind, action, release, detail):
    """What a mail quotes of the step: the note, the reason, the time."""
    if kind == Kind.SCHEDULED:
        return berlin_label(release.published_at)
    if kind in {Kind.SENT_BACK, Kind.OVERRIDDEN}:
        return detail
    if action == Action.CORRECT:
        return release.change_note.strip()
    return ""


def enqueue_step(release, action, user, detail, now, digest_at):
    """Queue the mails about one workflow step taken at ``now``; daily summaries are due
    at ``digest_at``. Returns the number of rows offered to the outbox."""
    kind = KIND_OF_ACTION.get(action)
    if kind is None or release.pk is None:
        return 0
    people = list(recipients(kind, release, user))
    deliveries = EditorNotificationSettings.delivery_by_user([person.pk for person in people])
    # The row belongs to the release as a document: a working edition is deleted when
    # it is published, the mail about it stays.
    step = {"kind": kind, "release_id": release.edition_of_id or release.pk,
            "actor_name": display_name(user),
            "detail": step_detail(kind, action, release, detail),
            "is_working_edition": release.is_working_edition, "created_at": now}
    rows = []
    for person in people:
        delivery = deliveries[person.pk]
        if delivery == Delivery.NONE:
            continue
        is_digest = delivery == Delivery.DAILY
        rows.append(OutboxMessage(
            key=OutboxMessage.make_step_key(kind, release.pk, release.version, person.pk),
            recipient=person, is_digest=is_digest, due_at=digest_at if is_digest else now,
            **step))
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# The mails ---------------------------------------------------------------------------------


def wants_mail(user):
    """Whether ``user`` (still) gets these mails at all."""
    return (user is not None and user.is_active and bool(user.email)
            and EditorNotificationSettings.delivery_by_user([user.pk])[user.pk]
            != Delivery.NONE)


def item(row, release):
    """What a mail says of one row (its release loaded)."""
    return {
        "kind": row.kind,
        "actor": row.actor_name,
        "detail": row.detail,
        "is_working_edition": row.is_working_edition,
        "title": release.title,
        "at": berlin_label(row.created_at),
        "url": absolute_url(reverse("admin:releases_release_change", args=[release.pk])),
    }


def common_context(user):
    return {
        "name": display_name(user),
        "settings_url": absolute_url(
            reverse("admin:journalists_editornotificationsettings_changelist")),
    }


def build(user, template, context, key):
    """First line of the rendered text template is the subject (as transactional mails)."""
    subject, _, text = emails.render(template, context).partition("\n")
    text = text.strip()
    html = emails.render("journalists/mail/transactional.html",
                         {"subject": subject, "text": text})
    return emails.build(user.email, subject, text + "\n", html,
                        headers={"Message-ID": emails.message_id(key),
                                 "Auto-Submitted": "auto-generated"})


def step_mail(row):
    """The mail about one step, or None when it must not go out (any more)."""
    if not wants_mail(row.recipient):
        return None
    context = {**common_context(row.recipient), "step": item(row, row.release)}
    return build(row.recipient, "journalists/mail/editor_step.txt", context, row.key)


def summary_mail(user, rows, key):
    """One mail with the steps of ``rows``, oldest first."""
    if not wants_mail(user):
        return None
    releases = Release.objects.in_bulk({row.release_id for row in rows})
    steps = [item(row, releases[row.release_id])
             for row in sorted(rows, key=lambda row: (row.created_at, row.pk))]
    context = {**common_context(user), "steps": steps,
               "day": timezone.localdate()}
    return build(user, "journalists/mail/editor_summary.txt", context, key)
