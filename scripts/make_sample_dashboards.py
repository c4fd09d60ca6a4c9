#!/usr/bin/env python
"""Regenerate ``sample_media/dashboards/``: synthetic phone photos of car instrument clusters
with lit tell-tales, and of router / modem (and one boiler) front panels with status lights, plus
``expected.csv`` (the answers) and ``README.md``.  Deterministic (fixed seeds).

Dashboards come from :func:`synth.telltales.scene.render_dashboard` (our own symbol
drawings on generated cluster backgrounds); the colour of each light is part of the render's
ground truth, so for each photo the first seed (from its base seed) whose lights have the
colours we want is used.  Router and modem faces are drawn by :func:`synth.av.led_panel`
(round LEDs, printed labels) and photographed by :func:`synth.scenes.display_photo`.  On top:
phone effects (perspective, blur, sensor noise, a reflection, JPEG).

Usage::

    .venv/bin/python scripts/make_sample_dashboards.py [--out sample_media/dashboards] [--only NAME_SUBSTRING]

``expected.csv`` columns: ``path``, ``expected`` (the codes that should be presented, ``;``
between them; see :mod:`diagnostics.telltales` for the notation), ``lights`` (every light
that should be seen, ``;`` between them: ``oil_pressure:red`` for a tell-tale,
``led:internet:red:steady`` / ``led:lan:off`` / ``led:all:off`` for status lights; scored
per class by ``python -m diagnostics eval``), ``notes``.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synth.camera import CameraSettings, add_glare, defocus_blur, encode_jpeg, sensor_noise  # noqa: E402

COLOUR_CODES = {"red": "RED", "amber": "AMBER", "green": "GREEN", "blue": "BLUE", "white": "WHITE"}


@dataclass
class Sample:
    """One photo: ``make(rng) -> (image, expected codes, lights, notes)``."""

    name: str
    make: Callable[[], tuple[np.ndarray, list[str], list[str], str]]
    quality: int = 82


# ----------------------------------------------------------------------------- dashboards
def dashboard(wanted: list[tuple[str, str]], *, seed: int, size=(1600, 1000), split: str = "train", ghosts: int = 2,
              glare: tuple[float, float, float, float] | None = None, blur: float = 0.0, noise: float = 2.0,
              symbol_frac: float | None = None) -> Callable:
    """A cluster photo lighting ``wanted`` = ``[(class, colour)]``; the first seed from ``seed``
    whose render gives those colours is used (at most 400 tries)."""

    def make():
        from synth.telltales.scene import render_dashboard

        W, H = size
        for s in range(seed, seed + 400):
            rng = np.random.default_rng(s)
            img, truths = render_dashboard(rng, labels=[lab for lab, _ in wanted], width=W, height=H, split=split,
                                           ghosts=ghosts, symbol_px=int(symbol_frac * H) if symbol_frac else None)
            lit = {t.label: t.colour for t in truths if t.lit}
            if all(lit.get(lab) == col for lab, col in wanted):
                break
        else:
            raise RuntimeError(f"no seed in {seed}..{seed + 399} gives the colours {wanted}")
        if glare is not None:
            gx, gy, gr, gs = glare
            img = add_glare(img, rng, center=(gx * W, gy * H), radius=gr, strength=gs)
        if blur:
            img = defocus_blur(img, blur)
        if noise:
            img = sensor_noise(img, rng, sigma=noise)
        codes = [f"TELLTALE:{lab.upper()}:{COLOUR_CODES[col]}" for lab, col in wanted]
        lights = [f"{lab}:{col}" for lab, col in wanted]
        return img, codes, lights, f"seed {s}, {split} settings, {len([t for t in truths if not t.lit])} unlit symbols"

    return make


# ----------------------------------------------------------------------------- routers
ROUTER_CAM = CameraSettings(noise=3.0, vignette=0.25, defocus=0.8)


def router(leds: list[tuple[str, tuple[float, float]]], states: dict[str, str | None], *, seed: int, title: str,
           body=(32, 33, 36), ink=(200, 200, 205), face=(760, 280), label_px=24, frac=0.6, bg="wall",
           cam: CameraSettings = ROUTER_CAM, expected: list[str] | None = None, extra_lights: list[str] | None = None,
           glare: tuple[float, float] | None = None) -> Callable:
    """A router / modem front photographed at an angle; ``states`` = label -> colour or ``None`` (off)."""

    def make():
        from synth.av import led_panel
        from synth.scenes import display_photo

        rng = np.random.default_rng(seed)
        img = led_panel(face[0], face[1], leds, states, body=body, ink=ink, title=title, label_px=label_px, rng=rng)
        photo, _ = display_photo(img, rng, device="bare", bg_kind=bg, size=(1600, 1200), display_width_frac=frac,
                                 tilt=0.09, cam=cam, glare_on_display=glare)
        lights = []
        for lab, _ in leds:
            norm = LABELS[lab]
            col = states.get(lab)
            lights.append(f"led:{norm}:{col}:steady" if col else f"led:{norm}:off")
        lights += extra_lights or []
        return photo, list(expected or []), lights, f"seed {seed}; {title}"

    return make


LABELS = {"Power": "power", "Internet": "internet", "WiFi": "wifi", "Wi-Fi": "wifi", "LAN": "lan", "DSL": "dsl",
          "WPS": "wps", "Phone": "phone", "WAN": "wan", "Fault": "fault", "Burner": "burner"}

ROUTER4 = [("Power", (0.12, 0.5)), ("Internet", (0.34, 0.5)), ("WiFi", (0.56, 0.5)), ("LAN", (0.78, 0.5))]
MODEM = [("Power", (0.1, 0.52)), ("DSL", (0.28, 0.52)), ("Internet", (0.46, 0.52)), ("WiFi", (0.64, 0.52)),
         ("Phone", (0.82, 0.52))]


def samples() -> list[Sample]:
    return [
        Sample("dash_oil_pressure_red.jpg", dashboard([("oil_pressure", "red")], seed=5100)),
        Sample("dash_battery_red_engine_amber.jpg",
               dashboard([("battery_charge", "red"), ("engine_mil", "amber")], seed=5200)),
        Sample("dash_three_brake_red_abs_tyre_amber.jpg",
               dashboard([("brake_system", "red"), ("abs", "amber"), ("tyre_pressure", "amber")], seed=5300,
                         glare=(0.7, 0.3, 0.08, 0.9))),
        Sample("dash_coolant_red_seatbelt_red_fuel_amber.jpg",
               dashboard([("coolant_temperature", "red"), ("seat_belt", "red"), ("low_fuel", "amber")], seed=5400,
                         size=(1280, 960), blur=1.2)),
        Sample("dash_high_beam_blue_glow_plug_amber.jpg",
               dashboard([("high_beam", "blue"), ("glow_plug", "amber")], seed=5500, noise=4.0), quality=74),
        Sample("dash_airbag_red_esp_amber_small.jpg",
               dashboard([("airbag", "red"), ("esp_traction", "amber"), ("low_beam", "green")], seed=5600,
                         size=(2000, 1125), symbol_frac=0.05)),
        Sample("dash_unknown_symbol_amber.jpg", dashboard([("unknown", "amber")], seed=5700)),
        Sample("dash_unknown_red_with_engine_amber.jpg",
               dashboard([("unknown", "red"), ("engine_mil", "amber")], seed=5800)),
        Sample("router_internet_red.jpg",
               router(ROUTER4, {"Power": "green", "Internet": "red", "WiFi": "green", "LAN": None}, seed=6100,
                      title="ORBEL HomeHub", expected=["LED:INTERNET:RED:STEADY", "LED:POWER:GREEN:STEADY"])),
        Sample("router_power_red.jpg",
               router(ROUTER4, {"Power": "red", "Internet": None, "WiFi": None, "LAN": None}, seed=6200,
                      title="ORBEL HomeHub", body=(238, 238, 234), ink=(60, 60, 66),
                      expected=["LED:POWER:RED:STEADY"])),
        Sample("router_all_off.jpg",
               router(ROUTER4, {"Power": None, "Internet": None, "WiFi": None, "LAN": None}, seed=6300,
                      title="ORBEL HomeHub", expected=["LED:ALL:OFF"], extra_lights=["led:all:off"])),
        Sample("modem_dsl_off.jpg",
               router(MODEM, {"Power": "green", "DSL": None, "Internet": None, "WiFi": "green", "Phone": None},
                      seed=6400, title="NETVIA DSL 5", body=(236, 236, 232), ink=(64, 64, 70), face=(820, 300),
                      label_px=22, expected=["LED:POWER:GREEN:STEADY", "LED:DSL:OFF"], glare=(0.05, 0.8))),
        Sample("boiler_fault_light_red.jpg",
               router([("Power", (0.2, 0.55)), ("Burner", (0.5, 0.55)), ("Fault", (0.8, 0.55))],
                      {"Power": "green", "Burner": None, "Fault": "red"}, seed=6500, title="KELVIX Combi 28",
                      body=(240, 240, 236), ink=(60, 60, 66), face=(640, 300), label_px=24, frac=0.45, bg="kitchen_tiles",
                      expected=["LED:FAULT:RED:STEADY"])),
    ]


README = """# Sample dashboard and router photos (synthetic)

