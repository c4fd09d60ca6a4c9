"""Video analysis: codes from the frames of a clip, blink codes from its lights.

One streaming decode pass (:mod:`diagnostics.ingest.video`) feeds two consumers:

* :class:`diagnostics.vision.frames.KeyFrameSelector` (at most :data:`SELECT_FPS` frames
  per second, grey, 480 px): segments "what the camera shows", groups repeats into
  states and keeps each state's sharpest frames at working size (1280 px);
* :class:`diagnostics.vision.blink.BlinkTracker` (every frame up to 30 fps, 128 px
  thumbnails): indicator lights, their colour and on/off timing.

Then the photo pipeline (:meth:`diagnostics.pipeline.Pipeline.analyse_image`, unchanged)
reads the key frames, most useful first (each state's sharpest frame, states shown longest
first; then second frames of states that gave something, for voting), while the next
frame is expected to finish within the time budget (:func:`ocr_budget`), at least
:data:`MIN_OCR_FRAMES` and at most :data:`MAX_OCR_FRAMES` frames.

Across frames:

* **voting**: every code read (presented or held back) is a vote weighted by its
  confidence.  Frames of the same view (state) that did not show the code count against
  it: its confidence is multiplied by the share of those frames that showed it.  Two similar codes (same family, one character apart) are rivals; the
  weaker loses when its votes are under half the stronger's and it is also less
  confident, or when both were read from frames of the same state (the same picture
  read two ways).  A code read in several frames gains confidence
  (``1 - (1 - c1)(1 - c2 / 2)``, the rule :mod:`diagnostics.ranking` uses across files).
* **alternating displays**: consecutive states showing a letter prefix (``E``, ``F.``,
  ``Er``) and then a number (``21``) are joined into the code they spell (``E21``);
  a state showing a clock (``12:45``) is labelled as such and gives no code.
* **several codes**: different codes are all reported, each with the times it was seen
  (``CodeCandidate.source`` = ``"clip.mp4 @ 2.4 s"`` or ``"clip.mp4 @ 2.4 s, 7.9 s (3 of 5 frames)"``).
* **blink codes**: each decoded light becomes a candidate with its notation code
  (``BLINK:RED:3``), unless it lies on a display that was read (a flashing display is
  not an indicator light); steady lights count only when no display code was found.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import cv2
import numpy as np

from .config import Settings
from .errors import DiagnosticsError
from .ingest.video import DEFAULT_MAX_SECONDS, FRAME_MAX_SIDE, VideoInfo, open_video
from .knowledge.keys import match_key
from .schema import CodeCandidate, DisplayReading, MediaResult, QualityReport
from .vision.blink import BlinkResult, BlinkTracker
from .vision.frames import KeyFrameSelector, Selection, sharpness

ProgressFn = Callable[[float, str], None]

SELECT_FPS = 10.0
"""Frames per second offered to the key-frame selector."""
MAX_OCR_FRAMES = 8
"""Most key frames read per clip."""
MIN_OCR_FRAMES = 2
"""Key frames read even when the time budget is spent (when the clip has that many states)."""
MAX_MAJOR_VIEWS = 5
"""Views shown for at least a tenth of the clip (and 1 s) are read whatever the time
budget says, up to this many."""
DOUBT_MIN_CONF = 0.4
"""Codes read in a frame with less confidence than this do not put a view in doubt
(stray text in a scene reads at 0.2-0.3 on our clips; a rival reading of a display at 0.5-0.8)."""
THUMB_SIDE = 320
"""Long side, pixels, of the key-frame thumbnails in :attr:`VideoResult.key_frames`."""

_PREFIX = re.compile(r"^[A-Za-z]{1,3}[.\-]?$")
_NUMBER = re.compile(r"^[0-9]{1,4}$")
_CLOCK = re.compile(r"^([01]?[0-9]|2[0-3])[:.]?[0-5][0-9]$")


TARGET_RATIO = 0.22
"""Aimed analysis time as a fraction of the clip length (the target is 0.25 on two cores)."""
MIN_READ_BUDGET_S = 3.0
"""Reading time allowed however short the clip."""


def ocr_budget(clip_seconds: float, spent_s: float = 0.0) -> float:
    """Seconds of reading allowed for a clip: what is left of :data:`TARGET_RATIO` x its
    length after ``spent_s`` seconds of decoding, at least :data:`MIN_READ_BUDGET_S`."""
    return max(MIN_READ_BUDGET_S, TARGET_RATIO * clip_seconds - spent_s)


@dataclass
class FrameEvidence:
    """One key frame that was read.

    Attributes:
        t: seconds into the clip.
        state: index of the display state it shows (:class:`diagnostics.vision.frames.State`).
        sharpness: variance of the Laplacian (480 px grey).
        result: the photo pipeline's :class:`MediaResult` for the frame (``image`` holds the
            ``(H, W, 3) uint8`` frame; bboxes are in its pixels).
        label: what the frame shows, in words (``"E21"``, ``"E"``, ``"clock 12:45"``, ``""``).
    """

    t: float
    state: int
    sharpness: float
    result: MediaResult
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"t": round(self.t, 3), "state": self.state, "sharpness": round(self.sharpness, 1),
                "label": self.label, "result": self.result.to_dict()}


@dataclass
class VideoResult:
    """What one video gave.

    Attributes:
        name: file name.
        kind: ``"video"``.
        info: container, codec, upright size, rotation, duration (:class:`VideoInfo`).
        size: upright ``(width, height)`` of the analysed frames, pixels.
        seconds_analysed: seconds of video decoded (capped at ``max_seconds``).
        candidates: codes presented as findings (voted; blink codes included), best first;
            ``source`` names the file and the times (``"clip.mp4 @ 2.4 s"``); ``bbox`` is in
            the pixels of the frame at that time (see :attr:`frames`).
        rejected: codes held back (too unsure, or outvoted by a rival reading).
        readings: display readings of the key frames (best per text), codes or not.
        frames: every key frame read, with the pipeline's result.
        key_frames: ``(t, thumbnail)``: ``(h, w, 3) uint8`` RGB, long side :data:`THUMB_SIDE`.
        timeline: ``(t_start, t_end, what was seen)`` in seconds, in time order.
        occurrences: code -> seconds at which it was read.
        blink: decoded indicator lights.
        quality: the quality report of the frame behind the best finding.
        notes: caps reached, frames skipped, joins made.
        seconds: wall time of the analysis.
        frame_rate: frames per second handed out by the decoder.
        timings: seconds per stage (``decode``, ``blink``, ``read``, ``combine``).
    """

    name: str
    kind: str = "video"
    info: VideoInfo | None = None
    size: tuple[int, int] = (0, 0)
    seconds_analysed: float = 0.0
    candidates: list[CodeCandidate] = field(default_factory=list)
    rejected: list[CodeCandidate] = field(default_factory=list)
    readings: list[DisplayReading] = field(default_factory=list)
    frames: list[FrameEvidence] = field(default_factory=list)
    key_frames: list[tuple[float, np.ndarray]] = field(default_factory=list, repr=False)
    timeline: list[tuple[float, float, str]] = field(default_factory=list)
    occurrences: dict[str, list[float]] = field(default_factory=dict)
    blink: list[BlinkResult] = field(default_factory=list)
    quality: QualityReport = field(default_factory=QualityReport)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    frame_rate: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def codes(self) -> list[str]:
        """Codes presented as findings, best first."""
        return [c.code for c in self.candidates]

    def frame_at(self, t: float) -> FrameEvidence | None:
        """The key frame read closest to ``t`` seconds."""
        return min(self.frames, key=lambda f: abs(f.t - t), default=None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe export (images left out; key frames as their times)."""
        return {
            "name": self.name, "kind": self.kind, "info": self.info.to_dict() if self.info else None,
            "size": list(self.size), "seconds_analysed": round(self.seconds_analysed, 3),
            "candidates": [c.to_dict() for c in self.candidates], "rejected": [c.to_dict() for c in self.rejected],
            "readings": [r.to_dict() for r in self.readings], "frames": [f.to_dict() for f in self.frames],
            "key_frames": [round(t, 3) for t, _ in self.key_frames],
            "timeline": [[round(a, 3), round(b, 3), s] for a, b, s in self.timeline],
            "occurrences": {k: [round(t, 3) for t in v] for k, v in self.occurrences.items()},
            "blink": [b.to_dict() for b in self.blink], "quality": asdict(self.quality), "notes": list(self.notes),
            "seconds": round(self.seconds, 3), "frame_rate": round(self.frame_rate, 3),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "codes": self.codes,
        }

    def to_media_result(self) -> MediaResult:
        """The result as a :class:`MediaResult` (kind ``"video"``); ``image`` is the key
        frame behind the best finding (or the first key frame)."""
        best = None
        if self.candidates and self.candidates[0].source:
            m = re.search(r"@ ([0-9.]+) s", self.candidates[0].source)
            if m:
                best = self.frame_at(float(m.group(1)))
        best = best or (self.frames[0] if self.frames else None)
        return MediaResult(
            name=self.name, kind="video", size=self.size, readings=list(self.readings),
            raw_readings=list(best.result.raw_readings) if best else [], candidates=list(self.candidates),
            rejected=list(self.rejected), quality=self.quality, notes=list(self.notes), seconds=self.seconds,
            image=best.result.image if best else None)


