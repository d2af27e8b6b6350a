"""<picture> markup for release images: WebP renditions first, the original's format as fallback."""

from django import template

from ..images import WEBP

register = template.Library()

# The width an image takes on the release page: from 60rem the text column beside the
# aside (.wrap's 66rem of content less the 19rem aside and the 3rem gap), or the viewport
# less the padding on narrower screens (site.css, .release-layout).
RELEASE_IMAGE_SIZES = ("(min-width: 68rem) 44rem, (min-width: 60rem) calc(100vw - 24rem), "
                       "calc(100vw - 2rem)")


@register.inclusion_tag("includes/picture.html")
def picture(image, sizes=RELEASE_IMAGE_SIZES, lazy=False):
    """A ReleaseImage as <picture>: renditions (releases.images) in srcset, the original last."""
    record = image.renditions or {}
    storage = image.image.storage

    def candidates(content_type):
        return [f"{storage.url(item['name'])} {item['width']}w"
                for item in record.get(content_type, [])]

    original = [f"{image.image.url} {image.width}w"] if image.width else []
    fallback = next((key for key in record if key not in {"source", WEBP}), None)
    webp_srcset, srcset = candidates(WEBP), candidates(fallback)
    # The original is the largest candidate of its own format.
    if image.image.name.lower().endswith(".webp"):
        webp_srcset += original if webp_srcset else []
    elif srcset:
        srcset += original
    return {"image": image, "sizes": sizes, "lazy": lazy, "srcset": ", ".join(srcset),
            "webp_srcset": ", ".join(webp_srcset)}
