"""An add form's starting values from its address, as far as they can be read."""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime


class ReadableInitialData:
    """For a ModelAdmin: values given in the add form's address (``?starts_at=…``) for a
    date and time are used only where they read as one. Django's admin hands them to the
    date and time widget as text, which it cannot split: a server error."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if isinstance(field, models.DateTimeField) and isinstance(value, str):
                moment = _moment(value)
                if moment is None:
                    del initial[name]
                else:
                    initial[name] = moment
        return initial


def _moment(text):
    try:
        moment = parse_datetime(text.strip())
    except ValueError:  # well formed, but no such day or hour
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
