"""Alerts through the outbox: what publishing calls, and what the sender runs.

The publishing side (releases.services) sends the signals of releases/signals.py
inside the transaction that publishes, corrects or withdraws; ``on_release_published``,
``on_release_corrected`` and ``on_release_withdrawn`` (connected in
JournalistsConfig.ready()) queue the mails there, so that the outbox rows commit (or
roll back) with the change; the editors' mails about workflow steps
(``on_workflow_step``, journalists/editors.py) likewise.
As the safety net, ``enqueue_due()`` finds the work itself; it runs before every send.
Every enqueue is idempotent: the rows' keys are unique and inserts ignore conflicts;
each returns the number of rows it added (``insert``).

Sending (``send_due``) claims rows in short transactions with
SELECT ... FOR UPDATE SKIP LOCKED, sends, and marks each row sent at once; two
senders never claim the same row, and a claim whose sender died is retried after
the lease (ALERTS_LEASE_SECONDS). The one window left is a crash between the SMTP
server accepting a mail and the row being marked sent: such a mail would go again,
with the same Message-ID.
"""

import datetime
import logging
import uuid
from collections import Counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from releases.models import Correction, Release
from releases.services import complete_due_publications

from . import editors, emails
from .embargo import embargo_notice, log_embargo_access, under_embargo
from .models import EmbargoAccess, Journalist, OutboxMessage, ReleaseNotification, Subscription

logger = logging.getLogger(__name__)

BATCH = 50
MAX_ATTEMPTS = 5
Kind = OutboxMessage.Kind
Status = OutboxMessage.Status
key = OutboxMessage.make_key
HELD = "held"  # an outcome of sending: kept for the end of a holiday pause


def lease():
    return datetime.timedelta(seconds=settings.ALERTS_LEASE_SECONDS)


def next_digest_at(now):
    """The next daily digest time (ALERTS_DIGEST_HOUR in Europe/Berlin) after ``now``."""
    zone = timezone.get_default_timezone()
    local_date = timezone.localdate(now, zone)
    for days in (0, 1):
        at = datetime.datetime.combine(local_date + datetime.timedelta(days=days),
                                       datetime.time(settings.ALERTS_DIGEST_HOUR), zone)
        if at > now:
            return at
    raise AssertionError("unreachable")


def resume_at(subscription):
    """When the mails held during ``subscription``'s holiday pause go out, in one digest:
    at the digest hour of the first day after the pause."""
    day_after = subscription.paused_until + datetime.timedelta(days=1)
    return datetime.datetime.combine(day_after, datetime.time(settings.ALERTS_DIGEST_HOUR),
                                     timezone.get_default_timezone())


def delivery(subscription, now, digest_at):
    """(is_digest, due_at) of a new alert: at once, in the daily digest, or, during a
    pause, in the digest after it."""
    if subscription.is_paused(now):
        return True, resume_at(subscription)
    if subscription.frequency == Subscription.Frequency.DAILY:
        return True, digest_at
    return False, now


def request_delivery():
    """With a task worker, send right after the commit instead of at the next timer run."""
    if settings.ALERTS_USE_TASK_WORKER:
        from .tasks import send_alerts

        transaction.on_commit(send_alerts.enqueue)


# Queueing ----------------------------------------------------------------------------------


def insert(rows):
    """Add ``rows`` (of one release and kind) to the outbox; returns how many were new.

    Keys already there are left out, and the insert ignores conflicts for a sender
    queueing the same rows at this moment (both may then count such a row).
    """
    if not rows:
        return 0
    known = set(OutboxMessage.objects.filter(release_id=rows[0].release_id, kind=rows[0].kind)
                .values_list("key", flat=True))
    new = [row for row in rows if row.key not in known]
    OutboxMessage.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        request_delivery()
    return len(new)


