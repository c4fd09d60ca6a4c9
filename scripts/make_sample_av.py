#!/usr/bin/env python
"""Regenerate ``sample_media/av/``: our own phone-style videos and voice notes with the
answers the product should give (``expected.csv``) and a ``README.md`` table.

Deterministic: every item has its own fixed seed, and the encoders run bit-exact (same
bytes with the same PyAV/FFmpeg and espeak-ng versions). Needs PyAV (``av``), scipy and
the ``espeak-ng`` program (Debian package ``espeak-ng``).

Usage::

    .venv/bin/python scripts/make_sample_av.py [--out sample_media/av] [--only SUBSTRING] [--list]

Takes about two minutes on two CPU cores; the files total about 5 MB.

Code notation for non-display evidence (kept in step with the knowledge-base seed files
``diagnostics/knowledge/seed/blink_codes.yaml`` and ``beeps.yaml`` and with
``diagnostics/sound/beeps.py``; see :data:`CODES`): ``BLINK:<COLOUR>:<COUNT|STEADY|FAST|SLOW>``
for indicator LEDs and ``BEEP:<AMI|AWARD|PHOENIX|APPLIANCE>:<notation>`` for beep codes
(``3S`` three short, ``1L2S`` one long then two short, ``1-2-1`` groups).
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synth import av as sav  # noqa: E402
from synth.camera import CameraSettings  # noqa: E402
from synth.displays import dot_matrix_lcd  # noqa: E402
from synth.scenes import display_photo  # noqa: E402

OUT = ROOT / "sample_media" / "av"
LICENCE = "CC0-1.0 (made by scripts/make_sample_av.py; all pixels, words and sounds ours)"

#: Evidence codes for LEDs and beeps (notation of blink_codes.yaml / beeps.yaml).
CODES = {
    "blink_red_3": "BLINK:RED:3",
    "blink_red_steady": "BLINK:RED:STEADY",
    "led_internet_red": "LED:INTERNET:RED:STEADY",  # the red light is next to the printed label 'Internet
    "beep_ami_3s": "BEEP:AMI:3S",
    "beep_award_1l2s": "BEEP:AWARD:1L2S",
    "beep_phoenix_121": "BEEP:PHOENIX:1-2-1",
}

QUIET_CAM = CameraSettings(noise=0.0, vignette=0.2)


@dataclass
class Item:
    """One sample file: how to make it and what the product should answer."""

    path: str
    kind: str  # video | audio
    make: Callable[[Path], None]
    expected: str  # ';'-separated codes, '' = none
    transcript: str
    how: str  # how it was made (README)
    notes: str = ""


# ---------------------------------------------------------------------------------------
# Video helpers
# ---------------------------------------------------------------------------------------


def _scenes(faces: dict[str, np.ndarray], seed: int, size: tuple[int, int], *, device: str, bg: str, frac: float,
            tilt: float = 0.08, rot: float = 0.0) -> dict[str, np.ndarray]:
    """One upright scene per face, same seed -> same geometry (faces are the same size)."""
    return {k: display_photo(f, np.random.default_rng(seed), device=device, bg_kind=bg, size=size, display_width_frac=frac,
                             tilt=tilt, rotate_deg=rot, cam=QUIET_CAM)[0] for k, f in faces.items()}


def _timeline(segments: list[tuple[str, float]], fps: int) -> list[str]:
    """``[(state, seconds), ...]`` -> state per frame."""
    out: list[str] = []
    for state, sec in segments:
        out += [state] * int(round(sec * fps))
    return out


def _room(seconds: float, seed: int, dbfs: float = -52.0) -> np.ndarray:
    return sav.room_noise(seconds, 16000, np.random.default_rng(seed), dbfs=dbfs)


def _video(out: Path, scenes: dict[str, np.ndarray], states: list[str], *, fps: int, seed: int, fmt: str = "mp4_h264",
           rotation: int = 0, shake: sav.Shake | None = None, audio: np.ndarray | None = None, audio_rate: int = 16000) -> None:
    first = scenes[states[0]]
    H, W = first.shape[:2]
    stored = {k: sav.rotate_for_storage(v, rotation) for k, v in scenes.items()} if rotation else scenes
    sh, sw = stored[states[0]].shape[:2]
    frames = sav.film(lambda i: stored[states[i]], len(states), (sw, sh), np.random.default_rng(seed + 1), shake)
    if audio is None:
        audio = _room(len(states) / fps, seed + 2)
    sav.encode_video(frames, out, fps=fps, size=(sw, sh), fmt=fmt, audio=audio, audio_rate=audio_rate, rotation=rotation)


def display_video(texts: list[tuple[str, float]], *, seed: int, size=(1280, 720), fps=30, style="lcd_reflective",
                  renderer="dseg7_classic", digit_h=90, device="washer", bg="laundry", frac=0.3, fmt="mp4_h264",
                  rotation=0, shake: sav.Shake | None = None, audio=None, align="right", **opts) -> Callable[[Path], None]:
    """A clip of one display whose readout follows ``texts`` = ``[(readout, seconds), ...]``
    (cycled in order). ``size`` is the upright ``(width, height)``."""

    def make(out: Path) -> None:
        uniq = list(dict.fromkeys(t for t, _ in texts))
        faces = sav.display_faces(uniq, style, renderer, digit_h, align=align, rng_seed=seed, **opts)
        scenes = _scenes(faces, seed, size, device=device, bg=bg, frac=frac)
        _video(out, scenes, _timeline(texts, fps), fps=fps, seed=seed, fmt=fmt, rotation=rotation, shake=shake,
               audio=audio() if callable(audio) else audio)

    return make


def printer_video(lines: list[str], *, seed: int, size=(640, 360), fps=30, seconds=4.0, fmt="webm_vp9") -> Callable[[Path], None]:
    """A clip of a printer's dot-matrix character LCD."""

    def make(out: Path) -> None:
        face = dot_matrix_lcd(lines, rng=np.random.default_rng(seed))
        scenes = _scenes({"x": face}, seed, size, device="printer", bg="desk", frac=0.42)
        _video(out, scenes, ["x"] * int(seconds * fps), fps=fps, seed=seed, fmt=fmt)

    return make


