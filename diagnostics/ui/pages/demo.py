"""Demo page for reviewers: every bundled sample with expected vs found answers, a
correct/incorrect mark, the time per file and the overall scores, for both manifests:
photos (``sample_media/expected.csv``) and videos and voice notes
(``sample_media/av/expected.csv``, several expected codes separated by ``;`` and the
spoken words in a ``transcript`` column).

Dashboards and routers (``sample_media/dashboards/expected.csv``) also show the lights'
per-class precision and recall (``lights`` column).

Scores come from :func:`diagnostics.api.evaluate` on each manifest, so the panel shows
exactly the figures of the evaluation CLI.  Each manifest runs on its own button (the
page opens instantly); reports are kept in the session."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from diagnostics import api
from diagnostics.auth import SAMPLES_VIEW
from diagnostics.config import SAMPLE_MEDIA_DIR
from diagnostics.evaluation import read_manifest
from diagnostics.ui import components as ui
from diagnostics.ui import session
from diagnostics.ui.samples import AV_MANIFEST, DASHBOARD_MANIFEST, list_samples

REPORT_KEY = "tt_demo_report"
AV_REPORT_KEY = "tt_demo_report_av"
DASH_REPORT_KEY = "tt_demo_report_dashboards"
THUMB_SIDE = 320
RESULT_MARKS = {"correct": ":green[**✓ correct**]", "abstained": ":orange[**– abstained**]",
                "wrong": ":red[**✗ wrong**]"}
RESULT_WORDS = {"correct": "✓ correct", "abstained": "– abstained", "wrong": "✗ wrong"}


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


def _verdict(r) -> str:
    return "correct" if r.correct else "abstained" if r.abstained else "wrong"


def _run(manifest: Path, key: str) -> None:
    """Evaluate ``manifest`` with a progress bar; keep the report in the session."""
    bar = st.progress(0.0, text="Starting")

    def _progress(fraction: float, message: str) -> None:
        try:
            bar.progress(min(1.0, max(0.0, float(fraction))), text=str(message)[:120])
        except Exception:  # noqa: BLE001
            pass

    try:
        st.session_state[key] = api.evaluate(manifest, progress=_progress)
    except Exception as exc:  # noqa: BLE001 - shown as a friendly message
        message, hint = ui.describe_failure(exc)
        st.error(message, icon=":material/error:")
        if hint:
            st.info(hint)
    bar.empty()


def _metrics(report, noun: str) -> None:
    n = len(report.rows)
    m = st.columns(6)
    m[0].metric("Exact match", f"{report.accuracy:.0%}", help=f"{sum(r.correct for r in report.rows)} of {n} {noun}")
    m[1].metric("Code precision", f"{report.precision:.2f}", help="correct codes presented / codes presented")
    m[2].metric("Code recall", f"{report.recall:.2f}", help="correct codes presented / expected codes")
    m[3].metric("Abstentions", report.abstentions, help=f"{noun} with a code where nothing was presented")
    m[4].metric(f"Wrong-code {noun}", report.false_positive_photos)
    m[5].metric("Median time", f"{report.median_seconds:.1f} s", help="per file, wall time on this machine")


def _report_section(manifest: Path, report_key: str, label: str, *, button_key: str, missing: str, icon: str,
                    help: str | None = None):
    """The shared head of a manifest tab: a note when the manifest is missing, else a
    "Run all <label>" button (evaluation kept in ``st.session_state[report_key]``).

    Returns:
        ``(present, report)``: whether the manifest exists, and the kept report or None
        (then an info line says which button to press).
    """
    if not manifest.is_file():
        st.info(f"No {missing} manifest found ({manifest.relative_to(SAMPLE_MEDIA_DIR.parent).as_posix()}).", icon=icon)
        return False, None
    if st.button(f"Run all {label}", type="primary", key=button_key, icon=":material/play_arrow:",
                 help=help):
        _run(manifest, report_key)
    report = st.session_state.get(report_key)
    if report is None:
        st.info(f"Press **Run all {label}** to analyse them.", icon=":material/play_arrow:")
    return True, report


# --------------------------------------------------------------------------- page

session.page_user(SAMPLES_VIEW)
st.title("Demo: bundled samples")
st.caption("Every file listed in the two sample manifests is analysed on its own and compared with its expected "
           "answer (an error code or several, the display text when it is not a code, or nothing). "
           "Each section runs on its button.")

samples = list_samples()
only_wrong = st.toggle("Show only incorrect", key="demo_only_wrong")
tab_photos, tab_dash, tab_av = st.tabs(["Photos", "Dashboards and routers", "Videos and voice notes"])

# ----------------------------------------------------------------- photos
with tab_photos:
    manifest = SAMPLE_MEDIA_DIR / "expected.csv"
    st.caption(f"Manifest: {manifest.parent.name}/{manifest.name}")
    if st.button("Run all photos", type="primary", key="demo_run", icon=":material/play_arrow:"):
        _run(manifest, REPORT_KEY)
    report = st.session_state.get(REPORT_KEY)
    photo_samples = [s for s in samples if not s.name.startswith((AV_MANIFEST[0] + "/", DASHBOARD_MANIFEST[0] + "/"))]
    if report is None:
        st.info("Press **Run all photos** to analyse every sample photo.", icon=":material/play_arrow:")
    else:
        _metrics(report, "photos")

    by_path = {str(Path(r.path)): r for r in report.rows} if report is not None else {}
    paths = [str(s.path) for s in photo_samples] + [p for p in by_path if p not in {str(s.path) for s in photo_samples}]
    expected = {str(s.path): s.expected for s in photo_samples}
    if not paths:
        st.info("No sample photos found in sample_media/.", icon=":material/photo_library:")
    else:
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
            cols[4].markdown(RESULT_MARKS[_verdict(r)])
            cols[5].text(f"{r.seconds:.1f} s")

# ----------------------------------------------------------------- dashboards and routers
with tab_dash:
    dash_manifest = SAMPLE_MEDIA_DIR.joinpath(*DASHBOARD_MANIFEST)
    st.caption(f"Manifest: {'/'.join(DASHBOARD_MANIFEST)} · car instrument clusters with lit tell-tales and router / "
               "modem panels with status lights. “Lights” lists every light that should be seen; precision and "
               "recall are per light class.")
    _, dash_report = _report_section(dash_manifest, DASH_REPORT_KEY, "dashboards and routers", button_key="demo_run_dash",
                                     missing="dashboard",
                                     icon=":material/directions_car:")
    if dash_report is not None:
        _metrics(dash_report, "photos")
        if dash_report.lights_precision is not None:
            lm = st.columns(6)
            lm[0].metric("Lights precision", f"{dash_report.lights_precision:.2f}",
                         help="lights found with the right class and colour / lights found")
            lm[1].metric("Lights recall", f"{dash_report.lights_recall:.2f}",
                         help="lights found with the right class and colour / lights expected")
            st.dataframe([{"Class": c, "Found": int(m["found"]), "Expected": int(m["expected"]), "Right": int(m["tp"]),
                           "Precision": float(m["precision"]), "Recall": float(m["recall"])}
                          for c, m in sorted(dash_report.lights.items())],
                         hide_index=True, width="stretch",
                         column_config={"Precision": st.column_config.NumberColumn(format="%.2f"),
                                        "Recall": st.column_config.NumberColumn(format="%.2f")})
        table = []
        for r in dash_report.rows:
            if only_wrong and r.correct:
                continue
            table.append({"File": Path(r.path).name, "Expected": r.expected or "(nothing)",
                          "Found": ", ".join(r.codes) or "none", "Lights expected": ", ".join(r.lights_expected or []),
                          "Lights seen": ", ".join(r.lights_found), "Result": RESULT_WORDS[_verdict(r)],
                          "Time (s)": round(float(r.seconds), 1)})
        st.dataframe(table, hide_index=True, width="stretch")

# ----------------------------------------------------------------- videos and voice notes
with tab_av:
    av_manifest = SAMPLE_MEDIA_DIR.joinpath(*AV_MANIFEST)
    st.caption(f"Manifest: {'/'.join(AV_MANIFEST)} · videos (frames, blinking lights, sound track) and voice notes "
               "or recordings (speech, beeps). Several expected codes are separated by “;”; the transcript column "
               "gives the word error rate of the speech-to-text.")
    present, av_report = _report_section(av_manifest, AV_REPORT_KEY, "videos and voice notes",
                                         button_key="demo_run_av", missing="video/voice-note", icon=":material/movie:",
                                         help="Takes a few minutes: every clip is watched and listened to.")
    if present:
        if av_report is None:
            av_rows = [{"File": s.name.split("/", 1)[-1], "Expected": s.expected or "(no code)"}
                       for s in samples if s.name.startswith(AV_MANIFEST[0] + "/")]
            if av_rows:
                st.dataframe(av_rows, hide_index=True, width="stretch")
        else:
            _metrics(av_report, "files")
            extra = st.columns(6)
            for col, (kind, acc) in zip(extra, sorted(av_report.by_kind.items())):
                col.metric(f"{ui.KIND_LABELS.get(kind, kind)}s", f"{acc:.0%}",
                           help=f"exact match over the {sum(1 for r in av_report.rows if r.kind == kind)} "
                                f"{ui.NOUNS.get(kind, kind)}s")
            if av_report.mean_wer is not None:
                extra[min(len(av_report.by_kind), 5)].metric(
                    "Speech WER", f"{av_report.mean_wer:.1%}",
                    help="speech-to-text word error rate: mean over the files with a transcript in the manifest "
                         "(lower is better)")
            try:
                said = {str(Path(row.path)): row.extra.get("transcript", "") for row in read_manifest(av_manifest)}
            except Exception:  # noqa: BLE001 - the expected words are optional here
                said = {}
            table = []
            for r in av_report.rows:
                if only_wrong and r.correct:
                    continue
                table.append({
                    "File": Path(r.path).name,
                    "Kind": ui.KIND_LABELS.get(r.kind, r.kind),
                    "Expected": r.expected or "(no code)",
                    "Found": ", ".join(r.codes) or "none",
                    "Result": RESULT_WORDS[_verdict(r)],
                    "Time (s)": round(float(r.seconds), 1),
                    "WER": None if r.wer is None else float(r.wer),
                    "Said": said.get(str(Path(r.path)), ""),
                    "Heard": r.transcript or "",
                    "Error": r.error or "",
                })
            st.dataframe(
                table, hide_index=True, width="stretch", height=min(36 * (len(table) + 1) + 3, 1400),
                column_config={"WER": st.column_config.NumberColumn("WER", format="percent",
                                                                    help="word error rate against the manifest"),
                               "Said": st.column_config.TextColumn("Said (manifest)", width="medium"),
                               "Heard": st.column_config.TextColumn("Heard (transcript)", width="medium")},
            )