# ------------------------------------------------------------------------ analysis
def analyse_video(name: str, data: bytes, pipeline, settings: Settings | None = None,
                  progress: ProgressFn | None = None, *, max_seconds: float = DEFAULT_MAX_SECONDS,
                  max_ocr_frames: int = MAX_OCR_FRAMES, budget_s: float | None = None) -> VideoResult:
    """Analyse a video: key frames read by the photo pipeline, votes, joins, blink codes.

    Args:
        name: file name (used in every candidate's ``source``).
        data: the file's bytes.
        pipeline: a :class:`diagnostics.pipeline.Pipeline` (``analyse_image(rgb, name=, lights=False)``:
            key frames skip the lit-indicator stage; and ``kb`` are used).
        settings: limits and ``min_code_confidence`` (default: ``pipeline.settings``).
        progress: ``progress(fraction in [0, 1], message)`` callback.
        max_seconds: seconds of video analysed (longer clips: the start, with a note).
        max_ocr_frames: most key frames read.
        budget_s: seconds of reading allowed (default :func:`ocr_budget` of the clip length
            and the decoding time).

    Returns:
        :class:`VideoResult`.

    Raises:
        diagnostics.errors.MediaError subclasses from :func:`diagnostics.ingest.video.open_video`
        (``UnsupportedFormatError``, ``NoVideoTrackError``, ``VideoTooLongError``,
        ``CorruptMediaError``, ``FileTooLargeError``, ``EmptyMediaError``, ``ImageTooLargeError``).
    """
    t_wall = time.perf_counter()
    settings = settings or getattr(pipeline, "settings", None) or Settings()
    report = progress or (lambda f, m: None)
    out = VideoResult(name=name)
    report(0.0, f"Opening {name}")
    with open_video(name, data, settings) as vr:
        info = vr.info
        out.info = info
        expected = min(info.duration_s or max_seconds, max_seconds)
        selector = KeyFrameSelector(lambda f: f.rgb(FRAME_MAX_SIDE))
        tracker = BlinkTracker()
        next_sel = 0.0
        n = 0
        last_report = 0.0
        for f in vr.frames(max_seconds=max_seconds):
            n += 1
            tracker.add(f.t, f.small_rgb(tracker.max_side))
            if f.t >= next_sel - 1e-6:
                g = f.gray(480)
                selector.add(f.t, g, f, sharp=sharpness(g))
                next_sel = f.t + 1.0 / SELECT_FPS
            if expected and f.t - last_report >= 1.0:
                last_report = f.t
                report(min(0.4, 0.4 * f.t / expected), f"Watching {name}: {f.t:.0f} of {expected:.0f} s")
        selection = selector.finish()
        out.notes.extend(vr.notes)
        out.seconds_analysed = vr.seconds_decoded
        out.size = (info.width, info.height)
        out.frame_rate = (n - 1) / vr.seconds_decoded if vr.seconds_decoded > 0 else 0.0
    t1 = time.perf_counter()
    out.timings["decode"] = t1 - t_wall
    report(0.4, "Looking for blinking lights")
    out.blink = tracker.finish()
    del tracker
    t2 = time.perf_counter()
    out.timings["blink"] = t2 - t1
    _read_frames(out, selection, pipeline, name, max_ocr_frames,
                 ocr_budget(out.seconds_analysed, t2 - t_wall) if budget_s is None else budget_s, report)
    t3 = time.perf_counter()
    out.timings["read"] = t3 - t2
    report(0.95, "Combining what the frames show")
    _combine(out, selection, pipeline, settings, name)
    out.seconds = time.perf_counter() - t_wall
    out.timings["combine"] = out.seconds - (t3 - t_wall)
    report(1.0, f"{name}: {len(out.candidates)} finding(s)")
    return out


