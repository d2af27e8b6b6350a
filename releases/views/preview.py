"""Preview links: an unpublished release for reviewers without an account.

The address carries a signed value bound to the link's release, random token and
expiry (django.core.signing, salted for this use only), so a guessed or altered
address fails the signature check before the database is asked. The link must
also still be in the database, unrevoked and unexpired. Responses are never
cached, never indexed and send no referrer.
"""

from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from ..models import PreviewLink, Release
from .pages import ReleaseDetailView

SALT = "releases.preview-link"


def signer():
    # Not a TimestampSigner: the address of a link stays the same whenever it is shown;
    # its expiry is part of the signed value.
    return signing.Signer(salt=SALT)


def preview_token(link):
    return signer().sign_object(
        {"r": link.release_id, "t": link.token, "e": int(link.expires_at.timestamp())},
        compress=True)


def preview_path(link):
    return reverse("releases:preview", kwargs={"token": preview_token(link)})


def _private(response):
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _gone(request, status):
    return _private(render(request, "releases/preview_gone.html", status=status))


@require_safe
def preview(request, token):
    try:
        data = signer().unsign_object(token)
        release_id, secret, expires = int(data["r"]), str(data["t"]), int(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return _gone(request, 404)
    now = timezone.now()
    link = (PreviewLink.objects.filter(release_id=release_id, token=secret)
            .select_related("release").first())
    if (link is None or link.revoked_at is not None or link.expires_at <= now
            or expires <= now.timestamp()
            or int(link.expires_at.timestamp()) != expires
            or link.release.is_removed_for_legal_reasons):
        return _gone(request, 404 if link is None else 410)
    if Release.objects.public(now).filter(pk=release_id).exists():
        return _private(redirect(link.release))
    view = PreviewLinkDetailView.as_view(link=link)
    return _private(view(request, pk=release_id, slug=link.release.slug))


class PreviewLinkDetailView(ReleaseDetailView):
    """The release page as it will look, with a banner that says it is a preview."""

    link = None

    def get_queryset(self):
        return self.release_queryset(Release.objects.filter(pk=self.link.release_id))

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        context = self.get_context_data(
            object=self.object, is_preview=True, preview_link=self.link,
            preview_expires_at=self.link.expires_at, canonical_url="")
        return self.render_to_response(context)
