"""Videos and voice notes of sample_media/av/ through the whole path (eval over the
manifest once per module), with the inputs T8-T11 of shared/docs/TEST-INPUTS.md."""

from pathlib import Path

import pytest

from diagnostics.config import SAMPLE_MEDIA_DIR
from diagnostics.evaluation import evaluate_manifest

AV = SAMPLE_MEDIA_DIR / "av"


@pytest.fixture(scope="module")
def report(pipeline):
    return evaluate_manifest(AV / "expected.csv", pipeline)


def _row(report, name):
    return next(r for r in report.rows if Path(r.path).name == name)


def _table(report):
    return "\n".join(f"{Path(r.path).name}: expected={r.expected!r} got={r.codes} transcript={r.transcript[:60]!r}"
                     for r in report.rows if not r.correct)


def test_manifest_covers_videos_and_voice_notes(report):
    kinds = [r.kind for r in report.rows]
    assert kinds.count("video") >= 8 and kinds.count("audio") >= 8


@pytest.mark.parametrize("name", ["phone_rot-90_dishwasher_e15.mp4", "phone_rot+90_washer_4c.mp4",
                                  "iphone_hevc_rot-90_boiler_f22.mov"])
def test_t8_rotated_and_hevc_videos_read_upright(report, name):
    assert _row(report, name).correct, _table(report)


@pytest.mark.parametrize("name", ["PTT-20261128-WA0004.opus", "PTT-20261128-WA0004.ogg", "PTT-20261128-WA0004.oga"])
def test_t9_whatsapp_voice_note_transcribed(report, name):
    row = _row(report, name)
    assert "washing machine" in row.transcript.lower() and row.wer is not None and row.wer <= 0.4, row


@pytest.mark.parametrize("name", ["PTT-20261128-WA0011.opus", "PTT-20261128-WA0012.opus", "PTT-20261128-WA0013.opus"])
def test_t10_silence_noise_click_give_no_text_and_no_code(report, name):
    row = _row(report, name)
    assert row.transcript == "" and row.codes == []


def test_t10_long_note_with_pause_has_no_repeated_words(report):
    row = _row(report, "PTT-20261128-WA0020.opus")
    words = row.transcript.lower().split()
    assert len(words) > 60 and row.correct
    loops = [i for i in range(len(words) - 6) if words[i:i + 3] == words[i + 3:i + 6]]
    assert not loops, row.transcript


def test_t11_amr_decoded_and_transcribed(report):
    row = _row(report, "voice_boiler_f28.amr")
    assert "boiler" in row.transcript.lower()


def test_beep_patterns_mapped(report):
    for name in ("beeps_ami_3_short.wav", "beeps_award_1long_2short.ogg", "beeps_phoenix_1-2-1.wav",
                 "voice_washer_beeps_three_times.m4a"):
        assert _row(report, name).correct, _table(report)


def test_no_code_files_present_no_code(report):
    assert all(not r.codes for r in report.rows if not r.expected), _table(report)


def test_overall_figures(report):
    # measured 2026-11-30: see docs/benchmarks.md; these floors catch regressions
    assert report.accuracy >= 0.84, _table(report)
    assert report.false_positive_photos <= 2, _table(report)
    assert report.mean_wer is not None and report.mean_wer < 0.5