def _read_frames(out: VideoResult, sel: Selection, pipeline, name: str, max_frames: int, budget: float,
                 report: ProgressFn) -> None:
    """Run the photo pipeline on key frames in ``sel.reading_order`` within the budget,
    then on the spare frames (:attr:`diagnostics.vision.frames.State.spares`) of a major
    view whose reading is in doubt (:func:`_in_doubt`), budget or not (at most two more
    frames a view; in doubt on our clips: a code also read another way, e.g. 1C / 4C)."""
    t0 = time.perf_counter()
    states = {s.index: s for s in sel.states}
    done_states: dict[int, FrameEvidence] = {}
    order = list(sel.reading_order)
    total = min(max_frames, len(order))
    skipped = 0
    # views shown for a good part of the clip are always read (an alternating display
    # needs both halves); the rest as time allows
    clip = max((seg.t_end for seg in sel.segments), default=0.0)
    major = sorted((s for s in sel.states if s.frames and not s.blurred and s.duration >= max(1.0, 0.1 * clip)),
                   key=lambda s: -s.duration)[:MAX_MAJOR_VIEWS]
    must = {(s.index, 0) for s in major}
    for k, (si, rank) in enumerate(order):
        spent = time.perf_counter() - t0
        n_done = len(out.frames)
        per_frame = spent / n_done if n_done else 0.0
        if n_done >= max_frames:
            skipped += len(order) - k
            break
        if n_done >= MIN_OCR_FRAMES and spent + per_frame > budget and (si, rank) not in must:
            skipped += 1
            continue
        if rank > 0:
            first = done_states.get(si)
            if first is None or not (first.result.candidates or first.result.rejected or _display_texts(first.result)):
                continue  # a second look only where the first gave something to vote on
        sf = states[si].frames[rank]
        report(0.4 + 0.55 * n_done / max(1, total), f"Reading frame at {sf.t:.1f} s")
        try:
            res = pipeline.analyse_image(sf.image, name=f"{name} @ {sf.t:.1f} s", lights=False)
        except DiagnosticsError as exc:
            out.notes.append(f"Frame at {sf.t:.1f} s could not be read: {exc.user_message}")
            continue
        ev = _keep(out, sf, si, res)
        done_states.setdefault(si, ev)
    # a major view whose reading is in doubt (its code was also read another way, or its
    # frames disagree) gets a second opinion from its spare frames, budget or not
    for st in major:
        for sf in st.spares:
            evs = [ev for ev in out.frames if ev.state == st.index]
            if len(out.frames) >= max_frames + len(major) or not evs or not _in_doubt(evs):
                break
            report(0.9, f"Reading frame at {sf.t:.1f} s (second opinion)")
            try:
                res = pipeline.analyse_image(sf.image, name=f"{name} @ {sf.t:.1f} s", lights=False)
            except DiagnosticsError as exc:
                out.notes.append(f"Frame at {sf.t:.1f} s could not be read: {exc.user_message}")
                continue
            _keep(out, sf, st.index, res)
    unread = [s for s in sel.states if s.index not in done_states]
    if skipped and unread:
        out.notes.append(f"{len(unread)} other view(s) of the clip were not read (time limit); "
                         "a photo of the display would be read in full.")
    blurred = [s for s in sel.states if s.blurred]
    if blurred and len(blurred) == len(sel.states):
        out.notes.append("The whole video is blurred; a steadier clip or a photo would read better.")
    out.frames.sort(key=lambda e: e.t)
    out.key_frames.sort(key=lambda kf: kf[0])


