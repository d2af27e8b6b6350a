"""``get_public_or_404``: django.shortcuts.get_object_or_404 for a public topic,
organisation, person, appointment or trip (releases.models.public)."""

from django.http import Http404


def get_public_or_404(queryset, **lookups):
    """The public row of ``queryset`` that ``lookups`` name, else 404: one that exists
    but is not public is not found either."""
    try:
        return queryset.get_public(**lookups)
    except queryset.model.DoesNotExist:
        raise Http404(f"No public {queryset.model._meta.object_name} matches.") from None
