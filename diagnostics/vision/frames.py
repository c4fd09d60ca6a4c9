"""Key-frame selection for videos: one sharp frame per "what the display shows".

A phone clip of a display is mostly the same picture, shaken a little by the hand,
with occasional changes: the display alternates (``E`` / ``21``), shows another code,
a light blinks, or the camera moves to something else.  Reading every frame would
cost about a second each on two cores, so frames are grouped first:

* **sharpness**: variance of the Laplacian of the grey frame (Pech-Pacheco et al.,
  "Diatom autofocusing in brightfield microscopy: a comparative study", ICPR 2000);
  motion-blurred frames score low and are never chosen when a sharper one shows the
  same thing.
* **change signature**: a grey thumbnail (:data:`THUMB_SIDE` px), lightly blurred and
  normalised for exposure.  Two thumbnails are compared after removing the global
  shift between them (hand shake; phase correlation, ``cv2.phaseCorrelate``); the
  difference at each pixel is reduced by what a residual misalignment of
  :data:`EDGE_TOLERANCE` px would cause at that edge, a frame that is a blurred copy of
  the other is forgiven (:data:`BLUR_TOLERANCE`), and the change is the mean of the
  *worst* block (:data:`BLOCKS` x :data:`BLOCKS` grid), so a change confined to a small
  display (a digit going from ``2`` to ``E``) counts as much as a change of the whole
  picture.
* **segments**: runs of frames that show the same thing; a new segment starts when
  :data:`STABLE_FRAMES` consecutive frames agree with each other and differ from the
  current one (frames in between — a fast pan, a transition — belong to no segment).
* **states** (clusters): segments that show the same thing again (an alternating
  display, a blinking light) are one state; each state keeps its sharpest frames,
  from different segments, for reading and voting.

Everything here works on small arrays handed in by the caller; frames for reading are
only materialised (by the caller's ``materialise`` function) when a segment ends and
its best frame is among the best of its state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

THUMB_SIDE = 256
"""Long side, pixels, of the change-signature thumbnail."""
SIGNATURE_STD = 50.0
"""Signatures are scaled to this standard deviation (grey levels) before comparing."""
BLOCKS = 12
"""The signature is compared in a 12 x 12 grid of blocks."""
CHANGE_THRESHOLD = 6.0
"""Worst-block score (grey levels of the normalised signature, after the edge and blur
allowances) above which two frames show different things.  Measured on our clips: hand
shake, sensor noise and H.264 compression stay under 1; a display changing ``E21`` to
``F.28`` or ``E`` to ``21`` (display a third of the picture wide) gives 12-22."""
PICK_WINDOW_S = 0.5
"""A long segment also offers the sharpest frame of each window of this many seconds
(besides its sharpest frame overall) as a spare, read when a view's reading is in doubt."""
SPARE_FRAMES = 2
"""Spare frames kept per state (a caller reads them only for a view in doubt)."""
STABLE_FRAMES = 2
"""Consecutive agreeing frames needed to start a new segment."""
MIN_SEGMENT_S = 0.15
"""Segments shorter than this (seconds) are transitions, not display states."""
BLUR_RATIO = 0.35
"""A state whose sharpest frame is below this fraction of the sharpest state's is
marked blurred (read last)."""


def sharpness(gray: np.ndarray) -> float:
    """Variance of the Laplacian of a ``(H, W) uint8`` grey image (higher = sharper)."""
    return float(cv2.Laplacian(gray, cv2.CV_32F, ksize=3).var())


def signature(gray: np.ndarray) -> np.ndarray:
    """Change signature of a ``(H, W) uint8`` grey frame: a blurred thumbnail,
    ``(h, w) float32`` with long side :data:`THUMB_SIDE`."""
    h, w = gray.shape[:2]
    s = THUMB_SIDE / max(h, w)
    tw, th = max(8, int(round(w * s))), max(8, int(round(h * s)))
    small = cv2.resize(gray, (tw, th), interpolation=cv2.INTER_AREA).astype(np.float32)
    small = cv2.GaussianBlur(small, (0, 0), 0.8)
    # exposure-normalised: auto-exposure and white-balance drift are not changes
    std = float(small.std())
    return (small - float(small.mean())) * (SIGNATURE_STD / max(std, 4.0))


