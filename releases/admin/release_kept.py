"""A save that can no longer be made keeps the editor's text on the page."""

from django.contrib.admin.utils import unquote
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from ..html import clean_html

# What an editor types, in the order of the form.
KEPT_FIELDS = ("title", "subtitle", "teaser", "body", "change_note")


class KeptTextMixin:
    """For the release admin: a change form sent for a release that in the meantime was
    published by someone else, or for a working edition that was published (and so
    deleted), is not refused with an error page that loses the text: the answer says
    what happened and shows what the editor typed, to copy into a new change."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST" and self.has_change_permission(request):
            release = self.get_object(request, unquote(object_id))
            if release is None or not self.has_change_permission(request, release):
                return self.kept_text_response(request, release)
        return super().change_view(request, object_id, form_url, extra_context)

    def kept_text_response(self, request, release):
        fields = [(self.model._meta.get_field(name).verbose_name, request.POST.get(name, ""))
                  for name in KEPT_FIELDS]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Your changes have not been saved"),
            "release": release,
            "texts": [(label, value) for label, value in fields[:3] + fields[4:] if value],
            "body": clean_html(request.POST.get("body", "")),
            "body_label": self.model._meta.get_field("body").verbose_name,
            "back": (reverse("admin:releases_release_change", args=[release.pk])
                     if release is not None else reverse("admin:releases_release_changelist")),
        }
        return TemplateResponse(request, "admin/releases/release/kept_text.html", context,
                                status=409)