def recipients_of(release, before=None):
    """Who received ``release`` by e-mail (an alert, a digest or the embargo mail),
    before ``before`` if given: distinct (subscription_id, journalist_id) pairs."""
    originals = OutboxMessage.objects.filter(
        release=release, kind__in=[Kind.ALERT, Kind.EMBARGO], status=Status.SENT,
    ).filter(Q(subscription__isnull=False) | Q(journalist__isnull=False))
    if before is not None:
        originals = originals.filter(sent_at__lt=before)
    return originals.values_list("subscription_id", "journalist_id").distinct().order_by()


def enqueue_publication(release, now=None):
    """Queue one alert per matching subscription for a release that is public now.

    A release not yet public is left for enqueue_due(); one under embargo gets its
    embargo mails to accredited journalists instead. Subscriptions confirmed after the
    release became public get nothing; those on a holiday pause get it in one digest
    with everything else of the pause when it ends.
    Returns the number of rows added to the outbox.
    """
    now = now or timezone.now()
    if not Release.objects.public(now).filter(pk=release.pk).exists():
        return enqueue_embargo(release, now)
    with transaction.atomic():
        marker, created = ReleaseNotification.objects.get_or_create(
            release=release, defaults={"queued_at": now})
        if not created:
            return 0
        subscriptions = Subscription.objects.confirmed().filter(
            confirmed_at__lte=release.public_from).matching(release).only(
            "pk", "frequency", "paused_until")
        digest_at = next_digest_at(now)
        rows = [
            OutboxMessage(
                key=key(Kind.ALERT, release.pk, subscription_id=subscription.pk),
                kind=Kind.ALERT, release=release, subscription=subscription,
                is_digest=is_digest, due_at=due_at, created_at=now,
            )
            for subscription in subscriptions
            for is_digest, due_at in [delivery(subscription, now, digest_at)]
        ]
        added = insert(rows)
        marker.recipient_count = len(rows)
        marker.save(update_fields=["recipient_count"])
    return added


def enqueue_embargo(release, now=None):
    """Queue the embargoed release for every accredited journalist (while the embargo runs)."""
    now = now or timezone.now()
    if not under_embargo(now).filter(pk=release.pk).exists():
        return 0
    rows = [
        OutboxMessage(key=key(Kind.EMBARGO, release.pk, journalist_id=journalist_id),
                      kind=Kind.EMBARGO, release=release, journalist_id=journalist_id,
                      due_at=now, created_at=now)
        for journalist_id in Journalist.objects.accredited().values_list("pk", flat=True)
    ]
    return insert(rows)


def enqueue_correction(release, correction, now=None):
    """Queue the correction for everyone who received the release before it was corrected."""
    now = now or timezone.now()
    return insert([
        OutboxMessage(
            key=key(Kind.CORRECTION, release.pk, subscription_id=subscription_id,
                    journalist_id=journalist_id, correction_id=correction.pk),
            kind=Kind.CORRECTION, release=release, correction=correction,
            subscription_id=subscription_id, journalist_id=journalist_id, due_at=now,
            created_at=now,
        )
        for subscription_id, journalist_id in recipients_of(release, correction.published_at)
    ])


def enqueue_withdrawal(release, now=None):
    """Queue a withdrawal notice for everyone who received the release by e-mail, once
    per withdrawal and recipient (also one whose mail went out while it was withdrawn)."""
    now = now or timezone.now()
    if release.status != Release.Status.WITHDRAWN:
        return 0
    return insert([
        OutboxMessage(
            key=withdrawal_key(release, subscription_id, journalist_id),
            kind=Kind.WITHDRAWAL, release=release, subscription_id=subscription_id,
            journalist_id=journalist_id, due_at=now, created_at=now,
        )
        for subscription_id, journalist_id in recipients_of(release)
    ])


def withdrawal_key(release, subscription_id, journalist_id):
    return key(Kind.WITHDRAWAL, release.pk, subscription_id=subscription_id,
               journalist_id=journalist_id, withdrawn_at=release.withdrawn_at)


