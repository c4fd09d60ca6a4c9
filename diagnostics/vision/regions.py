"""Find display and text regions in a full phone photo, and rectify them.

A display may fill a tenth of the frame or less, sit at an angle, behind glass with
glare.  Proposals come from three complementary cues, each cheap on the downscaled
working image:

1. ``"panel"``: convex quadrilaterals from edges (display windows, screens, bezels);
   these are rectified with a perspective warp.
2. ``"strokes"``: clusters of thin high-contrast strokes (top-hat / black-hat
   morphology, both polarities), joined horizontally into text-line blobs; this finds
   seven-segment digits whose segments are not connected and whose display has no
   visible edge.
3. ``"lit"``: bright, saturated glowing blobs (LED digits on a dark panel).

The PP-OCR text detector's boxes are added by the pipeline as a fourth cue
(``"text"``).  Regions carry a quadrilateral in *original* pixels; :func:`rectify`
cuts it out of the full-resolution image so small displays keep their detail.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..schema import BBox


@dataclass
class Region:
    """A proposed display/text region.

    Attributes:
        quad: ``(4, 2) float32`` corner points (top-left, top-right, bottom-right,
            bottom-left) in original image pixels.
        cue: which cue proposed it: ``"panel"``, ``"strokes"``, ``"lit"``, ``"text"``.
        score: ranking score (higher first), unitless.
    """

    quad: np.ndarray
    cue: str
    score: float

    @property
    def bbox(self) -> BBox:
        x0, y0 = np.floor(self.quad.min(axis=0)).astype(int)
        x1, y1 = np.ceil(self.quad.max(axis=0)).astype(int)
        return int(x0), int(y0), int(x1 - x0), int(y1 - y0)


def order_quad(pts: np.ndarray) -> np.ndarray:
    """Order 4 points as top-left, top-right, bottom-right, bottom-left.

    Args:
        pts: ``(4, 2)`` points, any order.

    Returns:
        ``(4, 2) float32``.
    """
    pts = np.asarray(pts, dtype=np.float32).reshape(4, 2)
    c = pts.mean(axis=0)
    ang = np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0])
    pts = pts[np.argsort(ang)]  # clockwise in image coordinates, starting near -pi (left)
    # rotate so the first is the top-left (smallest x + y)
    k = int(np.argmin(pts.sum(axis=1)))
    return np.roll(pts, -k, axis=0)


def box_quad(x: float, y: float, w: float, h: float) -> np.ndarray:
    """Axis-aligned box ``(x, y, w, h)`` as an ordered ``(4, 2) float32`` quad."""
    return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=np.float32)


def box_overlap(a: BBox, b: BBox) -> tuple[float, float]:
    """Overlap of two ``(x, y, w, h)`` boxes: ``(intersection over union, intersection over
    the smaller box's area)``, both in ``[0, 1]``."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    small = min(aw * ah, bw * bh) or 1
    union = aw * ah + bw * bh - inter or 1
    return inter / union, inter / small


def dedupe_regions(regions: list[Region], iou: float = 0.6, limit: int = 12) -> list[Region]:
    """Keep the best-scoring region of each overlapping group, at most ``limit``."""
    kept: list[Region] = []
    for r in sorted(regions, key=lambda r: -r.score):
        if all(box_overlap(r.bbox, k.bbox)[0] < iou for k in kept):
            kept.append(r)
        if len(kept) >= limit:
            break
    return kept


def _panel_quads(gray: np.ndarray) -> list[tuple[np.ndarray, float]]:
    h, w = gray.shape
    area_img = float(h * w)
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    edges = cv2.Canny(blur, 40, 120)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    for c in contours:
        a = cv2.contourArea(c)
        if a < 0.002 * area_img or a > 0.7 * area_img:
            continue
        peri = cv2.arcLength(c, True)
        approx = cv2.approxPolyDP(c, 0.03 * peri, True)
        if len(approx) != 4 or not cv2.isContourConvex(approx):
            continue
        q = order_quad(approx.reshape(4, 2))
        wq = np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])
        hq = np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])
        if hq <= 0 or not (0.2 < wq / hq < 8):
            continue
        x0, y0 = q.min(axis=0).astype(int)
        x1, y1 = q.max(axis=0).astype(int)
        inner = gray[max(y0, 0) : y1, max(x0, 0) : x1]
        if inner.size == 0:
            continue
        contrast = float(inner.std())
        if contrast < 12:
            continue
        out.append((q, contrast * np.sqrt(a / area_img)))
    return out