def led_video(leds: list[tuple[str, tuple[float, float]]], patterns: dict[str, tuple[str, str, dict]], *, seed: int,
              seconds: float, title: str, face_size=(640, 300), body=(236, 236, 232), ink=(70, 70, 76), device="bare",
              bg="wall", size=(1280, 720), fps=30, frac=0.55, label_px: int | None = None) -> Callable[[Path], None]:
    """A clip of a panel of indicator LEDs; ``patterns`` = label -> (colour, blink pattern
    for :func:`synth.av.blink_schedule`, its keyword arguments)."""

    def make(out: Path) -> None:
        n = int(round(seconds * fps))
        keys = []
        for i in range(n):
            t = i / fps
            keys.append(tuple(sorted((lab, col) for lab, (col, pat, kw) in patterns.items() if sav.blink_schedule(t, pat, **kw))))
        scenes = {}
        for k in dict.fromkeys(keys):
            face = sav.led_panel(face_size[0], face_size[1], leds, dict(k), body=body, ink=ink, title=title, label_px=label_px)
            scenes[k] = display_photo(face, np.random.default_rng(seed), device=device, bg_kind=bg, size=size,
                                      display_width_frac=frac, tilt=0.08, cam=QUIET_CAM)[0]
        _video(out, scenes, keys, fps=fps, seed=seed)

    return make


def voice_over(text: str, seconds: float, *, start: float = 0.4, seed: int = 0, voice: str = "en-us", speed: int = 150) -> Callable[[], np.ndarray]:
    """Speech starting at ``start`` s over room noise, ``seconds`` long, 16 kHz."""

    def make() -> np.ndarray:
        sp, r = sav.speak(text, voice=voice, speed=speed)
        sp = sav.normalise_peak(sav.resample(sp, r, 16000), -4.0)
        if start + len(sp) / 16000 > seconds:
            raise ValueError(f"voice-over of {len(sp) / 16000:.1f} s does not fit a {seconds} s clip")
        bed = _room(seconds, seed + 3, -50.0)
        out = sav.mix((bed, 0), (sp, int(start * 16000)))
        return out[: int(seconds * 16000)]

    return make