def enqueue_due(now=None):
    """The idempotent sweep: whatever became public, embargoed, corrected or withdrawn
    lately and has not been queued yet. Running it twice changes nothing; returns the
    number of rows added."""
    now = now or timezone.now()
    # A release public by the clock alone gets its number first, whichever job comes
    # first: an alert carries it (queued here, or on completion, by on_release_published).
    complete_due_publications(now)
    since = now - datetime.timedelta(days=settings.ALERTS_SWEEP_DAYS)
    queued = 0
    recent = (
        Release.objects.public(now)
        .filter(Q(published_at__gte=since) | Q(embargo_until__gte=since))
        .exclude(pk__in=ReleaseNotification.objects.values("release_id"))
        .order_by("published_at", "pk")
    )
    for release in recent:
        queued += enqueue_publication(release, now)
    for release in under_embargo(now).order_by("pk"):
        queued += enqueue_embargo(release, now)
    corrections = Correction.objects.filter(published_at__gte=since, published_at__lte=now)
    for correction in corrections.select_related("release").order_by("pk"):
        queued += enqueue_correction(correction.release, correction, now)
    withdrawn = Release.objects.filter(status=Release.Status.WITHDRAWN, withdrawn_at__gte=since)
    for release in withdrawn.order_by("pk"):
        queued += enqueue_withdrawal(release, now)
    return queued


def on_release_published(sender, release, now, **kwargs):
    enqueue_publication(release, now)


def on_release_corrected(sender, release, correction, now, **kwargs):
    enqueue_correction(release, correction, now)


def on_release_withdrawn(sender, release, now, **kwargs):
    enqueue_withdrawal(release, now)


def on_workflow_step(sender, release, action, user, detail, now, **kwargs):
    if editors.enqueue_step(release, action, user, detail, now, next_digest_at(now)):
        request_delivery()


# Sending -----------------------------------------------------------------------------------


