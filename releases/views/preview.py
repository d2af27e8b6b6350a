"""Preview links: an unpublished edition for reviewers without an account.

The address carries a signed value bound to the link's release, random token and
expiry (django.core.signing, salted for this use only), so a guessed or altered
address fails the signature check before the database is asked. The link must
also still be in the database, unrevoked and unexpired. Responses are never
cached, never indexed and send no referrer.
"""

from django.core import signing
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from ..links import signer
from ..models import PreviewLink, Release
from ..services import preview_is_gone
from .pages import ReleaseDetailView


def _private(response):
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _gone(request, status, link=None):
    # Where the release is public now (its edition was published), say where.
    document = link.release.document if link is not None and link.release else None
    public = (document if document is not None
              and Release.objects.public().filter(pk=document.pk).exists() else None)
    return _private(render(request, "releases/preview_gone.html",
                           {"public_release": public}, status=status))


@require_safe
def preview(request, token):
    """The edition the link was made for; 410 once that edition is published or
    discarded, the release withdrawn or removed, or the link revoked or expired."""
    try:
        data = signer().unsign_object(token)
        release_id, secret, expires = int(data["r"]), str(data["t"]), int(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return _gone(request, 404)
    now = timezone.now()
    link = (PreviewLink.objects.filter(token=secret)
            .select_related("release", "release__edition_of").first())
    if link is None or link.release_id not in {release_id, None}:
        return _gone(request, 404)
    if (preview_is_gone(link, now) or expires <= now.timestamp()
            or int(link.expires_at.timestamp()) != expires):
        return _gone(request, 410, link)
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