def _in_doubt(evs: list[FrameEvidence]) -> bool:
    """Whether the frames read of one view leave its code in doubt: the best code of a
    frame was also read another way (a rival reading of the same field), or frames
    disagree about the best code (codes under :data:`DOUBT_MIN_CONF` are noise)."""
    tops = set()
    for ev in evs:
        cs = [c for c in list(ev.result.candidates) + list(ev.result.rejected) if c.confidence >= DOUBT_MIN_CONF]
        if cs:
            tops.add(max(cs, key=lambda c: c.confidence).code)
    if len(tops) > 1:
        return True
    return len(evs) == 1 and any(r.startswith("also read") for c in evs[0].result.candidates[:1] for r in c.repairs)


def _keep(out: VideoResult, sf, si: int, res: MediaResult) -> FrameEvidence:
    """Record a read frame (evidence and a ``THUMB_SIDE`` px thumbnail) in ``out``."""
    ev = FrameEvidence(sf.t, si, sf.sharpness, res)
    out.frames.append(ev)
    h, w = sf.image.shape[:2]
    s = THUMB_SIDE / max(h, w)
    out.key_frames.append((sf.t, cv2.resize(sf.image, (max(1, round(w * s)), max(1, round(h * s))),
                                            interpolation=cv2.INTER_AREA)))
    return ev


