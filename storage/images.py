"""Display copies of photos: decoded under size and pixel limits, re-encoded without metadata.

The original stays sealed as evidence; officers see a copy that carries no EXIF, GPS or other
metadata, so a location the reporter did not mean to share cannot leak from the console.
"""

from __future__ import annotations

import io

MAX_PIXELS = 40_000_000
DISPLAY_SIDE = 2048


class ImageRejected(ValueError):
    pass


def display_copy(data: bytes) -> bytes:
    """A JPEG without metadata, at most ``DISPLAY_SIDE`` pixels on its longer side."""
    from PIL import Image, ImageOps, UnidentifiedImageError  # only when a photo comes in

    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ImageRejected(f"{width}x{height} is over the pixel limit")
            probe.verify()
        with Image.open(io.BytesIO(data)) as opened:
            image = ImageOps.exif_transpose(opened)
            image.thumbnail((DISPLAY_SIDE, DISPLAY_SIDE))
            clean = Image.new("RGB", image.size)
            clean.paste(image.convert("RGB"))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ImageRejected(f"not a readable image ({type(exc).__name__})") from exc
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85)
    return out.getvalue()
