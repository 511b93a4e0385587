"""Small previews of screenshots: derived data for the screen, never evidence.

Only images the importer already accepted reach here (decoded fully under
the pixel limit); Pillow's JPEG draft mode keeps large photos cheap. The
result is a PNG the GUI caches outside the evidence.
"""

from __future__ import annotations

import io

from PIL import Image

from app.core.errors import ImageRefused
from app.sources.screenshot import DEFAULT_MAX_PIXELS, image_size

THUMBNAIL_SIDE = 256


def make_thumbnail(data: bytes, side: int = THUMBNAIL_SIDE, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> bytes:
    """A PNG no larger than side × side showing the whole image; ImageRefused for what is not a safe PNG/JPEG."""
    width, height, fmt = image_size(data)
    if width * height > max_pixels:
        raise ImageRefused(f"image is {width} × {height} pixels, over the limit; no thumbnail")
    try:
        with Image.open(io.BytesIO(data), formats=(fmt,)) as image:
            if fmt == "JPEG":
                image.draft("RGB", (side, side))
            image.thumbnail((side, side))
            picture = image.convert("RGBA") if image.mode not in ("RGB", "RGBA", "L") else image.copy()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ImageRefused(f"no thumbnail: {exc}") from None
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=False)
    return out.getvalue()
