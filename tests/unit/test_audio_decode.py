"""Audio decoding (T9, T11): every format customers send decodes to mono 16 kHz float32
with the right length and content; bad files give typed errors.

Test media are made here from espeak-ng speech: Debian ffmpeg encodes OGG/Opus, AAC,
MP3, WebM and video; AMR-NB is encoded with the libopencore-amrnb encoder bundled in
the PyAV wheel, AMR-WB with libvo-amrwbenc through ctypes (Debian ffmpeg has neither
AMR encoder); ffmpeg then copies the AMR streams into 3GP without re-encoding.

The helpers (:func:`media`, :func:`speech_wav`) are imported by the speech tests.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import functools
import io
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np
import pytest

from diagnostics.config import Settings
from diagnostics.errors import (
    CorruptMediaError,
    EmptyMediaError,
    FileTooLargeError,
    UnsupportedFormatError,
)
from diagnostics.ingest.audio import DecodedAudio, load_audio

T9_SCRIPT = ("Hello, this is a voice note about my washing machine. "
             "It shows E twenty-one and the water does not drain.")
T11_SCRIPT = ("Good morning. I am calling about my boiler. There is no hot water since yesterday "
              "and the display says F dot twenty-eight.")

_DIR = Path(tempfile.mkdtemp(prefix="telltale-audio-"))
atexit.register(shutil.rmtree, _DIR, True)


def _need(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (apt-get install {tool})")


def _ffmpeg(*args: str) -> None:
    _need("ffmpeg")
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", *args], check=True)


@functools.lru_cache(maxsize=None)
def speech_wav(text: str, rate: int = 140) -> Path:
    """espeak-ng speech of ``text`` as a 22050 Hz mono 16-bit WAV (cached)."""
    _need("espeak-ng")
    path = _DIR / f"speech-{abs(hash((text, rate)))}.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", str(rate), "-g", "3", "-w", str(path), text], check=True)
    return path


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """``(N,) int16`` mono samples and rate of a PCM WAV."""
    with wave.open(str(path)) as w:
        x = np.frombuffer(w.readframes(w.getnframes()), np.int16)
        if w.getnchannels() > 1:
            x = x.reshape(-1, w.getnchannels())[:, 0]
        return x, w.getframerate()


def write_wav(path: Path, samples: np.ndarray, rate: int) -> Path:
    """Write ``(N,) float`` samples in [-1, 1] as 16-bit mono WAV."""
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


def _resample(x: np.ndarray, sr: int, to: int) -> np.ndarray:
    n = int(len(x) * to / sr)
    return np.interp(np.arange(n) * sr / to, np.arange(len(x)), x.astype(np.float64)).astype(np.int16)


def encode_amr_nb(pcm8k: np.ndarray) -> bytes:
    """AMR-NB 12.2 kbit/s storage file (RFC 4867 ``#!AMR``) from ``(N,) int16`` 8 kHz
    samples, with PyAV's bundled libopencore-amrnb encoder."""
    import av

    bio = io.BytesIO()
    with av.open(bio, "w", format="amr") as c:
        s = c.add_stream("libopencore_amrnb", rate=8000)
        s.layout = "mono"
        s.bit_rate = 12200
        for i in range(0, len(pcm8k) - 159, 160):
            f = av.AudioFrame.from_ndarray(np.ascontiguousarray(pcm8k[i:i + 160]).reshape(1, -1), format="s16",
                                           layout="mono")
            f.sample_rate, f.pts = 8000, i
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode(None):
            c.mux(p)
    return bio.getvalue()


def encode_amr_wb(pcm16k: np.ndarray) -> bytes:
    """AMR-WB 23.85 kbit/s (mode 8) storage file (``#!AMR-WB``) from ``(N,) int16``
    16 kHz samples, through libvo-amrwbenc's ``E_IF_encode`` (320-sample frames)."""
    name = ctypes.util.find_library("vo-amrwbenc") or "libvo-amrwbenc.so.0"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        pytest.skip("libvo-amrwbenc is not installed (apt-get install libvo-amrwbenc0)")
    lib.E_IF_init.restype = ctypes.c_void_p
    lib.E_IF_encode.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_short),
                                ctypes.POINTER(ctypes.c_ubyte), ctypes.c_int]
    lib.E_IF_exit.argtypes = [ctypes.c_void_p]
    state = lib.E_IF_init()
    out, buf = bytearray(b"#!AMR-WB\n"), (ctypes.c_ubyte * 64)()
    pcm = np.concatenate([pcm16k, np.zeros((-len(pcm16k)) % 320, np.int16)])
    for i in range(0, len(pcm), 320):
        frame = np.ascontiguousarray(pcm[i:i + 320])
        n = lib.E_IF_encode(state, 8, frame.ctypes.data_as(ctypes.POINTER(ctypes.c_short)), buf, 0)
        out += bytes(buf[:n])
    lib.E_IF_exit(state)
    return bytes(out)


