"""Symptom search: knowledge-base entries for a description with no code in it.

Customers often describe the fault instead of reading a code ("it won't drain, water
stays in the drum"), in a voice note (the transcript's ``symptom_text`` from
:mod:`diagnostics.sound.spoken_codes`), a photo caption or typed text.
:class:`SymptomIndex` ranks the knowledge base's entries for such text:

1. **Entry texts.**  Every live entry gives up to three short texts (:func:`entry_texts`):
   "what it is" (brand, appliance, title, meaning), "typical signs" (what a customer
   notices with this kind of fault, from :data:`SYMPTOM_HINTS`) and "causes" (its listed
   causes), each prefixed with the appliance in plain words ("washing machine: ...").
2. **Embeddings.**  Texts and query are embedded by an
   :class:`~diagnostics.engines.embeddings.EmbeddingEngine` (default all-MiniLM-L6-v2);
   an entry's similarity is the largest cosine between any query part (the whole text,
   and each sentence when there are several, so a greeting does not dilute the symptom)
   and any of its texts, the causes text counting :data:`CAUSE_WEIGHT` as much.  Vectors
   are cached per text (keyed by the engine name and a hash of the text), so an edited
   entry (new ``version``) is re-embedded on the next search and nothing else is; with
   ``cache_dir`` they also persist in a ``.npz`` file, so a restart does not re-embed.
3. **Priors.**  Words naming an appliance (:data:`APPLIANCE_WORDS`: "washing machine",
   "boiler", "blue screen", ...) or a knowledge-base brand add :data:`APPLIANCE_BONUS` /
   :data:`BRAND_BONUS` to matching entries; entries of other appliances lose
   :data:`APPLIANCE_PENALTY`.  ``appliance_hint`` (e.g. from the panel's case form) does
   the same, a little stronger.
4. **Calibrated cut-off.**  A match is kept only when its raw similarity reaches
   :data:`MIN_SIMILARITY` and its adjusted similarity reaches :data:`MIN_ADJUSTED`, and
   it is within :data:`RELATIVE_MARGIN` of the best match; small talk ("hello, thanks
   for your help") therefore returns nothing.  ``score`` maps the adjusted similarity
   linearly from ``[SCORE_FLOOR, SCORE_CEIL]`` to ``[0, 1]``.  The constants were set on
   the phrases in ``benchmarks/bench_symptoms.py`` (our own, with negatives).

Language: all-MiniLM-L6-v2 is an English model.  Spanish text is handled only through
a small glossary (:data:`SPANISH_GLOSSARY`, our own) that rewrites common symptom words
into English before embedding ("la lavadora no desagua" -> "the washing machine won't
drain"); other languages are not supported and usually return nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..errors import ValidationError
from ..schema import KBEntry
from ..engines.embeddings import EmbeddingEngine, default_embedding_engine

# --------------------------------------------------------------------------- constants
# Set on benchmarks/bench_symptoms.py with all-MiniLM-L6-v2: the 25 symptom phrases reach a
# best raw cosine of 0.60-0.86; 15 small-talk or vague lines ("hello, thanks for your help",
# "thanks, it works now!", "it's broken", "the machine") reach 0.11-0.42.
MIN_SIMILARITY = 0.38
"""Least raw cosine similarity (best query part vs best entry text) for a match."""
MIN_ADJUSTED = 0.45
"""Least similarity after the appliance/brand priors for a match."""
RELATIVE_MARGIN = 0.15
"""Matches more than this below the best adjusted similarity are dropped."""
CAUSE_WEIGHT = 0.92
"""Weight of the causes text's similarity against the other texts (a cause is a guess
at the reason, not what the customer sees)."""
APPLIANCE_BONUS = 0.08
"""Added when the text names the entry's appliance."""
APPLIANCE_PENALTY = 0.08
"""Subtracted when the text names appliances and the entry's is not among them."""
HINT_BONUS = 0.10
"""Added (and subtracted for other appliances) for ``appliance_hint``."""
BRAND_BONUS = 0.04
"""Added when the text names the entry's brand."""
SCORE_FLOOR = 0.30
SCORE_CEIL = 0.90
"""Adjusted similarity mapped to score 0 and 1 (linear, clipped)."""
MAX_QUERY_CHARS = 2000
"""Longer text is cut (the model reads at most 256 word pieces per part anyway)."""
MAX_SENTENCES = 8