# --------------------------------------------------------------------- combining
def _display_texts(res: MediaResult) -> list[DisplayReading]:
    """Readings that look like a display field (seven-segment reader, or short tokens)."""
    seven = [r for r in res.readings if r.kind == "seven_segment" and r.text.strip()]
    return sorted(seven, key=lambda r: (-r.confidence, -len(r.text)))


def _label(res: MediaResult) -> tuple[str, DisplayReading | None]:
    """What a frame shows: its best code, else a clock, else its main display text."""
    disp = _display_texts(res)
    # the longest confident display text (a sub-reading "E" of "E21" is shorter); kept even
    # when a code was read (the code may come from other text in the scene, and the
    # display field is what an alternating display's join needs)
    top = max(disp, key=lambda r: (r.confidence >= 0.6, len(r.text.replace(" ", "")), r.confidence)) if disp else None
    if res.candidates:
        return res.candidates[0].code, top
    if top is None:
        return "", None
    text = top.text.strip()
    if _CLOCK.match(text) and (":" in text or len(text) == 4):
        return f"clock {text}", top
    return text, top


def _similar(a: str, b: str) -> bool:
    """Two match keys one edit apart (substitution, or one character more or fewer)."""
    if a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    if abs(len(a) - len(b)) == 1:
        s, l_ = (a, b) if len(a) < len(b) else (b, a)
        return any(l_[:i] + l_[i + 1:] == s for i in range(len(l_)))
    return False


