"""The site's identity: one page in the admin, for those allowed to change it."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import SiteIdentity


@admin.register(SiteIdentity)
class SiteIdentityAdmin(admin.ModelAdmin):
    """There is one identity: the list leads to it, nothing is added or deleted.

    Before it is first saved, the page shows the defaults (SiteIdentity.defaults);
    saving them creates the row.
    """

    fieldsets = [
        (None, {"fields": ["name", "logo", "logo_alt_text"]}),
        (_("Issuing body"), {"fields": ["body_name", "street", "postal_code", "city",
                                        "phone", "email"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_object(self, request, object_id, from_field=None):
        if object_id != str(SiteIdentity.SINGLETON_PK):
            return None
        return SiteIdentity.objects.filter(pk=object_id).first() or SiteIdentity.defaults()

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            return super().changelist_view(request, extra_context)  # refuses
        return redirect(reverse("admin:releases_siteidentity_change",
                                args=[SiteIdentity.SINGLETON_PK]))