# Plain words for each knowledge-base ``appliance`` value (lower case), used in the texts
# that are embedded ("PC" alone means little to the model).
_APPLIANCE_PLAIN = {
    "washer": "washing machine",
    "dishwasher": "dishwasher",
    "boiler": "gas boiler (central heating and hot water)",
    "car": "car engine",
    "windows": "Windows computer blue screen crash",
    "pc": "computer start-up beeps",
    "printer": "printer",
    "router": "router and internet connection",
    "cable modem": "cable modem and internet connection",
    "smoke alarm": "smoke alarm",
    "co alarm": "carbon monoxide alarm",
    "refrigerator": "fridge freezer",
    "ups": "UPS battery backup",
}

APPLIANCE_WORDS: dict[str, tuple[str, ...]] = {
    # regex (matched on the lower-cased, accent-stripped text) -> knowledge-base appliance values
    r"\bwashing machines?\b|\bwashers?\b|\blaundry\b|\bwasher[- ]dryer\b|\bspin cycle\b|\blavadora\b": ("washer",),
    r"\bdish ?washers?\b|\bdishes\b|\blavavajillas\b|\blavaplatos\b": ("dishwasher",),
    r"\bboilers?\b|\bradiators?\b|\bcentral heating\b|\bcombi\b|\bcaldera\b|\bcalefaccion\b": ("boiler",),
    r"\bcars?\b|\bengine\b|\bvehicle\b|\bdashboard\b|\bidl(?:e|ing)\b|\bmpg\b|\bexhaust\b|\bcoche\b|\bcarro\b":
        ("car",),
    r"\bblue screen\b|\bbsod\b|\bwindows\b|\bstop code\b|\bpantallazo azul\b|\bpantalla azul\b": ("windows",),
    r"\bpcs?\b|\bcomputers?\b|\blaptops?\b|\bdesktops?\b|\bordenador\b|\bcomputadora\b|\bportatil\b": ("windows", "pc"),
    r"\bbios\b|\bmotherboard\b|\bpost beeps?\b": ("pc",),
    r"\bprinters?\b|\bprinting\b|\btoner\b|\bink\b|\bcartridges?\b|\bimpresora\b": ("printer",),
    r"\brouters?\b|\bwi-?fi\b|\binternet\b|\bbroadband\b|\bmodem\b|\bweb ?pages?\b|\bwebsites?\b|\bbrowser\b":
        ("router", "cable modem"),
    r"\bsmoke (?:alarm|detector)s?\b|\bfire alarm\b|\bdetector de humo\b|\balarma de humo\b": ("smoke alarm",),
    r"\bcarbon monoxide\b|\bco (?:alarm|detector)\b": ("co alarm",),
    r"\bfridge\b|\bfreezer\b|\brefrigerator\b|\bnevera\b|\bfrigorifico\b": ("refrigerator",),
    r"\bups\b|\buninterruptible\b|\bbattery backup\b": ("ups",),
}
"""Words that name an appliance; source: our own list of how customers say it."""

_APPLIANCE_ALIASES = {
    # appliance_hint spellings -> knowledge-base appliance values
    "washing machine": ("washer",), "washer": ("washer",), "laundry": ("washer",),
    "dishwasher": ("dishwasher",), "boiler": ("boiler",), "heating": ("boiler",),
    "car": ("car",), "obd2": ("car",), "vehicle": ("car",),
    "windows": ("windows",), "windows_stop": ("windows",), "computer": ("windows", "pc"), "pc": ("pc", "windows"),
    "printer": ("printer",), "router": ("router", "cable modem"), "internet": ("router", "cable modem"),
    "cable modem": ("cable modem",), "modem": ("router", "cable modem"),
    "smoke alarm": ("smoke alarm",), "co alarm": ("co alarm",), "fridge": ("refrigerator",),
    "refrigerator": ("refrigerator",), "freezer": ("refrigerator",), "ups": ("ups",),
}