# ---------------------------------------------------------------------------------------
# Audio helpers
# ---------------------------------------------------------------------------------------


def voice_note(text: str, fmt: str, *, seed: int, voice: str = "en-us", speed: int = 150, noise_dbfs: float = -55.0,
               lead: float = 0.5, tail: float = 0.6, pitch: int = 50) -> Callable[[Path], None]:
    """Speech over faint room noise, encoded as ``fmt`` (key of :data:`synth.av.AUDIO_FORMATS`)."""

    def make(out: Path) -> None:
        sp, r = sav.speak(text, voice=voice, speed=speed, pitch=pitch)
        sp = sav.normalise_peak(sav.resample(sp, r, 48000), -3.0)
        total = lead + len(sp) / 48000 + tail
        bed = sav.room_noise(total, 48000, np.random.default_rng(seed), dbfs=noise_dbfs)
        sav.encode_audio(sav.mix((bed, 0), (sp, int(lead * 48000))), 48000, out, fmt)

    return make


def copy_of(src: str) -> Callable[[Path], None]:
    """The same bytes under another name (a renamed voice note)."""

    def make(out: Path) -> None:
        shutil.copyfile(out.parent / src, out)

    return make


def silent_note(seconds: float, fmt: str) -> Callable[[Path], None]:
    def make(out: Path) -> None:
        sav.encode_audio(sav.silence(seconds, 48000), 48000, out, fmt)

    return make


def noise_note(seconds: float, fmt: str, *, seed: int, dbfs: float = -60.0) -> Callable[[Path], None]:
    def make(out: Path) -> None:
        sav.encode_audio(sav.room_noise(seconds, 48000, np.random.default_rng(seed), dbfs=dbfs), 48000, out, fmt)

    return make


def click_note(fmt: str, *, seed: int) -> Callable[[Path], None]:
    """1 s note: room noise with one sharp click (the record button) at 0.4 s."""

    def make(out: Path) -> None:
        x = sav.room_noise(1.0, 48000, np.random.default_rng(seed), dbfs=-58.0)
        i = int(0.4 * 48000)
        k = np.exp(-np.arange(240) / 30.0) * np.sign(np.sin(np.arange(240) * 0.9))
        x[i:i + 240] += (0.5 * k).astype(np.float32)
        sav.encode_audio(x, 48000, out, fmt)

    return make


def beeps(pattern: list[tuple[float, float]], fmt: str, *, seed: int, freq: float = 1000.0, repeat: int = 1,
          repeat_gap: float = 1.5, rate: int = 44100) -> Callable[[Path], None]:
    """A beep sequence (``pattern`` for :func:`synth.av.tone_bursts`) repeated ``repeat``
    times, over room noise, encoded as ``fmt``."""

    def make(out: Path) -> None:
        parts = []
        for k in range(repeat):
            parts.append(sav.tone_bursts(pattern, rate, freq=freq, lead_in=0.4 if k == 0 else repeat_gap))
        x = np.concatenate(parts + [sav.silence(0.6, rate)])
        bed = sav.room_noise(len(x) / rate, rate, np.random.default_rng(seed), dbfs=-50.0)
        sav.encode_audio(sav.mix((bed, 0), (x, 0)), rate, out, fmt)

    return make


def voice_then_beeps(text: str, pattern: list[tuple[float, float]], fmt: str, *, seed: int, freq: float = 2700.0) -> Callable[[Path], None]:
    """Speech, a short pause, then beeps recorded off the appliance."""

    def make(out: Path) -> None:
        rate = 48000
        sp, r = sav.speak(text, voice="en-gb", speed=145)
        sp = sav.normalise_peak(sav.resample(sp, r, rate), -3.0)
        bp = sav.tone_bursts(pattern, rate, freq=freq, level_dbfs=-12.0, square=0.6, lead_in=0.8)
        x = np.concatenate([sav.silence(0.4, rate), sp, bp, sav.silence(0.6, rate)])
        bed = sav.room_noise(len(x) / rate, rate, np.random.default_rng(seed), dbfs=-52.0)
        sav.encode_audio(sav.mix((bed, 0), (x, 0)), rate, out, fmt)

    return make


