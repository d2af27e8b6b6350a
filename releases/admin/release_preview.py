"""The preview of unsaved changes: the form as it is, on the public page, saved nowhere.

The „Vorschau“ button posts the form as it is to live_preview_view, which renders
it with the public release template in a new tab and saves nothing.
"""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db.models import FileField
from django.http import Http404, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from .. import presentation
from ..models import Release


class LivePreviewMixin:
    """ReleaseAdmin's live preview of the posted change form."""

    def live_preview_view(self, request, object_id=None):
        """The form's content (posted by its „Vorschau“ button into a new tab) rendered
        with the public release template. Nothing is saved: no row, no revision, no
        audit entry; the text is sanitised as on saving; new uploads are not stored,
        so only images already saved are shown."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        release = None
        if object_id is not None:
            release = self.get_object(request, object_id)
            if release is None:
                raise Http404
        if not (self.has_add_permission(request) if release is None
                else self.has_change_permission(request, release)):
            raise PermissionDenied
        form = self.get_form(request, release, change=release is not None)(
            request.POST, request.FILES, instance=release)
        form.is_valid()
        # A conflict with another save or a constraint does not keep the text from being
        # shown; a field that cannot be read does.
        errors = [(form.fields[name].label if name in form.fields else name, messages_)
                  for name, messages_ in form.errors.items() if name != NON_FIELD_ERRORS]
        if errors:
            return TemplateResponse(request, "admin/releases/release/live_preview_errors.html", {
                **self.admin_site.each_context(request),
                "title": gettext("Preview not possible"), "opts": self.opts,
                "errors": errors}, status=400)
        instance = form.instance
        Release._meta.get_field("body").pre_save(instance, False)
        relations = {name: self._preview_rows(form, release, name)
                     for name in ("topics", "contacts", "events", "delegations", "related")}
        relations["events"].sort(key=lambda event: event.starts_at)
        relations["related"] = list(
            Release.objects.public().filter(pk__in=[row.pk for row in relations["related"]])
            .select_related("organisation").order_by("-published_at", "-pk"))
        relations["corrections"] = (list(release.corrections.all())
                                    if release is not None else [])
        relations.update(self._preview_inline_rows(request, release, instance))
        unsaved = presentation.UnsavedRelease(instance, relations)
        context = {**presentation.detail_context(unsaved), "release": unsaved,
                   "object": unsaved, "is_preview": True, "is_unsaved_preview": True,
                   # A posted form has no address in another language.
                   "canonical_url": "", "other_languages": []}
        response = TemplateResponse(request, "releases/release_detail.html", context)
        response["X-Robots-Tag"] = "noindex, nofollow"  # the admin's pages are never cached
        return response

    @staticmethod
    def _preview_rows(form, release, name):
        if name in form.cleaned_data and form.cleaned_data[name] is not None:
            return list(form.cleaned_data[name])
        return list(getattr(release, name).all()) if release is not None else []

    def _preview_inline_rows(self, request, release, instance):
        """The inlines' rows as the form holds them: edited, without the ones marked for
        deletion; new images and attachments only once saved (their files are not
        stored for a preview)."""
        rows, prefixes = {}, {}
        for formset_class, inline in self.get_formsets_with_inlines(request, release):
            # Prefixes as the admin gives them to its formsets.
            prefix = formset_class.get_default_prefix()
            prefixes[prefix] = prefixes.get(prefix, 0) + 1
            if prefixes[prefix] != 1 or not prefix:
                prefix = f"{prefix}-{prefixes[prefix]}"
            kwargs = self.get_formset_kwargs(request, release, inline, prefix)
            formset = formset_class(**{**kwargs, "instance": instance})
            formset.is_valid()
            name = formset.fk.remote_field.related_name
            has_files = any(isinstance(field, FileField) for field in inline.model._meta.fields)
            kept = []
            for inline_form in formset.forms:
                cleaned = getattr(inline_form, "cleaned_data", {})
                if cleaned.get("DELETE") or (inline_form.instance.pk is None and (
                        has_files or not inline_form.has_changed() or inline_form.errors)):
                    continue
                kept.append(inline_form.instance)
            rows[name] = sorted(kept, key=lambda row: (getattr(row, "order", 0), row.pk or 0))
        return rows