SPANISH_GLOSSARY: tuple[tuple[str, str], ...] = (
    # (regex on lower-case accent-stripped text, English words); longer phrases first.
    # Our own glossary of common symptom words; MiniLM reads English only.
    (r"\bno (?:desagua|vacia|drena|saca el agua|tira el agua)\b", "won't drain"),
    (r"\b(?:se queda|queda|sigue con|se acumula el) agua\b|\blleno de agua\b|\bllena de agua\b",
     "water stays inside"),
    (r"\bno (?:carga|entra|coge|llena de) agua\b|\bno (?:carga|entra|coge)\b", "won't fill with water"),
    (r"\bno hay agua caliente\b|\bsin agua caliente\b|\bno (?:sale|tengo) agua caliente\b", "no hot water"),
    (r"\bagua caliente\b", "hot water"),
    (r"\b(?:pierde|perdio|baja|poca) (?:de )?presion\b|\bpresion (?:baja|por debajo)\b", "low pressure"),
    (r"\bpresion\b", "pressure"),
    (r"\bpierde agua\b|\bgotea\b|\bfuga de agua\b|\bfuga\b|\bcharco\b", "leaking water"),
    (r"\bno enciende\b|\bno prende\b", "won't turn on"),
    (r"\bno arranca\b", "won't start"),
    (r"\bno calienta\b", "doesn't heat"),
    (r"\bse reinicia\b|\bse reinicio\b", "restarts"),
    (r"\bla puerta no (?:cierra|se bloquea|bloquea)\b", "the door won't lock"),
    (r"\bmucha espuma\b|\bespuma\b", "too much foam suds"),
    (r"\bvibra mucho\b|\bse mueve mucho\b|\bvibra\b|\btiembla\b|\btironea\b", "shakes and shudders"),
    (r"\bcentrifuga\w*\b", "spin"),
    (r"\bluz del motor\b|\btestigo del motor\b|\bchivato del motor\b", "check engine light"),
    (r"\bralenti\b", "idle"),
    (r"\bpantallazo azul\b|\bpantalla azul\b", "blue screen"),
    (r"\batasco de papel\b|\bpapel atascado\b|\bse atasca el papel\b", "paper jam"),
    (r"\bsin internet\b|\bno (?:hay|tengo) internet\b|\bno funciona (?:el|la) (?:internet|wifi)\b", "no internet"),
    (r"\bluz roja\b", "red light"), (r"\bluz naranja\b", "orange light"), (r"\bluz verde\b", "green light"),
    (r"\bparpadea\w*\b", "blinking"),
    (r"\bpita\b|\bpitidos?\b|\bpitando\b", "beeps"),
    (r"\bno imprime\b", "won't print"), (r"\btinta\b", "ink"),
    (r"\blavadora\b", "washing machine"), (r"\blavavajillas\b|\blavaplatos\b", "dishwasher"),
    (r"\bcaldera\b", "boiler"), (r"\bcalefaccion\b", "heating"), (r"\bradiador(?:es)?\b", "radiators"),
    (r"\bcoche\b|\bcarro\b", "car"), (r"\bmotor\b", "engine"),
    (r"\bordenador\b|\bcomputadora\b|\bportatil\b", "computer"), (r"\bimpresora\b", "printer"),
    (r"\bnevera\b|\bfrigorifico\b|\brefrigerador\b", "fridge"),
    (r"\bdetector de humo\b|\balarma de humo\b", "smoke alarm"),
    (r"\bno funciona\b", "doesn't work"),
)
SYMPTOM_HINTS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    # (appliances or () for any, regex on the entry's lower-case title + meaning, what a customer
    # notices).  Knowledge-base entries say what a fault *is*; customers say what they *see*,
    # so each fault kind gets one sentence of typical signs.  Our own wording, from common
    # service experience; an entry may take several.
    (("washer", "dishwasher"), r"drain|pump(?:ed)? out|waste water",
     "won't drain or empty, water stays in the drum or the bottom, clothes or dishes left soaking wet"),
    (("washer", "dishwasher"), r"water supply|inlet|no water intake|long fill|no water",
     "won't fill, no water comes in, the cycle doesn't start washing"),
    (("washer", "dishwasher"), r"leak|water in (?:the )?base|anti-flood|aquastop|overflow|overfill",
     "water on the floor, a puddle under the machine, leaking"),
    (("washer",), r"foam|suds", "too much foam or suds, bubbles coming out of the detergent drawer"),
    (("washer",), r"unbalanc|vibration", "shakes, bangs or walks across the floor during spin, won't spin"),
    (("washer", "dishwasher"), r"\bdoor\b", "the door won't lock or close, the machine won't start"),
    (("washer", "dishwasher"), r"heating|heater|temperature sensor",
     "water stays cold, washes not hot, clothes or dishes not clean"),
    (("washer",), r"motor|drum (?:not rotating|blocked)|speed", "the drum won't turn or spin, humming noise"),
    (("dishwasher",), r"filter blocked|circulation pump", "dishes still dirty, water not spraying"),
    (("boiler",), r"low water pressure|pressure sensor",
     "pressure gauge below 1 bar, needs topping up, no heating or hot water"),
    (("boiler",), r"ignition|flame|gas supply|no gas|gas valve",
     "boiler tries to light, clicks then gives up and locks out, no heating or hot water"),
    (("boiler",), r"overheat|no circulation|circulation fault",
     "boiler overheating, radiators boiling hot, banging or kettling noises"),
    (("boiler",), r"\bpump\b|circulation", "radiators stay cold, pump noisy or not running"),
    (("boiler",), r"\bfan\b", "fan noise or no fan sound, boiler won't start"),
    (("car",), r"misfire", "engine shakes, shudders or runs rough at idle, check engine light flashing, loss of power"),
    (("car",), r"too lean|too rich|fuel rail|fuel pressure|mass air flow|\bmaf\b",
     "rough idle, hesitation when accelerating, poor fuel economy, check engine light"),
    (("car",), r"catalyst", "failed emissions test, rotten-egg smell, catalytic converter"),
    (("car",), r"\bevap\b|fuel vapour|vapor", "fuel cap loose, smell of petrol, check engine light"),
    (("car",), r"turbo", "loss of power, sluggish acceleration, limp mode"),
    (("car",), r"coolant|thermostat", "temperature gauge stays low or high, heater blows cold"),
    (("car",), r"transmission", "harsh or no gear changes, stuck in one gear, limp mode"),
    (("car",), r"idle air|\bidle\b", "idle speed too high or too low, stalls at idle"),
    (("car",), r"voltage", "battery light on, dim lights, slow cranking"),
    (("car",), r"crankshaft|camshaft", "engine cranks but won't start, stalls, runs rough"),
    (("car",), r"airbag", "airbag warning light on"),
    (("car",), r"wheel speed", "ABS and traction control warning lights on"),
    (("car",), r"lost communication", "several warning lights at once, car won't start"),
    (("windows",), r".", "blue screen, the computer crashes and restarts"),
    (("windows",), r"graphics|display driver", "screen freezes or goes black while gaming or after a graphics driver update"),
    (("windows",), r"disk|volume|ntfs|start-up", "the PC won't boot and restarts in a loop after the blue screen"),
    (("windows",), r"memory|pool", "crashes after adding RAM or a new driver"),
    (("printer",), r"paper jam|paper feed|line feed", "paper stuck or won't feed, pages crumpled"),
    (("printer",), r"fuser", "laser printer won't warm up, pages smudged, toner rubs off"),
    (("printer",), r"ink absorber", "ink pad or waste ink full, printer stops printing"),
    (("printer",), r"print head", "prints blank, streaky or missing colours"),
    (("printer",), r"carriage", "the print head carriage is stuck, grinding noise"),
    (("router", "cable modem"), r"no internet|connection failing|offline|disconnected|timed out|timeout|not respond",
     "internet is down, wifi connected but nothing loads"),
    (("router",), r"name|dns", "websites won't open, the browser says the address could not be found"),
    (("pc",), r".", "the computer beeps at start-up and the screen stays black"),
)
"""Typical signs per fault kind, embedded with the entries they apply to (see :func:`entry_texts`)."""
_SPANISH_FUNCTION_WORDS = {
    "y": "and", "o": "or", "pero": "but", "con": "with", "sin": "without", "muy": "very", "tambien": "also",
    "la": "the", "el": "the", "los": "the", "las": "the", "mi": "my", "un": "a", "una": "a",
    "de": "", "del": "", "que": "", "se": "", "me": "", "hola": "", "gracias": "thanks",
}
_SPANISH_MARKERS = re.compile(r"\b(?:la|el|los|las|no|de|que|mi|se|esta|hay|muy|pero|y|con|tiene|sale)\b")