def long_note_with_pause(first: str, second: str, fmt: str, *, seed: int, pause: float = 60.0) -> Callable[[Path], None]:
    """Speech, ``pause`` seconds of room noise (the caller walked away), more speech (T10)."""

    def make(out: Path) -> None:
        rate = 48000
        a, r = sav.speak(first, voice="en-us", speed=140)
        b, _ = sav.speak(second, voice="en-us", speed=140)
        a = sav.normalise_peak(sav.resample(a, r, rate), -3.0)
        b = sav.normalise_peak(sav.resample(b, r, rate), -3.0)
        x = np.concatenate([sav.silence(0.5, rate), a, sav.silence(pause, rate), b, sav.silence(0.5, rate)])
        bed = sav.room_noise(len(x) / rate, rate, np.random.default_rng(seed), dbfs=-56.0)
        sav.encode_audio(sav.mix((bed, 0), (x, 0)), rate, out, fmt)

    return make


# ---------------------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------------------

S_E21 = "My washing machine shows E twenty-one and won't drain."
S_F28 = "The boiler display says F dot twenty eight."
S_P0420 = "My car scanner says P zero four two zero."
S_P0420_INPUT = "My car scanner says: P 0 4 2 0."  # what espeak-ng is given: it says "P zero four two zero"
S_504 = "The printer shows fifty point four."
S_DRAIN = "It won't drain, the water stays in the drum."
S_VO = "Earlier it showed E twenty-one, and now it won't drain."
S_BEEPS = "My washing machine beeps three times and then stops."
S_LONG1 = ("Hi, it's about my dishwasher. It stopped half way through the programme this morning, and the display "
           "shows E fifteen. There is some water in the base under the door, and the floor is dry. I bought it about "
           "three years ago and it has never done this before. I tried the quick wash as well, and it stopped again "
           "after a few minutes with the same code. Hang on, let me check the other light on the front.")
S_LONG2 = ("Sorry about that, I had to answer the door. The other light is off. I turned the dishwasher off at the "
           "wall, waited a minute, and switched it on again, but it still shows the same code and the pump keeps "
           "running on its own. The filter at the bottom looks clean. Is it safe to use until someone can come "
           "out, or should I leave it switched off? Thanks for your help.")