Phone-like photos of car instrument clusters with lit tell-tales and of router / modem
(and one boiler) front panels with status lights, made entirely by our own code. Nothing here is a real
photo or a copied image.

Regenerate (deterministic, fixed seeds):

```
.venv/bin/python scripts/make_sample_dashboards.py
```

`expected.csv`: `expected` lists the codes the product should present (`;` between them):
`TELLTALE:<CLASS>:<COLOUR>` for a tell-tale, `LED:<LABEL>:<COLOUR>:<STATE>`, `LED:<LABEL>:OFF` and
`LED:ALL:OFF` for status lights (notation in `diagnostics/telltales.py`). A status light that
is normal and not in the knowledge base (a green Wi-Fi light) is shown as evidence, not as a
finding. `lights` lists every light that should be seen, scored per class by
`python -m diagnostics eval sample_media/dashboards/expected.csv` (precision and recall per
class): `oil_pressure:red`, `unknown:amber`, `led:internet:red:steady`, `led:lan:off`,
`led:all:off`.

How they are made: clusters by `synth.telltales.scene.render_dashboard` (our procedural
drawings of ISO 2575 style symbols, lit with glow and a clipped core, unlit "ghost" symbols
between them, gauges, perspective, rotation, camera effects), then a reflection, defocus
blur and sensor noise where noted; routers by `synth.av.led_panel` (round LEDs and printed
labels in DejaVu Sans Bold) photographed at an angle by `synth.scenes.display_photo`. JPEG.

