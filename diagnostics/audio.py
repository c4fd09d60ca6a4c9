"""The sound path: voice notes, recordings and the audio track of videos.

Stages, in order: decode to mono 16 kHz (:func:`diagnostics.ingest.audio.load_audio`),
beep detection (:mod:`diagnostics.sound.beeps`), speech-to-text behind the
:class:`~diagnostics.sound.speech.SpeechEngine` interface (Whisper ``tiny.en`` by
default, with guards against invented text), codes spoken aloud
(:mod:`diagnostics.sound.spoken_codes`).  Everything becomes one
:class:`~diagnostics.schema.MediaResult` of kind ``"audio"`` whose candidates carry the
words and times they came from.
"""

from __future__ import annotations

import time

from .errors import DiagnosticsError
from .schema import CodeCandidate, MediaResult, QualityReport

# A beep finding needs this much support: a single short beep is what speech harmonics
# most often fake (measured: ~3 false single beeps a minute of espeak speech).
MIN_BEEPS = 2
MIN_BEEP_CONFIDENCE = 0.5

NO_SOUND_HINT = ("Please ask the customer to record the voice note again, holding the phone close, "
                 "and to say the code shown on the display (for example 'E twenty-one').")


def analyse_audio(pipeline, name: str, data: bytes, *, decoded=None, speech: bool = True) -> MediaResult:
    """Analyse a voice note or recording (or a video's audio track).

    Args:
        pipeline: the :class:`~diagnostics.pipeline.Pipeline` (settings, knowledge-base
            keys, the lazily loaded speech engine).
        name: file name (a label only).
        data: raw bytes of any supported audio or video container.
        decoded: an already decoded :class:`~diagnostics.ingest.audio.DecodedAudio`.
        speech: False to skip speech-to-text (beeps only).

    Returns:
        ``MediaResult(kind="audio")``; a file that cannot be decoded gets ``error`` and
        ``hint`` instead of raising.
    """
    from .ingest.audio import load_audio
    from .sound.beeps import beep_codes, detect_beeps
    from .sound.spoken_codes import read_spoken_codes

    t0 = time.perf_counter()
    try:
        audio = decoded or load_audio(name, data, pipeline.settings)
    except DiagnosticsError as exc:
        return MediaResult(name=name, kind="audio", error=exc.user_message, hint=exc.hint,
                           seconds=time.perf_counter() - t0)
    notes = list(audio.notes)
    result = MediaResult(name=name, kind="audio", duration_s=round(audio.duration_s, 3), waveform=audio.samples)
    known, canonical = pipeline._known_keys(notes)

    # beeps
    try:
        beeps = detect_beeps(audio.samples, audio.sample_rate)
    except DiagnosticsError as exc:
        beeps = None
        notes.append(f"Beep detection skipped: {exc.user_message}")
    if beeps is not None and beeps.found:
        event = {"kind": "beeps", **beeps.to_dict()}
        result.events.append(event)
        for g in beeps.groups:
            result.timeline.append({"start_s": round(float(g[0].start_s), 2), "end_s": round(float(g[-1].end_s), 2),
                                    "what": f"{len(g)} beep{'s' if len(g) != 1 else ''}", "source": "beeps"})
        if len(beeps.beeps) >= MIN_BEEPS and beeps.confidence >= MIN_BEEP_CONFIDENCE:
            codes = beep_codes(beeps)
            # a notation is a code only if the knowledge base has it (AMI and Award read
            # the same beeps differently); with none known, the first is reported as unmapped
            mapped = [c for c in codes if any(_key(c) in keys for keys in known.values())]
            for rank_i, code in enumerate(mapped or codes[:1]):
                family = next((f for f, keys in known.items() if _key(code) in keys), "appliance")
                result.candidates.append(CodeCandidate(
                    text_as_read=beeps.describe(), code=code, family=family, engines=("beep detector",),
                    confidence=round(beeps.confidence * (0.95 ** rank_i), 3), bbox=None,
                    source=f"{name} {beeps.beeps[0].start_s:.1f}-{beeps.beeps[-1].end_s:.1f} s"))
        else:
            notes.append(f"Heard {beeps.describe()}, too little to map to a beep code.")

    # speech
    if speech:
        try:
            transcript = pipeline.speech_engine().transcribe(audio.samples)
        except DiagnosticsError as exc:
            transcript = None
            notes.append(f"Speech-to-text unavailable: {exc.user_message}")
        if transcript is not None:
            result.events.append({"kind": "speech", "engine": transcript.engine, "speech_detected": transcript.speech_detected,
                                  "reason": transcript.reason, "elapsed_s": round(transcript.elapsed_s, 3)})
            if transcript.speech_detected:
                result.transcript = transcript.text
                spoken = read_spoken_codes(transcript, known, canonical, source=name)
                for sc in spoken.codes:
                    c = sc.candidate
                    c.source = f"{name} {sc.start_s:.1f}-{sc.end_s:.1f} s: \u201c{sc.spoken}\u201d"
                    result.candidates.append(c)
                    result.timeline.append({"start_s": round(float(sc.start_s), 2), "end_s": round(float(sc.end_s), 2),
                                            "what": f"said \u201c{sc.spoken}\u201d \u2192 {c.code}", "source": "speech"})
                if spoken.symptom_text.strip():
                    result.events.append({"kind": "symptoms", "text": spoken.symptom_text})
            else:
                notes.append("No speech detected.")

    _prefer_beep_scope(result, pipeline.kb)
    threshold = pipeline.settings.min_code_confidence
    result.rejected = [c for c in result.candidates if c.confidence < threshold]
    result.candidates = sorted((c for c in result.candidates if c.confidence >= threshold), key=lambda c: -c.confidence)
    if not result.candidates and not result.transcript:
        result.quality = QualityReport(issues=["no_speech"], retake_hint=NO_SOUND_HINT)
    result.timeline.sort(key=lambda e: e["start_s"])
    result.notes = list(dict.fromkeys(notes))
    result.seconds = time.perf_counter() - t0
    return result


_PC_WORDS = ("computer", "pc", "laptop", "bios", "motherboard", "boot", "ordenador")


def _prefer_beep_scope(result: MediaResult, kb) -> None:
    """Order beep codes by what was said: a customer talking about a washer means the
    appliance reading of the beeps, one talking about a computer the BIOS readings."""
    beep = [c for c in result.candidates if c.code.upper().startswith("BEEP:")]
    if len(beep) < 1 or not result.transcript:
        return
    from .ranking import appliance_mentions

    said = result.transcript.lower()
    kinds = appliance_mentions(said)
    pc = any(w in said.split() for w in _PC_WORDS)
    top = max(c.confidence for c in beep)

    def fits(c: CodeCandidate) -> bool:
        appliance_code = ":APPLIANCE:" in c.code.upper()
        return (appliance_code and bool(kinds) and not pc) or (not appliance_code and pc)

    if not any(fits(c) for c in beep):
        return
    for c in beep:
        if fits(c):
            c.confidence = round(top, 3)
            c.repairs.append("preferred because of what the customer said")
        else:
            c.confidence = round(c.confidence * 0.85, 3)


def _key(code: str) -> str:
    from .knowledge.keys import match_key

    return match_key(code)
