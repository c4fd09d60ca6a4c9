"""Checks of our sample videos and voice notes (``sample_media/av``, made by
``scripts/make_sample_av.py``): every file listed in ``expected.csv`` exists, is identified
as video/audio by its content, has the rotation, codecs and duration claimed, the signal
really contains what the expected answer says (three LED flashes, beep groups, speech
louder than the room tone), and the generator is deterministic."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np
import pytest

av = pytest.importorskip("av")

ROOT = Path(__file__).resolve().parents[2]
AV_DIR = ROOT / "sample_media" / "av"
sys.path.insert(0, str(ROOT / "scripts"))

from diagnostics.ingest.sniff import sniff  # noqa: E402
from synth import av as sav  # noqa: E402


def _rows() -> list[dict]:
    with open(AV_DIR / "expected.csv", newline="") as f:
        return list(csv.DictReader(f))


ROWS = _rows()
BY_PATH = {r["path"]: r for r in ROWS}


def _decode_audio(path: Path, rate: int = 16000) -> np.ndarray:
    """First audio stream as ``(n,) float32`` mono at ``rate`` Hz."""
    out = []
    rs = av.AudioResampler(format="flt", layout="mono", rate=rate)
    with av.open(str(path)) as c:
        for fr in c.decode(audio=0):
            for r in rs.resample(fr):
                out.append(r.to_ndarray().reshape(-1))
    for r in rs.resample(None):
        out.append(r.to_ndarray().reshape(-1))
    return np.concatenate(out).astype(np.float32) if out else np.zeros(0, np.float32)


def _duration(path: Path) -> float:
    with av.open(str(path)) as c:
        if c.duration:
            return c.duration / 1e6
        s = c.streams[0]
        return float(s.duration * s.time_base)


def test_table_shape_and_counts():
    assert ROWS and list(ROWS[0].keys()) == ["path", "expected", "kind", "transcript", "notes"]
    kinds = [r["kind"] for r in ROWS]
    assert kinds.count("video") >= 8 and kinds.count("audio") >= 8
    assert len(set(r["path"] for r in ROWS)) == len(ROWS)
    for r in ROWS:
        for code in filter(None, r["expected"].split(";")):
            assert code == code.strip() and " " not in code, r


def test_catalogue_matches_table():
    import make_sample_av as gen

    cat = gen.catalogue()
    assert [(i.path, i.expected, i.kind, i.transcript) for i in cat] == [(r["path"], r["expected"], r["kind"], r["transcript"]) for r in ROWS]


@pytest.mark.parametrize("row", ROWS, ids=[r["path"] for r in ROWS])
def test_file_exists_and_sniffs_as_its_kind(row):
    p = AV_DIR / row["path"]
    assert p.is_file() and p.stat().st_size > 500
    mt = sniff(p.read_bytes()[:4096])
    if row["kind"] == "audio" and p.suffix == ".3gp":
        # an audio-only 3GP (AMR) has the same ftyp brand as a video one: the brand says
        # 3GP; whether it holds a picture is known only from its track handlers
        assert mt.format == "3GP" and mt.kind in ("audio", "video"), mt
    else:
        assert mt.kind == row["kind"], (row["path"], mt)


def test_total_size_small():
    total = sum((AV_DIR / r["path"]).stat().st_size for r in ROWS)
    assert total < 6_000_000


@pytest.mark.parametrize("row", [r for r in ROWS if r["kind"] == "video"], ids=lambda r: r["path"])
def test_video_streams_rotation_and_duration(row):
    p = AV_DIR / row["path"]
    with av.open(str(p)) as c:
        assert c.streams.video and c.streams.audio, "phone videos carry a sound track"
        vs = c.streams.video[0]
        w, h = vs.codec_context.width, vs.codec_context.height
        codec = vs.codec_context.name
    rot = sav.probe_rotation(p)
    name = row["path"]
    if "rot-90" in name or "rot+90" in name:
        assert (w, h) == (1280, 720)  # landscape pixels, shown portrait
        assert rot == (-90.0 if "rot-90" in name else 90.0)
    else:
        assert not rot
    if name.endswith(".mov"):
        assert codec == "hevc"
    elif name.endswith(".3gp"):
        assert codec == "h263"
    elif name.endswith(".webm"):
        assert codec == "vp9"
    else:
        assert codec == "h264"
    assert 3.5 <= _duration(p) <= 10.0


def test_rotation_survives_ffprobe_convention():
    """The display matrix we write reads back as FFmpeg's -90/+90 (independent check of
    the tkhd bytes: the 2x2 part of the matrix)."""
    import struct

    for name, want in (("phone_rot-90_dishwasher_e15.mp4", (0, 1, -1, 0)), ("phone_rot+90_washer_4c.mp4", (0, -1, 1, 0))):
        data = (AV_DIR / name).read_bytes()
        i = data.index(b"tkhd")
        version = data[i + 4]
        off = i + 4 + 4 + (32 if version == 1 else 20) + 16
        a, b, _u, c, d = struct.unpack(">5i", data[off:off + 20])
        assert (a >> 16, b >> 16, c >> 16, d >> 16) == want


@pytest.mark.parametrize("row", [r for r in ROWS if r["kind"] == "audio"], ids=lambda r: r["path"])
def test_audio_decodes_with_sane_duration(row):
    p = AV_DIR / row["path"]
    with av.open(str(p)) as c:
        assert c.streams.audio and not c.streams.video
        a = c.streams.audio[0].codec_context
        codec, rate, ch = a.name, a.sample_rate, a.channels
    assert ch == 1
    if p.suffix in (".opus", ".oga") or p.name.endswith("WA0004.ogg"):
        assert (codec, rate) == ("opus", 48000)
    if p.suffix in (".amr", ".3gp"):
        assert codec in ("amr_nb", "amrnb") and rate == 8000
    d = _duration(p)
    assert 0.8 <= d <= 150, d
    if "WA0011" in p.name or "WA0012" in p.name:
        assert abs(d - 20.0) < 0.2
    if "WA0020" in p.name:
        assert d > 100


def test_silence_and_noise_levels():
    x = _decode_audio(AV_DIR / "PTT-20261128-WA0011.opus")
    assert np.max(np.abs(x)) < 1e-3
    n = _decode_audio(AV_DIR / "PTT-20261128-WA0012.opus")
    assert -64 < sav.rms_dbfs(n) < -56


def test_speech_notes_louder_than_room_tone():
    for r in ROWS:
        if r["kind"] == "audio" and r["transcript"]:
            x = _decode_audio(AV_DIR / r["path"])
            assert sav.rms_dbfs(x) > -35, r["path"]
    vo = _decode_audio(AV_DIR / "wa_washer_voiceover_e21.mp4")
    quiet = _decode_audio(AV_DIR / "wa_washer_e21_720p.mp4")
    assert sav.rms_dbfs(vo) > sav.rms_dbfs(quiet) + 20


def _bursts(x: np.ndarray, rate: int, hop: float = 0.01) -> list[tuple[float, float]]:
    """(start, length) of loud runs in the 10 ms RMS envelope."""
    n = int(rate * hop)
    env = np.sqrt(np.mean(x[: len(x) // n * n].reshape(-1, n) ** 2, axis=1))
    on = env > 0.05
    runs, start = [], None
    for i, v in enumerate(np.append(on, False)):
        if v and start is None:
            start = i
        elif not v and start is not None:
            runs.append((start * hop, (i - start) * hop))
            start = None
    return runs


def test_beep_patterns_in_signal():
    ami = _bursts(_decode_audio(AV_DIR / "beeps_ami_3_short.wav"), 16000)
    assert len(ami) == 3 and all(0.15 < d < 0.3 for _, d in ami)
    award = _bursts(_decode_audio(AV_DIR / "beeps_award_1long_2short.ogg"), 16000)
    assert [d > 0.6 for _, d in award] == [True, False, False] * 2
    ph = _bursts(_decode_audio(AV_DIR / "beeps_phoenix_1-2-1.wav"), 16000)
    gaps = [ph[i + 1][0] - (ph[i][0] + ph[i][1]) for i in range(len(ph) - 1)]
    assert len(ph) == 4 and [g > 0.5 for g in gaps] == [True, False, True]


def test_blink_video_flashes_three_times_per_cycle():
    """The red LED's on/off timeline in the decoded clip: runs of 3 flashes split by pauses."""
    lit = []
    with av.open(str(AV_DIR / "boiler_red_led_3_flashes.mp4")) as c:
        c.streams.video[0].thread_type = "AUTO"
        for fr in c.decode(video=0):
            img = fr.to_ndarray(format="rgb24")[::4, ::4].astype(np.int16)
            red = (img[..., 0] > 200) & (img[..., 1] < 150) & (img[..., 2] < 150)
            lit.append(int(red.sum()))
    lit = np.concatenate([[False], np.array(lit) > 20])  # a flash under way at frame 0 counts
    edges = np.flatnonzero(np.diff(lit.astype(int)) == 1)
    starts = edges / 30.0
    gaps = np.diff(starts)
    groups = np.split(starts, np.flatnonzero(gaps > 1.0) + 1)
    full = [len(g) for g in groups[:-1]]  # the last group may be cut by the clip's end
    assert full and all(n == 3 for n in full), groups


