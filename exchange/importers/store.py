"""The one function that writes an imported release: ``store_release``.

Every reader (ninjs, text, Markdown, DOCX, HTML) and the seed hand it the
same intermediate structure (see ``values.py``). ``upsert`` (rows.py) writes a row only
when a value differs, and relations are set to exactly what the item says,
so a second import of the same material leaves every row, ``updated_at``
included, as it was.

Decisions, also in the README:

- Organisations, contacts, topics and people are found by slug (when the item
  links this site's page) or by name, ignoring case and spacing, and created
  when missing; rows that exist are never changed by an import (an old
  document's phone number may be out of date). With ``strict`` an unknown
  organisation is an error instead.
- Appointments and delegation trips are linked when they exist (ninjs
  carries only their names); otherwise the report says so.
- A minister (ninjs ``rel: minister``) whose office on the release's date is
  not recorded gets one: an appointment of that organisation covering the
  date, widened by later imports of the same office.
- Nothing becomes public without ``publish``. ``canceled`` is withdrawn,
  ``withheld`` a draft (or the status an export carries, if it is not a
  public one); a release the public has seen is withdrawn instead, as an editor
  would withdraw it (``services.withdraw``: its page says so, and whoever had it
  by e-mail is told); ``usable`` items, documents and carried published or
  scheduled statuses are published with ``publish`` (through
  ``services``, with their own date, so numbers follow their year; a number
  the item carries is kept), otherwise new ones are drafts and existing ones
  keep their status. A number the item carries wins over one given
  automatically earlier in the same run (``renumberable``): that release gets
  the next free one, so restoring an export never collides with itself. An
  update never moves a numbered release into another year.
- An item that names no organisation is the ``default_organisation``'s
  (``--organisation``), or refused without one.
- Versions: an item older than the release (its ``versioncreated`` before the
  release's last public change, ``Release.last_public_change_at``, which the
  import of a later version set) is skipped with a note: feeds deliver out of
  order. A last public change still to come is a plan, not a version.
- Times: a new release was created at the item's ``firstcreated`` (else its
  publication time). A release dated by the item's ``versioncreated`` alone (no
  publication time given) keeps its date when a later version comes. Its last
  public change (``Release.last_public_change_at``) is its own: the item's
  ``versioncreated`` when that is later than its publication, or, for an item
  without one that changes a release the public saw, the time of the import. A
  day without a time stays a day (``has_publication_time``).
- The item's own identifier is kept (``source_uri``) when the UUID derives
  from it, so that an export gives it back.
- Images and attachments are not downloaded: the report counts them as skipped.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from releases import services
from releases.models import (
    Appointment,
    Contact,
    Delegation,
    Event,
    Organisation,
    Person,
    Release,
    ReleasePerson,
    Topic,
)
from releases.search import update_search_vector
from releases.slugs import german_slug

from . import values as item_values
from .errors import DocumentError
from .lookups import Lookups
from .rows import CREATED, UNCHANGED, UPDATED, set_related, upsert

PUBLISH = "publish"
# A release the public saw that its source cancels or withholds: withdrawn as an editor
# would (services.withdraw: the notice on its page, the notices to whoever had it).
WITHDRAW = "withdraw"


@dataclass
class Stored:
    """What ``store_release`` did with one item."""

    release: Release
    outcome: str
    notes: list[str] = field(default_factory=list)
    new_organisations: list[Organisation] = field(default_factory=list)
    skipped_files: int = 0
    numbered_automatically: bool = False
    skipped: str = ""  # why the item was left out (an older version), if it was


def store_release(values, *, identity=None, publish=False, strict=False, counts=None,
                  lookups=None, default_organisation=None, renumberable=()):
    """Create or update the release of one imported item; return a :class:`Stored`.

    ``values`` is the intermediate structure (``from_ninjs`` or
    ``ParsedRelease.values()``); it is checked before anything is written and
    written in one transaction, so an item is stored whole or not at all.
    ``identity`` overrides the UUID from ``values.identity`` (the seed keys its
    documents by file name). ``default_organisation`` issues an item that names none.
    ``renumberable`` holds the pks of releases numbered automatically earlier in the
    same run: a number this item carries is taken from them.
    """
    if default_organisation is not None and not item_values.names_organisation(values):
        values = {**values, "organisation": {"name": default_organisation.name,
                                             "slug": default_organisation.slug}}
    values = item_values.clean(values)
    identity = identity or item_values.identity(values)
    writer = _Writer(values, publish=publish, strict=strict,
                     counts=counts if counts is not None else Counter(),
                     lookups=lookups or Lookups(), renumberable=renumberable)
    with transaction.atomic():
        return writer.write(identity)


class _Writer:
    def __init__(self, values, *, publish, strict, counts, lookups, renumberable=()):
        self.values = values
        self.renumberable = renumberable
        self.displaced = []  # releases whose automatic number this item takes
        self.publish = publish
        self.strict = strict
        self.counts = counts
        self.lookups = lookups
        self.notes = []
        self.new_organisations = []

    def changes(self):
        return self.counts["created"] + self.counts["updated"]

    def write(self, identity):
        values = self.values
        before = self.changes()
        existing = Release.objects.filter(uuid=identity).first()
        if self.is_older(existing):
            return self.skip_older(existing)
        was_public = existing is not None and services.is_public(existing)
        organisation = self.organisation()
        target = self.target_status(existing)
        published_at = self.published_at(existing)
        fields = {
            "kind": values["kind"], "organisation": organisation, "title": values["title"],
            "subtitle": values["subtitle"], "slug": values["slug"], "teaser": values["teaser"],
            "body": values["body"], "published_at": published_at,
            "embargo_until": values["embargo_until"],
            "source_uri": item_values.source_uri(values, identity),
        }
        if values["published_at"] == published_at and published_at and (
                existing is None or existing.published_at != published_at):
            # A day without a time stays one; the same time again keeps what it was.
            fields["has_publication_time"] = values.get("has_publication_time", True)
        if target not in (None, PUBLISH, WITHDRAW):
            fields["status"] = target
        if values["number"] and target is not None and target not in (
                Release.Status.DRAFT, Release.Status.IN_REVIEW, Release.Status.APPROVED):
            fields.update(self.number(organisation, identity))
        self.keep_number_year(existing, fields)
        release = upsert(Release, {"uuid": identity}, fields, self.counts)
        self.renumber_displaced()

        set_related(release.contacts, self.contacts(organisation), self.counts)
        set_related(release.topics, self.topics(), self.counts)
        set_related(release.events, self.linked(Event, "events", release), self.counts)
        set_related(release.delegations, self.linked(Delegation, "delegations", release),
                    self.counts)
        self.minister(release)
        self.people(release)
        numbered = release.number is not None
        if target == PUBLISH:
            self.make_public(release)
        elif target == WITHDRAW:
            self.withdraw(release)

        if existing is None and (values["created_at"] or values["updated_at"]
                                 or release.published_at):
            # An imported release keeps its history; auto_now fields cannot be set on save.
            times = {"created_at": values["created_at"] or release.published_at
                     or release.created_at,
                     "updated_at": values["updated_at"] or release.updated_at}
            Release.objects.filter(pk=release.pk).update(**times)
            for name, value in times.items():
                setattr(release, name, value)
        self.public_change(release, was_public, changed=self.changes() > before)
        skipped = len(values.get("images") or []) + len(values.get("attachments") or [])
        if skipped:
            self.notes.append(_("%(count)d image(s) or attachment(s) skipped: files are not "
                                "downloaded.") % {"count": skipped})
        if existing is None:
            outcome = CREATED
        else:
            outcome = UPDATED if self.changes() > before else UNCHANGED
        if outcome != UNCHANGED:
            # Release.save() indexed the release before its topics and people were set.
            update_search_vector([release.pk])
        return Stored(release, outcome, self.notes, self.new_organisations, skipped,
                      numbered_automatically=not numbered and release.number is not None)

    # Versions ------------------------------------------------------------------

    def is_older(self, existing):
        """Whether the item is an older version than the release (see the module doc)."""
        version = self.values["updated_at"]
        stored = existing.last_public_change_at if existing is not None else None
        return bool(version and stored and stored <= timezone.now() and version < stored)

    def skip_older(self, existing):
        note = (_("Older than the stored version (versioncreated %(version)s, stored "
                  "%(stored)s): skipped.")
                % {"version": _local(self.values["updated_at"]),
                   "stored": _local(existing.last_public_change_at)})
        return Stored(existing, UNCHANGED, skipped=note)

    def public_change(self, release, was_public, changed):
        """Record the item's own version time, or now for a change the public saw."""
        version = self.values["updated_at"]
        last = release.last_public_change_at
        if last is None:
            return  # not dated yet: nothing public to change
        if version is not None:
            moment = version if version > last else None
        else:
            moment = timezone.now() if was_public and changed else None
        if moment is not None:
            Release.objects.filter(pk=release.pk).update(public_changed_at=moment)
            release.public_changed_at = moment

    # Status and number ---------------------------------------------------------

    def target_status(self, existing):
        """The status the release gets: a Status value, PUBLISH, WITHDRAW, or None (leave
        it)."""
        pubstatus, carried = self.values["pubstatus"], self.values["status"]
        # Published or scheduled: public, or sent to accredited journalists under embargo.
        seen = existing is not None and existing.status in Release.VISIBLE_STATUSES
        if pubstatus == "canceled":
            return WITHDRAW if seen else Release.Status.WITHDRAWN
        if carried and carried not in Release.VISIBLE_STATUSES:
            return WITHDRAW if seen and carried == Release.Status.WITHDRAWN else carried
        if pubstatus == "withheld" and not carried:
            return WITHDRAW if seen else Release.Status.DRAFT
        if self.publish:
            if self.values["published_at"] or existing and existing.published_at:
                return PUBLISH
            self.notes.append(_("No date: imported as a draft, not published."))
        if existing is not None:
            return None
        return Release.Status.DRAFT

    def published_at(self, existing):
        # An item without a date never erases one: a release published without a date
        # of its own keeps the time it was given then; a version time dates new ones only.
        stored = existing.published_at if existing is not None else None
        if stored and self.values.get("dated_by_version"):
            return stored
        return self.values["published_at"] or stored

    def keep_number_year(self, existing, fields):
        """Refuse an update that would move a numbered release into another year."""
        if existing is None or not existing.number or not existing.published_at:
            return
        old_year = timezone.localtime(existing.published_at).year
        year = timezone.localtime(fields["published_at"]).year
        if year != old_year or fields.get("number_year", existing.number_year) != \
                existing.number_year:
            raise DocumentError(_("The release is numbered %(number)s; the item would move it "
                                  "to %(year)d, and a number keeps its year.")
                                % {"number": existing.number_label, "year": year})

    def number(self, organisation, identity):
        number, year = self.values["number"]
        other = Release.objects.filter(organisation=organisation, number_year=year,
                                       number=number).exclude(uuid=identity).first()
        if other is not None and other.pk in self.renumberable:
            # Numbered automatically earlier in this run: the carried number wins.
            Release.objects.filter(pk=other.pk).update(number=None, number_year=None)
            self.displaced.append(other)
        elif other is not None:
            raise DocumentError(_("The number %(number)d/%(year)d is already taken by "
                                  "“%(title)s”.")
                                % {"number": number, "year": year, "title": other.title})
        return {"number": number, "number_year": year}

    def renumber_displaced(self):
        """Give the releases whose number this item took the next free number."""
        for other in self.displaced:
            other.number = other.number_year = None
            services.assign_number(other)
            other.save(update_fields=["number", "number_year"])
            self.counts[UPDATED] += 1
            self.notes.append(_("“%(title)s” is renumbered %(number)s: this item carries its "
                                "number.") % {"title": other.title, "number": other.number_label})

    def make_public(self, release):
        carried = self.values["status"]
        # A release gets its number when it becomes public (its time or the end of its
        # embargo): one public now whose publication is not complete needs it.
        unnumbered = release.effects_done_at is None and services.is_public(release)
        if carried in Release.VISIBLE_STATUSES:
            if release.status != carried or unnumbered:
                release.status = carried
                services.save_release(release)
                self.counts[UPDATED] += 1
        elif release.status not in Release.VISIBLE_STATUSES or unnumbered:
            services.publish(release, at=release.published_at)
            self.counts[UPDATED] += 1

    def withdraw(self, release):
        reason = (_("Withdrawn by its source.") if self.values["pubstatus"] == "canceled"
                  else _("Withheld by its source."))
        try:
            services.withdraw(release, None, reason)
        except services.WorkflowError as error:  # an editor holds it, say
            raise DocumentError(str(error)) from error
        self.counts[UPDATED] += 1

    # Related rows --------------------------------------------------------------

    def organisation(self):
        data = self.values["organisation"]
        found = self.lookups.find(Organisation, data["name"], slug=data["slug"])
        if found is not None:
            return found
        label = data["name"] or data["slug"]
        if not data["name"]:
            raise DocumentError(_("Unknown organisation “%(slug)s”.") % {"slug": data["slug"]})
        if self.strict:
            raise DocumentError(_("Unknown organisation “%(name)s” (not created with --strict).")
                                % {"name": label})
        slug = _free_slug(Organisation, data["slug"] or german_slug(
            data["short_name"] or data["name"], max_length=90))
        organisation = Organisation.objects.create(**{**data, "slug": slug})
        self.counts[CREATED] += 1
        self.lookups.remember(Organisation, organisation)
        self.new_organisations.append(organisation)
        self.notes.append(_("New organisation “%(name)s” (slug %(slug)s).")
                          % {"name": organisation.name, "slug": slug})
        return organisation

    def contacts(self, organisation):
        contacts = []
        for data in self.values["contacts"]:
            contact = self.lookups.find(Contact, data["name"], organisation=organisation)
            if contact is None:
                contact = Contact.objects.create(organisation=organisation, **data)
                self.counts[CREATED] += 1
                self.lookups.remember(Contact, contact, organisation=organisation)
            else:
                self.counts[UNCHANGED] += 1
            if contact not in contacts:
                contacts.append(contact)
        return contacts

    def topics(self):
        topics = []
        for data in self.values["topics"]:
            topic = self.lookups.find(Topic, data["name"], slug=data["slug"])
            if topic is None and not data["name"]:
                # A code of another vocabulary (medtop:20000002), or a topic since deleted.
                self.notes.append(_("Subject “%(code)s” skipped: it has no name, and no topic "
                                    "here is known by it.") % {"code": data["slug"]})
                continue
            if topic is None:
                topic = Topic.objects.create(
                    name=data["name"],
                    slug=_free_slug(Topic, data["slug"] or german_slug(data["name"], 90)))
                self.counts[CREATED] += 1
                self.lookups.remember(Topic, topic)
            if topic not in topics:
                topics.append(topic)
        return topics

    def person(self, data):
        person = self.lookups.find(Person, data["name"], slug=data["slug"])
        if person is None:
            if not data["name"]:
                raise DocumentError(_("Unknown person “%(slug)s”.") % {"slug": data["slug"]})
            person = Person.objects.create(
                honorific=data["honorific"], given_name=data["given_name"],
                family_name=data["family_name"],
                slug=_free_slug(Person, data["slug"] or german_slug(data["name"], 190)))
            self.counts[CREATED] += 1
            self.lookups.remember(Person, person)
        return person

    def linked(self, model, key, release):
        """Appointments or trips named by the item that exist here; a note for the others."""
        found = []
        for data in self.values[key]:
            row = model.objects.filter(slug=data["slug"]).first() if data["slug"] else None
            if row is None and data["name"]:
                row = _nearest(self.lookups.candidates(model, data["name"]),
                               data["uri"], release.published_at)
            if row is None:
                if not data["name"]:
                    raise DocumentError(_("Unknown %(what)s “%(slug)s”.")
                                        % {"what": model._meta.verbose_name, "slug": data["slug"]})
                self.notes.append(_("%(what)s “%(name)s” is not in this database: not linked.")
                                  % {"what": str(model._meta.verbose_name).capitalize(),
                                     "name": data["name"]})
            elif row not in found:
                found.append(row)
        return found

    def minister(self, release):
        """Record the minister's office on the release's date when this database lacks it."""
        data = self.values["minister"]
        if data is None:
            return
        date = timezone.localdate(release.published_at) if release.published_at \
            else timezone.localdate()
        offices = Appointment.objects.filter(organisation=release.organisation,
                                             kind=Appointment.Kind.MINISTER)
        holding = offices.current(date).select_related("person").first()
        if holding is not None:
            if item_values.name_key(holding.person.full_name) != item_values.name_key(
                    data["name"]) and holding.person.slug != data["slug"]:
                self.notes.append(
                    _("The item names %(name)s as minister; this database has %(holder)s in "
                      "office on %(date)s and keeps that.")
                    % {"name": data["name"], "holder": holding.person.full_name,
                       "date": date.strftime("%d.%m.%Y")})
            return
        person = self.person(data)
        office = offices.filter(person=person, title=data["role"]).order_by("start_date").first()
        if office is None:
            Appointment.objects.create(person=person, organisation=release.organisation,
                                       kind=Appointment.Kind.MINISTER, title=data["role"],
                                       start_date=date, end_date=date)
            self.counts[CREATED] += 1
        else:
            office.start_date = min(office.start_date, date)
            if office.end_date is not None:
                office.end_date = max(office.end_date, date)
            office.save()
            self.counts[UPDATED] += 1

    def people(self, release):
        date = release.published_at or timezone.now()
        kept = []
        for data in self.values["people"]:
            person = self.person(data)
            if person.pk in kept:
                continue
            role = data["role"]
            office = person.office_on(date)
            if office is not None and role == office.title:
                # The office is shown from the appointment; storing it again would hide
                # a later correction of the appointment.
                role = ""
            upsert(ReleasePerson, {"release": release, "person": person},
                   {"role": role, "is_quoted": data["is_quoted"], "order": len(kept)},
                   self.counts)
            kept.append(person.pk)
        stale = release.release_people.exclude(person__in=kept)
        if stale.exists():
            stale.delete()
            self.counts[UPDATED] += 1


def _local(moment):
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M:%S")


def _free_slug(model, slug):
    """``slug``, or ``slug-2``, ``slug-3`` ... whichever is not taken yet."""
    slug = slug or "x"
    candidate, number = slug, 1
    while model.objects.filter(slug=candidate).exists():
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


def _nearest(rows, uri, moment):
    """Of rows with the same title, the one whose page ``uri`` names, else the nearest in time."""
    if len(rows) <= 1:
        return rows[0] if rows else None
    by_slug = [row for row in rows if row.slug and f"/{row.slug}/" in uri]
    rows = by_slug or rows
    if moment is None:
        return rows[0]

    def distance(row):
        start = getattr(row, "starts_at", None)
        if start is None:
            start = datetime.datetime.combine(row.start_date, datetime.time(),
                                              tzinfo=moment.tzinfo)
        return abs(start - moment)
    return min(rows, key=distance)
