"""Robustness harness: our seven-segment reader on photo-like display crops made with ``synth``.

Each case renders one display face with :mod:`synth.displays` (every style of
:data:`synth.displays.STYLES`; DSEG7 Classic/Modern in regular, bold, italic, light; our
own polygons with varied thickness, gap, slant, rounding and width; optional printed
labels next to the digits), sets it in a device front (:func:`synth.scenes.device_front`:
bezel, buttons, brand text), applies a perspective residue of up to +-3 degrees, cuts
the display box plus 4-20 % padding (what :func:`diagnostics.vision.regions.rectify`
hands the reader), then camera damage (:func:`synth.camera.shoot`: defocus, glare,
noise, vignette; JPEG).  Texts are error codes, clocks (``12:45``) and decimals
(``50.4``, ``256.01``).

It also runs negatives (printed ordinary text, textures, blank ghost-only LCDs, device
fronts without a display) that must give no reading at confidence >= 0.3.

Usage::

    .venv/bin/python benchmarks/bench_seven_segment_photos.py [--n 160] [--seed 3] [--show-failures]

Prints exact-match accuracy overall, per style and per renderer, the false-reading
count on negatives, and mean milliseconds per crop.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from diagnostics.vision.seven_segment import read_seven_segment  # noqa: E402
from synth.camera import CameraSettings, add_glare, jpeg_artifacts, shoot  # noqa: E402
from synth.displays import STYLES, DisplayCanvas, font_masks, load_font, segment_masks  # noqa: E402
from synth.scenes import DEVICES, background, device_front  # noqa: E402

TEXTS = ["E21", "F.28", "50.4", "12:45", "256.01", "E4", "F05", "227", "EA", "5E", "dE", "LE", "4C",
         "UE", "H20", "0013", "3.14", "E133", "-18", "0:35", "1400", "Er", "PF", "bE", "9876", "E9",
         "tE", "nF", "P0", "E6", "23:59", "1.5", "88", "J4", "A1", "Ad", "Hb", "C1", "UL"]
DSEG7 = ["dseg7_classic", "dseg7_classic_bold", "dseg7_classic_italic", "dseg7_classic_bold_italic",
         "dseg7_classic_light", "dseg7_modern", "dseg7_modern_bold", "dseg7_modern_italic",
         "dseg7_modern_bold_italic"]
# what DSEG7 shows for these letters (lower-case forms) after synth's appliance mapping
DSEG_SHOWS = str.maketrans({"C": "c", "H": "h", "S": "5", "O": "0", "I": "1"})
THRESH = 0.3


def _expected(text: str, renderer: str) -> str:
    if renderer.startswith("dseg7"):
        return text.translate(DSEG_SHOWS)
    return text


def make_face(rng: np.random.Generator, style: str, renderer: str, text: str, digit_h: int,
              labels: bool) -> np.ndarray:
    """A display face with ``text`` (and maybe printed labels) in ``style``."""
    if renderer == "polygons":
        opts = dict(width_ratio=float(rng.uniform(0.45, 0.65)), thickness=float(rng.uniform(0.08, 0.17)),
                    gap=float(rng.uniform(0.0, 0.04)), slant=float(rng.choice([0, 0, 0.08, 0.14, 0.2])),
                    rounded=bool(rng.random() < 0.35), spacing=float(rng.uniform(0.15, 0.4)))
        lit, gh = segment_masks(text, digit_h, **opts)
    else:
        lit, gh = font_masks(text, renderer, digit_h)
    p = int(round(float(rng.uniform(0.2, 0.45)) * digit_h))
    extra = int(1.6 * digit_h) if labels else 0
    c = DisplayCanvas(lit.shape[1] + 2 * p + extra, lit.shape[0] + 2 * p, style)
    c.add_masks(text, lit, gh if rng.random() < 0.8 else np.zeros_like(gh), p, p, digit_h)
    if labels:
        x = p + lit.shape[1] + int(0.25 * digit_h)
        words = [("min", "rpm"), ("bar", "°C"), ("kg", "h")][int(rng.integers(3))]
        c.add_label(words[0], x, p + int(0.05 * digit_h), int(0.28 * digit_h))
        c.add_label(words[1], x, p + int(0.6 * digit_h), int(0.28 * digit_h))
    return c.render(rng)


def make_crop(rng: np.random.Generator, face: np.ndarray, device: str) -> np.ndarray:
    """Set ``face`` in a device front, warp slightly, cut the display box plus padding,
    add camera damage.  Returns ``(H, W, 3) uint8``."""
    front, (bx, by, bw, bh) = device_front(face, rng, device)
    fh, fw = front.shape[:2]
    # perspective residue: rotation up to +-3 deg and a small keystone
    ang = float(rng.uniform(-3, 3))
    cx, cy = bx + bw / 2, by + bh / 2
    src = np.float32([[0, 0], [fw, 0], [fw, fh], [0, fh]])
    a = np.deg2rad(ang)
    R = np.float32([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    k = float(rng.uniform(-0.03, 0.03))
    dst = (src - [cx, cy]) @ R.T
    dst[:, 1] *= np.float32([1 - k, 1 + k, 1 + k, 1 - k])
    dst = (dst + [cx, cy]).astype(np.float32)
    M = cv2.getPerspectiveTransform(src, dst)
    bg_col = tuple(int(v) for v in front[0, 0])
    warped = cv2.warpPerspective(front, M, (fw, fh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                                 borderValue=bg_col)
    padf = float(rng.uniform(0.04, 0.2))
    px, py = int(padf * bw), int(padf * bh)
    x0, y0 = max(0, bx - px), max(0, by - py)
    crop = warped[y0:min(fh, by + bh + py), x0:min(fw, bx + bw + px)].copy()
    # the phone photo usually shows the display smaller than drawn
    scale = float(rng.uniform(0.45, 1.0))
    crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    H, W = crop.shape[:2]
    glare = ()
    if rng.random() < 0.3:
        glare = ((float(rng.uniform(0.1, 0.9) * W), float(rng.uniform(0.1, 0.9) * H), float(rng.uniform(0.05, 0.2)),
                  float(rng.uniform(0.15, 0.45))),)
    cam = CameraSettings(defocus=float(rng.choice([0, 0.6, 1.0, 1.6])), noise=float(rng.choice([1.5, 3, 6])),
                         vignette=float(rng.choice([0, 0.2])), glare=glare,
                         shadow=float(rng.choice([0, 0, 0.3])))
    crop = shoot(crop, rng, cam)
    if rng.random() < 0.6:
        crop = jpeg_artifacts(crop, int(rng.integers(55, 92)))
    return crop


def make_cases(n: int, seed: int) -> list[tuple[np.ndarray, str, str, str, str]]:
    """``n`` cases ``(crop, expected, style, renderer, description)`` cycling every style."""
    rng = np.random.default_rng(seed)
    styles = list(STYLES)
    renderers = ["polygons"] * 4 + DSEG7
    devices = [d for d in DEVICES if d not in ("monitor",)]
    out = []
    for i in range(n):
        style = styles[i % len(styles)]
        renderer = renderers[int(rng.integers(len(renderers)))]
        text = TEXTS[int(rng.integers(len(TEXTS)))]
        digit_h = int(rng.choice([40, 60, 80, 110]))
        labels = bool(rng.random() < 0.3)
        device = devices[int(rng.integers(len(devices)))]
        face = make_face(rng, style, renderer, text, digit_h, labels)
        crop = make_crop(rng, face, device)
        desc = f"{style:17s} {renderer:26s} {device:10s} h{digit_h}{' labels' if labels else ''}"
        out.append((crop, _expected(text, renderer), style, renderer, desc))
    return out


def make_negatives(seed: int) -> list[tuple[np.ndarray, str]]:
    """Crops that hold no seven-segment text: printed words, textures, ghost-only LCDs."""
    rng = np.random.default_rng(seed + 1000)
    out = []
    words = ["Start/Pause", "Temp 40", "Spin 1400", "AQUAMAX", "Eco Quick", "TURN OFF THEN ON", "Ready",
             "ERROR 12", "Hello world 42", "Delay End", "CYCLES", "bar"]
    fonts = ["dejavu_sans", "dejavu_sans_bold", "dejavu_mono", "liberation_sans", "liberation_sans_narrow",
             "dejavu_serif", "liberation_mono_bold"]
    for i, w in enumerate(words):
        f = load_font(fonts[i % len(fonts)], int(rng.integers(24, 60)))
        l, t, r, b = f.getbbox(w)
        im = Image.new("RGB", (r - l + 40, b - t + 40), (235, 235, 230) if i % 3 else (20, 22, 25))
        ImageDraw.Draw(im).text((20 - l, 20 - t), w, font=f, fill=(20, 20, 20) if i % 3 else (230, 230, 230))
        out.append((shoot(np.asarray(im), rng, CameraSettings(defocus=0.6, noise=3)), f"text {w!r}"))
    for i in range(6):
        kind = ["kitchen_tiles", "wall", "wood", "laundry", "desk", "garage"][i]
        out.append((background(300, 300, rng, kind)[50:250], f"background {kind}"))
    for i, style in enumerate(["lcd_reflective", "lcd_low_contrast", "led_red", "vfd_teal"]):
        lit, gh = font_masks("   ", "dseg7_classic", 70)
        c = DisplayCanvas(lit.shape[1] + 40, lit.shape[0] + 40, style)
        c.add_masks("", np.zeros_like(lit), gh, 20, 20, 70)
        face = c.render(rng)
        out.append((make_crop(rng, face, "bare"), f"ghost-only {style}"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=160)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--show-failures", action="store_true")
    ap.add_argument("--save", type=str, default="", help="folder to save failing crops as PNG")
    args = ap.parse_args()
    cases = make_cases(args.n, args.seed)
    ok_by = defaultdict(lambda: [0, 0])
    fails = []
    t0 = time.perf_counter()
    hits = 0
    for i, (img, want, style, renderer, desc) in enumerate(cases):
        got = " ".join(r.text for r in read_seven_segment(img) if r.confidence >= THRESH)
        ok = got == want
        hits += ok
        for key in (style, renderer if renderer == "polygons" else "dseg7"):
            ok_by[key][0] += ok
            ok_by[key][1] += 1
        if not ok:
            fails.append(f"  {i:3d} {desc} {img.shape[1]}x{img.shape[0]} want {want!r} got {got!r}")
            if args.save:
                Path(args.save).mkdir(parents=True, exist_ok=True)
                Image.fromarray(img).save(Path(args.save) / f"f{i:03d}.png")
    dt = time.perf_counter() - t0
    negs = make_negatives(args.seed)
    false = []
    for img, desc in negs:
        res = [(r.text, round(r.confidence, 2)) for r in read_seven_segment(img) if r.confidence >= THRESH]
        if res:
            false.append(f"  {desc}: {res}")
    n = len(cases)
    print(f"{n} photo-like seven-segment crops (seed {args.seed}): exact {hits}/{n} = {hits / n:.1%}, "
          f"{1000 * dt / n:.0f} ms/crop")
    for key in sorted(ok_by):
        a, b = ok_by[key]
        print(f"  {key:20s} {a:3d}/{b:<3d} {a / b:6.1%}")
    print(f"negatives with a reading >= {THRESH}: {len(false)}/{len(negs)}")
    print("\n".join(false))
    if args.show_failures:
        print("failures:")
        print("\n".join(fails))


if __name__ == "__main__":
    main()
