"""Reads to PostgreSQL read replicas, everything else to the primary.

Installed by the settings only when DATABASE_REPLICA_URL(S) names replicas.
Public pages, feeds and search read from a replica; writes, migrations and the
editorial workflow stay on the primary ("default"). Each worker process keeps to
one replica (chosen by its process id, which spreads the workers), so that the
queries of one page never see two replicas at different points of replay.

A replica lags the primary by a moment. Code that must see its own writes
(the workflow services, the admin after a save) runs inside a transaction on
the primary: while a transaction is open on "default", reads go there too.
"""

import os

from django.db import connections

PRIMARY = "default"
# Editors' logins, sessions, lockouts and admin log: read back at once after a write,
# small, and never read by the public.
PRIMARY_ONLY_APPS = {"auth", "sessions", "admin", "axes"}


def replicas():
    return [alias for alias in connections if alias != PRIMARY]


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        # A write in progress on the primary must be read back from there.
        if model._meta.app_label in PRIMARY_ONLY_APPS or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        aliases = replicas()
        return aliases[os.getpid() % len(aliases)] if aliases else PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Every alias holds the same data: rows from the primary and a replica may relate.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
