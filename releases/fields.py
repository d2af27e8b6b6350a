"""Model fields that carry their rules with them."""

from ckeditor.fields import RichTextField
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image

from .html import clean_html, html_to_text
from .images import stored_logo
from .uploads import (
    LOGO_FOLDER,
    generated_name,
    too_many_pixels,
    validate_image_suffix,
    validate_logo,
)

# The years a date of the press office's work can lie in: an archive reaches back, plans
# forward; beyond them a date is a typing error (31.12.9999), and before 1900 Berlin's
# time had offsets no UTC conversion of year 1 survives.
FIRST_YEAR, LAST_YEAR = 1900, 2199


def validate_year(value):
    """A date or moment (Berlin time) from FIRST_YEAR to LAST_YEAR."""
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(_("Enter a date between the years %(first)d and %(last)d."),
                              code="year", params={"first": FIRST_YEAR, "last": LAST_YEAR})


class SanitisedRichTextField(RichTextField):
    """A CKEditor field whose value is cleaned with nh3 on every save.

    Cleaning happens in ``pre_save`` so it covers the admin, importers,
    management commands and bulk_create alike.
    """

    def pre_save(self, model_instance, add):
        value = clean_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def validate(self, value, model_instance):
        """A required text must keep some text once cleaned: a script, an empty
        paragraph or a pasted image alone would be saved as nothing."""
        super().validate(value, model_instance)
        if not self.blank and not html_to_text(clean_html(value)).strip():
            # As an empty form field says it.
            raise ValidationError(forms.Field.default_error_messages["required"],
                                  code="required")


class CheckedImageField(models.ImageField):
    """An uploaded image checked as this site takes images (uploads.validate_image, with
    validators=[validate_image]): its messages say what is wrong, where Django's name
    every format Pillow reads, or call an image of too many pixels no image."""

    default_validators = [validate_image_suffix]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": _ImageFormField, **kwargs})


class _ImageFormField(forms.ImageField):
    default_validators = []  # the model field's

    def to_python(self, data):
        try:
            return super().to_python(data)
        except ValidationError as error:
            if isinstance(error.__cause__, Image.DecompressionBombError):
                raise too_many_pixels() from error
            raise


def logo_upload_to(instance, filename):
    return generated_name(LOGO_FOLDER, filename)


class LogoField(models.FileField):
    """An optional logo: PNG or SVG, checked (uploads.validate_logo) and stored as
    images.stored_logo makes it, whichever way it is saved (admin, seed, import).

    A FileField, not an ImageField: Pillow cannot read SVG.
    """

    ACCEPT = "image/png,image/svg+xml,.png,.svg"
    default_validators = [validate_logo]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("upload_to", logo_upload_to)
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        logo = getattr(model_instance, self.attname)
        if logo and not logo._committed:
            setattr(model_instance, self.attname, stored_logo(logo))
        return super().pre_save(model_instance, add)

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        field.widget.attrs.setdefault("accept", self.ACCEPT)
        return field