ALT_SHAKE = sav.Shake(drift_px=0.6, max_px=8.0)
BIG_SHAKE = sav.Shake(drift_px=1.8, max_px=22.0, rot_deg=1.5, persp=0.008, zoom=1.08,
                      blur_frames=tuple(i for i in range(150) if (i // 6) % 4 == 1), blur_px=22.0, jerk_px=10.0, noise=2.0)


def catalogue() -> list[Item]:
    """Every sample, in the order of ``expected.csv``."""
    V, A = "video", "audio"
    items = [
        # --- videos -------------------------------------------------------------------
        Item("wa_washer_e21_720p.mp4", V, display_video([("E21", 5.0)], seed=401, frac=0.3),
             "E21", "", "H.264 High 1280x720 30 fps + AAC mono (WhatsApp style), 5 s",
             "grey-green LCD, DSEG7 Classic, washer front, hand-held drift, room tone"),
        Item("android_boiler_f28_vga.mp4", V, display_video([("F.28", 5.0)], seed=402, size=(640, 480), style="lcd_blue",
                                                        renderer="polygons", device="boiler", bg="kitchen_tiles", frac=0.28),
             "F.28", "", "H.264 640x480 30 fps + AAC, 5 s (Android VGA)", "blue backlit LCD, our segment polygons, boiler front"),
        Item("phone_rot-90_dishwasher_e15.mp4", V, display_video([("E15", 4.0)], seed=403, size=(720, 1280), style="led_red",
                                                                 renderer="dseg7_modern", device="dishwasher", bg="kitchen_tiles",
                                                                 frac=0.5, rotation=-90),
             "E15", "", "H.264 stored 1280x720 with display matrix -90 (T8), 4 s",
             "portrait phone: upright picture 720x1280; red LED digits"),
        Item("phone_rot+90_washer_4c.mp4", V, display_video([("4C", 4.0)], seed=404, size=(720, 1280), style="vfd_teal",
                                                            renderer="polygons", device="washer", frac=0.45, rotation=90),
             "4C", "", "H.264 stored 1280x720 with display matrix +90 (T8), 4 s",
             "phone held upside-down portrait; teal VFD, our polygons"),
        Item("iphone_hevc_rot-90_boiler_f22.mov", V, display_video([("F.22", 4.0)], seed=405, size=(720, 1280), style="lcd_amber",
                                                                   renderer="dseg7_classic_bold", device="boiler", bg="wall",
                                                                   frac=0.5, fmt="mov_hevc", rotation=-90),
             "F.22", "", "HEVC (hvc1) in QuickTime .mov, stored 1280x720, display matrix -90, + AAC, 4 s (T8 HEVC variant)",
             "amber backlit LCD; iPhone-style container"),
        Item("mms_washer_ue.3gp", V, display_video([("UE", 5.0)], seed=406, size=(352, 288), fps=15, style="led_green",
                                                   renderer="polygons", device="washer", frac=0.38, fmt="3gp_h263"),
             "UE", "", "H.263 352x288 15 fps + AMR-NB 8 kHz in 3GP (MMS / old Android), 5 s", "green LED, rounded polygons; low resolution"),
        Item("android_printer_504.webm", V, printer_video(["50.4 FUSER ERROR", "TURN OFF THEN ON"], seed=407),
             "50.4", "", "VP9 640x360 30 fps + Opus in WebM (Android/Chrome), 4 s", "printer dot-matrix character LCD"),
        Item("wa_washer_alternating_e_21.mp4", V, display_video([("E ", 1.0), ("21", 1.0)] * 3, seed=408, style="led_red",
                                                                renderer="dseg7_classic", align="left", frac=0.28, shake=ALT_SHAKE),
             "E21", "", "H.264 1280x720 + AAC, 6 s", "2-digit red LED shows 'E' then '21', 1 s each, repeating"),
        Item("wa_washer_code_then_clock_5e.mp4", V, display_video([("5E", 1.5), ("1:25", 1.5)] * 2, seed=409, style="lcd_blue",
                                                                  renderer="dseg7_modern", frac=0.3),
             "5E", "", "H.264 1280x720 + AAC, 6 s", "blue LCD alternates the code '5E' and the remaining time '1:25' (not a code)"),
        Item("wa_washer_two_codes_4c_5e.mp4", V, display_video([("4C", 2.5), ("  ", 0.6), ("5E", 2.5)], seed=410, style="led_red",
                                                               renderer="polygons", frac=0.3),
             "4C;5E", "", "H.264 1280x720 + AAC, 5.6 s", "red LED, our polygons: '4C' for 2.5 s, blank 0.6 s (restart), then '5E' for 2.5 s"),
        Item("boiler_red_led_3_flashes.mp4", V,
             led_video([("Power", (0.2, 0.55)), ("Burner", (0.5, 0.55)), ("Fault", (0.8, 0.55))],
                       {"Fault": ("red", "count", {"flashes": 3, "on": 0.3, "off": 0.3, "pause": 1.6})},
                       seed=411, seconds=8.0, title="KELVIX Combi 28", face_size=(640, 300)),
             CODES["blink_red_3"], "", "H.264 1280x720 30 fps + AAC, 8 s",
             "boiler panel: red 'Fault' LED flashes 3 times (0.3 s on / 0.3 s off), 1.6 s pause, repeating; other LEDs off"),
        Item("router_internet_led_red_steady.mp4", V,
             led_video([("Power", (0.12, 0.5)), ("Internet", (0.32, 0.5)), ("WiFi", (0.52, 0.5)), ("LAN", (0.72, 0.5))],
                       {"Power": ("green", "steady", {}), "Internet": ("red", "steady", {})},
                       seed=412, seconds=5.0, title="ORBEL HomeHub", face_size=(720, 260), body=(32, 33, 36), ink=(200, 200, 205), label_px=22),
             CODES["led_internet_red"], "", "H.264 1280x720 30 fps + AAC, 5 s",
             "black router: 'Internet' LED steady red; 'Power' steady green (normal); WiFi, LAN off"),
        Item("wa_washer_de_shaky_blur.mp4", V, display_video([("dE", 5.0)], seed=413, style="vfd_white", renderer="dseg7_modern_italic",
                                                             frac=0.28, shake=BIG_SHAKE),
             "dE", "", "H.264 1280x720 + AAC, 5 s", "strong hand shake; every 4th group of 6 frames jerked with motion blur"),
        Item("wa_washer_voiceover_e21.mp4", V, display_video([("1:25", 5.0)], seed=414, style="lcd_reflective", renderer="dseg7_classic",
                                                              frac=0.3, audio=voice_over(S_VO, 5.0, seed=414)),
             "E21", S_VO, "H.264 1280x720 + AAC with espeak-ng voice-over, 5 s",
             "the display shows only the remaining time '1:25'; the code is only in the speech"),
        # --- voice notes and recordings ----------------------------------------------
        Item("PTT-20261128-WA0004.opus", A, voice_note(S_E21, "opus", seed=501), "E21", S_E21,
             "espeak-ng en-us, Ogg/Opus mono 48 kHz ~20 kbit/s VoIP mode (WhatsApp voice note, T9)", "faint room tone"),
        Item("PTT-20261128-WA0004.ogg", A, copy_of("PTT-20261128-WA0004.opus"), "E21", S_E21, "same bytes as the .opus (renamed)", ""),
        Item("PTT-20261128-WA0004.oga", A, copy_of("PTT-20261128-WA0004.opus"), "E21", S_E21, "same bytes as the .opus (renamed)", ""),
        Item("voice_boiler_f28.amr", A, voice_note(S_F28, "amr", seed=502, voice="en-gb"), "F.28", S_F28,
             "espeak-ng en-gb, AMR-NB 12.2 kbit/s 8 kHz raw .amr (RFC 4867, T11)", ""),
        Item("voice_car_p0420.3gp", A, voice_note(S_P0420_INPUT, "3gp_amr", seed=503, speed=130), "P0420", S_P0420,
             "espeak-ng en-us, AMR-NB inside 3GP (T11)", ""),
        Item("voice_printer_504.m4a", A, voice_note(S_504, "m4a", seed=504, voice="en-gb", pitch=40), "50.4", S_504,
             "espeak-ng en-gb, AAC-LC 64 kbit/s in M4A (iPhone voice memo style)", ""),
        Item("voice_symptom_no_drain.mp3", A, voice_note(S_DRAIN, "mp3", seed=505, voice="en-gb", speed=130), "", S_DRAIN,
             "espeak-ng en-gb, MP3 64 kbit/s", "symptom only, no code: the drain-fault entries should be suggested by symptom search"),
        Item("PTT-20261128-WA0011.opus", A, silent_note(20.0, "opus"), "", "", "20 s digital silence, Ogg/Opus (T10)", "expect 'no speech'"),
        Item("PTT-20261128-WA0012.opus", A, noise_note(20.0, "opus", seed=512), "", "", "20 s room noise at -60 dBFS RMS, Ogg/Opus (T10)",
             "expect 'no speech' and no invented words"),
        Item("PTT-20261128-WA0013.opus", A, click_note("opus", seed=513), "", "", "1 s: a click over room noise, Ogg/Opus (T10)", "expect 'no speech'"),
        Item("PTT-20261128-WA0020.opus", A, long_note_with_pause(S_LONG1, S_LONG2, "opus", seed=520), "E15", S_LONG1 + " " + S_LONG2,
             "espeak-ng en-us, speech, 60 s room noise, speech; Ogg/Opus, ~2 min (T10)", "transcript must not repeat words across the pause"),
        Item("beeps_ami_3_short.wav", A, beeps(sav.beep_pattern([3]), "wav", seed=531), CODES["beep_ami_3s"], "",
             "1 kHz PC-speaker tone: 3 short beeps (0.22 s, gaps 0.22 s), once; PCM WAV 16 kHz", "AMI BIOS: memory"),
        Item("beeps_award_1long_2short.ogg", A, beeps(sav.beep_pattern([3], longs=[0], gap=0.3), "opus", seed=532, repeat=2),
             CODES["beep_award_1l2s"], "", "1 kHz tone: 1 long (0.9 s) + 2 short beeps, twice; Ogg/Opus", "Award BIOS: video"),
        Item("beeps_phoenix_1-2-1.wav", A, beeps(sav.beep_pattern([1, 2, 1], group_gap=0.8), "wav", seed=533, freq=880.0),
             CODES["beep_phoenix_121"], "", "880 Hz tone: groups 1, 2, 1 (0.22 s beeps, 0.8 s between groups); PCM WAV 16 kHz", "Phoenix BIOS"),
        Item("voice_washer_beeps_three_times.m4a", A,
             voice_then_beeps(S_BEEPS, sav.beep_pattern([3], short=0.35, gap=0.35), "m4a", seed=534),
             "BEEP:APPLIANCE:3S", S_BEEPS, "espeak-ng en-gb then three 2.7 kHz piezo beeps (0.35 s), once; AAC M4A",
             "appliance beeps, said and heard: the washer context must pick the appliance reading (BEEP:APPLIANCE:3S), "
             "not the BIOS one"),
    ]
    return items


def _size(p: Path) -> int:
    return p.stat().st_size if p.exists() else 0


def write_tables(items: list[Item], out: Path) -> None:
    """Write ``expected.csv`` and ``README.md`` for ``items``."""
    with open(out / "expected.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["path", "expected", "kind", "transcript", "notes"])
        for it in items:
            w.writerow([it.path, it.expected, it.kind, it.transcript, it.notes])
    total = sum(_size(out / it.path) for it in items)
    lines = [
        "# Sample videos and voice notes",
        "",
        "Phone-style clips and voice notes made by `scripts/make_sample_av.py` (deterministic; fixed seeds;",
        "bit-exact encoders), with the answers the product should give in `expected.csv`",
        "(`path,expected,kind,transcript,notes`; several codes are separated by `;`; an empty `expected`",
        "means no code should be reported; `transcript` is the words spoken, for word error rate).",
        "",
        "Regenerate: `.venv/bin/python scripts/make_sample_av.py` (about two minutes on two cores).",
        "Displays are drawn with `synth.displays` / `synth.scenes` and filmed by `synth.av.film` (hand-held",
        "drift, small perspective changes, sensor noise); speech is espeak-ng (GPL-3.0 program; its output is",
        "not covered by its licence); beeps and room tone are synthesised. Display rotation is written into",
        "the MP4/MOV track header's display matrix (FFmpeg convention: -90 = turn 90 degrees clockwise to view).",
        "",
        f"Licence of every file: {LICENCE}. Total size: {total / 1e6:.1f} MB.",
        "",
        "LED and beep evidence codes: `BLINK:<COLOUR>:<COUNT|STEADY|FAST|SLOW>` and",
        "`BEEP:<AMI|AWARD|PHOENIX|APPLIANCE>:<notation>` (`3S` three short, `1L2S` one long then two short,",
        "`1-2-1` groups, `-REPEAT` suffix for repeating alarms), as in `diagnostics/knowledge/seed/blink_codes.yaml`,",
        "`diagnostics/knowledge/seed/beeps.yaml` and `diagnostics/sound/beeps.py`.",
        "",
        "| file | kind | how made | expected | size | notes |",
        "|---|---|---|---|---|---|",
    ]
    for it in items:
        lines.append(f"| `{it.path}` | {it.kind} | {it.how} | {it.expected or '(none)'} | {_size(out / it.path) // 1024} KB | {it.notes} |")
    lines += ["", "Transcripts (spoken words) are in `expected.csv`.", ""]
    (out / "README.md").write_text("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--only", default="", help="make only items whose file name contains this")
    ap.add_argument("--list", action="store_true", help="list the items and exit")
    a = ap.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    items = catalogue()
    if a.list:
        for it in items:
            print(f"{it.path}\t{it.expected}")
        return 0
    t0 = time.time()
    for it in items:
        if a.only and a.only not in it.path:
            continue
        t = time.time()
        it.make(out / it.path)
        print(f"{it.path:42s} {_size(out / it.path) / 1024:8.0f} KB {time.time() - t:6.1f} s", flush=True)
    if not a.only:
        write_tables(items, out)
    print(f"done in {time.time() - t0:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
