"""Small real images for the upload tests, made with Pillow.

Kepu decodes every uploaded photo and saves it again with the settings of
``core.services.uploads``; images made here with the same settings come back byte for byte, so
a test can compare what was stored with what was sent.
"""

import io

from PIL import Image

from core.services.uploads import SAVE_OPTIONS


def image_bytes(
    fmt: str = "PNG",
    size: tuple[int, int] = (4, 4),
    color=(200, 30, 30),
    mode: str = "RGB",
    **options,
) -> bytes:
    """An image of one colour encoded as ``fmt`` (Kepu's save settings unless overridden)."""
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt, **(SAVE_OPTIONS[fmt] | options))
    return out.getvalue()


def decoded(data: bytes) -> Image.Image:
    """The image of ``data``, loaded."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


#: a 4x4 PNG and a 16x16 JPEG, stored unchanged by the uploads
PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG", (16, 16))
