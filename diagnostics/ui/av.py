"""Panel views of videos and voice notes: the player, key frames with the read regions
drawn, a timeline of what was seen and heard, the transcript with the spoken codes
highlighted, and the waveform with the detected beeps marked.

The pure helpers (``envelope``, ``timeline_rows``, ``highlight_phrases`` ...) take a
:class:`~diagnostics.schema.MediaResult` or plain values and return data, so they are
testable without a running app; the ``render_*`` functions draw with Streamlit.

Everything from the customer (transcripts, file names) is shown as plain text: escaped
with :func:`diagnostics.ui.components.md_escape` inside markdown, never as HTML.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ..schema import BBox, CodeCandidate, MediaResult

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
"""Sample rate of ``MediaResult.waveform`` (mono float32), Hz (set by the audio decoder)."""

ENVELOPE_POINTS = 1200
"""Columns of the plotted waveform envelope (min/max per column): enough for a 1400 px
wide chart, small enough to travel to the browser fast even for a 3-minute note."""

TIMELINE_ROWS = ("Video", "Lights", "Speech", "Beeps")
"""Rows of the timeline chart, top to bottom (``timeline`` sources and blink events)."""

_ROW_COLOURS = {"Video": "#1e88e5", "Lights": "#e53935", "Speech": "#43a047", "Beeps": "#ff6f00"}
_MUTED = {"not read", "no code visible", "nothing read"}
"""Timeline entries drawn grey (nothing found there)."""

_SOURCE_ROW = {"video": "Video", "speech": "Speech", "beeps": "Beeps", "lights": "Lights", "blink": "Lights"}

BROWSER_AUDIO = {"audio/ogg", "audio/wav", "audio/x-wav", "audio/mpeg", "audio/mp4", "audio/webm", "audio/flac",
                 "audio/aac"}
"""Audio MIME types Chromium, Firefox and Safari play (at least one of the common
codecs inside); AMR and 3GP audio are played from the decoded waveform instead."""

BROWSER_VIDEO = {"video/mp4", "video/webm", "video/quicktime"}
"""Video containers browsers open (a HEVC track inside may still not play outside Safari)."""

_QUOTED = re.compile(r"“([^”]+)”|\"([^\"]+)\"")
_AT_TIME = re.compile(r"@\s*([0-9]+(?:\.[0-9]+)?)\s*s")
_RANGE_TIME = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*-\s*([0-9]+(?:\.[0-9]+)?)\s*s")


# --------------------------------------------------------------------------- pure helpers


def envelope(waveform: np.ndarray | None, sample_rate: int = SAMPLE_RATE,
             points: int = ENVELOPE_POINTS) -> dict[str, list[float]]:
    """Downsampled min/max envelope of a mono signal for plotting.

    Args:
        waveform: ``(N,)`` float samples in ``[-1, 1]`` (other shapes are flattened;
            ``None`` or empty gives empty columns).
        sample_rate: samples per second, Hz.
        points: number of columns (each covers ``ceil(N / points)`` samples).

    Returns:
        ``{"t_s": [...], "lo": [...], "hi": [...]}``: column start times in seconds and
        the minimum/maximum sample in each column, equal lengths ``<= points``.
    """
    if waveform is None:
        return {"t_s": [], "lo": [], "hi": []}
    x = np.asarray(waveform, dtype=np.float32).reshape(-1)
    x = x[np.isfinite(x)]
    if x.size == 0 or sample_rate <= 0:
        return {"t_s": [], "lo": [], "hi": []}
    step = max(1, int(np.ceil(x.size / max(1, points))))
    pad = (-x.size) % step
    cols = np.pad(x, (0, pad), mode="edge").reshape(-1, step)
    t = np.arange(cols.shape[0], dtype=np.float64) * step / sample_rate
    return {"t_s": np.round(t, 4).tolist(), "lo": cols.min(axis=1).round(4).tolist(),
            "hi": cols.max(axis=1).round(4).tolist()}


def events_of(m: MediaResult, kind: str) -> list[dict]:
    """The evidence items of one kind (``"beeps"``, ``"blink"``, ``"speech"``, ``"symptoms"``)."""
    return [e for e in (m.events or []) if isinstance(e, dict) and e.get("kind") == kind]


def beep_intervals(m: MediaResult) -> list[dict]:
    """Detected tone bursts as ``{"start_s", "end_s", "label"}`` (seconds; label like
    ``"S 1000 Hz"``) from the ``"beeps"`` events."""
    out = []
    for ev in events_of(m, "beeps"):
        for b in ev.get("beeps") or []:
            try:
                a, z = float(b["start_s"]), float(b["end_s"])
            except (KeyError, TypeError, ValueError):
                continue
            kind = str(b.get("kind", "") or "")
            freq = b.get("freq_hz")
            label = " ".join(x for x in (
                {"S": "short", "L": "long"}.get(kind, kind),
                f"{float(freq):.0f} Hz" if isinstance(freq, (int, float)) else "") if x)
            out.append({"start_s": a, "end_s": z, "label": f"beep ({label})" if label else "beep"})
    return out


def speech_status(m: MediaResult) -> tuple[bool | None, str]:
    """``(speech_detected, reason)`` from the ``"speech"`` event; ``(None, "")`` when the
    file had no speech analysis.  A transcript counts as speech even without an event."""
    evs = events_of(m, "speech")
    if not evs:
        return (True, "") if (m.transcript or "").strip() else (None, "")
    ev = evs[0]
    detected = bool(ev.get("speech_detected")) or bool((m.transcript or "").strip())
    return detected, str(ev.get("reason", "") or "")


def no_speech_reason(reason: str) -> str:
    """The speech engine's reason as a sentence without a repeated "no speech detected":
    ``"no speech detected (no voice in the recording)"`` gives ``"No voice in the recording."``."""
    r = (reason or "").strip()
    low = r.lower()
    if low.startswith("no speech detected"):
        r = r[len("no speech detected"):].strip(" :;,-")
        if r.startswith("(") and r.endswith(")"):
            r = r[1:-1].strip()
    if not r:
        return ""
    r = r[0].upper() + r[1:]
    return r if r.endswith((".", "!", "?")) else r + "."


def timeline_rows(m: MediaResult) -> list[dict]:
    """What was seen and heard when, one dict per interval: ``{"row", "start_s",
    "end_s", "what"}`` with ``row`` one of :data:`TIMELINE_ROWS` (seconds).

    Comes from ``m.timeline`` plus the lit periods of each blink event (row
    ``"Lights"``), sorted by row then start.  Malformed entries are skipped.
    """
    rows: list[dict] = []
    for e in m.timeline or []:
        try:
            a, z = float(e["start_s"]), float(e["end_s"])
        except (KeyError, TypeError, ValueError):
            continue
        row = _SOURCE_ROW.get(str(e.get("source", "")), str(e.get("source", "") or "Other").title())
        rows.append({"row": row, "start_s": round(a, 2), "end_s": round(max(z, a), 2), "what": str(e.get("what", ""))})
    for ev in events_of(m, "blink"):
        colour = str(ev.get("colour", "") or "light").lower()
        for run in ev.get("timeline") or []:
            try:
                a, z, lit = float(run[0]), float(run[1]), str(run[2])
            except (IndexError, TypeError, ValueError):
                continue
            if lit == "on":
                rows.append({"row": "Lights", "start_s": round(a, 2), "end_s": round(max(z, a), 2),
                             "what": f"{colour} on"})
    order = {r: i for i, r in enumerate(TIMELINE_ROWS)}
    rows.sort(key=lambda r: (order.get(r["row"], len(order)), r["start_s"]))
    return rows


def code_phrases(m: MediaResult) -> list[str]:
    """The words the codes were heard as (``“E twenty-one”`` in a candidate's source or a
    speech timeline entry), plus each candidate's code, distinct, longest first."""
    found: list[str] = []
    texts = [c.source for c in m.candidates] + [str(e.get("what", "")) for e in (m.timeline or [])
                                                if isinstance(e, dict) and e.get("source") == "speech"]
    for t in texts:
        for a, b in _QUOTED.findall(t or ""):
            found.append((a or b).strip())
    found += [c.code for c in m.candidates if c.code and not c.code.startswith(("BEEP:", "BLINK:"))]
    seen: dict[str, str] = {}
    for p in found:
        if p and p.lower() not in seen:
            seen[p.lower()] = p
    return sorted(seen.values(), key=len, reverse=True)


