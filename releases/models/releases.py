"""Press releases and what hangs off them: people, images, attachments."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..fields import CheckedImageField, SanitisedRichTextField, validate_year
from ..images import make_renditions, reencode
from ..links import page_url
from ..uploads import generated_name, validate_attachment, validate_image
from .events import Delegation, Event, describe_link
from .organisations import Contact, Organisation, Topic
from .people import Person
from .status import IN_PROGRESS, ReleaseStatus, status_rank_expression


def public_by(moment):
    """Whether a release's publication time has come by ``moment`` and its embargo
    (Sperrfrist), if any, is over: ``moment`` a datetime, or an expression such as
    F("withdrawn_at"). Part of ``ReleaseQuerySet.public``, the one definition."""
    return (Q(embargo_until__isnull=True) | Q(embargo_until__lte=moment)) & Q(
        published_at__lte=moment)


# The moment a release becomes public, in SQL: the later of its publication time and
# the end of its embargo (Release.public_from is the same in Python).
PUBLIC_FROM = Greatest("published_at", Coalesce("embargo_until", "published_at"))
# When what the public sees of a release last changed, in SQL (Release.last_public_change_at
# is the same in Python): the moment it became public or a later published change.
LAST_PUBLIC_CHANGE = Greatest(PUBLIC_FROM, Coalesce("public_changed_at", "published_at"))


def changed_publicly_since(moment):
    """``LAST_PUBLIC_CHANGE >= moment`` as a condition each of whose parts an index
    answers: the greatest of the three times is that late when one of them is."""
    return (Q(published_at__gte=moment) | Q(embargo_until__gte=moment)
            | Q(public_changed_at__gte=moment))


def public_condition(now=None):
    """``ReleaseQuerySet.public`` as a condition, to combine or annotate with."""
    return public_by(now or timezone.now()) & Q(
        status__in=Release.VISIBLE_STATUSES, edition_of__isnull=True)


def linked_to_public_release(relation, now=None):
    """Whether a public release names the row through ``relation``, a many-to-many
    field of Release ("topics", "people", "events" ...): a condition on that row.

    The row's own links are read (by their index) and each release looked up until
    one is public; the LIMIT keeps that lookup per link. Left to plan the join,
    PostgreSQL walked all public releases instead, looking for one that names the
    row: for a topic of no public release, every one of them (0.6 s at 100,000)."""
    field = Release._meta.get_field(relation)
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    public = Release.objects.public(now).filter(pk=OuterRef(source)).order_by().values("pk")[:1]
    return Exists(field.remote_field.through.objects.filter(
        **{target: OuterRef("pk"), f"{source}__in": public}))


class ReleaseQuerySet(models.QuerySet):
    def public(self, now=None):
        """The only definition of what the public may see.

        Published (or scheduled) releases whose publication time has come and
        whose embargo (Sperrfrist), if any, is over. Withdrawn and unfinished
        releases never match, and neither does a working edition: the public sees a
        release's live edition until a working edition replaces it. Visibility needs
        no job: it is a comparison with now.
        """
        return self.filter(public_condition(now))

    def documents(self):
        """Releases as documents: their first or live edition, no working editions."""
        return self.filter(edition_of__isnull=True)

    def working_editions(self):
        return self.filter(edition_of__isnull=False)

    def withdrawn_after_public(self):
        """Withdrawn releases that had been public: their address keeps a notice, and
        their withdrawal is news to the feeds they were in. One never public is not."""
        return self.filter(public_by(F("withdrawn_at")), status=Release.Status.WITHDRAWN,
                           edition_of__isnull=True)

    def for_listing(self, *, text=False):
        """What list pages show of each release, in a fixed number of queries; its text
        (``body``) only where asked for (feeds carry it; search snippets are cut from it)."""
        releases = self.select_related("organisation").prefetch_related("topics").order_by(
            "-published_at", "-pk")
        return releases if text else releases.defer("body")


# The search index's vectors, kept in the row and read by the database alone (see
# releases.search): never loaded with a release.
SEARCH_VECTORS = ("search_vector", "heading_vector")


class ReleaseManager(models.Manager.from_queryset(ReleaseQuerySet)):
    def get_queryset(self):
        return super().get_queryset().defer(*SEARCH_VECTORS)


class Release(models.Model):
    """A press release (Medieninformation) and its kin."""

    class Kind(models.TextChoices):
        PRESS_RELEASE = "medieninformation", _("Press release")
        INVITATION = "presseeinladung", _("Press invitation")
        NOTICE = "terminhinweis", _("Appointment notice")
        STATEMENT = "statement", _("Statement")
        SPEECH = "rede", _("Speech")

    Status = ReleaseStatus

    VISIBLE_STATUSES = (Status.PUBLISHED, Status.SCHEDULED)

    uuid = models.UUIDField(_("stable identifier"), default=uuid.uuid4, unique=True,
                            editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.PRESS_RELEASE)
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="releases",
                                     verbose_name=_("organisation"))
    number = models.PositiveIntegerField(_("number"), null=True, blank=True, editable=False)
    number_year = models.PositiveSmallIntegerField(_("number year"), null=True, blank=True,
                                                   editable=False)
    title = models.CharField(_("title"), max_length=300)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    slug = models.SlugField(_("slug"), max_length=200)
    teaser = models.TextField(_("teaser"), blank=True, max_length=1000,
                              help_text=_("Two or three sentences for lists, feeds and search "
                                          "engines. Plain text."))
    body = SanitisedRichTextField(_("text"))
    contacts = models.ManyToManyField(Contact, blank=True, related_name="releases",
                                      verbose_name=_("press contacts"))
    people = models.ManyToManyField(Person, through="ReleasePerson", blank=True,
                                    related_name="releases", verbose_name=_("people"))
    topics = models.ManyToManyField(Topic, blank=True, related_name="releases",
                                    verbose_name=_("topics"))
    events = models.ManyToManyField(Event, blank=True, related_name="releases",
                                    verbose_name=_("appointments"))
    delegations = models.ManyToManyField(Delegation, blank=True, related_name="releases",
                                         verbose_name=_("delegation trips"))
    related = models.ManyToManyField("self", blank=True, verbose_name=_("related releases"))
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    # Kept by the database, for the editors' list to be read in its order from an index
    # (an expression index would not serve SQLite, which is sent the expression's values
    # as parameters).
    status_rank = models.GeneratedField(
        expression=status_rank_expression(), output_field=models.PositiveSmallIntegerField(),
        db_persist=True, verbose_name=_("status"))
    published_at = models.DateTimeField(
        _("publication time"), null=True, blank=True,
        help_text=_("Date and time (Europe/Berlin) from which the release is public."),
        validators=[validate_year])
    embargo_until = models.DateTimeField(
        _("embargo until"), null=True, blank=True,
        help_text=_("Sperrfrist: nobody but accredited journalists sees the release before "
                    "this time."), validators=[validate_year])
    has_publication_time = models.BooleanField(
        _("publication time known"), default=True, editable=False,
        help_text=_("Off for an imported document that gives its day only: pages show the "
                    "date alone."))
    public_changed_at = models.DateTimeField(
        _("public text changed at"), null=True, blank=True, editable=False,
        help_text=_("When the published text last changed: a published change or "
                    "correction, or an imported item's own version time."))
    source_uri = models.CharField(
        _("identifier at the source"), max_length=500, blank=True, editable=False,
        help_text=_("The identifier (ninjs uri) of an imported item, given again on export."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", editable=False,
                                   verbose_name=_("created by"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", editable=False,
                                   verbose_name=_("updated by"))
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False,
        help_text=_("Counts saves; a save based on an older version is refused."))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+", editable=False,
                                    verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    effects_done_at = models.DateTimeField(
        _("publication completed at"), null=True, blank=True, editable=False,
        help_text=_("When numbering and notifications for the publication were done."))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True,
                                        editable=False)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True,
                                         editable=False)
    is_removed_for_legal_reasons = models.BooleanField(
        _("removed for legal reasons"), default=False, editable=False,
        help_text=_("The page then answers 410 Gone and shows nothing of the content."))
    # Kept current by releases.search (PostgreSQL only; their GIN indexes are created
    # in the migrations, as SQLite cannot have them): the whole document, and the
    # heading alone (title, subtitle, the names the release carries).
    search_vector = SearchVectorField(null=True, editable=False)
    heading_vector = SearchVectorField(null=True, editable=False)
    # Editions (see releases/services/): a release that has been published or
    # scheduled keeps that content, its live edition, while a change to it is written
    # and reviewed in a working edition: a second row pointing here, which replaces
    # the live content when it is published and is then deleted.
    edition_of = models.OneToOneField(
        "self", models.CASCADE, null=True, blank=True, related_name="working_edition",
        editable=False, verbose_name=_("working edition of"))
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", editable=False,
        verbose_name=_("authors"),
        help_text=_("Everyone who changed the content of this edition. Under the four-eyes "
                    "principle none of them approves or publishes it."))
    change_note = models.TextField(
        _("correction note"), blank=True,
        help_text=_("For a change to a published release: the correction (Berichtigung) "
                    "shown on the page with the date and sent to everyone who received the "
                    "release. Leave empty for a minor change without a note, such as a "
                    "typo."))

    objects = ReleaseManager()

    class Meta:
        verbose_name = _("press release")
        verbose_name_plural = _("press releases")
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        permissions = [
            ("submit_release", _("Can submit releases for review")),
            ("review_release", _("Can review and approve releases")),
            ("publish_release", _("Can publish and schedule releases")),
            ("correct_release", _("Can correct published releases")),
            ("withdraw_release", _("Can withdraw and restore releases")),
        ]
        indexes = [
            # Covers Release.objects.public(), so that counting public releases does not
            # read the wide rows: the embargo is a column of the index, not an included
            # one, which SQLite would leave out.
            models.Index(fields=["status", "published_at", "embargo_until"],
                         name="release_visibility_idx", include=["id"],
                         condition=Q(edition_of__isnull=True)),
            # An organisation's public releases (which organisations are public: one
            # probe each, rather than a pass over the table for each).
            models.Index(fields=["organisation", "status", "published_at", "embargo_until"],
                         name="release_org_visibility_idx",
                         condition=Q(edition_of__isnull=True)),
            models.Index(fields=["-published_at", "-id"], name="release_newest_idx"),
            # When the next embargo ends (releases/caching.py).
            models.Index(fields=["embargo_until"], name="release_embargo_idx",
                         condition=Q(embargo_until__isnull=False)),
            # The few public changes after publication (changed_publicly_since).
            models.Index(fields=["public_changed_at"], name="release_public_change_idx",
                         condition=Q(public_changed_at__isnull=False)),
            # The editors' release list, work in progress first (admin/release.py): its
            # first page without sorting the archive.
            models.Index(fields=["status_rank", "-updated_at", "-id"],
                         name="release_desk_order_idx", condition=Q(edition_of__isnull=True)),
            # The blocks of the editors' desk (desk.py): drafts, in review, approved.
            models.Index(fields=["status"], name="release_in_progress_idx",
                         condition=Q(status__in=IN_PROGRESS)),
            # What the publication job has still to complete and the working editions it
            # publishes when their time comes (services/completion.py), oldest first: a
            # few rows, found without reading the archive.
            models.Index(fields=["published_at", "id"], name="release_unfinished_idx",
                         condition=Q(effects_done_at__isnull=True) | Q(edition_of__isnull=False)),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number_year", "number"],
                condition=Q(number__isnull=False),
                name="release_unique_number_per_organisation_and_year",
                violation_error_message=_("This number is already taken for the year."),
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True, number_year__isnull=True)
                | Q(number__isnull=False, number_year__isnull=False),
                name="release_number_has_year",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["scheduled", "published"]) | Q(published_at__isnull=False),
                name="release_public_needs_time",
                violation_error_message=_("A published or scheduled release needs a "
                                          "publication time."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return page_url("releases:release-detail", pk=self.pk, slug=self.slug)

    @property
    def public_from(self):
        """The moment it becomes public once published: its publication time or the end
        of its Sperrfrist, whichever is later (PUBLIC_FROM); None without a time."""
        moments = [moment for moment in (self.published_at, self.embargo_until) if moment]
        return max(moments) if self.published_at else None

    @property
    def is_working_edition(self):
        return self.edition_of_id is not None

    @property
    def document(self):
        """The release this edition belongs to: itself, or the live release it changes."""
        return self.edition_of if self.edition_of_id is not None else self

    def get_working_edition(self):
        """The working edition of this live release, or None."""
        try:
            return self.working_edition
        except Release.DoesNotExist:
            return None

    @property
    def kind_label(self):
        """The kind in words, as get_kind_display() gives it, without its cost per call
        (it rebuilds the choices each time: a list of twenty pays for it twenty times)."""
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def number_label(self):
        """The office's running number, e.g. 123/2021; empty until published."""
        return f"{self.number}/{self.number_year}" if self.number else ""

    @property
    def last_public_change_at(self):
        """When what the public sees of this release last changed, or None before it has a
        publication time.

        The one definition behind JSON-LD dateModified, the sitemap's lastmod, ninjs
        versioncreated and the page's modified time: the moment it became public (its
        publication time, or the end of its embargo), or a later published change
        (``public_changed_at``: a working edition published with or without a
        correction note, or an imported item's own version time). Saving a draft or a
        working edition changes nothing here; imported and seeded content keeps its own
        date.
        """
        if self.published_at is None:
            return None
        moments = [self.published_at, self.embargo_until, self.public_changed_at]
        return max(moment for moment in moments if moment is not None)

    @property
    def changed_after_publication_at(self):
        """When the public text last changed after it became public (a published change or
        correction, or an imported item's later version), or None if it has not: the
        page's "last updated" line."""
        changed, public_from = self.public_changed_at, self.public_from
        return changed if changed and public_from and changed > public_from else None

    @property
    def local_published_at(self):
        return timezone.localtime(self.published_at) if self.published_at else None

    @property
    def lead_image(self):
        images = list(self.images.all())
        return images[0] if images else None

    def minister_in_office(self):
        """The organisation's minister on the release's date (a 2021 release names 2021's)."""
        date = timezone.localdate(self.published_at) if self.published_at else timezone.localdate()
        for appointment in self.organisation.appointments.all():
            if appointment.kind == appointment.Kind.MINISTER and appointment.is_held_on(date):
                return appointment
        return None


