"""Model fields that carry their rules with them."""

from ckeditor.fields import RichTextField

from .html import clean_html


class SanitisedRichTextField(RichTextField):
    """A CKEditor field whose value is cleaned with nh3 on every save.

    Cleaning happens in ``pre_save`` so it covers the admin, importers,
    management commands and bulk_create alike.
    """

    def pre_save(self, model_instance, add):
        value = clean_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
