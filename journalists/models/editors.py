"""How each editor wants to hear about the workflow steps of their releases."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EditorNotificationSettings(models.Model):
    """An editor's choice; without a row they get one e-mail per step."""

    class Delivery(models.TextChoices):
        EACH = "each", _("One e-mail per step")
        DAILY = "daily", _("One summary a day")
        NONE = "none", _("No e-mails")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE,
                                related_name="editor_notification_settings",
                                verbose_name=_("user"))
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=Delivery,
        default=Delivery.EACH,
        help_text=_("When a release is submitted for review (if you review), sent back, "
                    "approved, scheduled or published, or published without a second "
                    "person's approval."))

    class Meta:
        verbose_name = _("my notifications")
        verbose_name_plural = _("my notifications")

    def __str__(self):
        return str(self.user)

    @classmethod
    def delivery_by_user(cls, user_ids):
        """{user id: delivery} for ``user_ids``; those without a row get the default."""
        chosen = dict(cls.objects.filter(user_id__in=user_ids).values_list("user_id",
                                                                             "delivery"))
        return {user_id: chosen.get(user_id, cls.Delivery.EACH) for user_id in user_ids}
