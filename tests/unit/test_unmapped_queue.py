"""The unmapped-codes queue: counts, first/last seen, family guess, thumbnails from the real
ranking stage, retention, prefill, resolution by a new entry, dismissal, roles."""

from __future__ import annotations

import io
from datetime import timedelta

import numpy as np
import pytest
from kb_helpers import ckb, settings, template_db, users  # noqa: F401  (fixtures)
from PIL import Image

from diagnostics.config import Settings
from diagnostics.errors import PermissionDenied, ValidationError
from diagnostics.knowledge.curation import Curation
from diagnostics.knowledge.models import utcnow
from diagnostics.knowledge.unmapped import MAX_THUMBS_PER_CODE, THUMB_MAX_SIDE, UnmappedQueue, make_thumbnail
from diagnostics.pipeline import Pipeline
from diagnostics.ranking import rank
from diagnostics.schema import CodeCandidate, MediaResult


class Clock:
    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now


def _photo_with(code: str, name: str = "case.jpg", conf: float = 0.9) -> MediaResult:
    """A 1200x900 'photo' (noise with a bright display) with one code read at a known box."""
    rng = np.random.default_rng(3)
    img = rng.integers(0, 255, (900, 1200, 3), dtype=np.uint8)
    img[400:480, 500:700] = (30, 220, 90)
    cand = CodeCandidate(code, code, "appliance", ("seven_segment",), conf, bbox=(510, 410, 180, 60), source=name)
    return MediaResult(name=name, size=(1200, 900), candidates=[cand], image=img)


def test_ranking_queues_unknown_codes_with_a_small_thumbnail(ckb, users):
    q = UnmappedQueue(ckb)
    rank([_photo_with("E97")], ckb)
    rank([_photo_with("E97", name="second.jpg")], ckb)
    rank([], ckb, text_candidates=[CodeCandidate("E 97", "E97", "appliance", ("typed text",), 0.9,
                                                 source="customer text")])
    item = q.get(users["manager"], "e-97")
    assert (item.code, item.family, item.count, item.source) == ("E97", "appliance", 3, "customer text")
    assert item.first_seen <= item.last_seen and item.example == "E 97"
    assert len(item.thumbnails) == 2 and [t.source for t in item.thumbnails] == ["second.jpg", "case.jpg"]
    t = item.thumbnails[0]
    with Image.open(io.BytesIO(t.jpeg)) as im:
        assert im.format == "JPEG" and max(im.size) <= THUMB_MAX_SIDE and im.size == (t.width, t.height)
    assert max(t.width, t.height) == THUMB_MAX_SIDE  # 180x60 box + margins, downscaled to 160 px wide


def test_queue_is_sorted_by_count_and_keeps_few_thumbnails(ckb, users):
    for _ in range(MAX_THUMBS_PER_CODE + 2):
        rank([_photo_with("E97")], ckb)
    rank([_photo_with("H7")], ckb)
    items = UnmappedQueue(ckb).items(users["manager"])
    assert [(i.code, i.count) for i in items[:2]] == [("E97", MAX_THUMBS_PER_CODE + 2), ("H7", 1)]
    assert len(items[0].thumbnails) == MAX_THUMBS_PER_CODE


def test_thumbnails_are_deleted_after_the_retention_period(ckb, users):
    rank([_photo_with("E97")], ckb)
    clock = Clock()
    q = UnmappedQueue(ckb, retention_days=30, clock=clock)
    assert len(q.get(users["manager"], "E97").thumbnails) == 1
    clock.now += timedelta(days=29)
    assert q.prune() == 0
    clock.now += timedelta(days=2)
    item = q.items(users["manager"])[0]  # listing prunes first
    assert item.code == "E97" and item.thumbnails == [] and item.count == 1  # the count stays
    assert Settings.from_env({"TELLTALE_UNMAPPED_RETENTION_DAYS": "7"}).unmapped_retention_days == 7


def test_store_prunes_old_thumbnails_on_a_new_sighting(ckb, users):
    rank([_photo_with("E97")], ckb)
    ckb.thumbnail_retention_days = 0  # keep none
    rank([_photo_with("H7")], ckb)
    q = UnmappedQueue(ckb, retention_days=365)
    assert [len(i.thumbnails) for i in q.items(users["manager"])] == [0, 0]


def test_one_click_prefill_then_create_resolves_and_next_diagnosis_suggests_it(ckb, users, settings):
    km = users["manager"]
    pipe = Pipeline(settings, ckb, engines={})
    d = pipe.diagnose([], text="My Acme washer shows E97")
    assert d.suggestions == [] and [c.code for c in d.unmapped] == ["E97"]
    q = UnmappedQueue(ckb)
    data = q.prefill(km, "E97")
    assert (data["code"], data["family"], data["verified"]) == ("E97", "appliance", False)
    assert data["source"].startswith("unmapped queue: read 1 time, first ") and data["steps"] == []
    # severity and the technician flag are the manager's decision, never defaulted
    assert (data["severity"], data["technician"]) == ("", None)
    assert {"severity", "technician"} <= set(Curation(ckb).validate(dict(data, title="t", meaning="m",
                                                                            steps=["s"], reply_en="r", reply_es="r")))
    data.update({"brand": "Acme", "appliance": "washer", "title": "Water heater fault", "meaning": "The heater fails.",
                 "steps": ["Unplug the washer.", "Book a technician."], "technician": True, "severity": "high",
                 "reply_en": "Your washer shows E97: the heater has failed.", "reply_es": "", "reply_missing": ["es"]})
    entry = Curation(ckb).create(km, data)
    assert q.items(km) == [] and ckb.list_unmapped() == []
    closed = q.items(km, include_closed=True)[0]
    assert (closed.resolved_entry_id, closed.resolved_by, closed.open) == (entry.id, "km", False)
    d2 = pipe.diagnose([], text="My Acme washer shows E97")
    assert [s.entry.id for s in d2.suggestions] == [entry.id] and d2.unmapped == []
    hist = Curation(ckb).history(km, entry.id)
    assert [(v.action, v.changed_by) for v in hist] == [("create", "km")]


def test_dismissed_misread_leaves_and_a_new_sighting_reopens_it(ckb, users):
    km = users["manager"]
    ckb.record_unmapped("E97", "appliance", "E97", "a.jpg")
    q = UnmappedQueue(ckb)
    q.dismiss(km, "E97")
    assert q.items(km) == [] and q.get(km, "E97").dismissed
    ckb.record_unmapped("E97", "appliance", "E97", "b.jpg")
    item = q.items(km)[0]
    assert item.open and item.count == 2


def test_roles_and_unknown_keys(ckb, users):
    ckb.record_unmapped("E97", "appliance", "E97")
    q = UnmappedQueue(ckb)
    for role in ("agent", "reviewer"):
        with pytest.raises(PermissionDenied):
            q.items(users[role])
        with pytest.raises(PermissionDenied):
            q.prefill(users[role], "E97")
        with pytest.raises(PermissionDenied):
            q.dismiss(users[role], "E97")
    with pytest.raises(ValidationError):
        q.prefill(users["manager"], "Z123")


def test_make_thumbnail_checks_its_input():
    img = np.zeros((100, 400, 3), np.uint8)
    with Image.open(io.BytesIO(make_thumbnail(img))) as im:
        assert im.size == (160, 40)
    for bad, box in [(np.zeros((10, 10), np.uint8), None), (np.zeros((10, 10, 3), np.float32), None),
                     (img, (500, 500, 10, 10))]:
        with pytest.raises(ValidationError):
            make_thumbnail(bad, box)