EDGE_TOLERANCE = 0.35
"""Residual misalignment (thumbnail pixels) that :func:`change` forgives at edges."""


def _grad(img: np.ndarray) -> np.ndarray:
    gx = cv2.Sobel(img, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(img, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    return cv2.dilate(np.abs(gx) + np.abs(gy), np.ones((3, 3), np.uint8))


BLUR_TOLERANCE = (1.0, 2.0)
"""Gaussian blurs (sigma, signature pixels) within which a blurred frame still shows the same thing."""

_HANN: dict[tuple[int, int], np.ndarray] = {}


def change(a: np.ndarray, b: np.ndarray) -> float:
    """How different two signatures are: worst-block mean absolute difference in grey
    levels after compensating the global shift of ``b`` against ``a`` (0 = same).

    A frame that is only a blurred copy of the other (motion blur, focus hunting) is not
    a change: the score is the smallest of comparing the two as they are and comparing
    each with blurred copies of the other (Gaussian, :data:`BLUR_TOLERANCE`)."""
    if a.shape != b.shape:
        return 255.0
    h, w = a.shape
    win = _HANN.get((h, w))
    if win is None:
        win = _HANN[(h, w)] = cv2.createHanningWindow((w, h), cv2.CV_32F)
    # copies: OpenCV 5 applies the window to its inputs in place
    (dx, dy), response = cv2.phaseCorrelate(a.copy(), b.copy(), win)
    if response < 0.1 or abs(dx) > w / 4 or abs(dy) > h / 4:
        dx = dy = 0.0
    if abs(dx) > 0.25 or abs(dy) > 0.25:
        m = np.float32([[1, 0, -dx], [0, 1, -dy]])
        b = cv2.warpAffine(b, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    mx, my = int(np.ceil(abs(dx))) + 1, int(np.ceil(abs(dy))) + 1
    best = _block_change(a, b, mx, my)
    for sigma in BLUR_TOLERANCE:
        if best <= 0.5:
            break
        ab = cv2.GaussianBlur(a, (0, 0), sigma)
        bb = cv2.GaussianBlur(b, (0, 0), sigma)
        best = min(best, _block_change(ab, b, mx, my), _block_change(a, bb, mx, my))
    return best


def _block_change(a: np.ndarray, b: np.ndarray, mx: int, my: int) -> float:
    h, w = a.shape
    # a residual misalignment of up to EDGE_TOLERANCE px changes a pixel by about that
    # much times the local gradient: discount it, keep changes inside flat areas
    grad = np.maximum(_grad(a), _grad(b))
    d = np.maximum(np.abs(a - b) - EDGE_TOLERANCE * grad, 0)[my : h - my, mx : w - mx]
    if d.size == 0:
        return 255.0
    hh, ww = d.shape
    bh, bw = max(1, hh // BLOCKS), max(1, ww // BLOCKS)
    d = d[: bh * (hh // bh), : bw * (ww // bw)]
    blocks = d.reshape(hh // bh, bh, ww // bw, bw).mean(axis=(1, 3))
    return float(blocks.max())


@dataclass
class Segment:
    """A run of frames showing the same thing.

    Attributes:
        t_start, t_end: seconds (``t_end`` = time of the next segment's first frame, or
            of the last frame seen).
        n_frames: frames in the run.
        best_t: time of its sharpest frame, seconds; best_sharpness: its score.
        state: index of the state (cluster) it belongs to.
    """

    t_start: float
    t_end: float
    n_frames: int = 0
    best_t: float = 0.0
    best_sharpness: float = -1.0
    state: int = -1
    sig: np.ndarray | None = field(default=None, repr=False)
    best_sig: np.ndarray | None = field(default=None, repr=False)
    best_payload: Any = field(default=None, repr=False)
    picks: list = field(default_factory=list, repr=False)
    """``[sharpness, t, payload, window]``: the sharpest frame of each
    :data:`PICK_WINDOW_S` window (the sharpest few kept), spares for voting."""

    @property
    def duration(self) -> float:
        return max(0.0, self.t_end - self.t_start)


@dataclass
class StateFrame:
    """A frame kept for reading: ``t`` seconds, ``sharpness``, ``image`` (whatever the
    caller's ``materialise`` returned, normally ``(H, W, 3) uint8`` RGB), segment index."""

    t: float
    sharpness: float
    image: Any = field(repr=False)
    segment: int


@dataclass
class State:
    """One thing the camera showed (possibly several times).

    Attributes:
        index: state number (order of first appearance).
        segments: indices of its segments, in time order.
        duration: total seconds shown.
        frames: its sharpest frames (at most ``frames_per_state``, from different segments),
            sharpest first; empty when dropped for the memory cap.
        spares: up to :data:`SPARE_FRAMES` more frames, from other :data:`PICK_WINDOW_S`
            windows of its segments than ``frames`` (sharpest first), for a second opinion
            when a reading is in doubt; not in ``reading_order``.
        blurred: its best frame is much less sharp than other states' (motion blur).
    """

    index: int
    segments: list[int] = field(default_factory=list)
    duration: float = 0.0
    frames: list[StateFrame] = field(default_factory=list)
    spares: list[StateFrame] = field(default_factory=list)
    blurred: bool = False
    sig: np.ndarray | None = field(default=None, repr=False)
    best_sharpness: float = 0.0

    @property
    def first_t(self) -> float:
        return self.frames[0].t if self.frames else 0.0


@dataclass
class Selection:
    """Result of :class:`KeyFrameSelector`: ``segments`` in time order, ``states``, and
    ``reading_order``: ``(state index, frame rank)`` pairs, most useful first (each
    state's sharpest frame by duration shown, then second frames for voting)."""

    segments: list[Segment]
    states: list[State]
    reading_order: list[tuple[int, int]]


class KeyFrameSelector:
    """Streaming segmentation and state clustering.

    Args:
        materialise: called with a segment's best payload when the segment ends and its
            frame is kept; returns the image to read (e.g. working-size RGB).
        frames_per_state: sharpest frames kept per state (from different segments).
        max_states: states that keep frames; past it, the state shown least briefly
            loses its frames (memory cap: at 1280x720, 16 x 2 frames = 88 MB).
        threshold: :data:`CHANGE_THRESHOLD`.
    """

    def __init__(self, materialise: Callable[[Any], Any] = lambda p: p, *, frames_per_state: int = 2,
                 max_states: int = 16, threshold: float = CHANGE_THRESHOLD):
        self.materialise = materialise
        self.frames_per_state = frames_per_state
        self.max_states = max_states
        self.threshold = threshold
        self.segments: list[Segment] = []
        self.states: list[State] = []
        self._cur: Segment | None = None
        self._pending: list[tuple[float, np.ndarray, float, Any]] = []
        self._last_t = 0.0

    def add(self, t: float, gray: np.ndarray, payload: Any = None, *, sharp: float | None = None) -> None:
        """Offer one frame: ``t`` seconds, ``gray`` ``(H, W) uint8`` (about 480 px long side),
        ``payload`` handed to ``materialise`` if the frame is chosen."""
        sig = signature(gray)
        sh = sharpness(gray) if sharp is None else sharp
        self._last_t = t
        cur = self._cur
        if cur is None:
            self._start(t, sig, sh, payload)
            return
        if change(cur.sig, sig) <= self.threshold:
            self._pending.clear()
            self._extend(cur, t, sig, sh, payload)
            return
        if self._pending and change(self._pending[-1][1], sig) <= self.threshold:
            self._pending.append((t, sig, sh, payload))
        else:
            self._pending = [(t, sig, sh, payload)]
        if len(self._pending) >= STABLE_FRAMES:
            pend = self._pending
            self._pending = []
            self._close(pend[0][0])
            self._start(*pend[0])
            for p in pend[1:]:
                self._extend(self._cur, *p)

    def _start(self, t, sig, sh, payload) -> None:
        self._cur = Segment(t_start=t, t_end=t, sig=sig)
        self._extend(self._cur, t, sig, sh, payload)

    @staticmethod
    def _extend(seg: Segment, t, sig, sh, payload) -> None:
        seg.n_frames += 1
        seg.t_end = t
        if sh > seg.best_sharpness:
            seg.best_sharpness, seg.best_t, seg.best_sig, seg.best_payload = sh, t, sig, payload
        if payload is None:
            return
        win = int((t - seg.t_start) // PICK_WINDOW_S)
        if seg.picks and seg.picks[-1][3] == win:
            if sh > seg.picks[-1][0]:
                seg.picks[-1] = [sh, t, payload, win]
        else:
            seg.picks.append([sh, t, payload, win])
            if len(seg.picks) > SPARE_FRAMES + 2:  # drop the least sharp finished window
                worst = min(range(len(seg.picks) - 1), key=lambda i: seg.picks[i][0])
                del seg.picks[worst]

    def _close(self, t_end: float) -> None:
        seg = self._cur
        self._cur = None
        if seg is None:
            return
        seg.t_end = max(seg.t_end, t_end)
        payload, seg.best_payload = seg.best_payload, None
        picks, seg.picks = seg.picks, []
        if seg.duration < MIN_SEGMENT_S and seg.n_frames < 3:
            return  # a transition
        idx = len(self.segments)
        self.segments.append(seg)
        state = None
        best_d = self.threshold
        for st in self.states:
            d = change(st.sig, seg.best_sig)
            if d <= best_d:
                state, best_d = st, d
        if state is None:
            state = State(index=len(self.states), sig=seg.best_sig)
            self.states.append(state)
        seg.state = state.index
        state.segments.append(idx)
        state.duration += seg.duration
        kept = state.frames
        worst = min((f.sharpness for f in kept), default=-1.0)
        if (len(kept) < self.frames_per_state or seg.best_sharpness > worst) and payload is not None \
                and self._state_keeps_frames(state):
            kept.append(StateFrame(seg.best_t, seg.best_sharpness, self.materialise(payload), idx))
            kept.sort(key=lambda f: -f.sharpness)
            del kept[self.frames_per_state:]
        if state.frames:
            # spares: the sharpest frames of the segment's other windows (not the window
            # its sharpest frame came from)
            best_win = int((seg.best_t - seg.t_start) // PICK_WINDOW_S)
            for sh, t, pl, win in sorted(picks, key=lambda p: -p[0]):
                if win == best_win or len(state.spares) >= SPARE_FRAMES and sh <= state.spares[-1].sharpness:
                    continue
                state.spares.append(StateFrame(t, sh, self.materialise(pl), idx))
                state.spares.sort(key=lambda f: -f.sharpness)
                del state.spares[SPARE_FRAMES:]
        if seg.best_sharpness > state.best_sharpness:
            state.best_sharpness = seg.best_sharpness
            state.sig = seg.best_sig
        self._enforce_cap()

    def _state_keeps_frames(self, state: State) -> bool:
        holding = [s for s in self.states if s.frames]
        return state.frames != [] or len(holding) < self.max_states or \
            any(s.duration < state.duration for s in holding)

    def _enforce_cap(self) -> None:
        holding = [s for s in self.states if s.frames]
        while len(holding) > self.max_states:
            victim = min(holding, key=lambda s: s.duration)
            victim.frames = []
            victim.spares = []
            holding.remove(victim)

    def finish(self) -> Selection:
        """Close the last segment and return the :class:`Selection`."""
        if self._cur is not None:
            self._close(self._last_t + (self._frame_gap() or 0.0))
        best = max((s.best_sharpness for s in self.states), default=0.0)
        for s in self.states:
            s.blurred = best > 0 and s.best_sharpness < BLUR_RATIO * best
        order = sorted((s for s in self.states if s.frames),
                       key=lambda s: (s.blurred, -s.duration, s.index))
        reading = [(s.index, 0) for s in order]
        reading += [(s.index, r) for r in range(1, self.frames_per_state) for s in order if len(s.frames) > r]
        return Selection(self.segments, self.states, reading)

    def _frame_gap(self) -> float:
        seg = self._cur
        if seg is None or seg.n_frames < 2:
            return 0.0
        return (seg.t_end - seg.t_start) / (seg.n_frames - 1)