def phrase_spans(text: str, phrases: Sequence[str]) -> list[tuple[int, int]]:
    """Non-overlapping ``(start, end)`` character spans of ``phrases`` in ``text``
    (case-insensitive, whole words where the phrase starts/ends with a word character),
    sorted."""
    spans: list[tuple[int, int]] = []
    for p in phrases:
        p = p.strip()
        if not p:
            continue
        pat = (r"(?<!\w)" if p[0].isalnum() else "") + re.escape(p) + (r"(?!\w)" if p[-1].isalnum() else "")
        for mt in re.finditer(pat, text, flags=re.IGNORECASE):
            spans.append(mt.span())
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, z in spans:
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(z, merged[-1][1]))
        else:
            merged.append((a, z))
    return merged


def highlight_phrases(text: str, phrases: Sequence[str]) -> str:
    """Markdown of ``text`` with every phrase in bold, everything escaped (the transcript
    is the customer's words: it can never become a link, HTML or other markup)."""
    from .components import md_escape

    out, pos = [], 0
    for a, z in phrase_spans(text, phrases):
        out.append(md_escape(text[pos:a]))
        out.append(f"**{md_escape(text[a:z])}**")
        pos = z
    out.append(md_escape(text[pos:]))
    return "".join(out)


def finding_time(source: str) -> float | None:
    """The first time (seconds) named in a candidate's ``source``: ``"clip.mp4 @ 2.4 s"``
    gives 2.4, ``"note.opus 0.8-1.9 s: ..."`` gives 0.8; ``None`` if none."""
    mt = _AT_TIME.search(source or "") or _RANGE_TIME.search(source or "")
    return float(mt.group(1)) if mt else None


