"""The journalist services in the editorial roles (groups of releases 0004_roles).

The Pressestelle accredits journalists for embargoed material, decides accreditation
requests for appointments and sets their places and deadlines, answers subscribers
(changes, pauses, deletions asked for by mail) and reads the outbox and the log of
embargoed deliveries. The Administration may do all that and delete journalists and
requests. The Redaktion has no part in it. Nobody adds subscriptions, journalists or
requests by hand: they come with their own confirmation (double opt-in).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PRESS_OFFICE = [
    "view_journalist", "change_journalist", "approve_journalist",
    "view_accreditationrequest", "change_accreditationrequest",
    "decide_accreditationrequest",
    "view_accreditationsettings", "add_accreditationsettings",
    "change_accreditationsettings", "delete_accreditationsettings",
    "view_subscription", "change_subscription", "delete_subscription",
    "view_embargoaccess", "view_outboxmessage",
]
ROLES = {
    "Pressestelle": PRESS_OFFICE,
    "Administration": PRESS_OFFICE + ["delete_journalist", "delete_accreditationrequest"],
}


def permissions(apps, codenames):
    return apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="journalists", codename__in=codenames)


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran; the roles need them now.
    app_config = apps.get_app_config("journalists")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, codenames in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions(apps, codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*permissions(apps, ROLES[group.name]))


class Migration(migrations.Migration):
    dependencies = [
        ("journalists", "0001_initial"),
        ("releases", "0004_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
