"""Public views, one module per area. Every query starts from Release.objects.public()."""

from .pages import *  # noqa: F403
