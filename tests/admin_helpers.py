"""What the admin's forms post, and images to upload, for the tests of the admin."""

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from releases.models import Event, Release

BLUE = (0, 84, 159)


def image_bytes(image_format="JPEG", size=(64, 48), mode="RGB", color=BLUE, **options):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, image_format, **options)
    return buffer.getvalue()


def png_upload(name="foto.png", size=(40, 30)):
    return SimpleUploadedFile(name, image_bytes("PNG", size), content_type="image/png")


def admin_url(model, view, *args):
    return reverse(f"admin:releases_{model._meta.model_name}_{view}", args=args)


def management_form(prefix, total=0, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def release_data(organisation, **fields):
    """What the add form posts for a draft, with empty inlines unless told otherwise."""
    data = {
        "kind": Release.Kind.PRESS_RELEASE, "organisation": str(organisation.pk),
        "title": "Große Resonanz bei simul+Werkstatt in Kattowitz",
        "subtitle": "Zusammenarbeit zwischen Sachsen und Schlesien ausgebaut",
        "slug": "grosse-resonanz-bei-simulwerkstatt-in-kattowitz",
        "teaser": "Rund 70 Teilnehmer diskutierten in Kattowitz.",
        "body": "<p>Staatsminister Thomas Schmidt eröffnete die Werkstatt.</p>",
        "status": Release.Status.DRAFT,
        "published_at_0": "", "published_at_1": "", "embargo_until_0": "", "embargo_until_1": "",
        **management_form("release_people"), **management_form("images"),
        **management_form("attachments"),
        "_save": "Sichern",
    }
    data.update(fields)
    return data


def form_data(release, **fields):
    """What the change form posts for ``release``, with its version."""
    data = {
        "kind": release.kind, "organisation": str(release.organisation_id),
        "title": release.title, "subtitle": release.subtitle, "slug": release.slug,
        "teaser": release.teaser, "body": release.body,
        "embargo_until_0": "", "embargo_until_1": "",
        "expected_version": str(release.version), "change_note": release.change_note,
    }
    for prefix in ("release_people", "images", "attachments"):
        data.update(management_form(prefix))
    data.update(fields)
    return data


def image_inline(upload, **fields):
    data = {**management_form("images", total=1), "images-0-image": upload,
            "images-0-alt_text": "Staatsminister Schmidt am Rednerpult",
            "images-0-caption": "Eröffnung der simul+Werkstatt",
            "images-0-credit": "Foto: SMR/Max Mustermann", "images-0-licence": "",
            "images-0-order": "0"}
    data.update(fields)
    return data


def inline_errors(response, prefix):
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == prefix:
            return inline.formset.errors
    raise AssertionError(f"no inline {prefix}")


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def split(moment):
    """A date-time field's two inputs (day, time), in local time."""
    if moment is None:
        return "", ""
    local = timezone.localtime(moment)
    return local.strftime("%d.%m.%Y"), local.strftime("%H:%M:%S")


def publication(status, published_at=None, embargo_until=None):
    (day, time), (embargo_day, embargo_time) = split(published_at), split(embargo_until)
    return {"status": status, "published_at_0": day, "published_at_1": time,
            "embargo_until_0": embargo_day, "embargo_until_1": embargo_time}


def event_data(client, event, **fields):
    """What the appointment's change form posts, its linked releases unchanged."""
    inline = client.get(admin_url(event, "change", event.pk)).context[
        "inline_admin_formsets"][0].formset
    links = list(Release.events.through.objects.filter(event=event).order_by("pk"))
    starts = split(event.starts_at)
    data = {
        "title": event.title, "slug": event.slug, "organisation": str(event.organisation_id),
        "theme": event.theme, "description": event.description, "expected_participants": "",
        "starts_at_0": starts[0], "starts_at_1": starts[1], "ends_at_0": "", "ends_at_1": "",
        "venue": "", "address": "", "city": event.city, "country": event.country,
        "is_press_open": "on", "requires_accreditation": "on", "press_information": "",
        "ministers": [str(pk) for pk in event.ministers.values_list("pk", flat=True)],
        "topics": [str(pk) for pk in event.topics.values_list("pk", flat=True)],
        "delegation": "", **publication(event.status, event.published_at, event.embargo_until),
        "loaded_version": Event.objects.get(pk=event.pk).updated_at.isoformat(),
        **management_form(inline.prefix, total=len(links), initial=len(links)),
        "_save": "Sichern",
    }
    for index, link in enumerate(links):
        data[f"{inline.prefix}-{index}-id"] = str(link.pk)
        data[f"{inline.prefix}-{index}-event"] = str(event.pk)
    data.update(fields)
    return data, inline.prefix