# Brand names that are also ordinary words, or labels rather than makers: no brand prior.
_NO_BRAND_PRIOR = {"", "microsoft"}


# --------------------------------------------------------------------------- results
@dataclass
class SymptomMatch:
    """One knowledge-base entry suggested for a symptom description.

    Attributes:
        entry: the entry.
        score: ``[0, 1]``, the adjusted similarity mapped linearly from
            ``[SCORE_FLOOR, SCORE_CEIL]`` (0.5 is a fair match, 0.8+ a close one).
        reason: a sentence for the agent saying why (which entry text matched, which words
            of the customer's text moved it).
        similarity: raw cosine similarity ``[-1, 1]`` of the best query part and entry text.
        matched_text: the entry text that matched best (title/meaning or one cause).
        query_part: the part of the customer's text that matched best.
    """

    entry: KBEntry
    score: float
    reason: str
    similarity: float = 0.0
    matched_text: str = ""
    query_part: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"entry": self.entry.to_dict(), "score": float(self.score), "reason": self.reason,
                "similarity": float(self.similarity), "matched_text": self.matched_text,
                "query_part": self.query_part}


class _EntrySource(Protocol):
    def all_entries(self, family: str | None = None) -> list[KBEntry]: ...


@dataclass
class _Indexed:
    entry: KBEntry
    texts: list[str]
    kinds: list[str]  # "main" | "signs" | "cause"


