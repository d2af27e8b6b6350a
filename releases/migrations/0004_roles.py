"""The three editorial roles as groups: Redaktion, Pressestelle, Administration."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORIAL_MODELS = ["release", "releaseimage", "releaseattachment", "releaseperson", "topic",
                    "person", "event", "delegation", "delegationstop", "delegationmember",
                    "programmeitem", "counterpart", "previewlink"]
REFERENCE_MODELS = ["organisation", "contact", "appointment", "correction"]

ROLES = {
    "Redaktion": {
        "releases": [f"{action}_{model}" for model in EDITORIAL_MODELS
                     for action in ("view", "add", "change")]
        + [f"view_{model}" for model in REFERENCE_MODELS]
        + ["submit_release"],
    },
    "Pressestelle": {
        "releases": [f"{action}_{model}" for model in EDITORIAL_MODELS + REFERENCE_MODELS
                     for action in ("view", "add", "change")]
        + [f"delete_{model}" for model in EDITORIAL_MODELS if model != "release"]
        + ["submit_release", "review_release", "publish_release", "correct_release",
           "withdraw_release"],
    },
    "Administration": {
        "releases": "__all__",
        "auth": ["view_user", "add_user", "change_user", "view_group", "change_group"],
        "flatpages": ["view_flatpage", "add_flatpage", "change_flatpage"],
    },
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; the roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codenames in grants.items():
            permissions = Permission.objects.filter(content_type__app_label=app_label)
            if codenames != "__all__":
                permissions = permissions.filter(codename__in=codenames)
            group.permissions.add(*permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0003_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("flatpages", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
