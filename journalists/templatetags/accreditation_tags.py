"""What an appointment's page says about accreditation, by journalists' own rule.

The appointment page belongs to the releases app, which knows nothing of
accreditation; the template asks here (``{% load accreditation_tags %}``), so the
rule stays in one place: journalists.accreditation.closed_reason.
"""

from django import template

from .. import accreditation

register = template.Library()


@register.simple_tag
def accreditation_closed_reason(event):
    """Why ``event`` takes no accreditation requests now, or "" when it does."""
    return accreditation.closed_reason(event) or ""