# --------------------------------------------------------------------------- text helpers
def _fold(text: str) -> str:
    """Lower case without accents (``"Presión"`` -> ``"presion"``)."""
    t = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in t if not unicodedata.combining(ch))


def appliance_plain(appliance: str) -> str:
    """Plain words for a knowledge-base ``appliance`` value (``"washer"`` -> ``"washing machine"``)."""
    return _APPLIANCE_PLAIN.get((appliance or "").strip().lower(), (appliance or "").strip())


def entry_texts(entry: KBEntry) -> tuple[list[str], list[str]]:
    """The texts embedded for ``entry`` and their kinds.

    Returns:
        ``(texts, kinds)``: first the "what it is" text
        (``"Samsung washing machine: Drain error. The water did not pump out ..."``,
        kind ``"main"``); then, when :data:`SYMPTOM_HINTS` has signs for this kind of
        fault, ``"<appliance>: <sign>; <sign>"`` (kind ``"signs"``); then, when the entry
        lists causes, ``"<appliance>: <cause>; <cause>"`` (kind ``"cause"``).  The code itself is left out (it says nothing about symptoms).
    """
    where = appliance_plain(entry.appliance)
    brand = entry.brand.strip()
    if "(" in brand:  # pseudo-brands such as "Web browser (Chrome/Edge)": keep the plain part
        brand = brand.split("(")[0].strip()
    head = " ".join(x for x in (brand, where) if x)
    title = entry.title.strip().rstrip(".")
    main = f"{head}: {title}. {entry.meaning.strip()}".strip()
    texts, kinds = [main], ["main"]
    app = (entry.appliance or "").strip().lower()
    about = _fold(f"{entry.title} {entry.meaning}")
    signs = [hint for apps, pattern, hint in SYMPTOM_HINTS
             if (not apps or app in apps) and re.search(pattern, about)]
    if signs:
        texts.append(f"{where}: " + "; ".join(signs))
        kinds.append("signs")
    causes = [c.strip().rstrip(".") for c in entry.causes if c and c.strip()]
    if causes:
        texts.append((f"{where}: " if where else "") + "; ".join(causes))
        kinds.append("cause")
    return texts, kinds


