"""The release list's filters: releases or working editions, public or not, whose."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Release


class EditionFilter(admin.SimpleListFilter):
    """Releases by default; their working editions on request."""

    title = _("edition")
    parameter_name = "fassung"

    def lookups(self, request, model_admin):
        return [("arbeitsfassungen", _("Working editions")),
                ("alle", _("Releases and working editions"))]

    def choices(self, changelist):
        # Not "All": without a choice the list shows releases, not their working editions.
        choices = list(super().choices(changelist))
        choices[0]["display"] = _("Releases")
        return choices

    def queryset(self, request, queryset):
        if self.value() == "arbeitsfassungen":
            return queryset.working_editions()
        if self.value() == "alle":
            return queryset
        return queryset.documents()


class PublicFilter(admin.SimpleListFilter):
    """Whether the public sees a release now (Release.objects.public())."""

    title = _("visible to the public")
    parameter_name = "oeffentlich"

    def lookups(self, request, model_admin):
        return [("ja", _("Visible now")), ("nein", _("Not visible"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.public()
        if self.value() == "nein":
            return queryset.exclude(pk__in=Release.objects.public())
        return queryset


class AuthorFilter(admin.SimpleListFilter):
    """Editions the user changed (is one of the authors of), or those by others only."""

    title = _("author")
    parameter_name = "autor"

    def lookups(self, request, model_admin):
        return [("ich", _("Changed by me")), ("andere", _("Not changed by me"))]

    def queryset(self, request, queryset):
        if self.value() == "ich":
            return queryset.filter(authors=request.user)
        if self.value() == "andere":
            return queryset.exclude(authors=request.user)
        return queryset