Licence: the images and this table are ours, CC0 (public domain dedication). DejaVu fonts
(Bitstream Vera licence) do not restrict images made with them. Brand names are invented.

| file | what it shows | expected |
| --- | --- | --- |
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(ROOT / "sample_media" / "dashboards"))
    ap.add_argument("--only", default="")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    t0 = time.perf_counter()
    for smp in samples():
        if args.only and args.only not in smp.name:
            continue
        img, codes, lights, notes = smp.make()
        (out / smp.name).write_bytes(encode_jpeg(np.ascontiguousarray(img), smp.quality))
        rows.append({"path": smp.name, "expected": ";".join(codes), "lights": ";".join(lights),
                     "notes": f"{notes}; {img.shape[1]}x{img.shape[0]}; JPEG quality {smp.quality}"})
        print(f"{smp.name}: {';'.join(codes)}", flush=True)
    if not args.only:
        with (out / "expected.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=["path", "expected", "lights", "notes"])
            w.writeheader()
            w.writerows(rows)
        table = "".join(f"| `{r['path']}` | {r['lights'].replace(';', ', ')} ({r['notes']}) | {r['expected'].replace(';', ', ')} |\n"
                        for r in rows)
        (out / "README.md").write_text(README + table, encoding="utf-8")
    print(f"{len(rows)} photos in {time.perf_counter() - t0:.1f} s -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