def nearest_key_frame(key_frames: Sequence, t: float | None):
    """The ``(t_s, frame)`` of ``key_frames`` closest in time to ``t`` (the first one when
    ``t`` is None); ``None`` when there are none."""
    frames = [kf for kf in key_frames or [] if len(kf) == 2 and kf[1] is not None]
    if not frames:
        return None
    if t is None:
        return frames[0]
    return min(frames, key=lambda kf: abs(float(kf[0]) - t))


def scale_bbox(bbox: BBox, from_size: tuple[int, int], to_size: tuple[int, int]) -> BBox:
    """Scale ``(x, y, w, h)`` from an image of ``from_size`` ``(width, height)`` pixels to
    one of ``to_size``; ``from_size`` with a zero side returns ``bbox`` unchanged."""
    fw, fh = from_size
    tw, th = to_size
    if not fw or not fh:
        return bbox
    sx, sy = tw / fw, th / fh
    x, y, w, h = bbox
    return (round(x * sx), round(y * sy), max(1, round(w * sx)), max(1, round(h * sy)))


def finding_frames(m: MediaResult) -> list[tuple[str, float | None, np.ndarray, list[CodeCandidate]]]:
    """For a video: one ``(caption, t_s, frame, [candidate with bbox in frame pixels])``
    per code found on the picture.  The best candidate uses ``m.image`` (full size, the
    frame behind it); the others the nearest key-frame thumbnail with the box scaled."""
    boxed = sorted((c for c in m.candidates if c.bbox is not None), key=lambda c: -c.confidence)
    out = []
    full_size = ((m.image.shape[1], m.image.shape[0]) if m.image is not None else tuple(m.size))
    for i, c in enumerate(boxed):
        t = finding_time(c.source)
        if i == 0 and m.image is not None:
            out.append((c.code, t, m.image, [c]))
            continue
        kf = nearest_key_frame(m.key_frames, t)
        if kf is None:
            continue
        frame = np.asarray(kf[1])
        fb = scale_bbox(c.bbox, full_size, (frame.shape[1], frame.shape[0]))
        out.append((c.code, t if t is not None else float(kf[0]), frame, [replace(c, bbox=fb)]))
    return out