def _fmt_times(ts: list[float]) -> str:
    ts = sorted(set(round(t, 1) for t in ts))
    if len(ts) > 4:
        return f"{ts[0]:.1f} s to {ts[-1]:.1f} s"
    return ", ".join(f"{t:.1f} s" for t in ts)


def _combine(out: VideoResult, sel: Selection, pipeline, settings: Settings, name: str) -> None:
    """Votes, alternation joins, blink candidates, timeline and readings."""
    kb = getattr(pipeline, "kb", None)
    known: dict[str, set[str]] = {}
    canonical: dict[str, str] = {}
    if kb is not None:
        try:
            known = kb.known_keys()
            canonical = kb.canonical_codes() if hasattr(kb, "canonical_codes") else {}
        except DiagnosticsError as exc:
            out.notes.append(exc.user_message)
    threshold = settings.min_code_confidence
    n_read = len(out.frames)
    frames_per_state: dict[int, int] = {}
    for ev in out.frames:
        frames_per_state[ev.state] = frames_per_state.get(ev.state, 0) + 1

    # labels of states, and the segment sequence
    # (a view's label: what most of its frames show, the earliest frame on a tie)
    state_label: dict[int, tuple[str, DisplayReading | None, FrameEvidence]] = {}
    label_count: dict[tuple[int, str], int] = {}
    for ev in out.frames:
        lab, _ = _label(ev.result)
        ev.label = lab
        label_count[(ev.state, lab)] = label_count.get((ev.state, lab), 0) + 1
    for ev in out.frames:
        lab, disp = _label(ev.result)
        cur = state_label.get(ev.state)
        if cur is None or (not cur[0] and lab) or (
                lab and label_count[(ev.state, lab)] > label_count[(ev.state, cur[0])]):
            state_label[ev.state] = (lab, disp, ev)

    # ---- votes: key -> list of (candidate, t, state, presented)
    votes: dict[tuple[str, str], list[tuple[CodeCandidate, float, int]]] = {}
    for ev in out.frames:
        per_frame: dict[tuple[str, str], CodeCandidate] = {}
        for c in list(ev.result.candidates) + list(ev.result.rejected):
            key = (c.family, match_key(c.code))
            if key not in per_frame or c.confidence > per_frame[key].confidence:
                per_frame[key] = c
        for key, c in per_frame.items():
            votes.setdefault(key, []).append((c, ev.t, ev.state))

    # ---- alternating displays: prefix state then number state
    joined_parts: set[tuple[str, str]] = set()
    seq: list[tuple[float, float, int]] = [(s.t_start, s.t_end, s.state) for s in sel.segments]
    pairs: dict[tuple[str, str], list[tuple[float, float, DisplayReading, DisplayReading, FrameEvidence, FrameEvidence]]] = {}
    for (a0, a1, sa), (b0, b1, sb) in zip(seq, seq[1:]):
        if sa == sb or sa not in state_label or sb not in state_label or b0 - a1 > 1.0:
            continue
        la, da, ea = state_label[sa]
        lb, db, eb = state_label[sb]
        if da is None or db is None:
            continue
        ta, tb = da.text.strip(), db.text.strip()
        if _PREFIX.match(ta) and _NUMBER.match(tb):
            pairs.setdefault((ta, tb), []).append((a0, b1, da, db, ea, eb))
    from .extract import extract_codes

    for (ta, tb), occ in pairs.items():
        a0, b1, da, db, ea, eb = occ[0]
        x0 = min(da.bbox[0], db.bbox[0])
        y0 = min(da.bbox[1], db.bbox[1])
        x1 = max(da.bbox[0] + da.bbox[2], db.bbox[0] + db.bbox[2])
        y1 = max(da.bbox[1] + da.bbox[3], db.bbox[1] + db.bbox[3])
        reading = DisplayReading(ta + tb, min(da.confidence, db.confidence),
                                 tuple(dict.fromkeys(da.engines + db.engines)), (x0, y0, x1 - x0, y1 - y0),
                                 kind="seven_segment")
        src = f"{name} @ {ea.t:.1f} s + {eb.t:.1f} s"
        cands = extract_codes([reading], known, source=src, canonical=canonical)
        if not cands:
            continue
        factor = 1.0 if len(occ) >= 2 else 0.85
        for c in cands:
            c.confidence = round(c.confidence * factor, 3)
            c.repairs.append(f"joined from an alternating display: {ta} then {tb} (seen {len(occ)} time"
                             f"{'s' if len(occ) > 1 else ''})")
            key = (c.family, match_key(c.code))
            for a0_, b1_, _, _, ea_, eb_ in occ:
                votes.setdefault(key, []).append((c, ea_.t, -1))
            joined_parts.add((c.family, match_key(tb)))
        out.notes.append(f"The display alternates between {ta} and {tb}; read together as {cands[0].code}.")
        state_label[ea.state] = (f"{ta} (with {tb}: {cands[0].code})", da, ea)
        state_label[eb.state] = (f"{tb} (with {ta}: {cands[0].code})", db, eb)
    for key in list(votes):
        if key in joined_parts:
            del votes[key]  # "21" alone is part of the joined code

    # ---- tally
    tallies = []
    for key, vs in votes.items():
        by_frame: dict[float, float] = {}
        for c, t, _ in vs:
            by_frame[t] = max(by_frame.get(t, 0.0), c.confidence)
        confs = sorted(by_frame.values(), reverse=True)
        best = max(vs, key=lambda v: v[0].confidence)[0]
        tallies.append({"key": key, "cands": vs, "V": sum(confs), "max": confs[0], "confs": confs,
                        "states": {s for _, _, s in vs}, "times": sorted(by_frame), "best": best})
    losers: set[tuple[str, str]] = set()
    for a in tallies:
        for b in tallies:
            if a is b or a["key"][0] != b["key"][0] or not _similar(a["key"][1], b["key"][1]):
                continue
            same_view = bool(a["states"] & b["states"] - {-1})
            if b["V"] < a["V"] and ((b["V"] < 0.5 * a["V"] and b["max"] < a["max"]) or same_view):
                losers.add(b["key"])
    presented: list[CodeCandidate] = []
    held: list[CodeCandidate] = []
    for tl in tallies:
        best: CodeCandidate = tl["best"]
        confs = tl["confs"]
        conf = confs[0]
        if len(confs) >= 2:
            conf = min(0.99, 1 - (1 - conf) * (1 - confs[1] * 0.5))
        times = tl["times"]
        n_seen = len(times)
        # other frames of the same views that did not show the code count against it
        views = [s for s in tl["states"] if s != -1]
        n_view_frames = sum(frames_per_state.get(s, 0) for s in views)
        # frames whose display readings include the code (read there as a rival's
        # alternative) did show it
        n_showing = n_seen + sum(1 for ev in out.frames if ev.t not in set(times) and ev.state in views
                                 and any(match_key(r.text) == tl["key"][1] for r in _display_texts(ev.result)))
        if views and n_view_frames > n_showing:
            conf *= n_showing / n_view_frames
        src = f"{name} @ {_fmt_times(times)}"
        if n_read > 1 and not any(s == -1 for s in tl["states"]):
            src += f" ({n_seen} of {n_read} frames)"
        c = CodeCandidate(best.text_as_read, best.code, best.family,
                          tuple(dict.fromkeys(e for v in tl["cands"] for e in v[0].engines)), round(conf, 3),
                          best.bbox, list(best.repairs), src, best.in_knowledge_base)
        out.occurrences[c.code] = [round(t, 3) for t in times]
        if tl["key"] in losers:
            c.repairs.append("outvoted by a similar code read in more frames")
            held.append(c)
        elif conf >= threshold:
            presented.append(c)
        else:
            held.append(c)

    # ---- blink codes
    display_boxes = _display_boxes(out)
    for b in out.blink:
        box = _scale_box(b.bbox, b.frame_size, out.frames[0].result.image.shape[1::-1]) if out.frames else None
        # a light inside a display field several times its size is part of that display
        # (a lone "1" read on the lamp itself is not)
        if box is not None and any(_overlaps(box, d) and d[2] * d[3] >= 3 * box[2] * box[3] for d in display_boxes):
            if b.pattern != "steady" and b.confidence >= 0.6:
                out.notes.append(f"The display itself flashes ({b.description.split(': ', 1)[-1]}).")
            continue  # a flashing display is read as a display, not as a light code
        if b.pattern == "steady" and (presented or b is not out.blink[0]):
            out.notes.append(f"Indicator seen: {b.description}.")
            continue
        fam = next((f for f, keys in known.items() if match_key(b.code) in keys), "appliance")
        c = CodeCandidate(b.description, b.code, fam, ("blink",), round(b.confidence, 3), box,
                          [], f"{name} @ {b.t_start:.1f} s to {b.t_end:.1f} s")
        out.occurrences[b.code] = [b.t_start]
        (presented if c.confidence >= threshold else held).append(c)

    out.candidates = sorted(presented, key=lambda c: -c.confidence)
    out.rejected = sorted(held, key=lambda c: -c.confidence)
    if out.rejected and not out.candidates:
        out.notes.append("A code may be visible but could not be read with confidence; it is not shown as a finding.")

    # ---- readings: best per text
    best_r: dict[str, DisplayReading] = {}
    for ev in out.frames:
        for r in ev.result.readings:
            k = r.text.strip()
            if k and (k not in best_r or r.confidence > best_r[k].confidence):
                best_r[k] = r
    out.readings = sorted(best_r.values(), key=lambda r: -r.confidence)

    # ---- quality: the frame behind the best finding
    if out.frames:
        ev = out.frames[0]
        if out.candidates:
            m = re.search(r"@ ([0-9.]+) s", out.candidates[0].source)
            if m:
                ev = out.frame_at(float(m.group(1))) or ev
        out.quality = ev.result.quality

    # ---- timeline
    tl_out: list[tuple[float, float, str]] = []
    for seg in sel.segments:
        lab = state_label.get(seg.state, ("",))[0]
        text = lab or ("not read" if seg.state not in state_label else "no code visible")
        if tl_out and tl_out[-1][2] == text and seg.t_start - tl_out[-1][1] <= 0.5:
            tl_out[-1] = (tl_out[-1][0], seg.t_end, text)
        else:
            tl_out.append((round(seg.t_start, 3), round(seg.t_end, 3), text))
    out.timeline = tl_out


def _display_boxes(out: VideoResult) -> list[tuple[int, int, int, int]]:
    """Boxes of display fields read in the key frames (codes and seven-segment readings)."""
    boxes = []
    for ev in out.frames:
        for c in list(ev.result.candidates) + list(ev.result.rejected):
            if c.bbox:
                boxes.append(tuple(c.bbox))
        for r in _display_texts(ev.result):
            boxes.append(tuple(r.bbox))
    return boxes


def _scale_box(box, src_size, dst_size) -> tuple[int, int, int, int]:
    sw, sh = src_size
    dw, dh = dst_size
    fx, fy = dw / max(1, sw), dh / max(1, sh)
    x, y, w, h = box
    return (int(round(x * fx)), int(round(y * fy)), max(1, int(round(w * fx))), max(1, int(round(h * fy))))


def _overlaps(a, b) -> bool:
    """The centre of box ``a`` (a light) lies inside box ``b`` (a display reading)."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    cx, cy = ax + aw / 2, ay + ah / 2
    return bx <= cx <= bx + bw and by <= cy <= by + bh
