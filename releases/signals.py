"""What the newsroom announces to the apps built on it.

Sent inside the transaction that publishes, corrects or withdraws, so that whatever a
receiver writes (the journalists app queues its alerts in an outbox) commits
or rolls back with the change. The releases app never imports the apps that
listen; they connect in their AppConfig.ready().

- ``release_published(release, now)``: a release was published or its
  scheduled time or embargo end has come. It may still be under embargo
  (published, Sperrfrist running): receivers ask Release.objects.public().
- ``release_corrected(release, correction, now)``: a new live edition with a
  public correction note replaced the old one.
- ``release_withdrawn(release, now)``: a published or scheduled release was
  withdrawn; its ``withdrawal_reason`` and ``is_removed_for_legal_reasons`` say
  why and how (receivers tell whoever got it by e-mail).
- ``workflow_step(release, action, user, detail, now)``: a workflow step was logged
  (an AuditEntry.Action such as submit, reject, approve, schedule, publish, correct,
  override). ``release`` is the edition the step was taken on (a working edition's
  live release is its ``document``), ``user`` who took it (None: the system),
  ``detail`` what the editor wrote with it (the note, the reason) or its time.
"""

from django.dispatch import Signal

release_published = Signal()
release_corrected = Signal()
release_withdrawn = Signal()
workflow_step = Signal()
