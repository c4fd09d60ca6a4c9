"""The unmapped-codes queue: codes read with confidence that no entry maps.

The ranking stage counts each sighting with
:meth:`diagnostics.knowledge.store.KnowledgeBase.record_unmapped` (match key, count,
first/last seen, the family the extractor guessed, the text as read, the file it came from)
and, for photos, a small JPEG crop around the code (:func:`make_thumbnail`, long side
<= :data:`THUMB_MAX_SIDE` px, at most :data:`MAX_THUMBS_PER_CODE` kept per code).  Crops
are customer media: they are deleted after ``Settings.unmapped_retention_days``
(:meth:`UnmappedQueue.prune`, also run on every listing and on every new sighting).

Knowledge managers see the queue most frequent first (:meth:`UnmappedQueue.items`); one
click starts a new entry pre-filled from an item (:meth:`UnmappedQueue.prefill`, also
:func:`prefill_from_unmapped`).  Creating an entry with the same code (by
:meth:`diagnostics.knowledge.curation.Curation.create`, or an import) marks the item
resolved; a misread can be dismissed.  A resolved code seen again (its entry retired since)
comes back to the queue.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import delete, func, select, update

from ..auth import KB_EDIT, UNMAPPED_VIEW, require
from ..errors import ValidationError
from .keys import match_key
from .models import UnmappedCode, UnmappedExample, utcnow

THUMB_MAX_SIDE = 160
MAX_THUMBS_PER_CODE = 6
THUMB_JPEG_QUALITY = 70


@dataclass(frozen=True)
class Thumbnail:
    """An example crop of an unmapped code.

    Attributes:
        id: database id.
        jpeg: JPEG bytes, long side <= 160 px.
        width, height: pixels.
        source: file name it came from.
        seen_at: ISO-8601 UTC.
    """

    id: int
    jpeg: bytes
    width: int
    height: int
    source: str
    seen_at: str


@dataclass
class UnmappedItem:
    """One code in the queue.

    Attributes:
        key: match key (identifies the item; pass to :meth:`UnmappedQueue.prefill`).
        code: the code as the product normalised it (``"E77"``).
        family: the extractor's family guess (one of :data:`diagnostics.schema.FAMILIES`, or "").
        count: sightings.
        first_seen, last_seen: ISO-8601 UTC.
        example: the characters as read (last sighting).
        source: the file of the last sighting.
        thumbnails: example crops, newest first (empty for codes from voice or text).
        resolved_entry_id: the entry created for it (``None`` while open).
        resolved_by: who resolved or dismissed it.
        dismissed: a manager marked it as a misread.
    """

    key: str
    code: str
    family: str
    count: int
    first_seen: str
    last_seen: str
    example: str = ""
    source: str = ""
    thumbnails: list[Thumbnail] = field(default_factory=list)
    resolved_entry_id: int | None = None
    resolved_by: str = ""
    dismissed: bool = False

    @property
    def open(self) -> bool:
        """Still waiting for an entry (neither resolved nor dismissed)."""
        return self.resolved_entry_id is None and not self.dismissed


def make_thumbnail(rgb: np.ndarray, bbox: tuple[int, int, int, int] | None = None, *,
                   max_side: int = THUMB_MAX_SIDE) -> bytes:
    """A small JPEG of the region around a code.

    Args:
        rgb: ``(H, W, 3) uint8`` RGB image the code was read on.
        bbox: ``(x, y, w, h)`` pixels of the code in ``rgb``; the crop adds a margin of
            half the box height (at least 8 px) around it.  ``None``: the whole image.
        max_side: long side of the result, pixels (downscaled only).

    Returns:
        JPEG bytes (quality 70, no metadata).

    Raises:
        ValidationError: ``rgb`` is not an ``(H, W, 3) uint8`` array or the box misses it.
    """
    import cv2

    if not isinstance(rgb, np.ndarray) or rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8 \
            or rgb.shape[0] < 1 or rgb.shape[1] < 1:
        raise ValidationError("thumbnail: the image must be an (H, W, 3) uint8 RGB array.", detail="thumbnail")
    H, W = rgb.shape[:2]
    crop = rgb
    if bbox is not None:
        x, y, w, h = (int(v) for v in bbox)
        m = max(8, h // 2)
        x0, y0, x1, y1 = max(0, x - m), max(0, y - m), min(W, x + w + m), min(H, y + h + m)
        if x1 <= x0 or y1 <= y0:
            raise ValidationError("thumbnail: the code's box lies outside the image.", detail="thumbnail")
        crop = rgb[y0:y1, x0:x1]
    ch, cw = crop.shape[:2]
    scale = min(1.0, max_side / max(ch, cw))
    if scale < 1.0:
        crop = cv2.resize(crop, (max(1, round(cw * scale)), max(1, round(ch * scale))), interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(np.ascontiguousarray(crop), cv2.COLOR_RGB2BGR),
                           [cv2.IMWRITE_JPEG_QUALITY, THUMB_JPEG_QUALITY])
    if not ok:  # pragma: no cover - OpenCV's JPEG encoder does not fail on a valid array
        raise ValidationError("thumbnail: the crop could not be encoded as JPEG.", detail="thumbnail")
    return buf.tobytes()


def jpeg_size(jpeg: bytes) -> tuple[int, int]:
    """``(width, height)`` in pixels of JPEG bytes, from the header; ``(0, 0)`` if unreadable."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(jpeg)) as im:
            return int(im.width), int(im.height)
    except Exception:  # PIL raises several types for bad data; the size is only informative
        return 0, 0


