"""Diagnose page (default): photos, videos, voice notes and/or the customer's text in,
findings (with the frames and words they came from), ranked suggestions and an
editable reply out.  The result is kept in the session so any later
widget change shows the same result (TEST-INPUTS T12)."""

from __future__ import annotations

import streamlit as st

from diagnostics import api
from diagnostics.auth import DIAGNOSE
from diagnostics.ui import components as ui
from diagnostics.ui import feedback as fb
from diagnostics.ui import session, state
from diagnostics.ui.samples import list_samples

# Formats named in the upload help.  The uploader accepts any file (type=None) because
# formats are detected from content: an HEIC named .jpg or a file without extension works.
UPLOAD_TYPES_HELP = ("photos (JPEG, PNG, WebP, GIF, BMP, TIFF, HEIC/HEIF), videos (MP4, 3GP, MOV, WebM, MKV) "
                     "and voice notes or recordings (OGG/Opus, M4A/AAC, AMR, MP3, WAV)")

user = session.page_user(DIAGNOSE)
st.title("Diagnose a customer case")
st.caption("Upload the photos, videos or voice notes the customer sent (or pick a sample), add what they wrote, "
           "and press **Diagnose**.")

samples = list_samples()
by_name = {s.name: s for s in samples}

col_in, col_text = st.columns([3, 2], gap="large")
with col_in:
    uploads = st.file_uploader(
        "Photos, videos or voice notes from the customer",
        accept_multiple_files=True,
        type=None,
        key="upload_files",
        help=f"One or several files: {UPLOAD_TYPES_HELP}. The format is recognised from the content, not the name.",
    )
    sample_name = st.selectbox(
        "…or a sample",
        options=[""] + list(by_name),
        format_func=lambda n: n or "— none —",
        key="sample_pick",
        disabled=not samples,
        help="Bundled demo photos, videos and voice notes (sample_media/ and sample_media/av/).",
    )
with col_text:
    customer_text = st.text_area(
        "What the customer wrote",
        key="customer_text",
        height=122,
        placeholder="e.g. “my washer stopped and shows E21, water still inside”",
    )

# What would be analysed now. getvalue() (not read()) so a rerun never sees an empty file.
files: list[tuple[str, bytes]] = []
if uploads:
    files = [(u.name, u.getvalue()) for u in uploads]
    if sample_name:
        st.caption("Uploaded files are used; the sample choice is ignored.")
elif sample_name:
    sample = by_name[sample_name]
    try:
        files = [(sample.path.name, sample.path.read_bytes())]
    except OSError:
        st.error("This sample file could not be read.", icon=":material/error:")
text = (customer_text or "").strip()
ready = bool(files or text)
run = st.button("Diagnose", type="primary", key="run_diagnose", disabled=not ready, icon=":material/troubleshoot:")

if run and ready:
    key = state.case_key(files, text)
    cached = state.get_case(st.session_state, key)
    revision = fb.kb_revision()  # a case kept from before a knowledge-base change is analysed again
    if cached is not None and not cached.error and cached.kb_revision == revision:
        state.store_case(st.session_state, cached)
    else:
        label = f"Analysing {len(files)} file{'s' if len(files) != 1 else ''}…" if files else "Reading the text…"
        with st.status(label, expanded=True) as status:
            bar = st.progress(0.0, text="Starting")

            def _progress(fraction: float, message: str) -> None:
                try:
                    bar.progress(min(1.0, max(0.0, float(fraction))), text=str(message)[:120])
                except Exception:  # noqa: BLE001 - progress display must never stop the run
                    pass

            case = ui.run_case(files, text, api.diagnose, _progress)
            case.kb_revision = revision
            status.update(label=f"Done in {case.seconds:.1f} s" if not case.error else "Could not finish",
                          state="complete" if not case.error else "error", expanded=False)
        state.store_case(st.session_state, case)

case = state.current_case(st.session_state)
if case is None:
    st.info("No case analysed yet.", icon=":material/photo_camera:")
    st.stop()

st.divider()
if ready and state.case_key(files, text) != case.key:
    st.caption("Showing the last result. The files or text changed: press **Diagnose** to analyse them.")
st.subheader("Result")
ui.render_summary(case)
if case.error:
    st.stop()
d = case.diagnosis

st.markdown("#### Files and findings")
for i, m in enumerate(d.media):
    ui.render_media(m, i, case.bytes_for(i, m.name))
if not d.media:
    st.caption("No file in this case (text only).")

st.markdown(f"#### Suggestions ({len(d.suggestions)})")
top_code = d.suggestions[0].candidate.code if d.suggestions else None
for i, s in enumerate(d.suggestions, 1):
    ui.render_suggestion(s, i, expanded=i == 1 or s.candidate.code == top_code,
                         show_deciding=s.candidate.code != top_code)
    fb.render_verdict(case, s, i, user)
ui.render_unmapped(d.unmapped)
if not d.suggestions and not d.unmapped:
    st.markdown("No suggestion: nothing usable was found.")

fb.render_keep_media(case, files if files and state.case_key(files, text) == case.key else None, user)

ui.render_reply(case)
