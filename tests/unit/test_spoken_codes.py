"""Codes spoken aloud -> normalised code candidates linked to words and times."""

from __future__ import annotations

import pytest

from diagnostics.knowledge.keys import match_key
from diagnostics.sound.speech import Segment, Transcript, Word
from diagnostics.sound.spoken_codes import codes_from_transcript, normalise_spoken, read_spoken_codes, words_to_digits


@pytest.fixture(scope="module")
def keys(kb):
    return kb.known_keys(), kb.canonical_codes()


def _transcript(text: str, t0: float = 1.0, step: float = 0.4, prob: float = 0.9) -> Transcript:
    words = [Word(t0 + i * step, t0 + (i + 1) * step - 0.05, w, prob) for i, w in enumerate(text.split())]
    seg = Segment(t0, t0 + step * len(words), text, words, 0.02, -0.3)
    return Transcript(text=text, segments=[seg], duration_s=t0 + step * len(words) + 1, engine="whisper-tiny.en")


@pytest.mark.parametrize("tokens,digits", [
    ("twenty one", "21"), ("two one", "21"), ("oh four twenty", "0420"), ("zero four two zero", "0420"),
    ("six hundred ninety one", "691"), ("six hundred and ninety one", "691"), ("double oh", "00"),
    ("nineteen", "19"), ("fifty", "50"), ("4 twenty", "420"), ("one hundred", "100"), ("three oh five", "305"),
])
def test_words_to_digits(tokens, digits):
    assert words_to_digits(tokens.split()) == digits


@pytest.mark.parametrize("said,code,family", [
    ("my washer shows E twenty-one", "E21", "appliance"),
    ("My washer shows E two one.", "E21", "appliance"),
    ("it shows E 21", "E21", "appliance"),
    ("the boiler says F dot twenty-eight", "F.28", "appliance"),
    ("the boiler says F point two eight", "F.28", "appliance"),
    ("the scanner says P zero four two zero", "P0420", "obd2"),
    ("the code is P oh four twenty", "P0420", "obd2"),
    ("the printer shows fifty point four", "50.4", "printer"),
    ("my Samsung washer displays four C", "4C", "appliance"),
    ("the LG washer shows U E", "UE", "appliance"),
    ("it says D E on the screen", "dE", "appliance"),
    ("the router gives error six nine one", "691", "router"),
    ("the computer crashed with stop code zero x one two four", "0x00000124", "windows_stop"),
    ("the code is five U D", "5UD", "appliance"),
    # Whisper's own spellings pass straight through
    ("The printer shows 50.4.", "50.4", "printer"),
    ("And it shows E2 one.", "E21", "appliance"),
    ("error 69-1", "691", "router"),
])
def test_spoken_code_phrases(keys, said, code, family):
    kk, can = keys
    got = codes_from_transcript(_transcript(said), kk, can, source="PTT.opus")
    assert [(c.candidate.code, c.candidate.family) for c in got][:1] == [(code, family)]
    c = got[0]
    assert c.candidate.source == "PTT.opus" and c.candidate.engines == ("whisper-tiny.en",)
    assert 0 < c.candidate.confidence <= 1
    # Linked to the words it came from, and to their times.
    assert match_key("".join(c.words).replace("twenty-one", "21")) or c.words
    assert all(w in said.split() for w in c.words)
    first = said.split().index(c.words[0])
    assert c.start_s == pytest.approx(1.0 + 0.4 * first)
    assert c.end_s == pytest.approx(1.0 + 0.4 * (first + len(c.words)) - 0.05)


@pytest.mark.parametrize("said", [
    "it beeps three times and will not drain",
    "I have two kids and the machine is four years old",
    "oh no, it stopped again",
    "I put two point five kilos of clothes in it",
    "the water stays in the drum",
    "thank you",
])
def test_no_code_in_ordinary_speech(keys, said):
    kk, can = keys
    r = read_spoken_codes(_transcript(said), kk, can)
    assert r.codes == []
    assert r.symptom_text == said  # the words are kept as spoken for the symptom search


def test_symptom_text_and_several_codes(keys):
    kk, can = keys
    said = "My washer shows E twenty-one, it beeps three times and the water stays in the drum. Also U E."
    r = read_spoken_codes(_transcript(said), kk, can)
    assert {c.candidate.code for c in r.codes} == {"E21", "UE"}
    assert "beeps three times" in r.symptom_text and "water stays in the drum" in r.symptom_text
    assert "twenty" not in r.symptom_text and "E21" not in r.symptom_text
    assert "E21" in r.normalised_text
    e21 = next(c for c in r.codes if c.candidate.code == "E21")
    assert e21.spoken == "E twenty-one,"


