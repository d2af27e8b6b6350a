"""Who issues releases and what they are about: organisations, contacts, topics."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..collation import German
from ..fields import LogoField, SanitisedRichTextField
from ..links import page_url
from .public import PublicByAnyQuerySet


def issued_public_release(now):
    """Whether the organisation issued a public release: a condition on its row."""
    from .releases import Release

    return Exists(Release.objects.public(now).filter(organisation=OuterRef("pk")))


class OrganisationQuerySet(PublicByAnyQuerySet):
    def with_public_releases(self, now=None):
        """Issuers of a public release: what a search for releases can narrow to."""
        return self.filter(issued_public_release(now or timezone.now()))

    def public_conditions(self, now):
        """Issuers of a public release, appointment or trip, and bodies with an office
        that has begun (see Release.objects.public(), which this derives from)."""
        from .events import Delegation, Event
        from .people import Appointment

        yield Q(issued_public_release(now))
        yield Q(Exists(Event.objects.public(now).filter(organisation=OuterRef("pk"))))
        yield Q(Exists(Delegation.objects.public(now).filter(organisation=OuterRef("pk"))))
        yield Q(Exists(Appointment.objects.begun(now).filter(organisation=OuterRef("pk"))))


class Organisation(models.Model):
    """A ministry (Ressort) or a subordinate authority."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        AUTHORITY = "authority", _("Subordinate authority")
        OTHER = "other", _("Other body")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True,
                                  help_text=_("Abbreviation, e.g. SMR."))
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.MINISTRY)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True,
                               related_name="children", verbose_name=_("parent organisation"))
    website = models.URLField(_("website"), blank=True)
    press_email = models.EmailField(_("press e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    footer = SanitisedRichTextField(
        _("footer"), blank=True,
        help_text=_("Shown under every release of this organisation, "
                    "e.g. the notice on electronic signatures."))
    logo = LogoField(_("logo"), help_text=_(
        "PNG or SVG. Shown small on its releases and as the logo of its feeds."))
    email_note_mark = models.CharField(
        _("note mark after e-mail addresses"), max_length=3, blank=True,
        help_text=_("A mark such as * that the letterhead puts after the e-mail address, "
                    "referring to a note in the footer (e.g. on encrypted and signed "
                    "documents). Shown after the press contacts' e-mail addresses on this "
                    "organisation's releases when the footer holds the note."))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = [German("name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return page_url("releases:organisation-detail", slug=self.slug)

    @property
    def footer_email_mark(self):
        """The mark to put after its e-mail addresses above its footer: its note mark,
        when the footer holds the note it refers to, otherwise nothing."""
        mark = self.email_note_mark.strip()
        return mark if mark and mark in self.footer else ""

    @property
    def logo_alt_text(self):
        return _("Logo: %(name)s") % {"name": self.name}

    @property
    def postal_address(self):
        return ", ".join(filter(None, [self.street, f"{self.postal_code} {self.city}".strip()]))


class ContactQuerySet(models.QuerySet):
    def public(self, now=None):
        """Active contacts of public organisations, and those named on a public release."""
        from .releases import linked_to_public_release

        now = now or timezone.now()
        return self.filter(
            Q(is_active=True, organisation__in=Organisation.objects.public(now))
            | Q(linked_to_public_release("contacts", now)))


class Contact(models.Model):
    """A press contact (Ansprechpartner) named on releases."""

    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True,
                            help_text=_("e.g. Pressesprecher"))
    phone = models.CharField(_("direct phone"), max_length=50, blank=True,
                             help_text=_("Direct line (Durchwahl), e.g. +49 351 564 50024"))
    mobile = models.CharField(_("mobile"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="contacts",
                                     verbose_name=_("organisation"))
    is_active = models.BooleanField(_("active"), default=True,
                                    help_text=_("Inactive contacts stay on old releases but "
                                                "are no longer listed."))

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("press contact")
        verbose_name_plural = _("press contacts")
        ordering = [German("organisation__name"), German("name")]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"],
                                    name="contact_unique_name_per_organisation"),
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation.short_name or self.organisation.name})"


class TopicQuerySet(PublicByAnyQuerySet):
    def with_public_releases(self, now=None):
        """Topics of a public release: what a search for releases can narrow to."""
        from .releases import linked_to_public_release

        return self.filter(linked_to_public_release("topics", now))

    def public_conditions(self, now):
        """Topics of a public release, appointment or trip: a topic made for an embargoed
        release is not seen before the release is."""
        from .events import Delegation, Event
        from .releases import linked_to_public_release

        yield Q(linked_to_public_release("topics", now))
        yield Q(Exists(Event.objects.public(now).filter(topics=OuterRef("pk"))))
        yield Q(Exists(Delegation.objects.public(now).filter(topics=OuterRef("pk"))))


class Topic(models.Model):
    """A subject (Thema) releases are filed under."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = [German("name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return page_url("releases:topic-detail", slug=self.slug)
