"""Material Design Icons (npm ``@mdi/svg``, Apache-2.0) car symbols as alpha masks.

The icons are *not* in the repository: ``scripts/fetch_mdi_icons.sh`` unpacks the npm
package into ``data/cache/mdi/package`` (install time only). When they are absent,
:func:`available` is False and the training data falls back to our own drawings
(:mod:`synth.telltales.symbols`) alone.

Rasterised with ``cairosvg`` (needs the system library ``libcairo2``).
Licence of the icons: Apache License 2.0, Copyright Pictogrammers (see the package's
``LICENSE``); credited in ``models/telltale-classifier/README.md``.
"""

from __future__ import annotations

import io
import os
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from diagnostics.errors import ValidationError

from .symbols import TELLTALE_CLASSES, fit_mask

REPO = Path(__file__).resolve().parents[2]
#: Where ``scripts/fetch_mdi_icons.sh`` puts the icons (override with ``TELLTALE_MDI_DIR``).
DEFAULT_DIR = REPO / "data" / "cache" / "mdi" / "package" / "svg"
MDI_VERSION = "7.4.47"

#: @mdi/svg icon names that show each tell-tale (several where the set has variants).
#: Classes without a matching icon (glow plug, rear fog) are drawn by us only; esp_off
#: and power_steering are composed from an icon plus our own "OFF" / "!".
CLASS_ICONS: dict[str, tuple[str, ...]] = {
    "engine_mil": ("engine", "engine-outline"),
    "oil_pressure": ("oil",),
    "battery_charge": ("car-battery",),
    "brake_system": ("car-brake-alert",),
    "abs": ("car-brake-abs",),
    "tyre_pressure": ("car-tire-alert",),
    "coolant_temperature": ("coolant-temperature", "thermometer-water"),
    "airbag": ("airbag",),
    "seat_belt": ("seatbelt",),
    "esp_traction": ("car-traction-control", "car-esp"),
    "esp_off": ("car-traction-control",),
    "parking_brake": ("car-brake-parking",),
    "low_fuel": ("gas-station", "gas-station-outline", "fuel"),
    "power_steering": ("steering",),
    "brake_pad_wear": ("car-brake-worn-linings",),
    "door_open": ("car-door",),
    "high_beam": ("car-light-high",),
    "low_beam": ("car-light-dimmed",),
    "front_fog": ("car-light-fog",),
    "washer_fluid": ("wiper-wash", "wiper-wash-alert"),
    "service": ("wrench", "car-wrench", "wrench-outline"),
}
#: Icons used as "unknown" symbols in training (other dashboard and everyday icons).
UNKNOWN_TRAIN_ICONS: tuple[str, ...] = (
    "car-cruise-control", "car-defrost-front", "car-defrost-rear", "car-seat-heater", "car-key", "car-shift-pattern",
    "car-turbocharger", "car-parking-lights", "car-child-seat", "car-light-alert", "car-speed-limiter", "snowflake",
    "home", "star", "heart", "bell", "music", "phone", "wifi", "bluetooth", "arrow-left-bold", "arrow-right-bold",
    "battery-charging", "lock", "account", "cog", "camera", "lightning-bolt", "leaf", "water", "fan", "map-marker",
    "power", "volume-high", "weather-sunny", "clock-outline", "flash", "magnify", "email", "cellphone",
)
#: Icons used as "unknown" only in the held-out set (never seen in training).
UNKNOWN_HELDOUT_ICONS: tuple[str, ...] = (
    "hazard-lights", "car-clutch", "car-seat-cooler", "car-brake-hold", "car-coolant-level", "car-brake-fluid-level",
    "thermometer", "umbrella", "bike", "cart", "flag", "trophy", "anchor", "rocket", "pill", "headphones",
)


def icon_dir() -> Path:
    """The folder holding the ``*.svg`` icons (``TELLTALE_MDI_DIR`` or :data:`DEFAULT_DIR`)."""
    return Path(os.environ.get("TELLTALE_MDI_DIR", str(DEFAULT_DIR)))


def available() -> bool:
    """True when the icons are unpacked and ``cairosvg`` imports (libcairo2 present)."""
    if not (icon_dir() / "engine.svg").is_file():
        return False
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


@lru_cache(maxsize=256)
def _raster(name: str, px: int) -> np.ndarray:
    import cairosvg

    path = icon_dir() / f"{name}.svg"
    if not path.is_file():
        raise ValidationError(f"Icon {name!r} is not in the @mdi/svg cache.", hint="Run scripts/fetch_mdi_icons.sh.", detail=str(path))
    png = cairosvg.svg2png(url=str(path), output_width=px, output_height=px)
    a = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))[..., 3].astype(np.float32) / 255.0
    return a


def icon_mask(name: str, size: int = 96) -> np.ndarray:
    """Rasterise one icon.

    Args:
        name: icon file stem (e.g. ``"car-battery"``).
        size: output side, px.

    Returns:
        ``(size, size) float32`` alpha in ``[0, 1]``, cropped to the ink and centred.

    Raises:
        ValidationError: the icon is not in the cache.
    """
    return fit_mask(_raster(name, 256), size)


def draw_mdi(name: str, rng: np.random.Generator, size: int = 96) -> np.ndarray | None:
    """An @mdi/svg rendering of tell-tale ``name`` with a random stroke change, or None when
    the set has no icon for it or the icons are not installed.

    The stroke weight is varied by a small morphological dilation or erosion.

    Returns:
        ``(size, size) float32`` alpha in ``[0, 1]`` or ``None``.

    Raises:
        ValidationError: ``name`` is not a tell-tale class.
    """
    if name not in TELLTALE_CLASSES:
        raise ValidationError(f"No tell-tale {name!r}.")
    icons = CLASS_ICONS.get(name)
    if not icons or not available():
        return None
    a = _raster(str(icons[int(rng.integers(len(icons)))]), 256).copy()
    if name in ("esp_off", "power_steering"):
        from .symbols import DrawStyle, Pen

        p = Pen(DrawStyle(stroke=0.08), rng)
        sub = cv2.resize(a, (int(256 * 0.62), int(256 * 0.62)), interpolation=cv2.INTER_AREA)
        if name == "esp_off":
            p.canvas[14:14 + sub.shape[0], 48:48 + sub.shape[1]] = sub
            p.text("OFF", 0, 0.75, 0.34)
        else:
            p.canvas[48:48 + sub.shape[0], 20:20 + sub.shape[1]] = sub
            from .symbols import exclamation

            exclamation(p, 0.75, 0.0, 0.7)
        a = p.canvas
    k = int(rng.integers(-3, 5))
    if k:
        ker = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * abs(k) + 1, 2 * abs(k) + 1))
        a = cv2.dilate(a, ker) if k > 0 else cv2.erode(a, ker)
    return fit_mask(a, size)


def draw_mdi_unknown(rng: np.random.Generator, size: int = 96, split: str = "train") -> np.ndarray | None:
    """A non-tell-tale @mdi/svg icon (``split`` picks :data:`UNKNOWN_TRAIN_ICONS` or
    :data:`UNKNOWN_HELDOUT_ICONS`), or None when the icons are not installed.

    Returns:
        ``(size, size) float32`` alpha in ``[0, 1]`` or ``None``.
    """
    if not available():
        return None
    names = UNKNOWN_TRAIN_ICONS if split == "train" else UNKNOWN_HELDOUT_ICONS
    names = [n for n in names if (icon_dir() / f"{n}.svg").is_file()]
    if not names:
        return None
    return icon_mask(str(names[int(rng.integers(len(names)))]), size)
