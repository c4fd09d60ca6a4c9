"""Place a display face on a device front (washer, boiler, printer...) and that device
into a photo-like background, at an angle.

All drawing is ours (gradients, noise, simple shapes, invented brand names). Functions
return ``(H, W, 3) uint8`` RGB arrays; display positions are given as a ``(4, 2) float``
quad (corners top-left, top-right, bottom-right, bottom-left, ``(x, y)`` pixels) and as an
axis-aligned box ``(x, y, w, h)``.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw

from diagnostics.errors import ValidationError
from synth.displays import load_font

BBox = tuple[int, int, int, int]

BACKGROUNDS = ("kitchen_tiles", "wall", "wood", "laundry", "desk", "garage")
DEVICES = ("washer", "dishwasher", "boiler", "printer", "oven", "scale", "thermostat", "scanner", "monitor", "bare")


def _smooth_noise(h: int, w: int, rng: np.random.Generator, scale: int) -> np.ndarray:
    """Low-frequency noise in about ``[-1, 1]``: ``(h, w) float32``."""
    sh, sw = max(2, h // scale), max(2, w // scale)
    n = rng.standard_normal((sh, sw)).astype(np.float32)
    return cv2.resize(n, (w, h), interpolation=cv2.INTER_CUBIC)


def background(width: int, height: int, rng: np.random.Generator, kind: str = "kitchen_tiles") -> np.ndarray:
    """A room-like background: tiles, painted wall, wood, laundry room, desk or garage.

    Args:
        width, height: pixels.
        rng: randomness (colours, shapes).
        kind: one of :data:`BACKGROUNDS`.

    Returns:
        ``(height, width, 3) uint8`` RGB.

    Raises:
        ValidationError: unknown kind or non-positive size.
    """
    if kind not in BACKGROUNDS:
        raise ValidationError(f"Unknown background {kind!r}.", detail=", ".join(BACKGROUNDS))
    if width <= 0 or height <= 0:
        raise ValidationError("Background size must be positive.")
    # draw at most ~1600 px wide, then upscale (backgrounds are out of focus anyway)
    f = min(1.0, 1600 / max(width, height))
    w, h = max(8, int(width * f)), max(8, int(height * f))
    base = {
        "kitchen_tiles": (205, 200, 188), "wall": (214, 206, 190), "wood": (150, 105, 70),
        "laundry": (190, 198, 205), "desk": (120, 110, 100), "garage": (110, 112, 110),
    }[kind]
    col = np.array(base, np.float32) * rng.uniform(0.85, 1.1, 3).astype(np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    grad = 1.0 + 0.25 * ((xx / w - rng.uniform(0.2, 0.8)) * rng.uniform(-1, 1) + (yy / h - 0.5) * rng.uniform(-1, 1))
    img = col * grad[..., None]
    img += 10 * _smooth_noise(h, w, rng, 60)[..., None]
    im = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(im)
    if kind == "kitchen_tiles":
        t = int(rng.integers(60, 140))
        grout = tuple(int(c * 0.8) for c in col)
        for x in range(int(rng.integers(0, t)), w, t):
            d.line((x, 0, x, h), fill=grout, width=3)
        for y in range(int(rng.integers(0, t)), h, t):
            d.line((0, y, w, y), fill=grout, width=3)
    elif kind == "wood":
        arr = np.asarray(im).astype(np.float32)
        streak = _smooth_noise(h, 8, rng, 2)[:, :1] * 0 + 0
        rows = np.sin(yy / rng.uniform(6, 14) + 3 * _smooth_noise(h, w, rng, 90)) * 14
        arr += rows[..., None] + streak
        im = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
        d = ImageDraw.Draw(im)
    elif kind == "garage":
        for _ in range(5):
            x0, y0 = rng.integers(0, w), rng.integers(0, h)
            d.rectangle((x0, y0, x0 + rng.integers(60, 300), y0 + rng.integers(40, 200)), fill=tuple(int(c) for c in rng.integers(40, 160, 3)))
    # random household shapes (jars, towels, boxes), out of focus
    for _ in range(int(rng.integers(3, 8))):
        c = tuple(int(0.55 * v + 0.45 * b) for v, b in zip(rng.integers(30, 240, 3), col))
        x0, y0 = int(rng.integers(-100, w)), int(rng.integers(-100, h))
        sw, sh = int(rng.integers(40, max(41, w // 4))), int(rng.integers(40, max(41, h // 4)))
        if rng.random() < 0.5:
            d.ellipse((x0, y0, x0 + sw, y0 + sh), fill=c)
        else:
            d.rounded_rectangle((x0, y0, x0 + sw, y0 + sh), radius=min(sw, sh) // 6, fill=c)
    out = cv2.GaussianBlur(np.asarray(im), (0, 0), sigmaX=2.0 + 3 * rng.random())
    if (w, h) != (width, height):
        out = cv2.resize(out, (width, height), interpolation=cv2.INTER_LINEAR)
    return out


def _brushed(h: int, w: int, rng: np.random.Generator, col: tuple[float, float, float]) -> np.ndarray:
    """Brushed-metal texture ``(h, w, 3) float32``."""
    streak = rng.standard_normal((h, 1)).astype(np.float32)
    streak = cv2.GaussianBlur(streak, (0, 0), 1.0) * 6
    n = rng.standard_normal((h, max(2, w // 40))).astype(np.float32)
    n = cv2.resize(n, (w, h), interpolation=cv2.INTER_LINEAR) * 3
    yy = np.linspace(-1, 1, h, dtype=np.float32)[:, None]
    shade = 1.0 - 0.12 * yy
    return (np.array(col, np.float32) * shade[..., None]) + (streak + n)[..., None]


def _knob(d: ImageDraw.ImageDraw, cx: int, cy: int, r: int, body: tuple, labels: list[str], font_px: int, label_col: tuple) -> None:
    d.ellipse((cx - r - 6, cy - r - 6, cx + r + 6, cy + r + 6), fill=tuple(int(c * 0.7) for c in body))
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=body)
    d.ellipse((cx - r * 0.8, cy - r * 0.8, cx + r * 0.8, cy + r * 0.8), fill=tuple(min(255, int(c * 1.08)) for c in body))
    d.line((cx, cy - r * 0.75, cx, cy - r * 0.25), fill=(60, 60, 60), width=max(2, r // 12))
    f = load_font("dejavu_sans", font_px)
    n = len(labels)
    for i, lab in enumerate(labels):
        a = np.deg2rad(-210 + 240 * i / max(1, n - 1))
        tx, ty = cx + (r + 22 + font_px) * np.cos(a), cy + (r + 22 + font_px) * np.sin(a)
        wlen = f.getlength(lab)
        d.text((tx - wlen / 2, ty - font_px / 2), lab, font=f, fill=label_col)
        d.ellipse((cx + (r + 12) * np.cos(a) - 3, cy + (r + 12) * np.sin(a) - 3, cx + (r + 12) * np.cos(a) + 3, cy + (r + 12) * np.sin(a) + 3), fill=label_col)


def _button(d: ImageDraw.ImageDraw, x: int, y: int, w: int, h: int, label: str, body: tuple, text_col: tuple, font_px: int, led: tuple | None = None) -> None:
    d.rounded_rectangle((x + 3, y + 4, x + w + 3, y + h + 4), radius=h // 3, fill=tuple(int(c * 0.6) for c in body))
    d.rounded_rectangle((x, y, x + w, y + h), radius=h // 3, fill=body, outline=tuple(int(c * 0.8) for c in body), width=2)
    f = load_font("dejavu_sans", font_px)
    d.text((x + (w - f.getlength(label)) / 2, y + h + 8), label, font=f, fill=text_col)
    if led is not None:
        d.ellipse((x + w // 2 - 5, y - 16, x + w // 2 + 5, y - 6), fill=led)


def device_front(display: np.ndarray, rng: np.random.Generator, kind: str = "washer", *, brand: str | None = None) -> tuple[np.ndarray, BBox]:
    """Draw a device front with the display face set into it.

    Args:
        display: ``(h, w, 3) uint8`` display face (from :mod:`synth.displays`).
        rng: randomness (colours, label choice).
        kind: one of :data:`DEVICES` (``"bare"``: only a bezel around the face).
        brand: invented brand printed on the front (``None``: one is chosen).

    Returns:
        ``(front, box)``: ``(H, W, 3) uint8`` front and the display face's box
        ``(x, y, w, h)`` inside it.

    Raises:
        ValidationError: unknown kind.
    """
    if kind not in DEVICES:
        raise ValidationError(f"Unknown device {kind!r}.", detail=", ".join(DEVICES))
    dh, dw = display.shape[:2]
    u = max(dh, dw * 0.45)  # layout unit
    brands = ["AQUAMAX", "LUMERA", "NORDWELL", "KELVIX", "BRIGHTON", "ORBEL", "VENTANA"]
    brand = brand or brands[int(rng.integers(len(brands)))]
    bezel = int(0.12 * u)
    if kind == "bare":
        W, H = dw + 2 * bezel, dh + 2 * bezel
        front = np.full((H, W, 3), 30, np.float32)
        box = (bezel, bezel, dw, dh)
    else:
        cfg = {
            "washer": (4.2, 2.2, (232, 233, 235), (80, 85, 95)),
            "dishwasher": (5.0, 1.6, (196, 198, 200), (40, 40, 45)),
            "boiler": (3.4, 3.0, (240, 240, 236), (90, 90, 96)),
            "printer": (3.6, 2.0, (70, 72, 76), (225, 225, 230)),
            "oven": (4.0, 1.6, (28, 28, 30), (200, 200, 205)),
            "scale": (2.2, 2.4, (245, 245, 245), (60, 60, 60)),
            "thermostat": (1.9, 2.3, (244, 244, 240), (110, 110, 110)),
            "scanner": (1.7, 3.0, (230, 180, 30), (30, 30, 30)),
            "monitor": (1.12, 1.18, (22, 22, 24), (150, 150, 150)),
        }[kind]
        fx, fy, body, ink = cfg
        if kind == "monitor":
            W, H = int(dw * fx), int(dh * fy)
        else:
            W, H = int(dw + u * fx), int(dh + u * fy)
        if kind in ("dishwasher", "washer"):
            front = _brushed(H, W, rng, body) if kind == "dishwasher" else np.full((H, W, 3), body, np.float32) * np.linspace(1.03, 0.93, H, dtype=np.float32)[:, None, None]
        else:
            front = np.full((H, W, 3), body, np.float32) * np.linspace(1.02, 0.92, H, dtype=np.float32)[:, None, None]
        if kind == "monitor":
            x, y = (W - dw) // 2, int((H - dh) * 0.35)
        elif kind in ("washer", "dishwasher", "oven"):
            x, y = int(W * 0.52 - dw / 2), int((H - dh) * 0.38)
        elif kind == "printer":
            x, y = int(u * 0.35), int((H - dh) * 0.3)
        else:
            x, y = (W - dw) // 2, int((H - dh) * 0.28)
        box = (x, y, dw, dh)
    im = Image.fromarray(np.clip(front, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(im)
    x, y, _, _ = box
    if kind != "bare":
        # bezel / window around the display
        d.rounded_rectangle((x - bezel, y - bezel, x + dw + bezel, y + dh + bezel), radius=max(2, bezel // 2), fill=(24, 24, 26) if kind != "scale" else (200, 200, 200))
        fb = max(10, int(0.16 * u))
        fs = max(9, int(0.11 * u))
        if kind == "washer":
            r = int(0.6 * u)
            _knob(d, int(x - 1.2 * u), int(y + dh / 2 + 0.1 * u), r, (215, 215, 218), ["Cotton", "Eco", "Synth", "Wool", "Quick", "Rinse", "Spin"], fs, ink)
            labs = ["Temp", "Spin", "Delay", "Start/Pause"]
            bw = int(0.55 * u)
            for i, lab in enumerate(labs):
                _button(d, int(x + i * (bw + 0.25 * u)), int(y + dh + 0.45 * u), bw, int(0.28 * u), lab, (220, 220, 224), ink, fs, led=(60, 200, 80) if i == 3 else None)
            d.text((x + dw + int(0.35 * u), y), brand, font=load_font("dejavu_sans_bold", fb), fill=ink)
        elif kind == "dishwasher":
            for i, lab in enumerate(["Eco", "Auto", "Intensive", "Half load", "Start"]):
                _button(d, int(x + dw + 0.3 * u + i * 0.55 * u), int(y + 0.1 * u), int(0.38 * u), int(0.3 * u), lab, (180, 182, 186), ink, fs)
            d.text((int(0.2 * u), y), brand, font=load_font("dejavu_sans_bold", fb), fill=ink)
        elif kind == "boiler":
            gx, gy, gr = int(W * 0.27), int(y + dh + 1.1 * u), int(0.5 * u)
            d.ellipse((gx - gr, gy - gr, gx + gr, gy + gr), fill=(250, 250, 250), outline=(60, 60, 60), width=4)
            for i in range(5):
                a = np.deg2rad(135 + 270 * i / 4)
                d.line((gx + 0.75 * gr * np.cos(a), gy + 0.75 * gr * np.sin(a), gx + 0.95 * gr * np.cos(a), gy + 0.95 * gr * np.sin(a)), fill=(30, 30, 30), width=3)
                d.text((gx + 0.55 * gr * np.cos(a) - 4, gy + 0.55 * gr * np.sin(a) - 6), str(i), font=load_font("dejavu_sans", max(8, gr // 5)), fill=(30, 30, 30))
            a = np.deg2rad(135 + 270 * rng.uniform(0.1, 0.5))
            d.line((gx, gy, gx + 0.8 * gr * np.cos(a), gy + 0.8 * gr * np.sin(a)), fill=(200, 30, 30), width=4)
            d.text((gx - 10, gy + gr * 0.35), "bar", font=load_font("dejavu_sans", max(8, gr // 5)), fill=(30, 30, 30))
            for i, lab in enumerate(["Heating", "Hot water"]):
                _knob(d, int(W * 0.55 + i * 0.95 * u), int(y + dh + 1.1 * u), int(0.3 * u), (225, 225, 225), ["-", "", "+"], fs, ink)
                d.text((int(W * 0.55 + i * 0.95 * u - 0.35 * u), int(y + dh + 1.6 * u)), lab, font=load_font("dejavu_sans", fs), fill=ink)
            d.text((int(W * 0.5 - 1.0 * u), int(0.25 * u)), brand, font=load_font("dejavu_sans_bold", fb), fill=(40, 60, 120))
        elif kind == "printer":
            bx = int(x + dw + 0.4 * u)
            s = int(0.26 * u)
            cx, cy = bx + int(0.6 * u), int(y + dh / 2)
            for ddx, ddy, lab in ((0, -1, "^"), (0, 1, "v"), (-1, 0, "<"), (1, 0, ">")):
                _button(d, cx + ddx * s * 1.3 - s // 2, cy + ddy * s * 1.3 - s // 2, s, s, "", (95, 97, 102), ink, fs)
            _button(d, cx - s // 2, cy - s // 2, s, s, "", (120, 160, 210), ink, fs)
            d.text((cx - s // 3, cy - s // 4), "OK", font=load_font("dejavu_sans_bold", max(8, s // 3)), fill=(20, 20, 20))
            for i, (lab, c) in enumerate((("Ready", (60, 210, 90)), ("Data", (60, 210, 90)), ("Attention", (255, 170, 40)))):
                ly = int(y + dh + 0.35 * u + i * 0.3 * u)
                d.ellipse((x, ly, x + int(0.12 * u), ly + int(0.12 * u)), fill=c if i != 1 else (50, 70, 55))
                d.text((x + int(0.2 * u), ly - 2), lab, font=load_font("dejavu_sans", fs), fill=ink)
            d.text((int(W - 2.0 * u), int(H - 0.5 * u)), f"{brand} LaserPro", font=load_font("dejavu_sans_bold", fs), fill=ink)
        elif kind == "oven":
            for i, lab in enumerate(["Clock", "-", "+", "Timer"]):
                cx0 = int(x - 1.4 * u + i * 0.45 * u) if i < 2 else int(x + dw + 0.25 * u + (i - 2) * 0.45 * u)
                d.ellipse((cx0, int(y + 0.2 * u), cx0 + int(0.3 * u), int(y + 0.5 * u)), outline=ink, width=2)
                d.text((cx0, int(y + 0.6 * u)), lab, font=load_font("dejavu_sans", fs), fill=ink)
        elif kind == "scale":
            d.text((x, y + dh + int(0.3 * u)), "TARE   ON/OFF   g/oz", font=load_font("dejavu_sans_bold", fs), fill=ink)
            d.rectangle((0, 0, W, int(0.12 * H)), fill=(210, 212, 215))
        elif kind == "thermostat":
            d.text((x, y + dh + int(0.35 * u)), "MODE      -      +", font=load_font("dejavu_sans_bold", fs), fill=ink)
        elif kind == "scanner":
            bw = int(0.45 * u)
            for i, lab in enumerate(["ESC", "OK"]):
                _button(d, int(x + i * (dw - bw)), int(y + dh + 0.35 * u), bw, int(0.3 * u), lab, (40, 40, 44), ink, fs)
            d.text((x, int(y + dh + 1.15 * u)), f"{brand} OBD-II", font=load_font("dejavu_sans_bold", fb), fill=ink)
        elif kind == "monitor":
            d.text((W // 2 - int(0.3 * u), int(H - (H - dh - y) * 0.7)), brand, font=load_font("dejavu_sans", max(10, int(0.04 * dh))), fill=ink)
    arr = np.asarray(im).copy()
    if kind == "monitor":
        from synth.camera import screen_moire

        arr[y : y + dh, x : x + dw] = screen_moire(display, rng)
    else:
        arr[y : y + dh, x : x + dw] = display
    return arr, box


def place_in_photo(
    front: np.ndarray,
    box: BBox,
    bg: np.ndarray,
    rng: np.random.Generator,
    *,
    display_width_frac: float = 0.25,
    tilt: float = 0.12,
    rotate_deg: float = 0.0,
    center: tuple[float, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Warp a device front into a background photo with perspective.

    Args:
        front: ``(h, w, 3) uint8`` device front.
        box: display box inside ``front``.
        bg: ``(H, W, 3) uint8`` background (output size).
        rng: randomness (corner jitter, position).
        display_width_frac: display width / photo width after warping.
        tilt: perspective strength (corner jitter as a fraction of the display size).
        rotate_deg: in-plane rotation of the device, degrees (counter-clockwise).
        center: where the display centre goes, as fractions of ``(W, H)``
            (``None``: near the centre, jittered).

    Returns:
        ``(photo, quad)``: ``(H, W, 3) uint8`` photo and ``(4, 2) float32`` display corners
        (TL, TR, BR, BL) in photo pixels.
    """
    H, W = bg.shape[:2]
    fh, fw = front.shape[:2]
    bx, by, bw, bh = box
    s = display_width_frac * W / bw
    if center is None:
        center = (0.5 + rng.uniform(-0.12, 0.12), 0.5 + rng.uniform(-0.12, 0.12))
    cx, cy = center[0] * W, center[1] * H
    dcx, dcy = bx + bw / 2, by + bh / 2
    src = np.float32([[0, 0], [fw, 0], [fw, fh], [0, fh]])
    pts = (src - [dcx, dcy]) * s
    a = np.deg2rad(rotate_deg)
    R = np.float32([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])
    pts = pts @ R.T
    # perspective: one side nearer than the other (scaled), plus small jitter
    kx, ky = rng.uniform(-tilt, tilt), rng.uniform(-tilt, tilt)
    scale_corner = np.float32([1 - kx - ky, 1 + kx - ky, 1 + kx + ky, 1 - kx + ky])
    pts = pts * scale_corner[:, None]
    pts += rng.uniform(-tilt, tilt, (4, 2)).astype(np.float32) * bw * s * 0.15
    dst = pts + [cx, cy]
    M = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    warped = cv2.warpPerspective(front, M, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    mask = cv2.warpPerspective(np.ones((fh, fw), np.float32), M, (W, H), flags=cv2.INTER_LINEAR)
    # soft cast shadow of the device on the background
    k = max(3.0, 0.01 * W)
    sh = cv2.GaussianBlur(np.roll(mask, (int(k), int(k)), axis=(0, 1)), (0, 0), k)
    out = bg.astype(np.float32) * (1 - 0.35 * sh[..., None])
    out = out * (1 - mask[..., None]) + warped.astype(np.float32) * mask[..., None]
    dq = np.float32([[bx, by], [bx + bw, by], [bx + bw, by + bh], [bx, by + bh]])
    quad = cv2.perspectiveTransform(dq[None], M)[0]
    return np.clip(out, 0, 255).astype(np.uint8), quad


def quad_bbox(quad: np.ndarray, width: int, height: int) -> BBox:
    """Axis-aligned box ``(x, y, w, h)`` around a quad, clipped to the image."""
    x0, y0 = np.floor(quad.min(0)).astype(int)
    x1, y1 = np.ceil(quad.max(0)).astype(int)
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(width, x1), min(height, y1)
    return int(x0), int(y0), int(max(0, x1 - x0)), int(max(0, y1 - y0))


def display_photo(
    display: np.ndarray,
    rng: np.random.Generator,
    *,
    device: str = "washer",
    bg_kind: str = "laundry",
    size: tuple[int, int] = (1600, 1200),
    display_width_frac: float = 0.22,
    tilt: float = 0.1,
    rotate_deg: float = 0.0,
    cam=None,
    glare_on_display: tuple[float, float] | None = None,
    brand: str | None = None,
) -> tuple[np.ndarray, BBox]:
    """One upright phone photo of a display: device front, background, perspective, camera.

    Args:
        display: ``(h, w, 3) uint8`` display face.
        rng: randomness for every step (same seed -> same pixels).
        device: kind for :func:`device_front`; bg_kind: kind for :func:`background`.
        size: photo ``(width, height)`` in pixels.
        display_width_frac: display width / photo width.
        tilt: perspective strength; rotate_deg: in-plane rotation (degrees).
        cam: :class:`synth.camera.CameraSettings` (``None``: mild defaults).
        glare_on_display: ``(radius as fraction of photo width, strength)`` of a
            reflection centred on the display (``None``: no extra glare there).
        brand: invented brand on the front.

    Returns:
        ``(photo, bbox)``: ``(H, W, 3) uint8`` RGB and the display box ``(x, y, w, h)``
        in photo pixels.
    """
    from synth.camera import CameraSettings, add_glare, shoot

    W, H = size
    front, box = device_front(display, rng, device, brand=brand)
    bg = background(W, H, rng, bg_kind)
    photo, quad = place_in_photo(front, box, bg, rng, display_width_frac=display_width_frac, tilt=tilt, rotate_deg=rotate_deg)
    if glare_on_display is not None:
        c = quad.mean(0)
        jitter = 0.15 if glare_on_display[1] <= 1.5 else 0.0  # a blinding glare sits on the digits
        off = rng.uniform(-jitter, jitter, 2) * (quad[:, 0].max() - quad[:, 0].min())
        photo = add_glare(photo, rng, center=(float(c[0] + off[0]), float(c[1] + off[1])), radius=glare_on_display[0], strength=glare_on_display[1])
    photo = shoot(photo, rng, cam if cam is not None else CameraSettings())
    return photo, quad_bbox(quad, W, H)
