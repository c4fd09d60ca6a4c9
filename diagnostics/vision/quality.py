"""Photo quality gate: blur, glare over the reading, too-small text, exposure.

Measured on the region that matters (the best display region, else the whole
photo).  The thresholds are empirical, set on phone photos of displays: they decide
the retake hint only; whether a code is presented is decided by reading confidence,
which these issues lower.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..schema import QualityReport

# Variance of the Laplacian on a 256-px-high copy of the region, divided by the
# region's grey-level standard deviation: below this the edges are smeared.
BLUR_THRESHOLD = 2.0
# Fraction of region pixels that are clipped, colourless highlights.
GLARE_THRESHOLD = 0.06
# Mean luma limits [0, 255].
DARK_LIMIT = 35.0
BRIGHT_LIMIT = 225.0
# Characters shorter than this (original pixels) are too small to read reliably.
MIN_TEXT_HEIGHT_PX = 14.0

_HINTS = {
    "blur": "hold the phone steady and tap the display to focus",
    "glare": "take it without flash and at a slight angle so the light does not reflect on the display",
    "too_small": "move closer so the display fills most of the picture",
    "overexposed": "avoid pointing the camera at a bright light",
    "underexposed": "turn on a room light (without using the flash)",
    "no_display": "take a photo straight on, with the display's code clearly visible",
}


def retake_hint(issues: list[str]) -> str:
    """One sentence for the customer covering ``issues`` (tags of :class:`QualityReport`)."""
    parts = [_HINTS[i] for i in issues if i in _HINTS]
    if not parts:
        return ""
    return "Please send another photo: " + "; ".join(parts) + "."


def exposure_issues(mean_luma: float) -> list[str]:
    """``["overexposed"]``, ``["underexposed"]`` or ``[]`` for a mean luma in ``[0, 255]``."""
    if mean_luma > BRIGHT_LIMIT:
        return ["overexposed"]
    if mean_luma < DARK_LIMIT:
        return ["underexposed"]
    return []


def assess(rgb: np.ndarray, text_height_px: float = 0.0, found_display: bool = True) -> QualityReport:
    """Measure quality of a region.

    Args:
        rgb: ``(H, W, 3) uint8 RGB`` region (or whole photo).
        text_height_px: estimated character height in original pixels (0 = unknown).
        found_display: False when no display/text region was found at all.

    Returns:
        :class:`QualityReport` with metrics, issue tags and a retake hint.
    """
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY) if rgb.ndim == 3 else rgb
    h = gray.shape[0]
    if h > 256:
        small = cv2.resize(gray, (max(1, int(gray.shape[1] * 256 / h)), 256), interpolation=cv2.INTER_AREA)
    else:
        small = gray
    contrast = float(small.std()) + 1e-6
    sharp = float(cv2.Laplacian(small, cv2.CV_64F).var()) / contrast
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV) if rgb.ndim == 3 else None
    if hsv is not None:
        glare = float(np.mean((hsv[:, :, 2] >= 250) & (hsv[:, :, 1] < 40)))
    else:
        glare = float(np.mean(gray >= 250))
    mean = float(gray.mean())
    issues: list[str] = []
    if not found_display:
        issues.append("no_display")
    if sharp < BLUR_THRESHOLD:
        issues.append("blur")
    if glare > GLARE_THRESHOLD:
        issues.append("glare")
    if 0 < text_height_px < MIN_TEXT_HEIGHT_PX:
        issues.append("too_small")
    issues += exposure_issues(mean)
    return QualityReport(
        sharpness=round(sharp, 3),
        glare_fraction=round(glare, 4),
        mean_brightness=round(mean, 1),
        text_height_px=round(float(text_height_px), 1),
        issues=issues,
        retake_hint=retake_hint(issues),
    )
