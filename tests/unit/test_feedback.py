"""Agents' feedback: suggestions shown and marked used / edited / wrong, figures per entry over
a period, the most-rejected list, media kept only on request, roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from kb_helpers import ckb, settings, template_db, users  # noqa: F401  (fixtures)
from sqlalchemy import update

from diagnostics.errors import PermissionDenied, ValidationError
from diagnostics.knowledge.feedback import Feedback
from diagnostics.knowledge.models import ShownSuggestion, utcnow
from diagnostics.pipeline import Pipeline


@pytest.fixture()
def fb(ckb) -> Feedback:
    return Feedback(ckb)


@pytest.fixture()
def pipe(settings, ckb) -> Pipeline:
    return Pipeline(settings, ckb, engines={})  # the real ranking, from typed text only


def test_diagnosis_is_stored_with_findings_and_ranks_not_media(fb, pipe, users, ckb):
    d = pipe.diagnose([], text="Samsung washer shows UE and then E97")
    did = fb.record_diagnosis(users["agent"], d)
    assert len(did) == 32
    shown = fb.shown(users["reviewer"], did)
    ue_ids = {e.id for e in ckb.lookup("UE")}
    assert [s.rank for s in shown] == list(range(1, len(shown) + 1))
    assert {s.entry_id for s in shown} == {sg.entry.id for sg in d.suggestions} and {s.entry_id for s in shown} <= ue_ids
    f = fb.findings(users["manager"], did)
    assert f["agent"] == "ag" and f["unmapped"] == ["E97"] and f["suggestions"][0]["entry_id"] == shown[0].entry_id
    assert fb.kept_media(users["manager"], did) == []  # no media unless the agent keeps it


def test_verdicts_are_recorded_and_replaced(fb, pipe, users, ckb):
    d = pipe.diagnose([], text="Vaillant boiler F.28")
    did = fb.record_diagnosis(users["agent"], d)
    f28 = ckb.lookup("F.28")[0].id
    item = fb.record_verdict(users["agent"], did, f28, "used")
    assert (item.verdict, item.verdict_by) == ("used", "ag")
    note = "<b>not</b> this one <script>alert(1)</script>"
    wrong = fb.record_verdict(users["manager"], did, f28, "wrong", right_code="F.29", note=note)
    assert (wrong.verdict, wrong.right_code, wrong.note, wrong.verdict_by) == ("wrong", "F.29", note, "km")
    assert [s.verdict for s in fb.shown(users["agent"], did)] == ["wrong"]  # replaced, not added
    right = ckb.lookup("F.29")[0].id
    assert fb.record_verdict(users["agent"], did, f28, "wrong", right_entry_id=right).right_entry_id == right


@pytest.mark.parametrize("kwargs,field", [
    ({"verdict": "meh"}, "verdict"),
    ({"verdict": "used", "right_code": "F.29"}, "right_code"),
    ({"verdict": "wrong", "right_entry_id": 10 ** 6}, "right_entry_id"),
    ({"verdict": "used", "entry": "other"}, "entry"),
    ({"verdict": "used", "diagnosis": "nope"}, "diagnosis"),
    ({"verdict": "used", "note": "x" * 2001}, "note"),
])
def test_bad_verdicts_are_refused(fb, pipe, users, ckb, kwargs, field):
    did = fb.record_diagnosis(users["agent"], pipe.diagnose([], text="Vaillant boiler F.28"))
    entry = ckb.lookup("F.28")[0].id if kwargs.pop("entry", None) is None else ckb.lookup("P0420")[0].id
    did = kwargs.pop("diagnosis", did)
    with pytest.raises(ValidationError) as err:
        fb.record_verdict(users["agent"], did, entry, **kwargs)
    assert err.value.detail == field


def test_roles(fb, pipe, users):
    d = pipe.diagnose([], text="Vaillant boiler F.28")
    with pytest.raises(PermissionDenied):
        fb.record_diagnosis(users["reviewer"], d)
    did = fb.record_diagnosis(users["agent"], d)
    with pytest.raises(PermissionDenied):
        fb.record_verdict(users["reviewer"], did, d.suggestions[0].entry.id, "used")
    with pytest.raises(PermissionDenied):
        fb.entry_stats(users["agent"])
    with pytest.raises(PermissionDenied):
        fb.most_rejected(users["agent"])
    assert fb.entry_stats(users["reviewer"])[0].suggested == 1


def test_counts_and_rates_per_entry_over_a_period(fb, pipe, users, ckb):
    ag = users["agent"]
    f28 = ckb.lookup("F.28")[0].id
    p0420 = ckb.lookup("P0420")[0].id
    verdicts = ["used", "edited", "wrong", None, "used"]
    ids = []
    for v in verdicts:
        did = fb.record_diagnosis(ag, pipe.diagnose([], text="Vaillant boiler F.28"))
        ids.append(did)
        if v:
            fb.record_verdict(ag, did, f28, v, **({"right_code": "F.29"} if v == "wrong" else {}))
    for v in ("wrong", "wrong", "used"):
        did = fb.record_diagnosis(ag, pipe.diagnose([], text="car code P0420"))
        fb.record_verdict(ag, did, p0420, v)
    # the last F.28 showing happened 40 days ago
    with ckb.transaction(write=True) as s:
        s.execute(update(ShownSuggestion).where(ShownSuggestion.diagnosis_id == ids[-1])
                  .values(shown_at=utcnow() - timedelta(days=40)))
    month = utcnow() - timedelta(days=30)
    stats = {st.entry_id: st for st in fb.entry_stats(users["manager"], since=month)}
    s28 = stats[f28]
    assert (s28.suggested, s28.used, s28.edited, s28.wrong) == (4, 1, 1, 1)
    assert s28.acceptance_rate == pytest.approx(0.5) and s28.edit_rate == pytest.approx(0.5)
    assert s28.wrong_rate == pytest.approx(0.25) and s28.code == "F.28"
    all_time = {st.entry_id: st for st in fb.entry_stats(users["manager"])}[f28]
    assert (all_time.suggested, all_time.used) == (5, 2)
    old = fb.entry_stats(users["manager"], until=month)
    assert [(st.entry_id, st.suggested) for st in old] == [(f28, 1)]
    rejected = fb.most_rejected(users["reviewer"], since=month)
    assert [(r.entry_id, r.wrong) for r in rejected] == [(p0420, 2), (f28, 1)]
    assert rejected[0].wrong_rate == pytest.approx(2 / 3)
    assert fb.most_rejected(users["reviewer"], since=month, min_suggested=4) == [stats[f28]]


def test_media_is_kept_only_on_request(fb, pipe, users):
    did = fb.record_diagnosis(users["agent"], pipe.diagnose([], text="Vaillant boiler F.28"))
    fb.keep_media(users["agent"], did, "photo.jpg", b"\xff\xd8\xff jpeg bytes")
    assert fb.kept_media(users["manager"], did) == [("photo.jpg", b"\xff\xd8\xff jpeg bytes")]
    with pytest.raises(ValidationError):
        fb.keep_media(users["agent"], did, "empty.jpg", b"")
    with pytest.raises(PermissionDenied):
        fb.keep_media(users["reviewer"], did, "photo.jpg", b"x")
