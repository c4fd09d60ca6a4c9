"""Panel views of videos and voice notes: pure helpers (envelope, timeline, transcript
highlighting, frames) and AppTest runs of the Diagnose and Demo pages with hand-built
video/audio results; one voice note goes through the real pipeline."""

from __future__ import annotations

import numpy as np
import pytest
import ui_fakes
from streamlit.testing.v1 import AppTest
from ui_fakes import MP4_BYTES

from diagnostics.schema import CodeCandidate, MediaResult
from diagnostics.ui import av, state

# --------------------------------------------------------------------------- helpers (no Streamlit)


def test_envelope_keeps_extremes_and_time_axis():
    x = np.zeros(16000 * 3, np.float32)
    x[16000] = 0.9  # a spike at 1.0 s
    x[32000] = -0.7  # a dip at 2.0 s
    env = av.envelope(x, 16000, points=300)
    assert len(env["t_s"]) == len(env["lo"]) == len(env["hi"]) == 300
    assert max(env["hi"]) == pytest.approx(0.9) and min(env["lo"]) == pytest.approx(-0.7)
    i_hi = int(np.argmax(env["hi"]))
    assert env["t_s"][i_hi] <= 1.0 < env["t_s"][i_hi] + 0.01 + 1e-9, "spike lands in the column covering 1.0 s"
    assert av.envelope(None) == {"t_s": [], "lo": [], "hi": []}
    assert av.envelope(np.array([np.nan], np.float32))["t_s"] == []
    short = av.envelope(np.ones(10, np.float32), 16000, points=1200)
    assert len(short["t_s"]) == 10, "never more columns than samples"


def test_highlight_bolds_code_words_and_escapes_everything_else():
    text = "It shows E twenty-one [click](http://x.example) <b>hi</b> and e TWENTY-ONE again"
    md = av.highlight_phrases(text, ["E twenty-one"])
    assert md.count("**E twenty\\-one**") == 1 and md.count("**e TWENTY\\-ONE**") == 1
    assert "\\[click\\]\\(http\\:" in md and "\\<b\\>" in md
    assert "<b>" not in md and "](" not in md
    # Whole words only: "E2" must not light up inside "E21"; overlaps are merged.
    assert av.phrase_spans("code E21 here", ["E2"]) == []
    assert av.phrase_spans("E twenty-one", ["E twenty-one", "twenty"]) == [(0, 12)]


def test_code_phrases_from_sources_and_timeline():
    m = ui_fakes.fake_voice_diagnosis().media[0]
    assert av.code_phrases(m) == ["E twenty-one", "E21"]
    m.candidates.append(CodeCandidate("3 short beeps", "BEEP:AMI:3S", "appliance", ("beep detector",), 1.0))
    assert "BEEP:AMI:3S" not in av.code_phrases(m)


