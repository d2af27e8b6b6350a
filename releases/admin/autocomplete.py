"""The admin's autocomplete fields, safe against a value no row can have.

A value that cannot be a key ("abc", a number too large for the database), sent by
hand for an autocomplete field, made Django look it up anyway: when checking the
form (a number too large) and when showing the refused form again (any of them),
each time a server error. Here such a value is refused as an invalid choice before
any lookup, and left out when the form is shown again.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import connections, models


def usable_key(field, value, using=None):
    """Whether ``value`` can be a value of the model field ``field`` in the database."""
    try:
        key = field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return False
    if isinstance(field, models.IntegerField):  # AutoField and BigAutoField are too
        low, high = connections[using or "default"].ops.integer_field_range(
            field.get_internal_type())
        return (low is None or key >= low) and (high is None or key <= high)
    return True


def _key_field(form_field):
    model = form_field.queryset.model
    return model._meta.get_field(form_field.to_field_name) if form_field.to_field_name \
        else model._meta.pk


class CheckedChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not usable_key(
                _key_field(self), value, self.queryset.db):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": value})
        return super().to_python(value)


class CheckedMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            if not usable_key(_key_field(self), item, self.queryset.db):
                raise ValidationError(self.error_messages["invalid_pk_value"],
                                      code="invalid_pk_value", params={"pk": item})
        return super()._check_values(value)


class _UsableValues:
    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        return super().optgroups(
            name, [item for item in value if usable_key(target, item, self.db)], attr)


class CheckedAutocompleteSelect(_UsableValues, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(_UsableValues, AutocompleteSelectMultiple):
    pass


class CheckedAutocomplete:
    """For a ModelAdmin or inline with ``autocomplete_fields``: the checked fields."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(db_field, self.admin_site,
                                                         using=kwargs.get("using"))
            kwargs.setdefault("form_class", CheckedChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(db_field, self.admin_site,
                                                                 using=kwargs.get("using"))
            kwargs.setdefault("form_class", CheckedMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