def blink_frames(m: MediaResult) -> list[tuple[str, np.ndarray, BBox]]:
    """For each blink event: ``(description, key frame, bbox of the light in that frame)``
    (the event's box is in thumbnails of ``frame_size``; scaled to the key frame)."""
    out = []
    for ev in events_of(m, "blink"):
        kf = nearest_key_frame(m.key_frames, float(ev.get("t_start", 0.0) or 0.0))
        if kf is None or not ev.get("bbox"):
            continue
        frame = np.asarray(kf[1])
        size = tuple(ev.get("frame_size") or (0, 0))
        try:
            box = scale_bbox(tuple(int(v) for v in ev["bbox"]), size, (frame.shape[1], frame.shape[0]))
        except (TypeError, ValueError):
            continue
        out.append((str(ev.get("description") or ev.get("code") or "indicator light"), frame, box))
    return out


def playable_mime(data: bytes | None, kind: str) -> str | None:
    """MIME type to hand the browser player for ``data``, or ``None`` when browsers will
    not play that container (AMR, 3GP: play the decoded waveform instead)."""
    if not data:
        return None
    try:
        from ..ingest.sniff import sniff

        mime = sniff(data[:65536]).mime
    except Exception:  # noqa: BLE001 - unknown container: let the caller fall back
        return None
    allowed = BROWSER_VIDEO if kind == "video" else BROWSER_AUDIO
    if kind == "audio" and mime == "video/mp4":
        mime = "audio/mp4"
    return mime if mime in allowed else None


# --------------------------------------------------------------------------- charts


def timeline_chart(rows: Sequence[dict], duration_s: float = 0.0):
    """Altair chart of :func:`timeline_rows`: time (s) on x, one row per source, labelled
    bars, tooltips.  ``None`` when there is nothing to draw."""
    if not rows:
        return None
    import altair as alt
    import pandas as pd

    df = pd.DataFrame(rows)
    df["end_s"] = np.maximum(df["end_s"], df["start_s"] + 0.05)
    present = [r for r in TIMELINE_ROWS if r in set(df["row"])] + sorted(set(df["row"]) - set(TIMELINE_ROWS))
    x_max = max(float(duration_s or 0.0), float(df["end_s"].max()))
    x = alt.X("start_s:Q", title="time (s)", scale=alt.Scale(domain=[0, x_max]))
    y = alt.Y("row:N", sort=present, title=None)
    df["shade"] = np.where(df["what"].str.lower().isin(_MUTED), "nothing", df["row"])
    df["label"] = np.where(df["what"].str.lower() == "not read", "", df["what"])
    shades = present + ["nothing"]
    palette = [_ROW_COLOURS.get(r, "#8e24aa") for r in present] + ["#b0bec5"]
    bars = alt.Chart(df).mark_bar(cornerRadius=3, height=22).encode(
        x=x, x2="end_s:Q", y=y,
        color=alt.Color("shade:N", scale=alt.Scale(domain=shades, range=palette), legend=None),
        tooltip=[alt.Tooltip("row:N", title="what"), alt.Tooltip("what:N", title="seen / heard"),
                 alt.Tooltip("start_s:Q", title="from (s)", format=".2f"),
                 alt.Tooltip("end_s:Q", title="to (s)", format=".2f")],
    )
    labels = alt.Chart(df).mark_text(align="left", baseline="middle", dx=4, color="white", fontSize=11,
                                     fontWeight="bold").encode(
        x=x, y=y, text="label:N")
    return (bars + labels).properties(height=36 * len(present) + 50, width="container")


