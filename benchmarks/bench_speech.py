"""Speech benchmark: Whisper tiny.en (int8, CPU) on espeak-ng voice notes.

Each script is spoken by espeak-ng in two voices at two speeds and encoded as a
WhatsApp voice note (OGG/Opus 48 kHz mono 20 kbit/s), as AMR-NB (8 kHz, MMS) and as
AAC/M4A, then decoded by :func:`diagnostics.ingest.audio.load_audio`, transcribed by
:class:`diagnostics.engines.whisper.WhisperEngine` and read for codes by
:func:`diagnostics.sound.spoken_codes.read_spoken_codes`.

Prints:

- real-time factor: seconds of audio per second of transcription (target >= 8x), over
  all notes, and the model load time;
- word error rate against the script (codes written in their display form, e.g.
  "E21", so formatting is not counted as an error);
- code accuracy: notes whose expected code is the top spoken code, and notes with any
  wrong code;
- decode speed (audio seconds per decode second).

Usage::

    .venv/bin/python benchmarks/bench_speech.py [--quick]

Needs Debian ``espeak-ng`` and ``ffmpeg``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

# (spoken script, reference with codes written as displayed, expected code)
SCRIPTS = [
    ("Hi, my washing machine stopped and the display shows E twenty-one. The water does not drain.",
     "Hi, my washing machine stopped and the display shows E21. The water does not drain.", "E21"),
    ("Hello, the boiler says F dot twenty-eight and there is no hot water since this morning.",
     "Hello, the boiler says F.28 and there is no hot water since this morning.", "F.28"),
    ("The check engine light came on and the scanner says P zero four two zero.",
     "The check engine light came on and the scanner says P0420.", "P0420"),
    ("Our office printer shows fifty point four and makes a grinding noise.",
     "Our office printer shows 50.4 and makes a grinding noise.", "50.4"),
    ("My Samsung washer displays four C and it is not filling with water.",
     "My Samsung washer displays 4C and it is not filling with water.", "4C"),
    ("The internet connection fails with error six nine one when I dial in.",
     "The internet connection fails with error 691 when I dial in.", "691"),
    ("The dishwasher will not drain and there is water in the bottom, no code on the display.",
     "The dishwasher will not drain and there is water in the bottom, no code on the display.", ""),
    ("The LG washer is shaking a lot and shows U E on the screen.",
     "The LG washer is shaking a lot and shows UE on the screen.", "UE"),
]
VOICES = [("en-us", 140), ("en", 160)]
FORMATS = {
    "opus": ["-ac", "1", "-ar", "48000", "-c:a", "libopus", "-b:a", "20k", "-application", "voip"],
    "m4a": ["-ac", "1", "-c:a", "aac", "-b:a", "48k"],
}


def _amr_nb(wav: Path) -> bytes:
    """AMR-NB 12.2 kbit/s, encoded by :func:`synth.av.encode_audio` (PyAV's bundled
    libopencore-amrnb), as MMS and old Android recorders send it."""
    import numpy as np

    from synth.av import encode_audio

    with wave.open(str(wav)) as w:
        x = np.frombuffer(w.readframes(w.getnframes()), np.int16).astype(np.float32) / 32768.0
        sr = w.getframerate()
    return encode_audio(x, sr, wav.with_suffix(".amr"), "amr").read_bytes()


def make_notes(tmp: Path, quick: bool) -> list[tuple[str, bytes, str, str]]:
    """Returns (name, bytes, reference text, expected code) per note."""
    notes = []
    voices = VOICES[:1] if quick else VOICES
    formats = ["opus"] if quick else ["opus", "m4a", "amr"]
    for i, (spoken, ref, code) in enumerate(SCRIPTS):
        for voice, rate in voices:
            wav = tmp / f"s{i}-{voice}-{rate}.wav"
            subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-g", "3", "-w", str(wav), spoken], check=True)
            for fmt in formats:
                name = f"note{i}-{voice}-{rate}.{fmt}"
                if fmt == "amr":
                    data = _amr_nb(wav)
                else:
                    out = tmp / name
                    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-i", str(wav), *FORMATS[fmt], str(out)],
                                   check=True)
                    data = out.read_bytes()
                notes.append((name, data, ref, code))
    return notes


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="one voice, OGG/Opus only")
    ap.add_argument("--repeat", type=int, default=2,
                    help="transcribe each note this many times and time the fastest (other processes on a "
                         "shared 2-core machine inflate single timings)")
    args = ap.parse_args(argv)

    from diagnostics.config import Settings
    from diagnostics.engines.whisper import WhisperEngine
    from diagnostics.ingest.audio import load_audio
    from diagnostics.knowledge.keys import match_key
    from diagnostics.knowledge.store import KnowledgeBase
    from diagnostics.sound.speech import word_error_rate
    from diagnostics.sound.spoken_codes import read_spoken_codes

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        kb = KnowledgeBase.open(Settings(data_dir=tmp))
        kk, can = kb.known_keys(), kb.canonical_codes()
        notes = make_notes(tmp, args.quick)
        t0 = time.perf_counter()
        engine = WhisperEngine()
        engine.load()
        load_s = time.perf_counter() - t0
        audio_s = decode_s = stt_s = cpu_s = 0.0
        wers, rows = [], []
        top1 = wrong = expected_n = none_ok = none_n = 0
        for name, data, ref, code in notes:
            t = time.perf_counter()
            a = load_audio(name, data)
            decode_s += time.perf_counter() - t
            runs = []
            for _ in range(max(1, args.repeat)):
                c0 = time.process_time()
                tr = engine.transcribe(a.samples)
                runs.append((tr.elapsed_s, time.process_time() - c0))
            stt_s += min(r[0] for r in runs)
            cpu_s += min(r[1] for r in runs)
            audio_s += a.duration_s
            w = word_error_rate(ref, tr.text)
            wers.append(w)
            got = [c.candidate.code for c in read_spoken_codes(tr, kk, can, source=name).codes]
            if code:
                expected_n += 1
                top1 += bool(got) and match_key(got[0]) == match_key(code)
            else:
                none_n += 1
                none_ok += not got
            wrong += any(match_key(g) != match_key(code) for g in got)
            rows.append((name, a.duration_s, min(r[0] for r in runs), w, code, got, tr.text))
        kb.close()

    print(f"{'note':34} {'dur s':>6} {'stt s':>6} {'WER':>5}  expected  got        transcript")
    for name, dur, el, w, code, got, text in rows:
        print(f"{name:34} {dur:6.1f} {el:6.2f} {w:5.2f}  {code or '-':9} {','.join(got) or '-':10} {text}")
    print()
    print(f"notes: {len(rows)} ({sum(r[1] for r in rows):.0f} s of audio), cores: {os.cpu_count()}")
    print(f"model load: {load_s:.2f} s; load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"speech-to-text real-time factor: {audio_s / stt_s:.1f}x faster than real time "
          f"(per note median {statistics.median(r[1] / r[2] for r in rows):.1f}x; target >= 8x)")
    print(f"CPU time: {cpu_s / audio_s:.3f} CPU s per audio s (all threads)")
    print(f"decode: {audio_s / max(decode_s, 1e-9):.0f}x real time")
    print(f"word error rate: mean {statistics.mean(wers):.3f}, median {statistics.median(wers):.3f}")
    print(f"codes from speech: top-1 correct {top1}/{expected_n} ({top1 / max(1, expected_n):.0%}); "
          f"notes with a wrong code {wrong}/{len(rows)}; no-code notes with no code {none_ok}/{none_n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