def prune_thumbnails(session, retention_days: int, now: datetime | None = None) -> int:
    """Delete thumbnails seen more than ``retention_days`` days before ``now`` (UTC), inside
    the caller's transaction; returns how many were deleted.  ``retention_days <= 0`` keeps
    none."""
    cutoff = (now or utcnow()) - timedelta(days=max(0, int(retention_days)))
    res = session.execute(delete(UnmappedExample).where(UnmappedExample.seen_at < cutoff)
                          if retention_days > 0 else delete(UnmappedExample))
    return int(res.rowcount or 0)


def resolve_keys(session, keys, entry_id: int, by: str, now: datetime | None = None) -> int:
    """Mark open queue items whose match key is in ``keys`` as resolved by ``entry_id``
    (inside the caller's transaction); returns how many were resolved."""
    keys = [k for k in set(keys) if k]
    if not keys:
        return 0
    res = session.execute(update(UnmappedCode).where(UnmappedCode.match_key.in_(keys),
                                                     UnmappedCode.resolved_entry_id.is_(None))
                          .values(resolved_entry_id=entry_id, resolved_by=(by or "")[:64],
                                  resolved_at=now or utcnow(), dismissed=False))
    return int(res.rowcount or 0)


def _iso(dt: datetime | None) -> str:
    from .store import iso_utc

    return iso_utc(dt)


def _thumb(t: UnmappedExample) -> Thumbnail:
    return Thumbnail(id=t.id, jpeg=bytes(t.jpeg), width=t.width, height=t.height, source=t.source,
                     seen_at=_iso(t.seen_at))


