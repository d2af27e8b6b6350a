"""<picture> markup for release images: WebP renditions first, the original's format as fallback."""

from django import template

from ..images import WEBP, full_width

register = template.Library()

# The width an image takes on the release page: from 60rem the text column beside the
# aside (.wrap's 66rem of content less the 19rem aside and the 3rem gap), or the viewport
# less the padding on narrower screens (site.css, .release-layout).
RELEASE_IMAGE_SIZES = ("(min-width: 68rem) 44rem, (min-width: 60rem) calc(100vw - 24rem), "
                       "calc(100vw - 2rem)")


@register.inclusion_tag("includes/picture.html")
def picture(image, sizes=RELEASE_IMAGE_SIZES, lazy=False):
    """A ReleaseImage as <picture>: renditions (releases.images) in srcset, the original last.

    A browser chooses only among the candidates of the first <source> whose type it
    supports, so the WebP source is offered only if its widest candidate is as wide as
    the image (``images.full_width``): one that stops short (renditions made before the
    full-width WebP existed, or none beyond WebP's size limit) would be upscaled while
    the <img> holds the original. Without it, the <img> srcset serves every browser.
    """
    record = image.renditions or {}
    storage = image.image.storage

    def candidates(content_type):
        return [(storage.url(item["name"]), item["width"])
                for item in record.get(content_type, [])]

    original = [(image.image.url, image.width)] if image.width else []
    fallback = next((key for key in record if key not in {"source", WEBP}), None)
    webp_candidates, img_candidates = candidates(WEBP), candidates(fallback)
    # The original is the largest candidate of its own format; the <img> takes any format.
    if image.image.name.lower().endswith(".webp"):
        webp_candidates += original if webp_candidates else []
    elif img_candidates:
        img_candidates += original
    if image.width and max((width for _url, width in webp_candidates), default=0) \
            < full_width(image.width):
        webp_candidates = []
    return {"image": image, "sizes": sizes, "lazy": lazy, "srcset": _srcset(img_candidates),
            "webp_srcset": _srcset(webp_candidates)}


def _srcset(candidates):
    return ", ".join(f"{url} {width}w" for url, width in candidates)
