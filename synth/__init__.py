"""Synthetic, photo-like test media for Telltale (our own renderers, no copied images).

Modules:
    displays:     render display panels (seven-segment LCD/LED/VFD via DSEG fonts or our own
                  segment polygons, dot-matrix LCDs, blue screens, dialogs, scanner screens).
    scenes:       put a display on an appliance front / printer / boiler / monitor and that
                  into a photo-like background.
    camera:       camera effects (perspective, blur, glare, noise, vignetting) and encoders
                  (JPEG with EXIF orientation, HEIC).
    test_inputs:  factories for the hard test inputs T1-T7 and T13 of
                  ``/work/shared/docs/TEST-INPUTS.md``.

Everything is deterministic for a given seed (``numpy.random.default_rng(seed)``).
Fonts: DSEG7/DSEG14 (SIL OFL 1.1, Debian ``fonts-dseg``), DejaVu and Liberation
(Debian ``fonts-dejavu-core``, ``fonts-liberation``).
"""

from synth.displays import STYLES, DisplayCanvas, DisplayStyle, render_code_display  # noqa: F401
