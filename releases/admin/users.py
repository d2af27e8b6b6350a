"""Users and groups, as Administration manages them: who works here and in which group.

What a group may do is set by the migrations (README: Roles), and superusers stand
above the groups. So only a superuser makes a superuser, gives a user or a group
permissions of their own, or changes a superuser's account: otherwise a member of
Administration could give itself every right, deleting releases included.
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

SUPERUSER_FIELDS = ("is_superuser", "user_permissions")


def out_of_reach(request, user):
    """Whether ``user`` is a superuser's account and the request not a superuser's."""
    return user is not None and user.is_superuser and not request.user.is_superuser


class StaffUserAdmin(UserAdmin):
    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, *SUPERUSER_FIELDS)

    def has_change_permission(self, request, obj=None):
        return not out_of_reach(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not out_of_reach(request, obj) and super().has_delete_permission(request, obj)


class StaffGroupAdmin(GroupAdmin):
    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, "permissions")


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, StaffGroupAdmin)