def test_timeline_rows_merge_sources_and_blink_lights():
    m = ui_fakes.fake_video_diagnosis().media[0]
    rows = av.timeline_rows(m)
    assert [(r["row"], r["what"]) for r in rows] == [
        ("Video", "4C"), ("Video", "5E"), ("Lights", "red on"), ("Lights", "red on"), ("Beeps", "1 beep")]
    assert rows[3]["start_s"] == pytest.approx(0.6) and rows[3]["end_s"] == pytest.approx(0.9)
    m.timeline.append({"start_s": "bad"})
    assert len(av.timeline_rows(m)) == 5, "malformed entries are skipped"
    chart = av.timeline_chart(rows, 6.0).to_dict()
    assert chart["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, 6.0]
    assert av.timeline_chart([]) is None


def test_waveform_chart_marks_beeps_and_spoken_codes():
    m = ui_fakes.fake_video_diagnosis().media[0]
    spec = av.waveform_chart(m).to_dict()
    datasets = list(spec["datasets"].values())
    bands = next(d for d in datasets if d and "label" in d[0])
    assert bands == [{"start_s": 5.0, "end_s": 5.2, "label": "beep (short 2000 Hz)", "what": "beep"}]
    voice = ui_fakes.fake_voice_diagnosis().media[0]
    vbands = next(d for d in av.waveform_chart(voice).to_dict()["datasets"].values() if d and "label" in d[0])
    assert vbands[0]["what"] == "spoken code" and vbands[0]["start_s"] == 2.0
    assert av.waveform_chart(MediaResult("x.png")) is None


def test_finding_frames_use_full_frame_for_best_and_scaled_thumbnails_for_others():
    m = ui_fakes.fake_video_diagnosis().media[0]
    frames = av.finding_frames(m)
    assert [(code, t) for code, t, _, _ in frames] == [("5E", 4.0), ("4C", 0.3)]
    assert frames[0][2] is m.image and frames[0][3][0].bbox == (200, 100, 160, 90)
    assert frames[1][2].shape == (90, 160, 3) and frames[1][3][0].bbox == (50, 25, 40, 22)  # 640x360 -> 160x90
    blink = av.blink_frames(m)
    assert blink[0][0].startswith("red light: 3 flashes") and blink[0][2] == (60, 20, 4, 4)  # 320x180 -> 160x90


@pytest.mark.parametrize("source, t", [("clip.mp4 @ 2.4 s", 2.4), ("clip.mp4 @ 0.2 s, 1.8 s (2 of 2 frames)", 0.2),
                                       ("note.opus 0.8-1.9 s: “E twenty-one”", 0.8), ("typed text", None)])
def test_finding_time(source, t):
    assert av.finding_time(source) == t


def test_speech_status_and_reason_wording():
    m = ui_fakes.fake_voice_diagnosis(speech=False).media[0]
    assert av.speech_status(m) == (False, "no speech detected (only noise)")
    assert av.no_speech_reason("no speech detected (only noise)") == "Only noise."
    assert av.no_speech_reason("") == ""
    assert av.speech_status(MediaResult("a.wav", kind="audio")) == (None, "")


def test_playable_mime_and_player_bytes():
    from pathlib import Path

    root = Path(ui_fakes.REPO) / "sample_media" / "av"
    opus, amr = root / "PTT-20261128-WA0004.opus", root / "voice_boiler_f28.amr"
    if not opus.is_file() or not amr.is_file():
        pytest.skip("sample voice notes not generated")
    assert av.playable_mime(opus.read_bytes(), "audio") == "audio/ogg"
    assert av.playable_mime(amr.read_bytes(), "audio") is None, "AMR plays from the decoded waveform"
    assert av.playable_mime(MP4_BYTES, "video") == "video/mp4"
    d = ui_fakes.fake_video_diagnosis("clip.mp4")
    assert state.player_bytes([("clip.mp4", MP4_BYTES)], d) == [MP4_BYTES]
    assert state.player_bytes([("a.png", b"png")], ui_fakes.fake_diagnosis("a.png")) == [b""]


def test_sample_list_includes_videos_and_voice_notes():
    from diagnostics.ui.samples import list_samples

    names = {s.name: s.expected for s in list_samples()}
    if "av/PTT-20261128-WA0004.opus" not in names:
        pytest.skip("av manifest not generated")
    assert names["av/PTT-20261128-WA0004.opus"] == "E21"
    assert names["av/wa_washer_two_codes_4c_5e.mp4"] == "4C;5E"


# --------------------------------------------------------------------------- AppTest


def _images(at: AppTest) -> list[str]:
    """Captions of every st.image on the page."""
    out = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            if getattr(child, "type", None) == "image":
                out.extend(child.captions)
            walk(child)

    walk(at.main)
    return out


@pytest.fixture
def av_backend(monkeypatch, fake_backend):
    """diagnose() gives the video result for MP4 bytes and the voice-note result otherwise."""
    from diagnostics import api

    calls: list = []

    def diagnose(files, *, settings=None, progress=None, text=""):
        calls.append([n for n, _ in files])
        if progress:
            progress(0.5, "Watching clip: 3 of 6 s")
        name, data = files[0]
        if data[4:8] == b"ftyp":
            return ui_fakes.fake_video_diagnosis(name)
        if data.startswith(b"silence"):
            return ui_fakes.fake_voice_diagnosis(name, speech=False)
        return ui_fakes.fake_voice_diagnosis(name, transcript=data.decode())

    monkeypatch.setattr(api, "diagnose", diagnose)
    return calls


def _upload(name: str, data: bytes, mime: str) -> AppTest:
    at = ui_fakes.signed_in_app("agent", 30)
    at.run()
    at.file_uploader(key="upload_files").set_value((name, data, mime)).run()
    at.button(key="run_diagnose").click().run()
    assert not at.exception, at.exception
    return at


def test_video_shows_player_frames_timeline_and_light(av_backend):
    at = _upload("clip.mp4", MP4_BYTES, "video/mp4")
    assert "**5E**" in at.success[0].value
    assert any(m.value.startswith("**Video 1: clip\\.mp4**") and "6.0 s long" in m.value for m in at.markdown)
    assert len(at.get("video")) == 1
    caps = _images(at)
    assert caps[:2] == ["5E — frame at 4.0 s", "4C — frame at 0.3 s"]
    assert "Indicator light: red light: 3 flashes, pause, repeating (seen 2 times)" in caps
    assert caps[-2:] == ["0.3 s", "4.0 s"], "key frames with their times"
    codes = at.dataframe[0].value
    assert list(codes["Code"]) == ["5E", "4C"] and list(codes["Where / when"])[1] == "clip.mp4 @ 0.3 s"
    timeline = next(d.value for d in at.dataframe if "Where" in d.value.columns)
    assert list(timeline["What"]) == ["4C", "5E", "red on", "red on", "1 beep"]
    assert len(at.get("vega_lite_chart")) == 2, "timeline and sound-track waveform"
    assert any("No speech detected." in i.value and "No voice in the recording\\." in i.value for i in at.info)


def test_t12_video_result_survives_widget_changes(av_backend):
    at = _upload("clip.mp4", MP4_BYTES, "video/mp4")
    before = (at.success[0].value, _images(at), len(at.get("video")))
    at.segmented_control(key="reply_lang").set_value("es").run()
    at.text_area(key="customer_text").set_value("it also beeps").run()
    assert not at.exception, at.exception
    assert (at.success[0].value, _images(at), len(at.get("video"))) == before, "same result, player kept"
    assert av_backend == [["clip.mp4"]], "no re-analysis on reruns"
    assert [e.value for e in at.error if not e.value.startswith("**Safety:**")] == []


def test_voice_note_transcript_is_highlighted_and_escaped(av_backend):
    said = "Washer shows E twenty-one [link](http://evil.example) <img src=x>"
    at = _upload("PTT-1.opus", said.encode(), "audio/ogg")
    transcript = next(m.value for m in at.markdown if m.value.startswith("> "))
    assert "**E twenty\\-one**" in transcript
    assert "\\[link\\]\\(http\\:" in transcript and "\\<img src=x\\>" in transcript
    assert any(m.value.startswith("**Recording 1: PTT\\-1\\.opus**") for m in at.markdown)
    assert len(at.get("audio")) == 1 and len(at.get("vega_lite_chart")) == 2
    assert "E21" in list(at.dataframe[0].value["Code"])
    assert any("won't drain" in c.value for c in at.caption)


def test_voice_note_without_speech_says_so(av_backend):
    at = _upload("PTT-2.opus", b"silence" + bytes(100), "audio/ogg")
    assert any(i.value.startswith("**No speech detected.** Only noise\\.") for i in at.info)
    assert not [m for m in at.markdown if m.value.startswith("> ")], "no transcript shown"
    assert any("No error code found in this recording." in m.value for m in at.markdown)


def test_demo_page_covers_both_manifests(fake_backend, monkeypatch, tmp_path):
    from pathlib import Path

    import diagnostics.config
    from diagnostics import api
    from diagnostics.evaluation import EvalReport, EvalRow

    media = tmp_path / "sample_media"
    (media / "av").mkdir(parents=True)
    (media / "expected.csv").write_text("path,expected\nwasher_e21.png,E21\n")
    (media / "av" / "expected.csv").write_text(
        'path,expected,kind,transcript\nclip.mp4,4C;5E,video,\n'
        'note.opus,E21,audio,"My washing machine shows E twenty-one, it won\'t drain."\n')
    monkeypatch.setattr(diagnostics.config, "SAMPLE_MEDIA_DIR", media)
    photo = EvalReport([EvalRow(str(fake_backend["sample"]), "E21", True, ["E21"], ["E21"], True, False, False, 0.5)],
                       1.0, 1.0, 1.0, 0, 0, 0.5)
    av_rows = [
        EvalRow(str(media / "av" / "clip.mp4"), "4C;5E", True, ["5E", "4C"], [], True, False, False, 4.2,
                kind="video"),
        EvalRow(str(media / "av" / "note.opus"), "E21", True, ["E15"], [], False, True, False, 1.1, kind="audio",
                transcript="shows E fifteen", wer=0.25),
    ]
    av_report = EvalReport(av_rows, 0.5, 0.67, 0.67, 0, 1, 2.6, by_kind={"audio": 0.0, "video": 1.0}, mean_wer=0.25)
    seen: list[str] = []

    def evaluate(manifest, **kw):
        seen.append(Path(manifest).relative_to(media).as_posix())
        return av_report if Path(manifest).parent.name == "av" else photo

    monkeypatch.setattr(api, "evaluate", evaluate)
    at = ui_fakes.signed_in_app("agent", 30)
    at.run()
    at.switch_page("diagnostics/ui/pages/demo.py").run()
    assert not at.exception and seen == [], "nothing runs until a button is pressed"
    at.button(key="demo_run_av").click().run()
    assert not at.exception, at.exception
    assert seen == ["av/expected.csv"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Exact match"] == "50%" and metrics["Speech WER"] == "25.0%"
    assert metrics["Recordings"] == "0%" and metrics["Videos"] == "100%"
    table = at.dataframe[-1].value
    assert list(table["Result"]) == ["✓ correct", "✗ wrong"] and list(table["Expected"]) == ["4C;5E", "E21"]
    assert list(table["Found"]) == ["5E, 4C", "E15"] and list(table["Time (s)"]) == [4.2, 1.1]
    assert list(table["Heard"]) == ["", "shows E fifteen"]
    assert list(table["Said"]) == ["", "My washing machine shows E twenty-one, it won't drain."]
    at.button(key="demo_run").click().run()
    assert seen[-1] == "expected.csv" and not at.exception
    at.toggle(key="demo_only_wrong").set_value(True).run()
    assert list(at.dataframe[-1].value["File"]) == ["note.opus"]


def test_real_pipeline_on_a_voice_note():
    """No patches: a voice note sample (AAC, "The printer shows fifty point four.") through
    the real pipeline (~3 s)."""
    from diagnostics.config import SAMPLE_MEDIA_DIR

    if not (SAMPLE_MEDIA_DIR / "av" / "voice_printer_504.m4a").is_file():
        pytest.skip("voice-note sample not generated")
    at = ui_fakes.signed_in_app("agent", 120)
    at.run()
    at.selectbox(key="sample_pick").set_value("av/voice_printer_504.m4a").run()
    at.button(key="run_diagnose").click().run()
    assert not at.exception, at.exception
    assert "50.4" in list(at.dataframe[0].value["Code"])
    assert at.success and at.success[0].value.startswith("**50\\.4**")
    transcript = next(m.value for m in at.markdown if m.value.startswith("> "))
    assert "printer" in transcript.lower() and "**" in transcript, "code words in bold"
    assert len(at.get("audio")) == 1
