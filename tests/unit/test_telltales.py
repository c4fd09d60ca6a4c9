"""Lit indicators as findings (diagnostics.telltales): notation, the stage on drawn
dashboards and router panels with a scripted classifier, the knowledge base's tell-tale
and status-light entries, ranking by severity, the customer reply, the lights columns of
the evaluation, and the drawing of lights."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from diagnostics.config import Settings
from diagnostics.engines.fakes import FakeTelltaleClassifier
from diagnostics.engines.telltale_classifier import CLASSES, TELLTALE_CLASSES
from diagnostics.errors import ModelUnavailable
from diagnostics.evaluation import EvalRow, evaluate_manifest, lights_scores
from diagnostics.knowledge.seeding import SEED_DIR
from diagnostics.knowledge.store import KnowledgeBase
from diagnostics.ranking import rank
from diagnostics.reply import compose_reply
from diagnostics.schema import CodeCandidate, MediaResult, TextReading
from diagnostics.telltales import (
    COLOURS,
    LightCode,
    LightsStage,
    led_code,
    led_label,
    light_class,
    light_key,
    light_name,
    light_order,
    parse_light_code,
    safe_to_drive,
    telltale_code,
)
from diagnostics.ui.draw import LIGHT_COLOURS, draw_evidence
from test_indicators import AMBER, GREEN, RED, blob, bracket_symbol, lamp, panel, ring


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> KnowledgeBase:
    return KnowledgeBase.open(Settings(data_dir=tmp_path_factory.mktemp("tt-kb")))


def stage(labels, score=0.95):
    clf = FakeTelltaleClassifier(labels, score)
    return LightsStage(lambda: clf, min_score=0.5), clf


class ByColour:
    """Test classifier: names a crop by the colour of its brightest pixels (the drawn
    dashboards light one symbol per colour)."""

    labels = CLASSES

    def __init__(self, names: dict[str, str], score: float = 0.95):
        self.names, self.score, self.crops_seen = names, score, 0

    def classify(self, crops):
        from diagnostics.engines.telltale_classifier import SymbolPrediction
        from diagnostics.vision.blink import colour_name

        out = []
        for c in crops:
            self.crops_seen += 1
            f = c.reshape(-1, 3).astype(np.float32)
            sat = (f.max(1) - f.min(1)) / np.maximum(f.max(1), 1)
            lab = self.names.get(colour_name(f[(f.max(1) > 120) & (sat > 0.35)].mean(0)), "unknown")
            out.append(SymbolPrediction(lab, self.score, ((lab, self.score),)))
        return out


def dashboard() -> tuple[np.ndarray, list]:
    """Dark cluster with a red ( ! ), an amber blob and a green ring, left to right."""
    img = panel(1280, 720)
    boxes = [lamp(img, bracket_symbol(80), 380, 520, RED), lamp(img, blob(80), 600, 520, AMBER),
             lamp(img, ring(70), 820, 525, GREEN)]
    return img, boxes


# ------------------------------------------------------------------ notation
def test_codes_round_trip_and_keys():
    assert telltale_code("oil_pressure", "red") == "TELLTALE:OIL_PRESSURE:RED"
    assert led_code("internet", "red", "steady") == "LED:INTERNET:RED:STEADY"
    assert led_code("LAN", "", "OFF") == "LED:LAN:OFF"
    assert parse_light_code("TELLTALE:OIL_PRESSURE:RED") == LightCode("telltale", "OIL_PRESSURE", "RED", "")
    assert parse_light_code("led:power:green:3") == ("led", "POWER", "GREEN", "3")
    assert parse_light_code("LED:ALL:OFF") == ("led", "ALL", "", "OFF")
    assert parse_light_code("E21") is None and parse_light_code("BLINK:RED:3") is None
    assert light_key("TELLTALE:UNKNOWN:AMBER") == "unknown:amber"
    assert light_key("LED:INTERNET:RED:STEADY") == "led:internet:red:steady"
    assert light_key("LED:LAN:OFF") == "led:lan:off" and light_key("P0420") == ""
    assert light_class("oil_pressure:red") == "oil_pressure" and light_class("led:internet:red:steady") == "led:internet"
    assert light_name("TELLTALE:OIL_PRESSURE:RED") == "oil pressure (red)"
    assert light_name("LED:WIFI:OFF") == "Wi-Fi light: off"
    assert led_label("Wi-Fi") == "WIFI" and led_label("Broadband") == "DSL" and led_label("Kelvix") is None


def test_light_order_red_then_amber_then_information_then_codes():
    keys = {
        "TELLTALE:HIGH_BEAM:BLUE": light_order("TELLTALE:HIGH_BEAM:BLUE", "low", 0.99),
        "TELLTALE:ABS:AMBER": light_order("TELLTALE:ABS:AMBER", "medium", 0.9),
        "TELLTALE:ENGINE_MIL:AMBER": light_order("TELLTALE:ENGINE_MIL:AMBER", "high", 0.6),
        "TELLTALE:OIL_PRESSURE:RED": light_order("TELLTALE:OIL_PRESSURE:RED", "critical", 0.5),
        "P0420": light_order("P0420", "high", 0.99),
    }
    assert sorted(keys, key=keys.get) == ["TELLTALE:OIL_PRESSURE:RED", "TELLTALE:ENGINE_MIL:AMBER",
                                          "TELLTALE:ABS:AMBER", "TELLTALE:HIGH_BEAM:BLUE", "P0420"]


# ------------------------------------------------------------------ knowledge base
@pytest.mark.parametrize("label", CLASSES)
def test_every_classifier_class_has_an_entry_for_every_colour(kb, label):
    for colour in COLOURS:
        code = telltale_code(label, colour)
        found = kb.lookup(code)
        assert len(found) == 1, code
        e = found[0]
        assert e.family == "telltale" and e.appliance == "car" and e.verified is False and e.source
        assert safe_to_drive(e) in ("yes", "with care", "no"), code
        assert e.model_scope.startswith("Symbol:") or label == "unknown"
        assert e.reply_en and e.reply_es and e.steps and e.meaning


def test_colour_decides_where_it_changes_the_meaning(kb):
    hot, cold = kb.lookup("TELLTALE:COOLANT_TEMPERATURE:RED")[0], kb.lookup("TELLTALE:COOLANT_TEMPERATURE:BLUE")[0]
    assert hot.id != cold.id and safe_to_drive(hot) == "no" and safe_to_drive(cold) == "yes"
    assert safe_to_drive(kb.lookup("TELLTALE:OIL_PRESSURE:RED")[0]) == "no"
    assert safe_to_drive(kb.lookup("TELLTALE:HIGH_BEAM:BLUE")[0]) == "yes"


def test_unknown_lights_get_colour_advice_only(kb):
    red = kb.lookup("TELLTALE:UNKNOWN:RED")[0]
    amber = kb.lookup("TELLTALE:UNKNOWN:AMBER")[0]
    info = kb.lookup("TELLTALE:UNKNOWN:BLUE")[0]
    assert "not in the knowledge base" in red.meaning and "stop" in red.reply_en.lower()
    assert safe_to_drive(red) == "no" and safe_to_drive(amber) == "with care" and safe_to_drive(info) == "yes"
    assert red.causes == ["Not known: the symbol was not recognised"]
    assert {red.severity, amber.severity, info.severity} == {"high", "medium", "low"}


@pytest.mark.parametrize("code", ["LED:INTERNET:RED:STEADY", "LED:POWER:AMBER:FAST", "LED:ALL:OFF", "LED:WAN:OFF",
                                  "LED:DSL:OFF", "LED:WIFI:OFF", "LED:INTERNET:RED:SLOW", "LED:POWER:GREEN:STEADY"])
def test_router_status_light_entries(kb, code):
    found = kb.lookup(code, family="router")
    assert len(found) == 1 and found[0].appliance == "router" and found[0].verified is False


def test_existing_database_gains_the_new_entries(tmp_path):
    old = tmp_path / "old_seed"
    old.mkdir()
    for f in SEED_DIR.glob("*.yaml"):
        if f.name not in ("telltales.yaml", "status_leds.yaml"):
            shutil.copy(f, old / f.name)
    settings = Settings(data_dir=tmp_path / "data")
    base = KnowledgeBase.open(settings, seed_dir=old)
    before = base.count()
    assert not base.lookup("TELLTALE:OIL_PRESSURE:RED")
    base.close()
    again = KnowledgeBase.open(settings)  # a release with the new seed files
    assert again.count() == before + 37
    assert again.lookup("TELLTALE:OIL_PRESSURE:RED") and again.lookup("LED:ALL:OFF")
    again.close()


# ------------------------------------------------------------------ the stage: tell-tales
def test_dashboard_lights_named_coloured_and_boxed():
    img, boxes = dashboard()
    clf = ByColour({"RED": "brake_system", "AMBER": "engine_mil", "GREEN": "low_beam"})
    out = LightsStage(lambda: clf).analyse(img, source="dash.jpg")
    assert clf.crops_seen == 3  # one crop per lit blob
    codes = {c.code for c in out.candidates}
    assert codes == {"TELLTALE:BRAKE_SYSTEM:RED", "TELLTALE:ENGINE_MIL:AMBER", "TELLTALE:LOW_BEAM:GREEN"}, codes
    assert all(c.family == "telltale" and c.confidence == pytest.approx(0.95) and c.source == "dash.jpg"
               for c in out.candidates)
    ev = out.events
    assert [e["colour"] for e in ev] == ["RED", "AMBER", "GREEN"]  # most urgent first
    assert all(e["kind"] == "light" and e["reported"] and e["crop"].ndim == 3 for e in ev)
    red = next(e for e in ev if e["colour"] == "RED")
    x, y, w, h = red["bbox"]
    assert abs(x - boxes[0][0]) < 15 and abs(w - boxes[0][2]) < 30


def test_unrecognised_symbol_reported_by_colour_on_a_dark_cluster():
    img, _ = dashboard()
    clf = ByColour({"AMBER": "engine_mil"})
    codes = {c.code for c in LightsStage(lambda: clf).analyse(img).candidates}
    assert codes == {"TELLTALE:UNKNOWN:RED", "TELLTALE:ENGINE_MIL:AMBER", "TELLTALE:UNKNOWN:GREEN"}


def test_classifier_unavailable_is_a_note_and_lights_stay_unrecognised():
    img, _ = dashboard()

    def broken():
        raise ModelUnavailable("The tell-tale symbol classifier is not installed.")

    out = LightsStage(broken).analyse(img)
    assert {c.code for c in out.candidates} == {"TELLTALE:UNKNOWN:RED", "TELLTALE:UNKNOWN:AMBER", "TELLTALE:UNKNOWN:GREEN"}
    assert any("not installed" in n for n in out.notes)


def test_no_lights_on_a_bright_appliance_photo(kb):
    img = np.full((900, 1200, 3), 225, np.uint8)
    cv2.rectangle(img, (400, 350), (800, 550), (10, 10, 12), -1)  # LED display window
    cv2.putText(img, "E21", (430, 520), cv2.FONT_HERSHEY_SIMPLEX, 5, RED, 16, cv2.LINE_AA)
    # even a classifier that calls everything a tell-tale: the display showed a code
    st, clf = stage(["oil_pressure"], score=0.99)
    code = CodeCandidate("E21", "E21", "appliance", ("seven_segment",), 0.9, (420, 380, 360, 150), source="w.jpg")
    assert st.analyse(img, codes=[code], known=kb.known_keys()).candidates == []
    assert clf.crops_seen == 0  # a code the knowledge base knows: not a cluster, nothing classified
    odd = CodeCandidate("E97", "E97", "appliance", ("seven_segment",), 0.9, (420, 380, 360, 150), source="w.jpg")
    assert st.analyse(img, codes=[odd], known=kb.known_keys()).candidates == []  # a code it does not know
    # nothing read, and the classifier does not know the digits: a bright scene has no unknown lights
    assert LightsStage(lambda: ByColour({})).analyse(img).candidates == []


# ------------------------------------------------------------------ the stage: status lights
def router_photo(states):
    from synth.av import led_panel

    leds = [("Power", (0.12, 0.45)), ("Internet", (0.37, 0.45)), ("WiFi", (0.62, 0.45)), ("LAN", (0.87, 0.45))]
    img = led_panel(800, 300, leds, states, body=(30, 31, 34), ink=(200, 200, 205), label_px=24)
    # what the photo stages' OCR would read: one word per label, under each LED
    raw = []
    for lab, (fx, fy) in leds:
        cx, cy, r = int(fx * 800), int(fy * 300), int(0.035 * 800)
        w = 15 * len(lab)
        raw.append(TextReading(lab, 0.93, "rapidocr", (cx - w // 2, cy + r + 6, w, 26)))
    return img, raw


def test_router_lights_by_their_labels(kb):
    img, raw = router_photo({"Power": "green", "Internet": "red", "WiFi": "green"})
    st, clf = stage(["unknown"])
    out = st.analyse(img, raw=raw, known=kb.known_keys(), source="hub.jpg")
    assert clf.crops_seen == 0  # no symbol classifier for status lights
    lights = {e["code"]: e["reported"] for e in out.events}
    assert lights == {"LED:INTERNET:RED:STEADY": True, "LED:POWER:GREEN:STEADY": True,
                      "LED:WIFI:GREEN:STEADY": False, "LED:LAN:OFF": False}
    assert {c.code for c in out.candidates} == {"LED:INTERNET:RED:STEADY", "LED:POWER:GREEN:STEADY"}
    assert all(c.family == "router" for c in out.candidates)


def test_router_all_off_and_power_fault(kb):
    img, raw = router_photo({})
    out = stage(["unknown"])[0].analyse(img, raw=raw, known=kb.known_keys())
    assert [c.code for c in out.candidates] == ["LED:ALL:OFF"]
    img, raw = router_photo({"Power": "red"})
    out = stage(["unknown"])[0].analyse(img, raw=raw, known=kb.known_keys())
    # with the power light red, the others being off follows from it: one finding
    assert [c.code for c in out.candidates] == ["LED:POWER:RED:STEADY"]


# ------------------------------------------------------------------ ranking and reply
def _media(codes):
    cands = [CodeCandidate(light_name(c), c, "telltale", ("lit-indicator",), conf, (10 * i, 10, 40, 40), source="d.jpg")
             for i, (c, conf) in enumerate(codes)]
    return MediaResult(name="d.jpg", candidates=cands)


def test_several_lights_all_reported_most_urgent_first(kb):
    d = rank([_media([("TELLTALE:HIGH_BEAM:BLUE", 0.99), ("TELLTALE:ENGINE_MIL:AMBER", 0.9),
                      ("TELLTALE:OIL_PRESSURE:RED", 0.7)])], kb)
    assert [s.candidate.code for s in d.suggestions] == ["TELLTALE:OIL_PRESSURE:RED", "TELLTALE:ENGINE_MIL:AMBER",
                                                         "TELLTALE:HIGH_BEAM:BLUE"]
    reply = compose_reply(d)
    assert "3 lights" in reply
    oil, engine = d.suggestions[0].entry.reply_en, d.suggestions[1].entry.reply_en
    assert oil in reply and engine in reply and reply.index(oil) < reply.index(engine)
    assert d.suggestions[0].entry.reply_es in compose_reply(d, "es")


def test_unknown_light_reply_gives_colour_advice_and_asks_for_a_close_up(kb):
    d = rank([_media([("TELLTALE:UNKNOWN:RED", 0.8)])], kb)
    assert d.suggestions[0].entry.title.startswith("Unrecognised red")
    reply = compose_reply(d)
    assert "could not identify" in reply and "close-up" in reply


# ------------------------------------------------------------------ evaluation
def test_lights_precision_and_recall_per_class():
    def row(want, got):
        return EvalRow("p.jpg", "", False, [], [], True, False, False, 0.1, lights_expected=want, lights_found=got)

    rows = [row(["oil_pressure:red", "engine_mil:amber"], ["oil_pressure:red", "engine_mil:red"]),
            row(["led:internet:red:steady"], ["led:internet:red:steady", "led:wifi:green:steady"]),
            row([], ["unknown:amber"])]
    per, p, r = lights_scores(rows)
    assert per["oil_pressure"] == {"tp": 1, "found": 1, "expected": 1, "precision": 1.0, "recall": 1.0}
    assert per["engine_mil"]["precision"] == 0.0 and per["engine_mil"]["recall"] == 0.0  # wrong colour
    assert per["led:wifi"]["precision"] == 0.0 and per["led:wifi"]["expected"] == 0
    assert per["unknown"]["found"] == 1 and per["unknown"]["tp"] == 0
    assert p == pytest.approx(2 / 5) and r == pytest.approx(2 / 3)
    assert lights_scores([row(None, [])]) == ({}, None, None)


def test_eval_reads_the_lights_column(tmp_path, kb):
    (tmp_path / "a.jpg").write_bytes(b"x")
    (tmp_path / "b.jpg").write_bytes(b"x")
    (tmp_path / "m.csv").write_text("path,expected,lights\n"
                                    "a.jpg,TELLTALE:OIL_PRESSURE:RED,oil_pressure:red;abs:amber\n"
                                    "b.jpg,,\n")

    class Stub:
        def __init__(self):
            self.kb = kb

        def analyse_file(self, name, data):
            ev = [{"kind": "light", "code": "TELLTALE:OIL_PRESSURE:RED"}, {"kind": "beeps", "code": "BEEP:AMI:3S"}]
            c = CodeCandidate("oil", "TELLTALE:OIL_PRESSURE:RED", "telltale", ("x",), 0.9)
            return MediaResult(name=name, candidates=[c], events=ev) if name == "a.jpg" else MediaResult(name=name)

    rep = evaluate_manifest(tmp_path / "m.csv", Stub())
    assert rep.rows[0].correct and rep.rows[0].lights_found == ["oil_pressure:red"]
    assert rep.lights_precision == 1.0 and rep.lights_recall == 0.5
    assert rep.lights["abs"]["recall"] == 0.0
    assert "lights precision: 100.0%  recall: 50.0%" in rep.summary()


# ------------------------------------------------------------------ drawing
def test_lights_drawn_in_their_colour_with_their_name():
    img = np.zeros((400, 600, 3), np.uint8)
    lights = [{"kind": "light", "bbox": [100, 150, 60, 60], "colour": "RED", "name": "oil pressure (red)", "reported": True},
              {"kind": "light", "bbox": [400, 150, 60, 60], "colour": "GREEN", "name": "Wi-Fi light", "reported": False}]
    out = draw_evidence(img, lights=lights)
    red = np.all(out == LIGHT_COLOURS["RED"], axis=2)
    green = np.all(out == LIGHT_COLOURS["GREEN"], axis=2)
    assert red[140:220, 90:170].sum() > 100  # the box, in red
    assert red[:140].sum() > red[140:220, 90:170].sum() / 4  # and the name tag above it
    assert green[140:220, 390:470].sum() > 20 and green.sum() < red.sum()  # evidence only: thin box


# ------------------------------------------------------------------ video: blink codes named by their label
def test_blink_code_named_by_the_label_beside_the_light(kb):
    from diagnostics.telltales import label_blinking_lights

    raw = [TextReading("Power", 0.9, "rapidocr", (100, 300, 80, 24)), TextReading("Internet", 0.9, "rapidocr", (300, 300, 110, 24)),
           TextReading("WiFi", 0.9, "rapidocr", (520, 300, 60, 24))]
    frames = [MediaResult(name="clip.mp4 @ 1.0 s", raw_readings=raw)]

    def blink(code, box):
        return CodeCandidate("red light: steady", code, "appliance", ("blink",), 0.8, box, source="clip.mp4")

    lit = blink("BLINK:RED:STEADY", (335, 240, 40, 40))  # just above 'Internet'
    odd = blink("BLINK:BLUE:3", (120, 240, 40, 40))  # above 'Power', but LED:POWER:BLUE:3 is not in the KB
    notes = label_blinking_lights([lit, odd], frames, kb.known_keys())
    assert lit.code == "LED:INTERNET:RED:STEADY" and lit.family == "router"
    assert "BLINK:RED:STEADY read as LED:INTERNET:RED:STEADY" in lit.repairs[0]
    assert odd.code == "BLINK:BLUE:3" and notes == ["The red light in the video is the Internet light (LED:INTERNET:RED:STEADY)."]
    alone = blink("BLINK:RED:STEADY", (335, 240, 40, 40))
    label_blinking_lights([alone], [MediaResult(name="f", raw_readings=raw[1:2])], kb.known_keys())
    assert alone.code == "BLINK:RED:STEADY"  # one label word is not a status-light panel


def test_symbol_lettering_read_as_a_code_is_a_light_only_when_the_classifier_is_sure(kb):
    img, boxes = dashboard()
    x, y, w, h = boxes[1]  # the amber symbol, its "lettering" read by OCR as a code
    ocr = CodeCandidate("ABS", "ABS", "appliance", ("rapidocr",), 0.8, (x - 5, y - 5, w + 10, h + 10), source="d.jpg")
    sure = LightsStage(lambda: ByColour({"AMBER": "abs"}, score=0.9)).analyse(img, codes=[ocr], known=kb.known_keys())
    assert "TELLTALE:ABS:AMBER" in {c.code for c in sure.candidates} and sure.covers(ocr)
    unsure = LightsStage(lambda: ByColour({"AMBER": "abs"}, score=0.6)).analyse(img, codes=[ocr], known=kb.known_keys())
    assert not any("AMBER" in c.code for c in unsure.candidates) and not unsure.covers(ocr)
    # a code the seven-segment reader read is a display: its blobs are never lights
    seg = CodeCandidate("E21", "E21", "appliance", ("seven_segment",), 0.9, ocr.bbox, source="d.jpg")
    out = LightsStage(lambda: ByColour({"AMBER": "abs"}, score=0.99)).analyse(img, codes=[seg], known=kb.known_keys())
    assert not any("AMBER" in c.code for c in out.candidates) and not out.covers(seg)