def waveform_chart(m: MediaResult, sample_rate: int = SAMPLE_RATE):
    """Altair chart of ``m.waveform``: the min/max envelope over time (s), detected beeps as
    orange bands and spoken codes as blue bands, with tooltips.  ``None`` without audio."""
    env = envelope(m.waveform, sample_rate)
    if not env["t_s"]:
        return None
    import altair as alt
    import pandas as pd

    wave = alt.Chart(pd.DataFrame(env)).mark_area(color="#607d8b", opacity=0.85).encode(
        x=alt.X("t_s:Q", title="time (s)"),
        y=alt.Y("hi:Q", title="amplitude", scale=alt.Scale(domain=[-1, 1])),
        y2="lo:Q",
    )
    marks = [dict(b, what="beep") for b in beep_intervals(m)]
    marks += [{"start_s": float(e["start_s"]), "end_s": float(e["end_s"]), "label": str(e.get("what", "")),
               "what": "spoken code"} for e in (m.timeline or [])
              if isinstance(e, dict) and e.get("source") == "speech" and "start_s" in e and "end_s" in e]
    chart = wave
    if marks:
        bands = alt.Chart(pd.DataFrame(marks)).mark_rect(opacity=0.3).encode(
            x="start_s:Q", x2="end_s:Q",
            color=alt.Color("what:N", title=None, legend=alt.Legend(orient="top"),
                            scale=alt.Scale(domain=["beep", "spoken code"], range=["#ff6f00", "#1e88e5"])),
            tooltip=[alt.Tooltip("label:N", title="what"), alt.Tooltip("start_s:Q", title="from (s)", format=".2f"),
                     alt.Tooltip("end_s:Q", title="to (s)", format=".2f")],
        )
        chart = bands + wave
    return chart.properties(height=180, width="container")


# --------------------------------------------------------------------------- rendering


def render_video(m: MediaResult, data: bytes | None) -> None:
    """A video: player, key frames with times, the frame behind each finding with the
    read regions drawn, indicator lights found, the timeline, then its audio track."""
    import streamlit as st

    from .draw import draw_evidence

    left, right = st.columns([1, 1], gap="medium")
    with left:
        mime = playable_mime(data, "video")
        if data and mime:
            st.video(data, format=mime)
            if mime == "video/quicktime":
                st.caption("iPhone (HEVC) videos may not play in this browser; the frames below show what was read.")
        elif data:
            st.caption("This video format does not play in the browser; the frames below show what was read.")
        for caption, t, frame, cands in finding_frames(m):
            try:
                st.image(draw_evidence(frame, m.readings if frame is m.image else (), cands),
                         caption=f"{caption} — frame at {t:.1f} s" if t is not None else caption, width="stretch")
            except ValueError:
                st.caption("This frame could not be drawn.")
        if not m.candidates and m.image is not None:
            try:
                st.image(draw_evidence(m.image, m.readings, ()), caption="Best frame (no code found)",
                         width="stretch")
            except ValueError:
                pass
    with right:
        from .components import _render_findings

        _render_findings(m)
        for desc, frame, box in blink_frames(m):
            from .draw import READING_COLOUR

            try:
                from PIL import Image, ImageDraw

                pil = Image.fromarray(np.ascontiguousarray(frame).astype(np.uint8), "RGB")
                x, y, w, h = box
                ImageDraw.Draw(pil).rectangle((x - 3, y - 3, x + w + 3, y + h + 3), outline=READING_COLOUR, width=2)
                st.image(np.asarray(pil), caption=f"Indicator light: {desc}", width=320)
            except Exception:  # noqa: BLE001 - the picture of the light is optional
                st.caption(f"Indicator light: {desc}")
    render_key_frames(m)
    render_timeline(m)
    if m.waveform is not None or (m.transcript or "").strip() or events_of(m, "beeps"):
        with st.expander("Sound track", expanded=bool((m.transcript or "").strip() or events_of(m, "beeps"))):
            render_sound(m, None, player=False)


