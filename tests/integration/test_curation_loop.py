"""The issue's "done when", end to end with the real engines on a sample photo: a knowledge
manager signs in, sees a code the product read that nobody mapped, creates the entry from
it, and the agent's next diagnosis of that photo suggests it; the history and the feedback
figures say who did what."""

from __future__ import annotations

from pathlib import Path

from diagnostics.auth import AuthService
from diagnostics.config import SAMPLE_MEDIA_DIR, Settings
from diagnostics.knowledge.curation import Curation
from diagnostics.knowledge.feedback import Feedback
from diagnostics.knowledge.store import KnowledgeBase
from diagnostics.knowledge.unmapped import UnmappedQueue
from diagnostics.pipeline import Pipeline

PHOTO = SAMPLE_MEDIA_DIR / "unmapped_e97_washer.jpg"


def test_unmapped_code_to_entry_to_suggestion(tmp_path: Path):
    settings = Settings(data_dir=tmp_path / "data")
    kb = KnowledgeBase.open(settings)
    try:
        auth = AuthService.from_settings(kb, settings)
        admin = auth.create_user("ana", "manager-password", "manager")
        auth.create_user("bo", "agent-password", "agent", by=admin)
        pipe = Pipeline(settings, kb)
        files = [(PHOTO.name, PHOTO.read_bytes())]

        agent = auth.session_user(auth.sign_in("bo", "agent-password").token)
        first = pipe.diagnose(files)
        assert first.suggestions == [] and [c.code for c in first.unmapped] == ["E97"]
        Feedback(kb).record_diagnosis(agent, first)

        manager = auth.session_user(auth.sign_in("ana", "manager-password").token)
        queue = UnmappedQueue(kb, retention_days=settings.unmapped_retention_days)
        item = queue.items(manager)[0]
        assert (item.code, item.count, item.family) == ("E97", 1, "appliance") and item.thumbnails
        data = queue.prefill(manager, item.key)
        data.update({"brand": "Acme", "appliance": "washer", "title": "Heater fault",
                     "meaning": "The washer could not heat the water.", "severity": "medium", "technician": True,
                     "steps": ["Unplug the washer for 10 minutes.", "If E97 returns, book a technician."],
                     "reply_en": "Your washer shows E97: it could not heat the water. Please unplug it for "
                                 "10 minutes; if E97 returns we will book a technician.",
                     "reply_es": "Su lavadora muestra E97: no pudo calentar el agua. Desenchúfela 10 minutos; "
                                 "si vuelve a aparecer E97, pediremos un técnico."})
        entry = Curation(kb).create(manager, data)
        assert queue.items(manager) == []

        second = pipe.diagnose(files)
        assert [s.entry.id for s in second.suggestions] == [entry.id] and second.unmapped == []
        fb = Feedback(kb)
        did = fb.record_diagnosis(agent, second)
        fb.record_verdict(agent, did, entry.id, "used")

        hist = Curation(kb).history(manager, entry.id)
        assert [(v.version, v.action, v.changed_by) for v in hist] == [(1, "create", "ana")]
        assert "unmapped queue: read 1 time" in hist[0].snapshot["source"]
        closed = queue.items(manager, include_closed=True)[0]
        assert (closed.resolved_entry_id, closed.resolved_by) == (entry.id, "ana")
        stats = {s.entry_id: s for s in fb.entry_stats(manager)}[entry.id]
        assert (stats.suggested, stats.used, stats.acceptance_rate) == (1, 1, 1.0)
        assert fb.shown(manager, did)[0].verdict_by == "bo"
    finally:
        kb.close()
