"""Editors' notifications through the outbox: a recipient user, what the mail says of the
step, its kinds; and each editor's choice (one mail per step, a daily summary, none)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('journalists', '0002_role_matrix'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='outboxmessage',
            name='actor_name',
            field=models.CharField(blank=True, max_length=150, verbose_name='by'),
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='detail',
            field=models.TextField(blank=True, verbose_name='note or reason'),
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='is_working_edition',
            field=models.BooleanField(default=False, verbose_name='change to a published release'),
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='recipient',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recipient'),
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='kind',
            field=models.CharField(choices=[('alert', 'alert'), ('correction', 'correction'), ('embargo', 'embargoed release'), ('submitted', 'submitted for review'), ('sent_back', 'sent back'), ('approved', 'approved'), ('scheduled', 'scheduled'), ('published', 'published'), ('overridden', 'four-eyes rule overridden')], max_length=10, verbose_name='kind'),
        ),
        migrations.CreateModel(
            name='EditorNotificationSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('delivery', models.CharField(choices=[('each', 'One e-mail per step'), ('daily', 'One summary a day'), ('none', 'No e-mails')], default='each', help_text="When a release is submitted for review (if you review), sent back, approved, scheduled or published, or published without a second person's approval.", max_length=10, verbose_name='delivery')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='editor_notification_settings', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'my notifications',
                'verbose_name_plural': 'my notifications',
            },
        ),
    ]