@functools.lru_cache(maxsize=None)
def media(kind: str, text: str = T9_SCRIPT, rate: int = 140) -> Path:
    """Encode espeak-ng speech of ``text`` as ``kind``; returns the file path (cached).

    Kinds: ``opus`` (WhatsApp: OGG/Opus mono 48 kHz 20 kbit/s, named ``PTT-...opus``),
    ``ogg``/``oga`` (byte copies), ``amr_nb``, ``amr_wb``, ``3gp_nb``, ``3gp_wb``,
    ``m4a``, ``mp3``, ``wav`` (stereo 44.1 kHz), ``webm``, ``mp4`` (H.264 + AAC video),
    ``mp4_silent`` (video without audio).  ``rate``: espeak-ng words per minute.
    """
    src = speech_wav(text, rate)
    tag = abs(hash((text, rate)))
    out = _DIR / f"{tag}-{kind}"
    if kind == "opus":
        out = _DIR / f"{tag}" / "PTT-20261128-WA0004.opus"
        out.parent.mkdir(exist_ok=True)
        _ffmpeg("-i", str(src), "-ac", "1", "-ar", "48000", "-c:a", "libopus", "-b:a", "20k",
                "-application", "voip", str(out))
    elif kind in ("ogg", "oga"):
        out = _DIR / f"{tag}" / f"PTT-20261128-WA0004.{kind}"
        shutil.copyfile(media("opus", text, rate), out)
    elif kind == "amr_nb":
        x, sr = read_wav(src)
        out = out.with_suffix(".amr")
        out.write_bytes(encode_amr_nb(_resample(x, sr, 8000)))
    elif kind == "amr_wb":
        x, sr = read_wav(src)
        out = out.with_suffix(".amr")
        out.write_bytes(encode_amr_wb(_resample(x, sr, 16000)))
    elif kind in ("3gp_nb", "3gp_wb"):
        out = out.with_suffix(".3gp")
        _ffmpeg("-i", str(media("amr_" + kind[-2:], text, rate)), "-c:a", "copy", str(out))
    elif kind == "m4a":
        out = out.with_suffix(".m4a")
        _ffmpeg("-i", str(src), "-ac", "1", "-c:a", "aac", "-b:a", "64k", str(out))
    elif kind == "mp3":
        out = out.with_suffix(".mp3")
        _ffmpeg("-i", str(src), "-ac", "1", "-c:a", "libmp3lame", "-b:a", "48k", str(out))
    elif kind == "wav":
        out = out.with_suffix(".wav")
        _ffmpeg("-i", str(src), "-ac", "2", "-ar", "44100", str(out))
    elif kind == "webm":
        out = out.with_suffix(".webm")
        _ffmpeg("-i", str(src), "-c:a", "libopus", "-b:a", "32k", str(out))
    elif kind == "mp4":
        out = out.with_suffix(".mp4")
        dur = len(read_wav(src)[0]) / read_wav(src)[1]
        _ffmpeg("-f", "lavfi", "-i", f"testsrc=s=320x240:d={dur:.2f}:r=15", "-i", str(src), "-c:v", "libx264",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(out))
    elif kind == "mp4_silent":
        out = out.with_suffix(".mp4")
        _ffmpeg("-f", "lavfi", "-i", "testsrc=s=320x240:d=2:r=15", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                str(out))
    else:
        raise ValueError(kind)
    return out


def decode(path: Path, **kw) -> DecodedAudio:
    return load_audio(path.name, path.read_bytes(), Settings(), **kw)


def _envelope(x: np.ndarray, rate: int, frame_s: float = 0.05) -> np.ndarray:
    n = int(rate * frame_s)
    x = x[: len(x) - len(x) % n].astype(np.float64)
    return np.sqrt((x.reshape(-1, n) ** 2).mean(axis=1))


