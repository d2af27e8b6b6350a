"""The pages whose texts are flatpages, edited in the admin: the legal pages (Impressum,
Datenschutz, Barrierefreiheit) and those in Leichte Sprache and in Gebärdensprache
(BITV 2.0 § 4, releases/bitv.py), which add what a flatpage cannot hold: a heading in
the visitor's language and, on the page in sign language, the video.

Not Django's flatpage view: it shows a page's title and text as they were typed
(a <meta http-equiv="refresh"> included) and renders any template a page names.
Here the text is cut down to the allowlist of rich text and the title is text.
"""

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from ..bitv import EASY_LANGUAGE_URL, SIGN_LANGUAGE_URL
from ..html import clean_html
from ..models import SignLanguageVideo


def _flatpage(url):
    page = get_object_or_404(FlatPage, url=url, sites=settings.SITE_ID)
    # Cut down to the allowlist of rich text, like a release's text.
    page.content = mark_safe(clean_html(page.content))
    return page


@require_safe
def legal_page(request, url):
    return render(request, "flatpages/default.html", {"flatpage": _flatpage(url)})


@require_safe
def easy_language(request):
    return render(request, "flatpages/easy_language.html",
                  {"flatpage": _flatpage(EASY_LANGUAGE_URL)})


@require_safe
def sign_language(request):
    return render(request, "flatpages/sign_language.html", {
        "flatpage": _flatpage(SIGN_LANGUAGE_URL),
        "video": SignLanguageVideo.objects.current(),
    })