def gloss_spanish(text: str) -> tuple[str, bool]:
    """Rewrite common Spanish symptom words into English (:data:`SPANISH_GLOSSARY`).

    Returns:
        ``(text, changed)``; the text is returned unchanged (``changed=False``) unless it
        looks Spanish (at least one glossary phrase and one common Spanish function word,
        or two glossary phrases).
    """
    folded = _fold(text)
    hits = 0
    out = folded
    for pattern, english in SPANISH_GLOSSARY:
        out, n = re.subn(pattern, english, out)
        hits += n
    if hits == 0 or (hits == 1 and not _SPANISH_MARKERS.search(folded)):
        return text, False
    # leftover Spanish function words confuse an English model: translate or drop them
    out = re.sub(r"\b(?:%s)\b" % "|".join(_SPANISH_FUNCTION_WORDS),
                 lambda m: _SPANISH_FUNCTION_WORDS[m.group(0)], out)
    return re.sub(r"\s{2,}", " ", out).strip(), True


def _split_sentences(text: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"(?<=[.!?;])\s+|\n+", text) if p.strip()]
    return [p for p in parts if re.search(r"[A-Za-z]{3}", p)]


def named_appliances(text: str) -> set[str]:
    """Knowledge-base appliance values named in ``text`` (see :data:`APPLIANCE_WORDS`)."""
    folded = _fold(text)
    found: set[str] = set()
    for pattern, apps in APPLIANCE_WORDS.items():
        if re.search(pattern, folded):
            found.update(apps)
    return found


