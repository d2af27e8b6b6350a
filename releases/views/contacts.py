"""Press contacts (Pressekontakte) and their vCards."""

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from ..models import Contact
from ..vcard import contact_vcard, contact_vcard_filename
from .pages import public_releases


class ContactListView(ListView):
    """Active contacts grouped by organisation (the template regroups them)."""

    template_name = "releases/contact_list.html"
    context_object_name = "contacts"

    def get_queryset(self):
        return Contact.objects.filter(is_active=True).select_related("organisation").order_by(
            "organisation__name", "name")


def contact_vcard_view(request, pk):
    """A contact's vCard: active contacts, and former ones still named on a public release."""
    contacts = Contact.objects.filter(
        Q(is_active=True) | Q(releases__in=public_releases())).distinct()
    contact = get_object_or_404(contacts.select_related("organisation"), pk=pk)
    response = HttpResponse(contact_vcard(contact), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{contact_vcard_filename(contact)}"'
    return response
