"""Admin forms: an editor's input is checked here before anything is saved.

Django already validates a model's constraints in a ModelForm, so a violation
never reaches the database as an IntegrityError; it reports them above the
form, though. These forms put each message next to the field to correct.

The forms have no Meta: each ModelAdmin supplies the model and the fields of
its fieldsets.
"""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.utils import timezone

from .models import Release
from .uploads import validate_image


class ConstraintErrorsOnFieldsMixin:
    """Report the model's named constraints on the field an editor has to correct.

    ``constraint_fields`` maps a constraint's name to that field. The constraint
    itself stays the one definition of the rule: it is evaluated, not repeated.
    A field with an error is left out of Django's own constraint check, so each
    message appears once.
    """

    constraint_fields = {}

    def clean(self):
        cleaned_data = super().clean()
        model = self._meta.model
        candidate = construct_instance(self, copy.copy(self.instance), self._meta.fields,
                                       self._meta.exclude)
        # Fields that are not in the form, or failed their own validation, are
        # left out, as Django does: a constraint on them is not checked here.
        exclude = {field.name for field in model._meta.fields
                   if field.name not in cleaned_data}
        for constraint in model._meta.constraints:
            field = self.constraint_fields.get(constraint.name)
            if field is None or field not in cleaned_data:
                continue
            try:
                constraint.validate(model, candidate, exclude=exclude)
            except ValidationError as error:
                self.add_error(field, error)
        return self.cleaned_data


class ReleaseForm(ConstraintErrorsOnFieldsMixin, forms.ModelForm):
    constraint_fields = {"release_public_needs_time": "published_at"}

    def clean(self):
        # "Published" without a time means now, as releases.services.save_release
        # has it; a scheduled release must say when.
        if (self.cleaned_data.get("status") == Release.Status.PUBLISHED
                and "published_at" in self.cleaned_data
                and self.cleaned_data["published_at"] is None):
            self.cleaned_data["published_at"] = timezone.now()
        return super().clean()


class ContactForm(ConstraintErrorsOnFieldsMixin, forms.ModelForm):
    constraint_fields = {"contact_unique_name_per_organisation": "name"}


class EventForm(ConstraintErrorsOnFieldsMixin, forms.ModelForm):
    constraint_fields = {"event_ends_after_start": "ends_at"}


class AppointmentForm(ConstraintErrorsOnFieldsMixin, forms.ModelForm):
    constraint_fields = {"appointment_ends_after_start": "end_date"}


class DelegationForm(ConstraintErrorsOnFieldsMixin, forms.ModelForm):
    constraint_fields = {"delegation_ends_after_start": "end_date"}


class DelegationStopForm(ConstraintErrorsOnFieldsMixin, forms.ModelForm):
    constraint_fields = {"stop_departs_after_arrival": "departure_date"}


class PersonForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Portraits pass the same checks as release images (the model field
        # does not carry the validator itself).
        if "portrait" in self.fields:
            self.fields["portrait"].validators.append(validate_image)
