# The site's identity (name, logo, issuing body and address), which the Pressestelle and
# the Administration may view and change, and a logo for each organisation.

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import releases.fields

IDENTITY_EDITORS = ["Pressestelle", "Administration"]


def grant_identity(apps, schema_editor):
    app_config = apps.get_app_config("releases")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="releases",
        codename__in=["view_siteidentity", "change_siteidentity"])
    for group in Group.objects.filter(name__in=IDENTITY_EDITORS):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):

    dependencies = [
        ('releases', '0015_names_in_german_order'),
    ]

    operations = [
        migrations.AddField(
            model_name='organisation',
            name='logo',
            field=releases.fields.LogoField(blank=True, help_text='PNG or SVG. Shown small on its releases and as the logo of its feeds.', max_length=200, upload_to=releases.fields.logo_upload_to, verbose_name='logo'),
        ),
        migrations.CreateModel(
            name='SiteIdentity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(default='Newsroom', help_text='Shown in the header, in page titles and in feeds.', max_length=100, verbose_name='site name')),
                ('logo', releases.fields.LogoField(blank=True, help_text='PNG or SVG. Shown in the header and on the printout, and used by feeds and search engines.', max_length=200, upload_to=releases.fields.logo_upload_to, verbose_name='logo')),
                ('logo_alt_text', models.CharField(blank=True, help_text='What the logo shows, for people who cannot see it, e.g. „Wappen des Freistaates Sachsen“.', max_length=200, verbose_name='alternative text of the logo')),
                ('body_name', models.CharField(blank=True, help_text='e.g. Sächsisches Staatsministerium für Regionalentwicklung. Shown in the footer and on the printout.', max_length=200, verbose_name='issuing body')),
                ('street', models.CharField(blank=True, max_length=200, verbose_name='street and number')),
                ('postal_code', models.CharField(blank=True, max_length=10, verbose_name='postal code')),
                ('city', models.CharField(blank=True, max_length=100, verbose_name='city')),
                ('phone', models.CharField(blank=True, max_length=50, verbose_name='phone')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
            ],
            options={
                'verbose_name': 'site identity',
                'verbose_name_plural': 'site identity',
                'constraints': [models.CheckConstraint(condition=models.Q(('id', 1)), name='site_identity_single_row')],
            },
        ),
        migrations.RunPython(grant_identity, migrations.RunPython.noop),
    ]