class UnmappedQueue:
    """The queue on one knowledge base.

    Args:
        kb: an open :class:`diagnostics.knowledge.store.KnowledgeBase`.
        retention_days: thumbnails older than this are deleted (``Settings.unmapped_retention_days``).
        clock: ``() -> aware UTC datetime`` (tests pass a fake one).
    """

    def __init__(self, kb, *, retention_days: int = 30, clock=None):
        self.kb = kb
        self.retention_days = int(retention_days)
        self._clock = clock or utcnow

    def _item(self, s, u: UnmappedCode, with_thumbs: bool = True) -> UnmappedItem:
        thumbs = []
        if with_thumbs:
            q = select(UnmappedExample).where(UnmappedExample.unmapped_id == u.id).order_by(
                UnmappedExample.seen_at.desc(), UnmappedExample.id.desc())
            thumbs = [_thumb(t) for t in s.scalars(q)]
        return UnmappedItem(key=u.match_key, code=u.code, family=u.family, count=u.count,
                            first_seen=_iso(u.first_seen), last_seen=_iso(u.last_seen), example=u.example,
                            source=u.last_source, thumbnails=thumbs, resolved_entry_id=u.resolved_entry_id,
                            resolved_by=u.resolved_by, dismissed=bool(u.dismissed))

    def _row(self, s, key: str) -> UnmappedCode:
        k = match_key(key or "")
        row = s.scalar(select(UnmappedCode).where(UnmappedCode.match_key == k)) if k else None
        if row is None:
            raise ValidationError(f"code: {key!r} is not in the unmapped-codes queue.", detail="code")
        return row

    def items(self, user, *, include_closed: bool = False, limit: int = 200) -> list[UnmappedItem]:
        """The queue, most frequent first (then most recent), with thumbnails; prunes
        expired thumbnails first.

        Args:
            user: needs ``unmapped.view`` (knowledge managers).
            include_closed: also resolved and dismissed items.
            limit: most items returned.

        Raises:
            PermissionDenied: not allowed to see the queue.
        """
        require(user, UNMAPPED_VIEW)
        self.prune()
        with self.kb.transaction("read the unmapped-codes queue") as s:
            q = select(UnmappedCode)
            if not include_closed:
                q = q.where(UnmappedCode.resolved_entry_id.is_(None), UnmappedCode.dismissed.is_(False))
            q = q.order_by(UnmappedCode.count.desc(), UnmappedCode.last_seen.desc(), UnmappedCode.id)
            rows = list(s.scalars(q.limit(max(1, int(limit)))))
            thumbs: dict[int, list[Thumbnail]] = {}
            if rows:
                tq = select(UnmappedExample).where(UnmappedExample.unmapped_id.in_([u.id for u in rows])).order_by(
                    UnmappedExample.seen_at.desc(), UnmappedExample.id.desc())
                for t in s.scalars(tq):
                    thumbs.setdefault(t.unmapped_id, []).append(_thumb(t))
            out = []
            for u in rows:
                item = self._item(s, u, with_thumbs=False)
                item.thumbnails = thumbs.get(u.id, [])
                out.append(item)
            return out

    def get(self, user, key: str) -> UnmappedItem:
        """One item by match key (or by any spelling of the code).

        Raises:
            PermissionDenied: needs ``unmapped.view``.  ValidationError: not in the queue.
        """
        require(user, UNMAPPED_VIEW)
        self.prune()
        with self.kb.transaction("read the unmapped-codes queue") as s:
            return self._item(s, self._row(s, key))

    def prefill(self, user, key: str) -> dict[str, Any]:
        """Form data for a new entry from a queue item: ``code``, ``family`` (the guess),
        ``aliases`` (the text as read when it is another spelling), ``source`` (``"unmapped
        queue: read N times, first YYYY-MM-DD"``; the customer's file name is not copied into
        the knowledge base), ``verified`` False, and empty texts for the manager to write.
        ``severity`` is ``""`` and ``technician`` None: the manager must choose both, as
        for any new entry (a gas-boiler code must not be saved as "no technician" by default).

        Raises:
            PermissionDenied: needs ``kb.edit``.  ValidationError: not in the queue.
        """
        require(user, KB_EDIT)
        with self.kb.transaction("read the unmapped-codes queue") as s:
            u = self._row(s, key)
            code, family, example, count = u.code, u.family, u.example, u.count
            first = _iso(u.first_seen)[:10]
        aliases = [example.strip()] if example.strip() and example.strip() != code \
            and match_key(example) and match_key(example) != match_key(code) and len(example.strip()) <= 64 else []
        return {
            "code": code, "family": family, "brand": "", "appliance": "", "model_scope": "", "aliases": aliases,
            "title": "", "meaning": "", "causes": [], "steps": [], "safety": [], "severity": "",
            "technician": None, "reply_en": "", "reply_es": "", "reply_missing": [],
            "source": f"unmapped queue: read {count} time{'s' if count != 1 else ''}, first {first}",
            "verified": False,
        }

    def dismiss(self, user, key: str, *, note: str = "") -> None:
        """Mark an item as a misread (leaves the queue; a new sighting reopens it).

        Raises:
            PermissionDenied: needs ``kb.edit``.  ValidationError: not in the queue.
        """
        actor = require(user, KB_EDIT)
        with self.kb.transaction("update the unmapped-codes queue", write=True) as s:
            u = self._row(s, key)
            u.dismissed = True
            u.resolved_by = actor.username
            u.resolved_at = self._clock()

    def prune(self) -> int:
        """Delete thumbnails older than ``retention_days``; returns how many were deleted."""
        with self.kb.transaction("prune unmapped-code thumbnails", write=True) as s:
            if not s.scalar(select(func.count()).select_from(UnmappedExample)):
                return 0
            return prune_thumbnails(s, self.retention_days, self._clock())


def prefill_from_unmapped(kb, user, key: str) -> dict[str, Any]:
    """Shortcut for ``UnmappedQueue(kb).prefill(user, key)`` (see there)."""
    return UnmappedQueue(kb).prefill(user, key)
