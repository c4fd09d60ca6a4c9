#!/usr/bin/env python
"""Regenerate ``sample_media/``: synthetic phone photos of displays, ``expected.csv`` and
``README.md``. Deterministic: every photo has its own fixed seed.

Usage::

    .venv/bin/python scripts/make_sample_media.py [--out sample_media] [--only NAME_SUBSTRING]

Takes well under two minutes on two CPU cores.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synth.camera import CameraSettings, encode_heic, encode_jpeg, store_for_orientation  # noqa: E402
from synth.displays import (  # noqa: E402
    DisplayCanvas,
    bsod_classic,
    bsod_modern,
    dot_matrix_lcd,
    error_dialog,
    obd_scanner_screen,
    render_code_display,
)
from synth.scenes import display_photo  # noqa: E402

Display = Callable[[np.random.Generator], np.ndarray]


@dataclass
class Spec:
    """One sample photo: how to draw it and what the product should answer."""

    name: str  # file name in sample_media/
    display: Display
    expected: str  # canonical code ('' = no error code / unreadable)
    family: str
    display_text: str
    notes: str
    device: str = "washer"
    bg: str = "laundry"
    size: tuple[int, int] = (1600, 1200)
    frac: float = 0.22
    tilt: float = 0.1
    rot: float = 0.0
    cam: CameraSettings = field(default_factory=CameraSettings)
    glare: tuple[float, float] | None = None
    quality: int = 82
    orientation: int | None = None  # EXIF orientation to store with


def seg(text: str, style: str, renderer: str = "dseg7_classic", digit_h: int = 90, **opts) -> Display:
    """A one-readout segment display."""
    return lambda rng: render_code_display(text, style, renderer, digit_h, rng=rng, **opts)[0]


def two_readouts(code: str, clock: str, style: str, renderer: str, digit_h: int = 80, **opts) -> Display:
    """Code on the left, remaining time on the right, with small labels."""

    def f(rng: np.random.Generator) -> np.ndarray:
        c = DisplayCanvas(int(digit_h * 6.2), int(digit_h * 1.9), style)
        c.add_segments(code, int(digit_h * 0.3), int(digit_h * 0.45), digit_h, renderer, **opts)
        c.add_segments(clock, int(digit_h * 3.0), int(digit_h * 0.6), int(digit_h * 0.8), renderer, **opts)
        c.add_label("h  min", int(digit_h * 4.3), int(digit_h * 1.5), int(digit_h * 0.22))
        return c.render(rng)

    return f


def three_readouts(rng: np.random.Generator) -> np.ndarray:
    """A panel with ``12.6`` (bar), ``0013`` (counter) and ``E4`` (status)."""
    dh = 70
    c = DisplayCanvas(dh * 9, int(dh * 3.4), "lcd_reflective")
    c.add_segments("12.6", int(dh * 0.3), int(dh * 0.4), dh, "dseg7_classic")
    c.add_label("bar", int(dh * 3.3), int(dh * 1.1), int(dh * 0.3))
    c.add_segments("0013", int(dh * 4.6), int(dh * 0.4), dh, "dseg7_classic")
    c.add_label("cycles", int(dh * 4.6), int(dh * 1.55), int(dh * 0.25))
    c.add_segments("E4", int(dh * 0.3), int(dh * 2.0), dh, "dseg7_classic")
    c.add_label("STATUS", int(dh * 2.4), int(dh * 2.5), int(dh * 0.25))
    return c.render(rng)


def with_unit(text: str, unit: str, style: str, renderer: str, digit_h: int = 90, **opts) -> Display:
    """A readout followed by a unit label (``°C``, ``rpm``, ``g``)."""

    def f(rng: np.random.Generator) -> np.ndarray:
        c0 = DisplayCanvas(10, 10, style)
        w, h = c0.measure(text, digit_h, renderer, **opts)
        c = DisplayCanvas(int(w + digit_h * 1.7), int(h + digit_h * 0.7), style)
        c.add_segments(text, int(digit_h * 0.3), int(digit_h * 0.35), digit_h, renderer, **opts)
        c.add_label(unit, int(w + digit_h * 0.45), int(digit_h * 0.4), int(digit_h * 0.42))
        return c.render(rng)

    return f


def dotm(lines: list[str], **kw) -> Display:
    return lambda rng: dot_matrix_lcd(lines, rng=rng, **kw)


LCD_BLUE_DM = dict(background=(200, 215, 238), ink=(22, 32, 90), ghost=(190, 205, 230), font="liberation_mono")
LCD_AMBER_DM = dict(background=(235, 170, 60), ink=(50, 30, 10), ghost=(225, 160, 58))

CAM = CameraSettings
BLUR12 = dict(noise=2.0, vignette=0.3)

SPECS: list[Spec] = [
    # ---------------- washers ----------------
    Spec("washer_samsung_e21_lcd_dseg7classic.jpg", seg("E21", "lcd_reflective", "dseg7_classic"), "E21", "appliance", "E21",
         "grey-green reflective LCD with ghost segments, DSEG7 Classic Regular, washer front, laundry background", bg="laundry", frac=0.2, rot=-4,
         cam=CAM(defocus=1.0, noise=3.0), quality=78),
    Spec("washer_samsung_4c_red_led_polygons.jpg", seg("4C", "led_red", "polygons", thickness=0.15, gap=0.02, slant=0.08), "4C", "appliance", "4C",
         "red LED, our own pointed segment polygons (slant 0.08), glare spot, kitchen tiles", bg="kitchen_tiles", frac=0.14, tilt=0.16,
         cam=CAM(glare=((-1, 0, 0.05, 0.5),), noise=3.5, motion=4, motion_angle=20), quality=72),
    Spec("washer_samsung_5e_blue_dseg7modern_bold.jpg", seg("5E", "lcd_blue", "dseg7_modern_bold"), "5E", "appliance", "5E",
         "blue backlit LCD, white segments, DSEG7 Modern Bold (Samsung drain, written as shown)", bg="wall", frac=0.16, rot=6,
         cam=CAM(noise=2.5, vignette=0.4), quality=85),
    Spec("washer_ue_green_led_rounded.jpg", seg("UE", "led_green", "polygons", rounded=True, thickness=0.17, gap=0.035), "UE", "appliance", "UE",
         "green LED, our rounded (pill) segments with wide gaps", bg="laundry", frac=0.13, tilt=0.2, size=(1200, 1600),
         cam=CAM(defocus=1.5, noise=3.0), quality=70),
    Spec("washer_lg_de_vfd_dseg7modern_italic.jpg", seg("dE", "vfd_white", "dseg7_modern_italic"), "dE", "appliance", "dE",
         "white VFD/OLED on black, DSEG7 Modern Italic", bg="kitchen_tiles", frac=0.15, rot=-8,
         cam=CAM(noise=3.0, glare=((-1, 0, 0.06, 0.35),)), quality=80),
    Spec("washer_samsung_sud_dseg14.jpg", seg("SUD", "led_orange", "dseg14_classic"), "SUd", "appliance", "SUD",
         "orange LED, fourteen-segment DSEG14 Classic (shows SUD for SUd)", bg="laundry", frac=0.18,
         cam=CAM(noise=2.5, motion=3, motion_angle=-10), quality=76),
    Spec("washer_lg_oe_red_slanted_thin.jpg", seg("OE", "led_red", "polygons", thickness=0.09, gap=0.01, slant=0.15, width_ratio=0.5), "OE", "appliance", "OE",
         "red LED, thin steeply slanted polygon segments", bg="wall", frac=0.12, tilt=0.12, size=(1200, 1600),
         cam=CAM(noise=3.0, shadow=0.3), quality=74),
    Spec("washer_lg_ie_lcd_dseg7classic_bolditalic.jpg", seg("IE", "lcd_reflective", "dseg7_classic_bold_italic"), "IE", "appliance", "IE",
         "reflective LCD, DSEG7 Classic Bold Italic", bg="laundry", frac=0.17, rot=3,
         cam=CAM(noise=2.5, glare=((-1, 0, 0.04, 0.4),)), quality=84),
    Spec("washer_lg_le_orange_polygons_thick.jpg", seg("LE", "led_orange", "polygons", thickness=0.2, gap=0.025), "LE", "appliance", "LE",
         "orange LED, thick polygon segments", bg="kitchen_tiles", frac=0.11, tilt=0.14,
         cam=CAM(noise=3.5, defocus=1.2), quality=68),
    Spec("washer_bosch_f21_vfd_dseg7classic.jpg", seg("F21", "vfd_teal", "dseg7_classic"), "F21", "appliance", "F21",
         "teal VFD on black, DSEG7 Classic", bg="laundry", frac=0.16, rot=-2,
         cam=CAM(noise=2.5), quality=88),
    Spec("washer_bosch_e18_12mp.jpg", seg("E18", "vfd_white", "dseg7_modern", digit_h=200), "E18", "appliance", "E18",
         "12 MP original (4032x3024), white-on-black DSEG7 Modern, washer front", bg="laundry", size=(4032, 3024), frac=0.16,
         cam=CAM(**BLUR12), quality=85),
    Spec("washer_code_and_clock_ue_052.jpg", two_readouts("UE", "0:52", "lcd_reflective", "dseg7_classic"), "UE", "appliance", "UE  0:52",
         "code AND remaining-time clock on one LCD; only the code is an error code", bg="laundry", frac=0.26,
         cam=CAM(noise=2.5), quality=80),
    Spec("washer_exif6_de_lcd.jpg", seg("dE", "lcd_amber", "dseg7_classic_bold"), "dE", "appliance", "dE",
         "stored rotated: upright 1200x1600 photo saved as 1600x1200 pixels with EXIF Orientation 6; amber LCD, DSEG7 Classic Bold",
         bg="wall", size=(1200, 1600), frac=0.2, orientation=6, cam=CAM(noise=2.5), quality=82),
    # ---------------- dishwashers ----------------
    Spec("dishwasher_bosch_e15_red_polygons.jpg", seg("E15", "led_red", "polygons", thickness=0.12, gap=0.02), "E15", "appliance", "E15",
         "stainless dishwasher strip, red LED polygon segments, portrait", device="dishwasher", bg="kitchen_tiles", size=(1200, 1600), frac=0.2,
         cam=CAM(noise=3.0, glare=((-1, 0, 0.05, 0.45),)), quality=77),
    Spec("dishwasher_bosch_e24_blue_dseg7modern.jpg", seg("E24", "lcd_blue", "dseg7_modern"), "E24", "appliance", "E24",
         "blue backlit LCD, DSEG7 Modern Regular, dishwasher", device="dishwasher", bg="kitchen_tiles", frac=0.15, tilt=0.15,
         cam=CAM(noise=2.5, motion=5, motion_angle=5), quality=72),
    # ---------------- boilers ----------------
    Spec("boiler_vaillant_f28_lcd_12mp.jpg", seg("F.28", "lcd_reflective", "dseg7_classic", digit_h=200), "F.28", "appliance", "F.28",
         "12 MP original, boiler casing with pressure gauge, reflective LCD with ghosts, DSEG7 Classic", device="boiler", bg="wall",
         size=(4032, 3024), frac=0.15, cam=CAM(noise=2.0, vignette=0.35, glare=((-1, 0, 0.03, 0.4),)), quality=84),
    Spec("boiler_vaillant_f22_blue_polygons.heic", seg("F.22", "lcd_blue", "polygons", thickness=0.12, slant=0.05), "F.22", "appliance", "F.22",
         "HEIC; blue backlit LCD, polygon segments with decimal point", device="boiler", bg="wall", frac=0.18,
         cam=CAM(noise=1.5), quality=60),
    Spec("boiler_worcester_ea_amber.jpg", seg("EA", "lcd_amber", "dseg7_classic"), "EA", "appliance", "EA",
         "amber backlit LCD, DSEG7 Classic, boiler", device="boiler", bg="wall", frac=0.13, rot=5,
         cam=CAM(noise=3.0, shadow=0.35), quality=80),
    Spec("boiler_worcester_227_green.jpg", seg("227", "led_green", "polygons", thickness=0.14, gap=0.015, slant=0.06), "227", "appliance", "227",
         "green LED, polygon segments, boiler", device="boiler", bg="garage", frac=0.14, tilt=0.15,
         cam=CAM(noise=3.5, defocus=1.0), quality=66),
    Spec("boiler_baxi_e133_lcd_dseg7modern.jpg", seg("E133", "lcd_dark_on_light", "dseg7_modern_bold"), "E133", "appliance", "E133",
         "plain dark-on-light LCD, DSEG7 Modern Bold, boiler", device="boiler", bg="wall", frac=0.15,
         cam=CAM(noise=2.5, glare=((-1, 0, 0.05, 0.5),)), quality=86),
    # ---------------- printers ----------------
    Spec("printer_hp_504_fuser_lcd.jpg", dotm(["50.4 FUSER ERROR", "TURN OFF THEN ON"]), "50.4", "printer", "50.4 FUSER ERROR / TURN OFF THEN ON",
         "printer control panel, green dot-matrix character LCD (DejaVu Sans Mono raster)", device="printer", bg="desk", frac=0.24, rot=-3,
         cam=CAM(noise=2.5), quality=80),
    Spec("printer_hp_494c02_12mp.jpg", dotm(["49.4C02 ERROR", "TURN OFF THEN ON"], dot=9, **LCD_BLUE_DM), "49.4C02", "printer",
         "49.4C02 ERROR / TURN OFF THEN ON", "12 MP original, blue-white dot-matrix LCD (Liberation Mono raster), printer body", device="printer",
         bg="desk", size=(4032, 3024), frac=0.2, cam=CAM(noise=2.0, vignette=0.3, glare=((-1, 0, 0.03, 0.3),)), quality=83),
    Spec("printer_hp_1320_jam.heic", dotm(["13.20 JAM INSIDE", "OPEN FRONT DOOR"], **LCD_AMBER_DM), "13.20", "printer", "13.20 JAM INSIDE / OPEN FRONT DOOR",
         "HEIC; amber dot-matrix LCD on printer body", device="printer", bg="desk", frac=0.25, tilt=0.14, cam=CAM(noise=1.5), quality=60),
    # ---------------- OBD-II ----------------
    Spec("obd_p0420_scanner_colour.jpg", lambda rng: obd_scanner_screen("P0420", "Catalyst efficiency below limit (bank 1)"), "P0420", "obd2",
         "P0420", "handheld OBD-II reader, colour TFT screen, DejaVu Sans", device="scanner", bg="garage", frac=0.3, rot=-7,
         size=(1200, 1600), cam=CAM(noise=3.0, glare=((-1, 0, 0.05, 0.4),)), quality=78),
    Spec("obd_p0171_scanner_mono.jpg", lambda rng: obd_scanner_screen("P0171", "Fuel mixture too lean, bank 1", colour=False), "P0171", "obd2",
         "P0171", "handheld OBD-II reader, monochrome blue LCD look", device="scanner", bg="garage", frac=0.28, tilt=0.15,
         cam=CAM(noise=3.0, motion=4, motion_angle=60), quality=72),
    Spec("obd_p0300_scanner_dotmatrix.jpg", dotm(["DTC 1 OF 1  P0300", "RANDOM MISFIRE"], cols=18, **LCD_BLUE_DM), "P0300", "obd2",
         "DTC 1 OF 1  P0300 / RANDOM MISFIRE", "cheap code reader with dot-matrix LCD", device="scanner", bg="garage", frac=0.3, size=(1200, 1600),
         cam=CAM(noise=2.5), quality=75),
    # ---------------- Windows ----------------
    Spec("windows_bsod_critical_process_died_monitor.jpg", lambda rng: bsod_modern("CRITICAL_PROCESS_DIED", 35, rng=rng), "0x000000EF", "windows_stop",
         "Stop code: CRITICAL_PROCESS_DIED", "modern blue screen photographed on a monitor (moire, angle); wording ours",
         device="monitor", bg="desk", frac=0.66, tilt=0.08, rot=2, cam=CAM(noise=2.5, glare=((-1, 0, 0.06, 0.25),)), quality=80),
    Spec("windows_bsod_stop_0x7b_classic.jpg", lambda rng: bsod_classic("0x0000007B", "INACCESSIBLE_BOOT_DEVICE"), "0x0000007B", "windows_stop",
         "*** STOP: 0x0000007B (...)", "older blue screen (monospace) on a monitor; wording ours", device="monitor", bg="desk", frac=0.7, tilt=0.06,
         cam=CAM(noise=2.0), quality=84),
    # ---------------- router ----------------
    Spec("router_error_691_dialog.jpg", lambda rng: error_dialog(691, "The user name or password was refused by the remote server."), "691", "router",
         "Error 691: ...", "PPPoE connection error dialog on a PC monitor; wording ours", device="monitor", bg="desk", frac=0.68, tilt=0.07, rot=-2,
         cam=CAM(noise=2.5), quality=79),
    # ---------------- codes not in the knowledge base ----------------
    Spec("unmapped_e97_washer.jpg", seg("E97", "led_red", "dseg7_classic_bold"), "E97", "appliance", "E97",
         "code NOT in the knowledge base: must be reported as unmapped", bg="laundry", frac=0.16, cam=CAM(noise=3.0), quality=80),
    Spec("unmapped_h7_oven.jpg", seg("H7", "vfd_teal", "polygons", thickness=0.13), "H7", "appliance", "H7",
         "code NOT in the knowledge base (oven), polygon segments on VFD", device="oven", bg="kitchen_tiles", frac=0.14,
         cam=CAM(noise=3.0), quality=76),
    # ---------------- no error code ----------------
    Spec("nocode_oven_clock_1245.jpg", seg("12:45", "vfd_teal", "dseg7_classic"), "", "appliance", "12:45",
         "oven clock, no error code", device="oven", bg="kitchen_tiles", frac=0.18, cam=CAM(noise=3.0), quality=80),
    Spec("nocode_thermostat_235c.jpg", with_unit("23.5", "°C", "lcd_dark_on_light", "dseg7_modern"), "", "appliance", "23.5 °C",
         "room thermostat temperature, no error code", device="thermostat", bg="wall", frac=0.14, size=(1200, 1600), cam=CAM(noise=2.5), quality=82),
    Spec("nocode_washer_spin_1400.jpg", with_unit("1400", "rpm", "led_red", "polygons", thickness=0.13), "", "appliance", "1400 rpm",
         "washer spin speed, no error code", bg="laundry", frac=0.2, cam=CAM(noise=3.0), quality=78),
    Spec("nocode_scale_25601.jpg", with_unit("256.01", "g", "lcd_reflective", "dseg7_classic"), "", "appliance", "256.01 g",
         "kitchen scale reading, no error code", device="scale", bg="kitchen_tiles", frac=0.22, tilt=0.15, cam=CAM(noise=2.5), quality=80),
    Spec("nocode_oven_timer_035.jpg", seg("0:35", "led_orange", "polygons", rounded=True, thickness=0.14), "", "appliance", "0:35",
         "oven timer, no error code", device="oven", bg="kitchen_tiles", frac=0.13, cam=CAM(noise=3.0, glare=((-1, 0, 0.05, 0.4),)), quality=74),
    Spec("three_readouts_e4.jpg", three_readouts, "E4", "appliance", "12.6 bar | 0013 cycles | E4 STATUS",
         "one LCD with three readouts; only E4 is an error code (Samsung alias of UE)", device="bare", bg="garage", frac=0.34,
         cam=CAM(noise=2.5), quality=82),
    # ---------------- unreadable (product should abstain) ----------------
    Spec("unreadable_extreme_blur.jpg", seg("E21", "lcd_reflective", "dseg7_classic"), "", "appliance", "E21 (not legible)",
         "extreme defocus blur (disc radius ~ digit height): digits cannot be read; expected: abstain / ask to retake", bg="laundry", frac=0.18,
         cam=CAM(defocus=45, noise=2.5), quality=80),
    Spec("unreadable_glare_over_digits.jpg", seg("F.28", "lcd_reflective", "dseg7_classic"), "", "appliance", "F.28 (hidden by glare)",
         "saturated reflection covering the digits; expected: abstain / ask to retake", device="boiler", bg="wall", frac=0.16,
         glare=(0.09, 2.5), cam=CAM(noise=2.5), quality=80),
]


def render(spec: Spec, seed: int) -> bytes:
    """Render one spec into file bytes (JPEG or HEIC by extension)."""
    rng = np.random.default_rng(seed)
    disp = spec.display(rng)
    photo, _ = display_photo(disp, rng, device=spec.device, bg_kind=spec.bg, size=spec.size, display_width_frac=spec.frac,
                             tilt=spec.tilt, rotate_deg=spec.rot, cam=spec.cam, glare_on_display=spec.glare)
    if spec.name.endswith(".heic"):
        return encode_heic(photo, spec.quality)
    stored = photo if spec.orientation is None else store_for_orientation(photo, spec.orientation)
    return encode_jpeg(stored, spec.quality, orientation=spec.orientation if spec.orientation else 1)


README_HEAD = """# Sample media (synthetic)