def claim(queryset):
    """Lock, mark and return the due rows of ``queryset`` that no other sender holds."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            queryset.select_for_update(skip_locked=True).due(now, lease())
            .order_by("pk").values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return []
        token = uuid.uuid4()
        OutboxMessage.objects.filter(pk__in=ids).update(
            status=Status.CLAIMED, claimed_at=now, claim_token=token,
            attempts=F("attempts") + 1)
    return list(OutboxMessage.objects.filter(pk__in=ids, claim_token=token)
                .select_related("subscription", "journalist", "correction", "recipient")
                .order_by("pk"))


def finish(rows, status, error=""):
    """Record the outcome of claimed rows; a failure is retried later, a few times."""
    now = timezone.now()
    for row in rows:
        changes = {"status": status}
        if status == Status.SENT:
            changes.update(sent_at=now, last_error="", to_address=row.recipient_email)
        elif error:
            changes["last_error"] = error[:2000]
            if row.attempts < MAX_ATTEMPTS:
                changes.update(status=Status.PENDING,
                               due_at=now + datetime.timedelta(minutes=2 ** row.attempts))
        # Only the holder of the claim may finish it.
        OutboxMessage.objects.filter(pk=row.pk, claim_token=row.claim_token).update(**changes)


def hold(rows, subscription):
    """Claimed rows of a subscription paused since they were queued wait for the end of
    the pause: alerts go into the digest then, corrections follow it."""
    for row in rows:
        changes = {"status": Status.PENDING, "due_at": resume_at(subscription),
                   "attempts": F("attempts") - 1}
        if row.kind == Kind.ALERT:
            changes["is_digest"] = True
        OutboxMessage.objects.filter(pk=row.pk, claim_token=row.claim_token).update(**changes)


def reschedule_held(subscription, now=None):
    """After a pause was shortened or ended: what it held goes out after the new pause,
    or with the next digest, or now."""
    now = now or timezone.now()
    if subscription.is_paused(now):
        due_at = resume_at(subscription)
    elif subscription.frequency == Subscription.Frequency.DAILY:
        due_at = next_digest_at(now)
    else:
        due_at = now
    OutboxMessage.objects.filter(subscription=subscription, status=Status.PENDING,
                                 due_at__gt=due_at).update(due_at=due_at)


def releases_by_pk(ids, queryset):
    return {release.pk: release for release in queryset.filter(pk__in=ids)
            .select_related("organisation").prefetch_related("contacts")}


def compose(row, now):
    """The mail for a claimed row, or None when it must not go out (any more)."""
    if row.kind in editors.KINDS:
        return editors.step_mail(row)
    subscription, journalist = row.subscription, row.journalist
    if subscription is not None and not subscription.is_confirmed:
        return None
    # A withdrawal notice still reaches a journalist revoked meanwhile: they hold the text,
    # and the notice tells them nothing new but not to use it.
    if journalist is not None and not journalist.is_accredited and row.kind != Kind.WITHDRAWAL:
        return None
    if row.kind == Kind.EMBARGO:
        release = releases_by_pk([row.release_id], under_embargo(now)).get(row.release_id)
        return release and journalist and emails.embargoed(journalist, release, row.key)
    if row.kind in (Kind.CORRECTION, Kind.WITHDRAWAL):
        return follow_up(row, now)
    release = releases_by_pk([row.release_id], Release.objects.public(now)).get(row.release_id)
    return release and subscription and emails.alert(subscription, release, row.key)


def follow_up(row, now):
    """A correction or withdrawal notice to someone who got the release: a subscriber
    with the links, a journalist without. A correction while the Sperrfrist runs goes
    to journalists only, marked with the Sperrfrist like the embargo mail."""
    subscription, journalist = row.subscription, row.journalist
    if row.kind == Kind.WITHDRAWAL:
        visible = Release.objects.filter(status=Release.Status.WITHDRAWN)
    else:
        visible = Release.objects.public(now) | under_embargo(now)
    release = releases_by_pk([row.release_id], visible).get(row.release_id)
    if release is None or (subscription is None and journalist is None):
        return None
    if row.kind == Kind.WITHDRAWAL and row.key != withdrawal_key(
            release, row.subscription_id, row.journalist_id):
        return None  # a withdrawal undone since; the one in force has its own notice
    notice = None
    if row.kind == Kind.CORRECTION and under_embargo(now).filter(pk=release.pk).exists():
        if subscription is not None:
            return None  # nobody but accredited journalists sees it before its time
        notice = embargo_notice(release)
    if subscription is not None:
        to, links = subscription.email, emails.subscription_links(subscription)
    else:
        to, links = journalist.email, None
    if row.kind == Kind.WITHDRAWAL:
        return emails.withdrawal(to, release, row.key, links=links)
    return emails.correction(to, release, row.correction, row.key, links=links,
                             notice=notice)


def send(rows, message, connection):
    """Send one message for ``rows``; returns the outcome's status."""
    if message is None:
        finish(rows, Status.SKIPPED)
        return Status.SKIPPED
    try:
        connection.send_messages([message])
    except Exception as error:  # any failure of the mail system: retry later
        logger.warning("Sending %s failed: %s", rows[0].key, error)
        finish(rows, Status.FAILED, error=f"{type(error).__name__}: {error}")
        return Status.FAILED
    finish(rows, Status.SENT)
    for row in rows:
        if row.kind == Kind.EMBARGO:
            log_embargo_access(row.journalist, [row.release_id], EmbargoAccess.Via.MAIL)
    return Status.SENT


def send_built(rows, connection, build, *args):
    """``send`` the message ``build(*args)`` makes for ``rows``. One that cannot be made (a
    release changed under it, say) fails alone, to be tried again, and the run goes on
    with the other mails."""
    try:
        message = build(*args)
    except Exception as error:
        logger.exception("Composing %s failed", rows[0].key)
        finish(rows, Status.FAILED, error=f"{type(error).__name__}: {error}")
        return Status.FAILED
    return send(rows, message, connection)