# kind -> (format, codec, original rate, channels)
FORMATS = {
    "opus": ("OGG", "opus", 48000, 1),
    "ogg": ("OGG", "opus", 48000, 1),
    "oga": ("OGG", "opus", 48000, 1),
    "amr_nb": ("AMR", "amrnb", 8000, 1),
    "amr_wb": ("AMR", "amrwb", 16000, 1),
    "3gp_nb": ("3GP", "amrnb", 8000, 1),
    "3gp_wb": ("3GP", "amrwb", 16000, 1),
    "m4a": ("M4A", "aac", 22050, 1),
    "mp3": ("MP3", "mp3", 22050, 1),
    "wav": ("WAV", "pcm_s16le", 44100, 2),
    "webm": ("WEBM", "opus", 48000, 1),
    "mp4": ("MP4", "aac", 22050, 1),
}


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_each_format_decodes_to_mono_16k_with_the_right_length_and_content(kind):
    fmt, codec, rate, channels = FORMATS[kind]
    ref, ref_rate = read_wav(speech_wav(T9_SCRIPT))
    ref_dur = len(ref) / ref_rate
    a = decode(media(kind))
    assert a.sample_rate == 16000
    assert a.samples.dtype == np.float32 and a.samples.ndim == 1
    assert a.samples.size == pytest.approx(a.duration_s * 16000, abs=1)
    # AMR frames are 20 ms and encoders add priming/padding: allow 0.1 s.
    assert a.duration_s == pytest.approx(ref_dur, abs=0.1)
    assert -1.0 <= float(a.samples.min()) and float(a.samples.max()) <= 1.0
    assert (a.format, a.codec.replace("float", ""), a.original_rate, a.channels) == (fmt, codec, rate, channels)
    assert not a.truncated and a.notes == []
    # Same sound as the script: loudness envelopes correlate (codec delay < 50 ms).
    e_ref = _envelope(ref.astype(np.float32) / 32768, ref_rate)
    e_dec = _envelope(a.samples, 16000)
    m = min(len(e_ref), len(e_dec))
    best = max(np.corrcoef(e_ref[: m - 2], e_dec[s: m - 2 + s])[0, 1] for s in range(0, 2))
    assert best > 0.9, f"{kind}: envelope correlation {best:.2f}"


def test_whatsapp_copies_decode_identically():
    samples = [decode(media(k)).samples for k in ("opus", "ogg", "oga")]
    assert np.array_equal(samples[0], samples[1]) and np.array_equal(samples[0], samples[2])
    assert decode(media("opus")).name == "PTT-20261128-WA0004.opus"


def test_long_recording_is_cut_at_max_seconds_and_flagged():
    a = decode(media("mp3"), max_seconds=2.0)
    assert a.truncated
    assert a.duration_s == pytest.approx(2.0, abs=1e-3)
    assert any("first 2 s" in n for n in a.notes)
    assert a.source_duration_s is not None and a.source_duration_s > 4


def test_video_without_sound_is_unsupported_with_a_message():
    with pytest.raises(UnsupportedFormatError) as e:
        decode(media("mp4_silent"))
    assert "no sound track" in e.value.user_message


def test_empty_and_too_large_and_not_audio():
    with pytest.raises(EmptyMediaError):
        load_audio("x.opus", b"")
    data = media("wav").read_bytes()
    with pytest.raises(FileTooLargeError):
        load_audio("x.wav", data, Settings(max_bytes=len(data) - 1))
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "PNG")
    with pytest.raises(UnsupportedFormatError) as e:
        load_audio("voice.ogg", buf.getvalue())
    assert "photo" in e.value.user_message
    with pytest.raises(UnsupportedFormatError):
        load_audio("x.bin", np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    with pytest.raises(UnsupportedFormatError):
        load_audio("notes.txt", b"my washer shows E21\n" * 20)


def test_truncated_or_damaged_files():
    m4a = media("m4a").read_bytes()
    with pytest.raises(CorruptMediaError):
        load_audio("cut.m4a", m4a[: len(m4a) // 3])  # moov atom at the end is lost
    ogg = bytearray(media("opus").read_bytes())
    ogg[100:3000] = np.random.default_rng(2).integers(0, 256, 2900, dtype=np.uint8).tobytes()
    with pytest.raises(CorruptMediaError):
        load_audio("dmg.opus", bytes(ogg))
    # Damaged frames inside an MP3 are skipped and noted; the rest is kept.
    mp3 = bytearray(media("mp3").read_bytes())
    for i in range(2000, len(mp3), 50):
        mp3[i] ^= 0x55
    a = load_audio("dmg.mp3", bytes(mp3))
    assert a.duration_s > 2.0 and any("damaged" in n for n in a.notes)
    # A cut AMR keeps what arrived when most of it is there.
    amr = media("amr_nb").read_bytes()
    a = load_audio("cut.amr", amr[: int(len(amr) * 0.8)])
    assert a.duration_s == pytest.approx(decode(media("amr_nb")).duration_s * 0.8, abs=0.3)


def test_max_seconds_must_be_positive():
    with pytest.raises(ValueError):
        load_audio("x.wav", media("wav").read_bytes(), max_seconds=0)


def test_to_dict_has_no_samples():
    d = decode(media("amr_wb")).to_dict()
    assert "samples" not in d and d["codec"] == "amrwb" and d["sample_rate"] == 16000
