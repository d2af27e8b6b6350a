"""Names of places in several languages: "Kattowitz" and "Katowice" are one place.

The search looks a query's place names up here (see releases/search/places.py); the
Pressestelle keeps the list in the admin.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlaceGroup(models.Model):
    """Names that belong together: of the same place, or of related places."""

    class Kind(models.TextChoices):
        # Searched as one: a query for any of the names finds all of them.
        EQUIVALENT = "equivalent", _("Names of the same place")
        # Twin towns such as Görlitz and Zgorzelec: different places, kept for reference.
        RELATED = "related", _("Related places")

    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind, default=Kind.EQUIVALENT,
        help_text=_("The search finds every name of the same place when one of them is "
                    "searched for. Related places (such as twin towns on both sides of "
                    "the border) are different places: the search does not combine them."))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("place names")
        verbose_name_plural = _("place names")

    def __str__(self):
        return " / ".join(name.name for name in self.names.all())


class PlaceName(models.Model):
    """One name of a place, as it is written in one language."""

    class Language(models.TextChoices):
        GERMAN = "de", _("German")
        POLISH = "pl", _("Polish")
        CZECH = "cs", _("Czech")
        SORBIAN = "hsb", _("Sorbian")

    group = models.ForeignKey(PlaceGroup, models.CASCADE, related_name="names",
                              verbose_name=_("place names"))
    name = models.CharField(_("name"), max_length=100)
    language = models.CharField(_("language"), max_length=3, choices=Language, blank=True)
    # The name's words in lower case without accents ("usti nad labem"), as the search
    # looks it up; set on every save by releases/search/index.py (place_key).
    key = models.CharField(max_length=100, editable=False, db_index=True)

    class Meta:
        verbose_name = _("place name")
        verbose_name_plural = _("place names")
        ordering = ["pk"]

    def __str__(self):
        return self.name