def send_digest(rows, connection, now):
    subscription = rows[0].subscription
    if subscription is not None and subscription.is_paused(now):
        hold(rows, subscription)
        return Counter({HELD: len(rows)})
    if subscription is None or not subscription.is_confirmed:
        return Counter({Status.SKIPPED: len(rows)})
    releases = releases_by_pk([row.release_id for row in rows], Release.objects.public(now))
    gone = [row for row in rows if row.release_id not in releases]
    included = [row for row in rows if row.release_id in releases]
    counts = Counter()
    if gone:
        finish(gone, Status.SKIPPED)
        counts[Status.SKIPPED] += len(gone)
    if included:
        ordered = sorted(releases.values(), key=lambda r: (r.public_from, r.pk), reverse=True)
        counts[send_built(included, connection, emails.digest, subscription, ordered,
                          f"digest:s{subscription.pk}:m{included[0].pk}")] += len(included)
    return counts


def send_due(connection=None):
    """Send every due mail: single alerts, corrections, embargoed releases and editors'
    mails first, then one digest per daily subscription and one summary per editor
    who chose it. Returns counts by outcome."""
    counts = Counter()
    connection = connection or get_connection()
    with connection:
        while rows := claim(OutboxMessage.objects.filter(is_digest=False)):
            for row in rows:
                now = timezone.now()
                if row.subscription is not None and row.subscription.is_paused(now):
                    hold([row], row.subscription)
                    counts[HELD] += 1
                else:
                    counts[send_built([row], connection, compose, row, now)] += 1
        digest_rows = OutboxMessage.objects.filter(is_digest=True, subscription__isnull=False)
        subscription_ids = (digest_rows.due(timezone.now(), lease())
                            .values_list("subscription_id", flat=True).distinct().order_by())
        for subscription_id in list(subscription_ids):
            rows = claim_digest(subscription_id)
            if rows:
                counts.update(send_digest(rows, connection, timezone.now()))
        summary_rows = OutboxMessage.objects.filter(is_digest=True, recipient__isnull=False)
        user_ids = (summary_rows.due(timezone.now(), lease())
                    .values_list("recipient_id", flat=True).distinct().order_by())
        for user_id in list(user_ids):
            if rows := claim_summary(user_id):
                counts[send_built(rows, connection, editors.summary_mail, rows[0].recipient,
                                  rows, f"summary:u{user_id}:m{rows[0].pk}")] += len(rows)
    return counts


def claim_digest(subscription_id):
    """All due digest rows of one subscription, or none if another sender has it."""
    with transaction.atomic():
        held = Subscription.objects.select_for_update(skip_locked=True).filter(
            pk=subscription_id).values_list("pk", flat=True)
        if not list(held):
            return []
        return claim(OutboxMessage.objects.filter(is_digest=True,
                                                  subscription_id=subscription_id))


def claim_summary(user_id):
    """All due summary rows of one editor, or none if another sender has them."""
    with transaction.atomic():
        held = get_user_model()._default_manager.select_for_update(skip_locked=True).filter(
            pk=user_id).values_list("pk", flat=True)
        if not list(held):
            return []
        return claim(OutboxMessage.objects.filter(is_digest=True, recipient_id=user_id))


def purge_expired(now=None):
    """Forget subscriptions and registrations never confirmed within the window."""
    now = now or timezone.now()
    subscriptions, _ = Subscription.objects.unconfirmed_expired(now).delete()
    journalists, _ = Journalist.objects.filter(
        email_verified_at__isnull=True, created_at__lt=now - datetime.timedelta(
            days=settings.ALERTS_CONFIRMATION_DAYS)).delete()
    return subscriptions + journalists


def run_alerts():
    """One run of the periodic job: tidy up, queue what is due, send what is due."""
    purged = purge_expired()
    queued = enqueue_due()
    counts = send_due()
    return {"purged": purged, "queued": queued, **{str(k): v for k, v in counts.items()}}