def _stroke_boxes(gray: np.ndarray) -> list[tuple[np.ndarray, float]]:
    h, w = gray.shape
    out = []
    for k in (max(9, h // 40), max(15, h // 15)):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
        tophat = cv2.morphologyEx(gray, cv2.MORPH_TOPHAT, kernel)
        blackhat = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, kernel)
        for hat in (tophat, blackhat):
            thr = max(30.0, float(np.percentile(hat, 99.0)) * 0.5)
            mask = (hat >= thr).astype(np.uint8) * 255
            # join the segments of a digit and the digits of a field
            mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, max(3, k // 2))))
            n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
            for i in range(1, n):
                x, y, bw, bh, area = stats[i]
                if bh < 10 or bw < 8 or bh > 0.6 * h or bw > 0.9 * w:
                    continue
                if area < 0.15 * bw * bh:  # too sparse: wires, outlines
                    continue
                aspect = bw / bh
                if not (0.3 <= aspect <= 12):
                    continue
                comp = (labels[y : y + bh, x : x + bw] == i).astype(np.uint8)
                pts = cv2.findNonZero(comp)
                rect = cv2.minAreaRect(pts + np.array([[x, y]], dtype=np.int32))
                (cx, cy), (rw, rh), ang = rect
                if rw < rh and abs(ang) > 45:  # keep the long side horizontal-ish
                    rect = ((cx, cy), (rh, rw), ang - 90)
                quad = order_quad(cv2.boxPoints(rect))
                strength = float(hat[y : y + bh, x : x + bw][comp > 0].mean())
                out.append((quad, strength * np.sqrt(bw * bh) / 100.0))
    return out


def _lit_boxes(rgb: np.ndarray) -> list[tuple[np.ndarray, float]]:
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    v = hsv[:, :, 2]
    s = hsv[:, :, 1]
    h, w = v.shape
    if float(np.median(v)) > 150:  # a bright scene: lit blobs are not distinctive
        return []
    mask = ((v > 170) & ((s > 90) | (v > 235))).astype(np.uint8) * 255
    k = max(5, h // 60)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k * 2, k)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if bh < 10 or bw < 6 or bw * bh > 0.5 * h * w:
            continue
        out.append((box_quad(x, y, bw, bh), float(area) / 100.0))
    return out


# Most regions kept per cue, so one busy cue (a panel full of printed labels) cannot
# crowd out the others.
CUE_QUOTA = {"panel": 4, "strokes": 5, "lit": 3}


def propose_regions(work_rgb: np.ndarray, scale: float, limit: int = 12) -> list[Region]:
    """Propose display/text regions.

    Args:
        work_rgb: ``(h, w, 3) uint8 RGB`` downscaled working copy of the photo.
        scale: original pixels per working pixel (>= 1).
        limit: most regions returned (each cue also has a quota, :data:`CUE_QUOTA`).

    Returns:
        Regions with quads in original pixels, best first, overlaps removed.
    """
    gray = cv2.cvtColor(work_rgb, cv2.COLOR_RGB2GRAY)
    regions: list[Region] = []
    # Scores of different cues are not comparable; weight them so each cue keeps a share.
    for cue, items, weight in (
        ("panel", _panel_quads(gray), 3.0),
        ("strokes", _stroke_boxes(gray), 1.0),
        ("lit", _lit_boxes(work_rgb), 1.5),
    ):
        items = sorted(items, key=lambda t: -t[1])[: CUE_QUOTA[cue]]
        top = items[0][1] if items else 1.0
        for rank, (quad, score) in enumerate(items):
            regions.append(Region(quad * scale, cue, weight * (score / (top or 1.0)) / (1 + 0.15 * rank)))
    return dedupe_regions(regions, limit=limit)


def rectify(rgb: np.ndarray, quad: np.ndarray, pad: float = 0.08, max_height: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """Cut a quadrilateral out of the full-resolution image and warp it upright.

    Args:
        rgb: ``(H, W, 3) uint8 RGB`` original image.
        quad: ``(4, 2)`` ordered corners, original pixels.
        pad: margin added on each side, as a fraction of the quad's height.
        max_height: crops taller than this are scaled down (pixels), for speed.

    Returns:
        ``(crop, inverse)``: the ``(h, w, 3) uint8`` crop and the ``(3, 3) float64``
        homography mapping crop pixels back to original pixels.
    """
    q = order_quad(quad)
    wq = max(np.linalg.norm(q[1] - q[0]), np.linalg.norm(q[2] - q[3]))
    hq = max(np.linalg.norm(q[3] - q[0]), np.linalg.norm(q[2] - q[1]))
    wq, hq = max(wq, 4.0), max(hq, 4.0)
    p = pad * hq
    out_scale = min(1.0, max_height / (hq + 2 * p))
    out_w = int(round((wq + 2 * p) * out_scale))
    out_h = int(round((hq + 2 * p) * out_scale))
    # expand the quad along its own axes by p
    ux = (q[1] - q[0]) / max(np.linalg.norm(q[1] - q[0]), 1e-6)
    uy = (q[3] - q[0]) / max(np.linalg.norm(q[3] - q[0]), 1e-6)
    src = np.array(
        [q[0] - p * ux - p * uy, q[1] + p * ux - p * uy, q[2] + p * ux + p * uy, q[3] - p * ux + p * uy],
        dtype=np.float32,
    )
    dst = np.array([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    crop = cv2.warpPerspective(rgb, m, (out_w, out_h), flags=cv2.INTER_AREA if out_scale < 1 else cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)
    return crop, np.linalg.inv(m)


def map_box(bbox: BBox, inverse: np.ndarray, shape: tuple[int, int]) -> BBox:
    """Map a box from crop pixels back to original pixels.

    Args:
        bbox: ``(x, y, w, h)`` in crop pixels.
        inverse: ``(3, 3)`` homography from :func:`rectify`.
        shape: ``(H, W)`` of the original image, to clip to.

    Returns:
        Axis-aligned ``(x, y, w, h)`` in original pixels.
    """
    x, y, w, h = bbox
    pts = np.array([[[x, y]], [[x + w, y]], [[x + w, y + h]], [[x, y + h]]], dtype=np.float32)
    mapped = cv2.perspectiveTransform(pts, inverse).reshape(4, 2)
    x0, y0 = np.clip(mapped.min(axis=0), 0, [shape[1], shape[0]])
    x1, y1 = np.clip(mapped.max(axis=0), 0, [shape[1], shape[0]])
    return int(x0), int(y0), int(x1 - x0), int(y1 - y0)
