"""The sign-language video of the page "Gebärdensprache" (BITV 2.0 § 4).

Like the legal pages, it is kept by the Administration.
"""

import releases.models.accessibility
import releases.uploads
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

KEEPERS = ["Administration"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("releases")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="releases",
        codename__in=[f"{action}_signlanguagevideo"
                      for action in ("view", "add", "change", "delete")])
    for group in apps.get_model("auth", "Group").objects.filter(name__in=KEEPERS):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):

    dependencies = [
        ('releases', '0016_site_identity_and_logos'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='SignLanguageVideo',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('video', models.FileField(help_text='MP4 or WebM. The page shows the latest uploaded video; its transcript is the text of the page “Gebärdensprache” under Flat pages: adapt it when the video changes.', upload_to=releases.models.accessibility.video_upload_to, validators=[releases.uploads.validate_video], verbose_name='video')),
                ('captions', models.FileField(help_text='German captions of the video as a WebVTT file (.vtt).', upload_to=releases.models.accessibility.video_upload_to, validators=[releases.uploads.validate_captions], verbose_name='captions')),
                ('poster', models.ImageField(blank=True, help_text='Shown before the video is played (JPEG, PNG, WebP or GIF).', upload_to=releases.models.accessibility.video_upload_to, validators=[releases.uploads.validate_image], verbose_name='poster image')),
                ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded at')),
            ],
            options={
                'verbose_name': 'sign-language video',
                'verbose_name_plural': 'sign-language videos',
                'ordering': ['-uploaded_at', '-pk'],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
