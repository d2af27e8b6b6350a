"""The video in German Sign Language that BITV 2.0 § 4 asks of a public body's site."""

from pathlib import PurePosixPath

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ..fields import CheckedImageField
from ..images import reencode
from ..uploads import (
    VIDEO_TYPES,
    generated_name,
    validate_captions,
    validate_image,
    validate_video,
)


def video_upload_to(instance, filename):
    return generated_name("videos", filename)


class SignLanguageVideoQuerySet(models.QuerySet):
    def current(self):
        """The video the page "Gebärdensprache" shows: the latest uploaded, or None."""
        return self.order_by("-uploaded_at", "-pk").first()


class SignLanguageVideo(models.Model):
    """The site's content and navigation explained in German Sign Language.

    Its transcript is the text of the flatpage "Gebärdensprache", shown below the
    video, and alone while no video has been uploaded (releases/bitv.py).
    """

    video = models.FileField(
        _("video"), upload_to=video_upload_to, validators=[validate_video],
        help_text=_("MP4 or WebM. The page shows the latest uploaded video; its transcript "
                    "is the text of the page “Gebärdensprache” under Flat pages: adapt it "
                    "when the video changes."))
    captions = models.FileField(
        _("captions"), upload_to=video_upload_to, validators=[validate_captions],
        help_text=_("German captions of the video as a WebVTT file (.vtt)."))
    poster = CheckedImageField(
        _("poster image"), upload_to=video_upload_to, blank=True, validators=[validate_image],
        help_text=_("Shown before the video is played (JPEG, PNG, WebP or GIF)."))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = SignLanguageVideoQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-language video")
        verbose_name_plural = _("sign-language videos")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        if self.uploaded_at is None:
            return str(_("new sign-language video"))
        return str(_("Sign-language video of %(date)s")) % {
            "date": date_format(timezone.localtime(self.uploaded_at), "SHORT_DATE_FORMAT")}

    def save(self, *args, **kwargs):
        # A poster is stored like a release image: re-encoded, without EXIF and GPS.
        if self.poster and not self.poster._committed:
            self.poster = reencode(self.poster)
        super().save(*args, **kwargs)

    @property
    def content_type(self):
        """The video's media type for <source type>, by its stored suffix."""
        return VIDEO_TYPES.get(PurePosixPath(self.video.name).suffix.lower(), "")
