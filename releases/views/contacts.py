"""Press contacts (Pressekontakte) and their vCards, from Contact.objects.public()."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from ..collation import German
from ..models import Contact
from ..vcard import contact_vcard, contact_vcard_filename


class ContactListView(ListView):
    """Active contacts of public organisations, grouped by organisation (the template
    regroups them)."""

    template_name = "releases/contact_list.html"
    context_object_name = "contacts"

    def get_queryset(self):
        return Contact.objects.public().filter(is_active=True).select_related(
            "organisation").order_by(German("organisation__name"), German("name"))


@require_safe
def contact_vcard_view(request, pk):
    """A contact's vCard: active contacts of public organisations, and former ones still
    named on a public release."""
    contact = get_object_or_404(Contact.objects.public().select_related("organisation"), pk=pk)
    response = HttpResponse(contact_vcard(contact), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{contact_vcard_filename(contact)}"'
    return response