def test_soundalike_repairs_only_when_the_kb_knows_the_code(keys):
    kk, can = keys
    r = codes_from_transcript(_transcript("My washer shows the 21."), kk, can)
    assert [c.candidate.code for c in r] == ["E21"]
    assert r[0].candidate.confidence < 0.7 and any("sounds alike" in n for n in r[0].candidate.repairs)
    # "the 77" -> E77 is not a known code: nothing is invented.
    assert codes_from_transcript(_transcript("My washer shows the 77."), kk, can) == []
    r = codes_from_transcript(_transcript("The scanner says B0420."), kk, can)
    assert [c.candidate.code for c in r] == ["P0420"] and "sounds alike" in r[0].candidate.repairs[-1]
    # Without a knowledge base no sound-alike guess is made.
    assert codes_from_transcript(_transcript("My washer shows the 21."), None, None) == []


def test_confidence_follows_word_probability(keys):
    kk, can = keys
    hi = codes_from_transcript(_transcript("it shows E 21", prob=0.95), kk, can)[0].candidate.confidence
    lo = codes_from_transcript(_transcript("it shows E 21", prob=0.3), kk, can)[0].candidate.confidence
    assert hi > lo + 0.2


def test_no_speech_gives_nothing(keys):
    kk, can = keys
    t = Transcript(text="", segments=[], speech_detected=False, reason="no speech detected")
    r = read_spoken_codes(t, kk, can)
    assert r.codes == [] and r.symptom_text == ""


def test_normalise_spoken():
    assert normalise_spoken("the display says F dot twenty eight") == "the display says F.28"
    assert normalise_spoken("it beeps three times") == "it beeps three times"
    assert normalise_spoken("it shows E 21 E 22") == "it shows E21 E22"


# ------------------------------------------------------- end to end: espeak-ng -> Whisper -> code

@pytest.fixture(scope="module")
def engine():
    pytest.importorskip("faster_whisper")
    from diagnostics.engines.whisper import WhisperEngine

    return WhisperEngine()


@pytest.mark.parametrize("said,code", [
    ("My washer shows E twenty-one.", "E21"),
    ("The boiler says F dot twenty eight.", "F.28"),
    ("The check engine light is on and the scanner says P zero four two zero.", "P0420"),
])
def test_spoken_code_end_to_end(engine, keys, said, code):
    from test_audio_decode import decode, media

    kk, can = keys
    a = decode(media("opus", said, 130))
    t = engine.transcribe(a.samples)
    got = codes_from_transcript(t, kk, can, source="PTT-20261128-WA0004.opus")
    assert got and got[0].candidate.code == code, t.text
    c = got[0]
    assert 0 <= c.start_s < c.end_s <= a.duration_s + 0.1
    assert c.candidate.confidence >= 0.3


@pytest.mark.parametrize("said,code", [
    ("The LG washer shows you E on the screen.", "UE"),
    ("My Samsung washer displays for C and it is not filling.", "4C"),
    ("The boiler and F-not 28 and there is no water.", "F.28"),
    ("The connection fails with error 6, 9, 1, when I dial.", "691"),
])
def test_recogniser_spellings_of_spoken_codes(keys, said, code):
    kk, can = keys
    got = codes_from_transcript(_transcript(said), kk, can)
    assert [c.candidate.code for c in got] == [code]


@pytest.mark.parametrize("said", ["I tried 3, 4 times", "it shows you the screen", "I went to the shop for C batteries",
                                  "The display shows the 77."])
def test_soundalikes_do_not_invent_codes(keys, said):
    kk, can = keys
    assert codes_from_transcript(_transcript(said), kk, can) == []


def test_digit_homophones_inside_a_spelled_digit_run():
    from diagnostics.sound.spoken_codes import normalise_spoken

    assert normalise_spoken("My car is as P zero four to zero.") == "My car is as P0420."
    assert "425" not in normalise_spoken("code 4 to 5 minutes")
    assert normalise_spoken("I want to go for a walk") == "I want to go for a walk"


def test_digit_homophone_in_a_run_costs_less_than_a_soundalike_letter(keys):
    """'to' between two spelled digits is almost surely 'two'; 'the' before a number is
    only perhaps 'E'.  The first keeps a presentable confidence, the second does not."""
    kk, can = keys
    run = codes_from_transcript(_transcript("My car scanner says P zero four to zero.", prob=0.7), kk, can)
    plain = codes_from_transcript(_transcript("My car scanner says P zero four two zero.", prob=0.7), kk, can)
    letter = codes_from_transcript(_transcript("My washer shows the 21.", prob=0.7), kk, can)
    assert [c.candidate.code for c in run] == ["P0420"]
    ratio = run[0].candidate.confidence / plain[0].candidate.confidence
    assert 0.85 <= ratio < 1.0
    assert any("between digits" in n for n in run[0].candidate.repairs)
    assert letter[0].candidate.confidence / plain[0].candidate.confidence < 0.7