KIND_LABELS = dict(Release.Kind.choices)

for _links in (Release.contacts, Release.topics, Release.events, Release.delegations,
               Release.related):
    _links.through.__str__ = describe_link


class ReleasePerson(models.Model):
    """A person named in a release: a minister, or someone quoted with their role."""

    release = models.ForeignKey(Release, models.CASCADE, related_name="release_people",
                                verbose_name=_("press release"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="release_roles",
                               verbose_name=_("person"))
    role = models.CharField(
        _("role"), max_length=300, blank=True,
        help_text=_("Role at the time, e.g. „Geschäftsführer der Wirtschaftsförderung Sachsen "
                    "GmbH“. Empty for office holders: their office on the date is shown."))
    is_quoted = models.BooleanField(_("quoted"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("person in the release")
        verbose_name_plural = _("people in the release")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["release", "person"],
                                    name="release_person_once"),
        ]

    def __str__(self):
        return str(self.person)

    def role_label(self):
        if self.role:
            return self.role
        date = self.release.published_at or timezone.now()
        office = self.person.office_on(date)
        return office.title if office else self.person.description


def image_upload_to(instance, filename):
    return generated_name("images", filename)


def attachment_upload_to(instance, filename):
    return generated_name("attachments", filename)


class ReleaseImage(models.Model):
    """A photo with the release; credit and licence live here, not in the file's metadata."""

    release = models.ForeignKey(Release, models.CASCADE, related_name="images",
                                verbose_name=_("press release"))
    image = CheckedImageField(_("image"), upload_to=image_upload_to,
                              width_field="width", height_field="height",
                              validators=[validate_image])
    width = models.PositiveIntegerField(_("width"), null=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, editable=False)
    alt_text = models.CharField(
        _("alternative text"), max_length=300,
        help_text=_("What the image shows, for people who cannot see it."))
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    credit = models.CharField(_("photographer / credit"), max_length=200,
                              help_text=_("e.g. Foto: SMR/Max Mustermann"))
    renditions = models.JSONField(
        _("renditions"), default=dict, blank=True, editable=False,
        help_text=_("Scaled copies by width and format, made from the original."))
    licence = models.CharField(_("licence"), max_length=200, blank=True,
                               help_text=_("e.g. CC BY 4.0 or „Nur zur Berichterstattung“"))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.caption or self.alt_text

    def save(self, *args, **kwargs):
        """Store a new upload re-encoded without metadata; make renditions from what is stored.

        Renditions are made again whenever the stored original is not the one they
        were made from. Old files stay, like old originals: restoring an earlier
        revision (django-reversion writes the row as it was) must find them.
        """
        if self.image and not self.image._committed:
            self.image = reencode(self.image)
        super().save(*args, **kwargs)
        if self.image and self.renditions.get("source") != self.image.name:
            self.renditions = make_renditions(self.image)
            super().save(update_fields=["renditions"])


class ReleaseAttachment(models.Model):
    """A document offered with the release, e.g. a PDF of the programme."""

    release = models.ForeignKey(Release, models.CASCADE, related_name="attachments",
                                verbose_name=_("press release"))
    file = models.FileField(_("file"), upload_to=attachment_upload_to,
                            validators=[validate_attachment])
    title = models.CharField(_("title"), max_length=300)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, editable=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The size is read once from a new upload; asking the storage on every save
        # would cost a request on object storage.
        if self.file and (self.size is None or not self.file._committed):
            self.size = self.file.size
        super().save(*args, **kwargs)

    @property
    def extension(self):
        return Path(self.file.name).suffix.lstrip(".").upper()
