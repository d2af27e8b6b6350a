"""For the public forms' summary of errors (journalists/includes/form.html)."""

from django import template

register = template.Library()

HONEYPOT = "website"


@register.filter
def fields_in_error(form):
    """The fields of ``form`` a visitor must correct (the honeypot is none of them)."""
    return [field for field in form if field.errors and field.name != HONEYPOT]