def test_router_led_steady():
    with av.open(str(AV_DIR / "router_internet_led_red_steady.mp4")) as c:
        counts = []
        for fr in c.decode(video=0):
            img = fr.to_ndarray(format="rgb24")[::4, ::4].astype(np.int16)
            counts.append(int(((img[..., 0] > 200) & (img[..., 1] < 150) & (img[..., 2] < 150)).sum()))
    assert min(counts) > 10


def test_generator_is_deterministic(tmp_path):
    import make_sample_av as gen

    items = {i.path: i for i in gen.catalogue()}
    for name in ("PTT-20261128-WA0013.opus", "mms_washer_ue.3gp", "beeps_phoenix_1-2-1.wav"):
        a, b = tmp_path / ("a_" + name), tmp_path / ("b_" + name)
        items[name].make(a)
        items[name].make(b)
        assert a.read_bytes() == b.read_bytes(), name
    # the committed PCM file decodes to the same samples as a fresh one
    fresh = _decode_audio(tmp_path / "a_beeps_phoenix_1-2-1.wav")
    kept = _decode_audio(AV_DIR / "beeps_phoenix_1-2-1.wav")
    assert fresh.shape == kept.shape and np.max(np.abs(fresh - kept)) < 1e-3


def test_set_display_rotation_roundtrip(tmp_path):
    frames = [np.full((32, 48, 3), 40 * k, np.uint8) for k in range(4)]
    p = sav.encode_video(iter(frames), tmp_path / "t.mp4", fps=10, size=(48, 32), rotation=-90)
    assert sav.probe_rotation(p) == -90.0
    p.write_bytes(sav.set_display_rotation(p.read_bytes(), 90))
    assert sav.probe_rotation(p) == 90.0
    p.write_bytes(sav.set_display_rotation(p.read_bytes(), 0))
    assert not sav.probe_rotation(p)
    with pytest.raises(Exception):
        sav.set_display_rotation(b"\x00\x00\x00\x08free", 90)


