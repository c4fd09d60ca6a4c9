"""Synthetic car tell-tale symbols for training and testing the symbol classifier.

Modules:
    symbols: our own procedural drawings of each ISO 2575 tell-tale class (and of
             "unknown" symbols) as alpha masks, with many drawing styles.
    mdi:     the matching Material Design Icons (npm ``@mdi/svg``, Apache-2.0), when
             ``scripts/fetch_mdi_icons.sh`` has fetched them (optional).
    scene:   lit symbols on generated dashboard backgrounds with camera effects: the crop
             a detector hands the classifier (:func:`render_crop`) and whole panels with
             ground truth (:func:`render_dashboard`).
"""

from synth.telltales.scene import LightTruth, render_crop, render_dashboard  # noqa: F401
from synth.telltales.symbols import CLASSES, ISO_2575, TELLTALE_CLASSES, UNKNOWN, draw_symbol, draw_unknown  # noqa: F401
