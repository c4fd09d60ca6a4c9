"""Benchmark of the symptom search (:mod:`diagnostics.knowledge.symptoms`).

Runs our own symptom phrases (no codes in them) against the seeded knowledge base and
prints top-1 / top-3 accuracy, how often small talk is correctly answered with nothing,
the model load time, the index build time and the time per query.

    .venv/bin/python benchmarks/bench_symptoms.py [--verbose]

Expected entries are written ``appliance:code`` (``*`` = any code of that appliance);
a phrase counts as top-N correct when one of its first N matches is expected.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DRAIN_WASHER = ["washer:5C", "washer:OE", "washer:E18", "washer:F21", "washer:F02", "washer:F9E1", "washer:E21"]
DRAIN_DISH = ["dishwasher:E24", "dishwasher:E25", "dishwasher:OE", "dishwasher:5C", "dishwasher:E22"]
LOW_PRESSURE = ["boiler:F.22", "boiler:E119", "boiler:F1", "boiler:CE"]
IGNITION = ["boiler:F.28", "boiler:F.29", "boiler:E133", "boiler:L2", "boiler:EA", "boiler:F2", "boiler:F.54",
            "boiler:BLINK:RED:STEADY"]
MISFIRE = ["car:P0300", "car:P0301", "car:P0302", "car:P0303", "car:P0304"]
FILL = ["washer:4C", "washer:IE", "washer:E17", "washer:F20", "washer:F8E1"]
DOOR = ["washer:dC", "washer:dE", "washer:F16", "washer:F5E2"]
LEAK = ["washer:LC", "washer:AE", "washer:E23"]
OVERHEAT = ["boiler:F.20", "boiler:E110", "boiler:E9", "boiler:L1"]
DNS = ["router:DNS_PROBE_FINISHED_NXDOMAIN", "router:ERR_NAME_NOT_RESOLVED", "router:DNS_PROBE_FINISHED_NO_INTERNET",
       "router:868"]

CASES: list[tuple[str, list[str]]] = [
    ("it won't drain, water stays in the drum", DRAIN_WASHER),
    ("My washing machine is still full of water at the end of the wash and won't empty.", DRAIN_WASHER),
    ("the dishwasher leaves dirty water sitting in the bottom", DRAIN_DISH),
    ("no hot water and the boiler pressure gauge is below 1 bar", LOW_PRESSURE),
    ("the boiler clicks as if it is trying to light and then gives up", IGNITION),
    ("the car's engine light is on and it shudders when idling", MISFIRE),
    ("car has lost power, feels sluggish and the turbo doesn't kick in", ["car:P0299"]),
    ("my car failed its emissions test, they said the catalytic converter", ["car:P0420", "car:P0430"]),
    ("blue screen and the pc restarts", ["windows:*"]),
    ("laptop crashes to a blue screen since I updated the graphics driver",
     ["windows:0x00000116", "windows:0x000000D1", "windows:0x0000000A", "windows:0x0000007E", "windows:0x0000003B"]),
    ("the printer says paper jam but there's no paper stuck inside", ["printer:13.20"]),
    ("printer reports the ink absorber pad is full", ["printer:5B00"]),
    ("the washer won't fill, no water comes in", FILL),
    ("the door won't lock so the washer never starts", DOOR),
    ("there's a puddle of water under the washing machine", LEAK),
    ("so much foam coming out of the washing machine drawer", ["washer:SUd", "washer:F0E2"]),
    ("the washer shakes and bangs violently during spin", ["washer:UE"]),
    ("internet is down and the router light is solid red", ["router:BLINK:RED:STEADY", "router:BLINK:RED:SLOW"]),
    ("the router light is orange and nothing loads", ["router:BLINK:AMBER:STEADY"]),
    ("the smoke alarm chirps once every minute", ["smoke alarm:BEEP:APPLIANCE:1S-REPEAT"]),
    ("radiators are boiling hot and the boiler overheats", OVERHEAT),
    ("the fridge keeps beeping", ["refrigerator:*"]),
    ("the web page says the site's DNS address could not be found", DNS),
    ("la lavadora no desagua", DRAIN_WASHER),
    ("la caldera pierde presión y no hay agua caliente", LOW_PRESSURE),
]

NEGATIVES = [
    "hello, thanks for your help",
    "what time do you close today?",
    "I would like a refund for my order please",
    "ok great, talk soon",
    "my name is Maria and I live in Leeds",
]


def _expected(entry, expected: list[str]) -> bool:
    app, code = entry.appliance.strip().lower(), entry.code.strip().lower()
    for e in expected:
        a, c = e.split(":", 1)
        if a.lower() == app and (c == "*" or c.lower() == code):
            return True
    return False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", action="store_true", help="print the matches of every phrase")
    args = ap.parse_args(argv)

    from diagnostics.config import Settings
    from diagnostics.engines.embeddings import MiniLMEngine
    from diagnostics.knowledge.store import KnowledgeBase
    from diagnostics.knowledge.symptoms import SymptomIndex

    kb = KnowledgeBase.open(Settings(data_dir=Path(tempfile.mkdtemp(prefix="bench-symptoms-"))))
    engine = MiniLMEngine()
    t0 = time.perf_counter()
    engine.load()
    load_s = time.perf_counter() - t0
    engine.embed(["warm-up"])  # first forward pass allocates; not part of the build figure
    cache_dir = Path(tempfile.mkdtemp(prefix="bench-symptoms-cache-"))
    index = SymptomIndex(kb, engine=engine, cache_dir=cache_dir)
    t0 = time.perf_counter()
    n = index.refresh()
    build_s = time.perf_counter() - t0
    n_texts = index.embedded_texts
    t0 = time.perf_counter()
    warm = SymptomIndex(kb, engine=engine, cache_dir=cache_dir)
    warm.refresh()
    warm_s = time.perf_counter() - t0
    entry = kb.all_entries()[0]
    kb.save_entry({"id": entry.id, "meaning": entry.meaning + " (edited)"}, author="bench")
    t0 = time.perf_counter()
    index.refresh()
    edit_s = time.perf_counter() - t0

    top1 = top3 = 0
    times: list[float] = []
    for text, expected in CASES:
        t0 = time.perf_counter()
        matches = index.search(text, k=5)
        times.append(time.perf_counter() - t0)
        hits = [_expected(m.entry, expected) for m in matches]
        top1 += bool(hits[:1] and hits[0])
        top3 += any(hits[:3])
        if args.verbose or not any(hits[:3]):
            flag = "ok " if hits[:1] and hits[0] else ("top3" if any(hits[:3]) else "MISS")
            print(f"[{flag}] {text}")
            for m in matches[:5]:
                print(f"        {m.score:.2f} sim={m.similarity:.2f} {m.entry.brand} {m.entry.appliance} "
                      f"{m.entry.code}: {m.entry.title}")
    neg_ok = 0
    for text in NEGATIVES:
        t0 = time.perf_counter()
        matches = index.search(text)
        times.append(time.perf_counter() - t0)
        neg_ok += not matches
        if matches or args.verbose:
            print(f"[{'ok ' if not matches else 'FALSE'}] {text!r} -> "
                  + ", ".join(f"{m.entry.code} {m.similarity:.2f}" for m in matches))

    nc = len(CASES)
    print()
    print(f"symptom search, all-MiniLM-L6-v2 via transformers, {n} entries ({n_texts} texts), "
          f"{os.cpu_count()} CPU cores")
    print(f"  model load             {load_s:6.2f} s (torch + transformers import and weights)")
    print(f"  index build            {build_s:6.2f} s (embed every entry text, cold cache)")
    print(f"  index from .npz cache  {warm_s:6.2f} s (restart: vectors loaded, nothing embedded)")
    print(f"  refresh after an edit  {edit_s:6.2f} s (re-read the KB, embed the one changed text)")
    print(f"  query time             median {statistics.median(times) * 1000:.0f} ms, "
          f"max {max(times) * 1000:.0f} ms ({len(times)} queries)")
    print(f"  top-1 accuracy         {top1}/{nc} = {top1 / nc:.0%}")
    print(f"  top-3 accuracy         {top3}/{nc} = {top3 / nc:.0%}")
    print(f"  small talk -> nothing  {neg_ok}/{len(NEGATIVES)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