Photo-like pictures of appliance, printer, car-scanner and PC displays, made entirely by our own
code (`synth/` package). Nothing here is a real photo or a copied image.

Regenerate (deterministic, fixed seeds, under 2 minutes on 2 cores):

```
.venv/bin/python scripts/make_sample_media.py
```

`expected.csv` holds the answer for each file: `expected` is the canonical code the product
should report (spelled as in the knowledge base; Windows stop codes as hex), empty when the
photo shows no error code or the code cannot be read (the product should then abstain or ask
for a retake). `display_text` is what the display shows.

Licence: the images and this table are ours, CC0 (public domain dedication). Glyphs drawn with
DSEG7/DSEG14 fonts (Keshikan, SIL Open Font License 1.1), DejaVu fonts (Bitstream Vera licence)
and Liberation fonts (SIL OFL 1.1); the fonts' licences do not restrict images made with them.
All screen wording is ours; brand names on the devices are invented.

| file | how made | licence | expected |
| --- | --- | --- | --- |
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "sample_media"))
    ap.add_argument("--only", default="", help="render only files whose name contains this")
    a = ap.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    total = 0
    for i, spec in enumerate(SPECS):
        if a.only and a.only not in spec.name:
            continue
        data = render(spec, seed=1000 + i)
        (out / spec.name).write_bytes(data)
        total += len(data)
        print(f"{spec.name:55s} {len(data) / 1024:7.0f} KiB  {time.time() - t0:5.1f} s", flush=True)
    if a.only:
        return 0
    with open(out / "expected.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["path", "expected", "family", "display_text", "notes"])
        for s in SPECS:
            notes = s.notes + f"; {s.size[0]}x{s.size[1]}" + (f" upright, EXIF orientation {s.orientation}" if s.orientation else "") + (f"; quality {s.quality}")
            w.writerow([s.name, s.expected, s.family, s.display_text, notes])
    rows = [f"| `{s.name}` | {s.notes} | CC0 (ours) | {s.expected or '(none: abstain)'} |" for s in SPECS]
    (out / "README.md").write_text(README_HEAD + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(SPECS)} files, {total / 1e6:.1f} MB, {time.time() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