# --------------------------------------------------------------------------- the index
class SymptomIndex:
    """Embedding index over a knowledge base's entries, for symptom descriptions.

    Args:
        kb: a :class:`~diagnostics.knowledge.store.KnowledgeBase` (anything with
            ``all_entries() -> list[KBEntry]``).  It is re-read on every search (about
            10 ms for 220 entries), so saves, edits and deletes show at once; only new or
            changed entry texts are embedded again.
        engine: embedding engine; default the shared all-MiniLM-L6-v2 engine
            (:func:`~diagnostics.engines.embeddings.default_embedding_engine`).
        cache_dir: folder (e.g. ``Settings.data_dir``) for a persistent vector cache file
            ``symptom_vectors-<engine>.npz``; ``None`` keeps vectors in memory only.

    Thread-safe (one lock).  Raises from the engine
    (:class:`~diagnostics.errors.EngineError`) pass through ``search``/``refresh``.
    """

    def __init__(self, kb: _EntrySource, *, engine: EmbeddingEngine | None = None,
                 cache_dir: str | Path | None = None):
        self.kb = kb
        self.engine: EmbeddingEngine = engine if engine is not None else default_embedding_engine()
        self._lock = threading.Lock()
        self._vec_cache: dict[str, np.ndarray] = {}
        self._entries: dict[tuple[int, int], _Indexed] = {}
        self._matrix = np.zeros((0, self.engine.dim), np.float32)
        self._owner = np.zeros(0, np.int64)  # row -> position in self._order
        self._kind = np.zeros(0, np.int8)  # 0 main or signs, 1 cause
        self._texts: list[str] = []
        self._row_kinds: list[str] = []
        self._order: list[_Indexed] = []
        self._fingerprint: tuple = ()
        self.build_seconds = 0.0
        self.embedded_texts = 0  # texts embedded by the last refresh (0 when all cached)
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", self.engine.name)
        self._cache_file = Path(cache_dir) / f"symptom_vectors-{safe}.npz" if cache_dir is not None else None
        self._load_cache()

    # ----------------------------------------------------------------- cache
    def _key(self, text: str) -> str:
        return hashlib.sha1(f"{self.engine.name}\x00{text}".encode("utf-8")).hexdigest()

    def _load_cache(self) -> None:
        if self._cache_file is None or not self._cache_file.is_file():
            return
        try:
            with np.load(self._cache_file, allow_pickle=False) as z:
                keys, vecs = z["keys"], z["vecs"]
            if vecs.ndim == 2 and vecs.shape[1] == self.engine.dim and len(keys) == len(vecs):
                self._vec_cache = {str(k): v.astype(np.float32) for k, v in zip(keys, vecs)}
        except Exception:  # a damaged cache file is rebuilt, never fatal
            self._vec_cache = {}

    def _save_cache(self) -> None:
        if self._cache_file is None or not self._vec_cache:
            return
        try:
            self._cache_file.parent.mkdir(parents=True, exist_ok=True)
            keys = np.array(list(self._vec_cache), dtype="U40")
            vecs = np.stack(list(self._vec_cache.values())).astype(np.float32)
            fd, tmp = tempfile.mkstemp(dir=self._cache_file.parent, suffix=".npz")
        except OSError:  # read-only data dir: the in-memory cache still works
            return
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, keys=keys, vecs=vecs)
            os.replace(tmp, self._cache_file)
        except OSError:
            Path(tmp).unlink(missing_ok=True)

    def _embed_cached(self, texts: list[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        missing = [i for i, k in enumerate(keys) if k not in self._vec_cache]
        if missing:
            new = self.engine.embed([texts[i] for i in missing])
            for i, v in zip(missing, new):
                self._vec_cache[keys[i]] = np.asarray(v, np.float32)
        self.embedded_texts = len(missing)
        if not texts:
            return np.zeros((0, self.engine.dim), np.float32)
        return np.stack([self._vec_cache[k] for k in keys])

    # ----------------------------------------------------------------- building
    def refresh(self) -> int:
        """Re-read the knowledge base and embed new or changed entries.

        Returns:
            Number of live entries indexed.

        Raises:
            KnowledgeBaseError: the knowledge base cannot be read.
            EngineError: the embedding model is unavailable.
        """
        with self._lock:
            return self._refresh_locked()

    def _refresh_locked(self) -> int:
        entries = self.kb.all_entries()
        fp = tuple((e.id, e.version) for e in entries)
        if fp == self._fingerprint and self._order:
            self.embedded_texts = 0
            return len(self._order)
        t0 = time.perf_counter()
        indexed: dict[tuple[int, int], _Indexed] = {}
        for e in entries:
            key = (e.id, e.version)
            old = self._entries.get(key)
            if old is not None:
                old.entry = e
                indexed[key] = old
            else:
                texts, kinds = entry_texts(e)
                indexed[key] = _Indexed(e, texts, kinds)
        order = [indexed[(e.id, e.version)] for e in entries]
        all_texts = [t for it in order for t in it.texts]
        matrix = self._embed_cached(all_texts)
        embedded = self.embedded_texts
        owner = np.repeat(np.arange(len(order)), [len(it.texts) for it in order]).astype(np.int64)
        kind = np.array([1 if k == "cause" else 0 for it in order for k in it.kinds], np.int8)
        self._entries, self._order, self._texts = indexed, order, all_texts
        self._row_kinds = [k for it in order for k in it.kinds]
        self._matrix, self._owner, self._kind = matrix.astype(np.float32), owner, kind
        self._fingerprint = fp
        self.build_seconds = time.perf_counter() - t0
        if embedded:
            self._save_cache()
        self.embedded_texts = embedded
        return len(order)

    def __len__(self) -> int:
        return len(self._order)

    # ----------------------------------------------------------------- searching
    def search(self, text: str, *, appliance_hint: str | None = None, k: int = 5) -> list[SymptomMatch]:
        """Entries that fit a symptom description, best first.

        Args:
            text: what the customer wrote or said (English; common Spanish symptom words
                are glossed, see :func:`gloss_spanish`).  Blank text or text without
                letters gives ``[]``.  Longer than :data:`MAX_QUERY_CHARS` is cut.
            appliance_hint: an appliance the case is already known to be about
                (``"washer"``, ``"washing machine"``, ``"boiler"``, ``"car"``, ``"windows"``,
                ``"printer"``, ``"router"``, ... or a knowledge-base ``appliance`` value);
                unknown hints are ignored.
            k: most matches returned (>= 1).

        Returns:
            Up to ``k`` :class:`SymptomMatch`, best first, each passing the calibrated
            cut-off (so unrelated text returns ``[]``).  One entry appears at most once.

        Raises:
            ValidationError: ``text`` is not a string, or ``k`` is not a positive integer.
            KnowledgeBaseError: the knowledge base cannot be read.
            EngineError: the embedding model is unavailable.
        """
        if not isinstance(text, str):
            raise ValidationError("The symptom text must be a string.")
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise ValidationError("k: ask for at least one match.")
        text = text.strip()[:MAX_QUERY_CHARS]
        if not re.search(r"[^\W\d_]{2}", text):
            return []
        with self._lock:
            self._refresh_locked()
            if not self._order:
                return []
            english, glossed = gloss_spanish(text)
            parts = [english]
            sentences = _split_sentences(english)
            if len(sentences) > 1:
                parts += sentences[:MAX_SENTENCES]
            qv = self.engine.embed(parts)  # (q, dim); queries are not cached
            sims = qv @ self._matrix.T  # (q, rows)
            best_part = sims.argmax(axis=0)  # (rows,)
            row_sim = sims.max(axis=0)
            weighted = np.where(self._kind == 1, row_sim * CAUSE_WEIGHT, row_sim)
            n = len(self._order)
            # best row per entry
            ent_best = np.full(n, -np.inf, np.float32)
            np.maximum.at(ent_best, self._owner, weighted)
            best_row = np.full(n, -1, np.int64)
            is_best = weighted >= ent_best[self._owner] - 1e-7
            rows = np.nonzero(is_best)[0]
            best_row[self._owner[rows[::-1]]] = rows[::-1]  # first best row wins
            named = named_appliances(text + " " + english)
            hinted = self._hint_apps(appliance_hint)
            brands = self._named_brands(text)
            matches: list[tuple[float, int, list[str]]] = []
            for i, it in enumerate(self._order):
                sim = float(ent_best[i])
                app = it.entry.appliance.strip().lower()
                adj = sim
                why: list[str] = []
                if hinted:
                    if app in hinted:
                        adj += HINT_BONUS
                        why.append(f"case is about a {appliance_plain(app)}")
                    else:
                        adj -= HINT_BONUS
                if named:
                    if app in named:
                        adj += APPLIANCE_BONUS
                        why.append(f"text mentions a {appliance_plain(app)}")
                    else:
                        adj -= APPLIANCE_PENALTY
                b = it.entry.brand.strip().lower()
                if b and b in brands:
                    adj += BRAND_BONUS
                    why.append(f"text names {it.entry.brand}")
                raw = float(row_sim[best_row[i]])
                if raw >= MIN_SIMILARITY and adj >= MIN_ADJUSTED:
                    matches.append((adj, i, why))
            if not matches:
                return []
            matches.sort(key=lambda m: (-m[0], m[1]))
            top = matches[0][0]
            out: list[SymptomMatch] = []
            for adj, i, why in matches:
                if adj < top - RELATIVE_MARGIN or len(out) >= k:
                    break
                it = self._order[i]
                r = int(best_row[i])
                matched = self._texts[r]
                raw = float(row_sim[r])
                part = parts[int(best_part[r])]
                score = float(np.clip((adj - SCORE_FLOOR) / (SCORE_CEIL - SCORE_FLOOR), 0.0, 1.0))
                row_kind = self._row_kinds[r]
                if row_kind == "cause":
                    what = f"a listed cause ({matched.split(': ', 1)[-1]}) of \u201c{it.entry.title}\u201d"
                elif row_kind == "signs":
                    what = f"the typical signs of \u201c{it.entry.title}\u201d"
                else:
                    what = f"\u201c{it.entry.title}\u201d"
                reason = f"description matches {what} of {it.entry.code} (similarity {raw:.2f})"
                if glossed:
                    why.append("Spanish words read through the glossary")
                if why:
                    reason += "; " + "; ".join(why)
                out.append(SymptomMatch(entry=it.entry, score=round(score, 3), reason=reason,
                                        similarity=round(raw, 4), matched_text=matched, query_part=part))
            return out

    @staticmethod
    def _hint_apps(hint: str | None) -> set[str]:
        if not hint or not isinstance(hint, str):
            return set()
        h = _fold(hint).strip()
        if h in _APPLIANCE_ALIASES:
            return set(_APPLIANCE_ALIASES[h])
        if h in _APPLIANCE_PLAIN:
            return {h}
        return named_appliances(h)

    def _named_brands(self, text: str) -> set[str]:
        folded = _fold(text)
        names = {it.entry.brand.strip().lower() for it in self._order}
        found = set()
        for name in names:
            if name in _NO_BRAND_PRIOR or "(" in name:
                continue
            if re.search(r"\b" + re.escape(_fold(name)) + r"\b", folded):
                found.add(name)
        return found
