"""Demo page for reviewers: every bundled sample with expected vs found answers, a
correct/incorrect mark, the time per file and the overall score.

Scores come from :func:`diagnostics.api.evaluate` on ``sample_media/expected.csv``, so
the panel shows exactly the figures of the evaluation CLI.  Runs on a button; the
report is kept in the session."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from diagnostics import api
from diagnostics.config import SAMPLE_MEDIA_DIR
from diagnostics.ui import components as ui
from diagnostics.ui.samples import list_samples

REPORT_KEY = "tt_demo_report"
THUMB_SIDE = 320


@st.cache_data(show_spinner=False, max_entries=256)
def _thumbnail(path: str, mtime: float) -> np.ndarray | None:
    """Small upright RGB preview ((h, w, 3) uint8, long side <= THUMB_SIDE px), None if
    the file is not a decodable image.  ``mtime`` only keys the cache."""
    try:
        from PIL import Image, ImageOps

        try:
            import pillow_heif

            pillow_heif.register_heif_opener()
        except ImportError:
            pass
        with Image.open(path) as im:
            im = ImageOps.exif_transpose(im).convert("RGB")
            im.thumbnail((THUMB_SIDE, THUMB_SIDE))
            return np.asarray(im)
    except Exception:  # noqa: BLE001 - a preview is optional
        return None


st.title("Demo: bundled samples")
manifest = SAMPLE_MEDIA_DIR / "expected.csv"
st.caption(f"Every photo listed in {manifest.parent.name}/{manifest.name} is analysed on its own and compared "
           "with its expected answer (an error code, the display text when it is not a code, or nothing).")

c1, c2 = st.columns([1, 3], vertical_alignment="center")
run = c1.button("Run all samples", type="primary", key="demo_run", icon=":material/play_arrow:")
only_wrong = c2.toggle("Show only incorrect", key="demo_only_wrong")

if run:
    bar = st.progress(0.0, text="Starting")

    def _progress(fraction: float, message: str) -> None:
        try:
            bar.progress(min(1.0, max(0.0, float(fraction))), text=str(message)[:120])
        except Exception:  # noqa: BLE001
            pass

    try:
        st.session_state[REPORT_KEY] = api.evaluate(manifest, progress=_progress)
    except Exception as exc:  # noqa: BLE001 - shown as a friendly message
        message, hint = ui.describe_failure(exc)
        st.error(message, icon=":material/error:")
        if hint:
            st.info(hint)
    bar.empty()

report = st.session_state.get(REPORT_KEY)
samples = list_samples()
if report is None:
    st.info("Press **Run all samples** to analyse every sample.", icon=":material/play_arrow:")
else:
    n = len(report.rows)
    m = st.columns(6)
    m[0].metric("Exact match", f"{report.accuracy:.0%}", help=f"{sum(r.correct for r in report.rows)} of {n} photos")
    m[1].metric("Code precision", f"{report.precision:.2f}", help="correct codes presented / codes presented")
    m[2].metric("Code recall", f"{report.recall:.2f}", help="correct codes presented / photos with a code")
    m[3].metric("Abstentions", report.abstentions, help="photos with a code where nothing was presented")
    m[4].metric("Wrong-code photos", report.false_positive_photos)
    m[5].metric("Median time", f"{report.median_seconds:.1f} s")

by_path = {str(Path(r.path)): r for r in report.rows} if report is not None else {}
paths = [str(s.path) for s in samples] + [p for p in by_path if p not in {str(s.path) for s in samples}]
expected = {str(s.path): s.expected for s in samples}
if not paths:
    st.info("No sample media found in sample_media/.", icon=":material/photo_library:")
    st.stop()

widths = [2, 2, 2, 3, 1, 1]
head = st.columns(widths)
for col, label in zip(head, ["Photo", "File", "Expected", "Found", "Result", "Time"]):
    col.markdown(f"**{label}**")
for path in paths:
    r = by_path.get(path)
    if only_wrong and (r is None or r.correct):
        continue
    p = Path(path)
    with st.container(border=True):
        cols = st.columns(widths, vertical_alignment="center")
        thumb = _thumbnail(str(p), p.stat().st_mtime) if p.is_file() else None
        if thumb is not None:
            cols[0].image(thumb, width="stretch")
        else:
            cols[0].caption("(no preview)")
        cols[1].text(p.name)
        exp = r.expected if r is not None else expected.get(path)
        if exp is None:
            cols[2].caption("(not in the manifest)")
        else:
            cols[2].text((exp or "(no code)")
                         + ("\n(display text)" if r is not None and exp and not r.expected_is_code else ""))
        if r is None:
            cols[3].caption("not run yet")
            continue
        found = "Codes: " + (", ".join(r.codes) if r.codes else "none")
        if r.readings:
            found += "\nRead: " + ", ".join(r.readings[:6]) + (" …" if len(r.readings) > 6 else "")
        cols[3].text(found)
        if r.error:
            cols[3].caption(r.error)
        if r.correct:
            cols[4].markdown(":green[**✓ correct**]")
        elif r.abstained:
            cols[4].markdown(":orange[**– abstained**]")
        else:
            cols[4].markdown(":red[**✗ wrong**]")
        cols[5].text(f"{r.seconds:.1f} s")
