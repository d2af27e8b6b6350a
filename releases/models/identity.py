"""Who the public site belongs to: its name, logo and the issuing body's address."""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..caching import generation
from ..fields import LogoField

IDENTITY_TIMEOUT = 24 * 60 * 60


class SiteIdentity(models.Model):
    """The site's identity, set by the press office in the admin: one row at most.

    ``get()`` reads it from the cache, filed under the content generation
    (releases.caching): saving it, like any change of the releases app, moves the
    generation on, so pages, feeds and this copy are made anew. Without a saved
    row it is an unsaved instance with the defaults: the name "Newsroom", no logo,
    no address.
    """

    SINGLETON_PK = 1

    name = models.CharField(_("site name"), max_length=100, default=_("Newsroom"),
                            help_text=_("Shown in the header, in page titles and in feeds."))
    logo = LogoField(_("logo"), help_text=_("PNG or SVG. Shown in the header and on the "
                                            "printout, and used by feeds and search engines."))
    logo_alt_text = models.CharField(
        _("alternative text of the logo"), max_length=200, blank=True,
        help_text=_("What the logo shows, for people who cannot see it, e.g. "
                    "„Wappen des Freistaates Sachsen“."))
    body_name = models.CharField(
        _("issuing body"), max_length=200, blank=True,
        help_text=_("e.g. Sächsisches Staatsministerium für Regionalentwicklung. Shown in the "
                    "footer and on the printout."))
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("site identity")
        verbose_name_plural = _("site identity")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="site_identity_single_row"),
        ]

    def __str__(self):
        return str(self.name)

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    def clean(self):
        if self.logo and not self.logo_alt_text.strip():
            raise ValidationError({"logo_alt_text": _(
                "Please describe the logo for people who cannot see it.")})

    @classmethod
    def get(cls):
        """The saved identity, or the defaults; from the cache while nothing public changed."""
        generation_ = generation()
        key = f"newsroom:site-identity:{generation_}"
        identity = cache.get(key) if generation_ is not None else None
        if identity is None:
            identity = cls.objects.filter(pk=cls.SINGLETON_PK).first() or cls.defaults()
            if generation_ is not None:
                cache.set(key, identity, IDENTITY_TIMEOUT)
        return identity

    @classmethod
    def defaults(cls):
        return cls(pk=cls.SINGLETON_PK)

    @property
    def postal_address(self):
        """Street, postal code and city as lines (empty ones left out)."""
        return [line for line in (self.street, f"{self.postal_code} {self.city}".strip())
                if line]