def render_key_frames(m: MediaResult, max_frames: int = 8) -> None:
    """The key frames in a row, each captioned with its time (seconds)."""
    import streamlit as st

    frames = [kf for kf in (m.key_frames or []) if len(kf) == 2 and kf[1] is not None][:max_frames]
    if not frames:
        return
    st.markdown("**Key frames**")
    cols = st.columns(max(len(frames), 4))
    for col, (t, frame) in zip(cols, frames):
        col.image(np.asarray(frame), caption=f"{float(t):.1f} s", width="stretch")


def render_timeline(m: MediaResult) -> None:
    """Timeline chart of what was seen and heard, with the same rows as a table."""
    import streamlit as st

    rows = timeline_rows(m)
    if not rows:
        return
    st.markdown("**Timeline: what was seen and heard**")
    chart = timeline_chart(rows, m.duration_s)
    if chart is not None:
        st.altair_chart(chart, width="stretch")
    with st.expander("Timeline as a table", expanded=False):
        st.dataframe([{"From (s)": r["start_s"], "To (s)": r["end_s"], "Where": r["row"], "What": r["what"]}
                      for r in rows], hide_index=True, width="stretch")


def render_sound(m: MediaResult, data: bytes | None, *, player: bool = True) -> None:
    """Audio evidence: player (original bytes when the browser plays them, else the
    decoded waveform), transcript with the code phrases in bold (or "No speech
    detected"), symptom words, beep findings and the waveform with beeps marked."""
    import streamlit as st

    from .components import md_escape

    if player:
        mime = playable_mime(data, "audio")
        if data and mime:
            st.audio(data, format=mime)
        elif m.waveform is not None and np.asarray(m.waveform).size and np.any(np.asarray(m.waveform)):
            st.audio(np.asarray(m.waveform, dtype=np.float32), sample_rate=SAMPLE_RATE)
    detected, reason = speech_status(m)
    transcript = (m.transcript or "").strip()
    if transcript:
        st.markdown("**Transcript** (code words in bold)")
        st.markdown("> " + highlight_phrases(transcript, code_phrases(m)))
    elif detected is False:
        st.info(f"**No speech detected.** {md_escape(no_speech_reason(reason))}".rstrip(), icon=":material/mic_off:")
    for ev in events_of(m, "symptoms"):
        if str(ev.get("text", "")).strip():
            st.caption("Symptom words searched in the knowledge base: " + md_escape(ev["text"]))
    for ev in events_of(m, "beeps"):
        desc = str(ev.get("description", "") or "beeps")
        codes = ", ".join(str(c) for c in ev.get("codes") or [])
        st.markdown(f"**Beeps heard:** {md_escape(desc)}"
                    + (f"  ·  pattern {md_escape(', '.join(map(str, ev.get('notations') or [])))}"
                       if ev.get("notations") else "")
                    + (f"  ·  could be {md_escape(codes)}" if codes else "")
                    + (f"  ·  confidence {float(ev['confidence']):.2f}"
                       if isinstance(ev.get("confidence"), (int, float)) else ""))
    chart = waveform_chart(m)
    if chart is not None:
        st.altair_chart(chart, width="stretch")
        st.caption("Waveform (16 kHz mono); orange: beeps detected; blue: where a code was spoken.")


def render_audio(m: MediaResult, data: bytes | None) -> None:
    """A voice note or recording: sound evidence on the left, findings on the right,
    then the timeline."""
    import streamlit as st

    from .components import _render_findings

    left, right = st.columns([1, 1], gap="medium")
    with left:
        render_sound(m, data)
    with right:
        _render_findings(m)
    render_timeline(m)