def test_rotate_for_storage_inverts_player_turn():
    up = np.zeros((4, 2, 3), np.uint8)
    up[0, 0] = 255  # top-left marker of a portrait picture
    st = sav.rotate_for_storage(up, -90)
    assert st.shape == (2, 4, 3)
    # the player turns the stored picture 90 degrees clockwise: np.rot90(k=-1)
    assert np.array_equal(np.rot90(st, -1), up)
    assert np.array_equal(np.rot90(sav.rotate_for_storage(up, 90), 1), up)


def test_speak_returns_speech():
    import shutil

    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng not installed")
    x, r = sav.speak("E twenty one")
    assert r == 22050 and 0.5 < len(x) / r < 3 and np.max(np.abs(x)) > 0.05


def test_led_and_beep_codes_are_knowledge_base_codes():
    """Every BLINK:/BEEP: answer is a code of the seed files (when those files exist)."""
    import yaml

    seed = ROOT / "diagnostics" / "knowledge" / "seed"
    codes: set[str] = set()
    for name in ("blink_codes.yaml", "beeps.yaml"):
        p = seed / name
        if p.exists():
            data = yaml.safe_load(p.read_text())
            codes |= {str(e["code"]) for e in (data.get("entries", []) if isinstance(data, dict) else data)}
    wanted = {c for r in ROWS for c in r["expected"].split(";") if c.startswith(("BLINK:", "BEEP:"))}
    assert len(wanted) >= 5
    if not codes:
        pytest.skip("blink/beep seed files not present")
    assert wanted <= codes, wanted - codes
