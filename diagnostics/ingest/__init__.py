"""Media ingest: identify uploads by content and decode them once.

- :func:`sniff` -> :class:`MediaType` (kind ``image``/``video``/``audio``/``unknown``).
- :func:`load_image` -> :class:`diagnostics.schema.DecodedImage` (upright
  ``(H, W, 3) uint8`` RGB, metadata dropped), raising typed
  :class:`diagnostics.errors.MediaError` subclasses for unusable files.
"""

from .image import DECODE_MAX_PIXELS, decode_scale, load_image
from .sniff import MediaType, sniff

__all__ = ["load_image", "decode_scale", "sniff", "MediaType", "DECODE_MAX_PIXELS"]
