"""The audit log in the admin: read-only, for the Administration group."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, for the Administration group only (view_auditentry): read-only."""

    # What an entry is about by its name at the time: a release, an appointment or a trip.
    list_display = ["at", "actor_name", "action", "object_repr", "detail", "ip_address"]
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "at"
    search_fields = ["actor_name", "object_repr", "detail"]
    search_help_text = _("User, release or detail.")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

