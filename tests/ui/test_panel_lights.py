"""Panel (AppTest): a dashboard photo shows each light boxed, named and coloured, ranked by
severity, with whether the car is safe to drive and the reply for the customer.

The first test feeds the Diagnose page a diagnosis made by the real lit-indicator stage,
ranking and reply on a drawn dashboard (a stand-in classifier names the symbols by colour,
so no model is needed); the last ones run the real pipeline on bundled samples."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
import pytest
from ui_fakes import signed_in_app, texts

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))


def _dashboard_png() -> bytes:
    from PIL import Image
    from test_indicators import AMBER, RED, blob, bracket_symbol, lamp, panel

    img = panel(1280, 720)
    lamp(img, bracket_symbol(80), 420, 520, RED)
    lamp(img, blob(80), 700, 520, AMBER)
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def dashboard_backend(monkeypatch, tmp_path):
    """Diagnose = the real lights stage + ranking + reply on the drawn dashboard."""
    from test_telltales import ByColour

    from diagnostics import api
    from diagnostics.config import Settings
    from diagnostics.knowledge.store import KnowledgeBase
    from diagnostics.ranking import rank
    from diagnostics.reply import compose_reply
    from diagnostics.schema import MediaResult
    from diagnostics.telltales import LightsStage
    from diagnostics.evaluation import ManifestRow

    sample = tmp_path / "dashboard.png"
    sample.write_bytes(_dashboard_png())
    kb = KnowledgeBase.open(Settings(data_dir=tmp_path / "kb"))

    def diagnose(files, *, settings=None, progress=None, text=""):
        from PIL import Image

        name, data = files[0]
        rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        clf = ByColour({"RED": "brake_system", "AMBER": "engine_mil"})
        found = LightsStage(lambda: clf).analyse(rgb, known=kb.known_keys(), source=name)
        m = MediaResult(name=name, size=(rgb.shape[1], rgb.shape[0]), candidates=found.candidates,
                        events=found.events, image=rgb, seconds=0.3)
        d = rank([m], kb)
        d.reply = compose_reply(d)
        return d

    monkeypatch.setattr(api, "diagnose", diagnose)
    monkeypatch.setattr(api, "load_samples", lambda: [ManifestRow(sample, "TELLTALE:BRAKE_SYSTEM:RED")])
    return sample


def test_dashboard_photo_shows_boxed_named_lights_ranked_by_severity(dashboard_backend, app_as):
    at = app_as("agent")
    at.selectbox(key="sample_pick").set_value("dashboard.png").run()
    at.button(key="run_diagnose").click().run()
    assert not at.exception, at.exception
    # the answer in one glance: both lights, red first, what the colour asks for, safe to drive
    summary = at.error[0].value.replace("\\", "")
    assert "2 lights found" in summary
    assert summary.index("Brake system warning") < summary.index("Engine warning light")
    assert "stop safely now" in summary and "not safe to drive" in summary and "service soon" in summary
    # the photo is drawn with the lights boxed and named, and they are listed with their colours
    captions = [c for img in at.get("image") for c in img.captions]
    assert any("Lights: boxed in their own colour and named" in c for c in captions), captions
    assert {"brake system (red)", "engine warning (check engine) (amber)"} <= set(captions)  # close-ups of each light
    lights = next(df.value for df in at.dataframe if "Light" in df.value.columns)
    assert list(lights["Light"]) == ["brake system (red)", "engine warning (check engine) (amber)"]
    assert list(lights["Colour"]) == ["red", "amber"] and list(lights["Finding"]) == ["yes", "yes"]
    # suggestions most urgent first, each with its safe-to-drive verdict, and the reply
    text = texts(at)
    assert text.index("1. Brake system (red) — Brake system warning") < text.index("2. Engine warning (check engine) (amber) — Engine warning light")
    reply = next(t.value for t in at.text_area if t.key and t.key.startswith("reply_text::"))
    assert "2 lights" in reply and "red brake warning light" in reply


def test_real_pipeline_router_photo_shows_its_lights(app_as):
    """No patches: a bundled router photo (status lights need no classifier)."""
    at = signed_in_app("agent", 180)
    at.run()
    at.selectbox(key="sample_pick").set_value("dashboards/router_internet_red.jpg").run()
    at.button(key="run_diagnose").click().run()
    assert not at.exception, at.exception
    lights = next(df.value for df in at.dataframe if "Light" in df.value.columns)
    assert list(lights["Light"])[:2] == ["Internet light: red, steady", "Power light: green, steady"]
    assert "Internet light red: no internet connection" in texts(at)
