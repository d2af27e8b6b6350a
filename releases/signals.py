"""What the newsroom announces to the apps built on it.

Sent inside the transaction that publishes or corrects, so that whatever a
receiver writes (the journalists app queues its alerts in an outbox) commits
or rolls back with the change. The releases app never imports the apps that
listen; they connect in their AppConfig.ready().

- ``release_published(release, now)``: a release was published or its
  scheduled time or embargo end has come. It may still be under embargo
  (published, Sperrfrist running): receivers ask Release.objects.public().
- ``release_corrected(release, correction, now)``: a new live edition with a
  public correction note replaced the old one.
"""

from django.dispatch import Signal

release_published = Signal()
release_corrected = Signal()
