"""Video analysis benchmark: speed (fraction of clip length), peak memory, code accuracy.

Run:  .venv/bin/python benchmarks/bench_video.py [--quick]

* Speed: a 30 s 1280x720 30 fps H.264 clip of a display photographed in a scene (hand
  shake and sensor noise per frame; the display alternates ``E`` / ``21`` every 1.5 s
  for the first half, then shows ``F.28``), analysed by :func:`diagnostics.video.analyse_video`
  with the full photo pipeline.  Target: analysis time <= 0.25 x clip length on two cores.
* Memory: peak resident memory during the analysis, sampled every 10 ms from
  ``/proc/self/status`` (VmRSS), minus the resident memory before it (engines loaded).
* Accuracy: generated clips with known answers (rotations, HEVC, VP9, alternating
  display, two codes, code and clock, blink codes, steady light): the expected codes
  must be among the findings and no unexpected code may be presented.

Clips are made with the helpers of ``tests/integration/test_video_analysis.py``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "integration"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from test_video_analysis import display_clip, encode_clip, flash_code_on, led_frame, shaky  # noqa: E402

from diagnostics.config import Settings  # noqa: E402
from diagnostics.knowledge.store import KnowledgeBase  # noqa: E402
from diagnostics.pipeline import Pipeline  # noqa: E402
from diagnostics.video import analyse_video  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


class PeakRSS:
    """Samples resident memory in a thread; ``peak`` in MB."""

    def __enter__(self):
        self.base = rss_mb()
        self.peak = self.base
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb())
            time.sleep(0.01)

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, rss_mb())


CASES = [
    # name, maker, expected codes (all must be found), container hint
    ("rot_minus90.mp4", lambda: display_clip(lambda t: "E21", 4.0, rotation=-90, fps=15), {"E21"}),
    ("rot_plus90.mp4", lambda: display_clip(lambda t: "E21", 4.0, rotation=90, fps=15), {"E21"}),
    ("hevc.mov", lambda: display_clip(lambda t: "F.28", 4.0, codec="libx265", fmt="mov", rotation=-90, fps=15,
                                      style="lcd_reflective"), {"F.28"}),
    ("vp9.webm", lambda: display_clip(lambda t: "E21", 4.0, codec="libvpx-vp9", fmt="webm", fps=15,
                                      style="lcd_blue"), {"E21"}),
    ("alternating.mp4", lambda: display_clip(lambda t: "E" if int(t) % 2 == 0 else "21", 6.0, fps=15), {"E21"}),
    ("two_codes.mp4", lambda: display_clip(lambda t: "E21" if t < 3 else "F.28", 6.0, fps=15,
                                           style="lcd_reflective"), {"E21", "F.28"}),
    ("code_clock.mp4", lambda: display_clip(lambda t: "E21" if int(t // 1.5) % 2 == 0 else "12:45", 6.0, fps=15,
                                            style="lcd_reflective"), {"E21"}),
    ("blink_red_3.mp4", lambda: encode_clip(lambda t, r: shaky(led_frame(flash_code_on(t, 3)), r, 0.7), 11.0,
                                            fps=15), {"BLINK:RED:3"}),
    ("blink_red_2.mp4", lambda: encode_clip(lambda t, r: shaky(led_frame(flash_code_on(t, 2)), r, 0.7), 10.0,
                                            fps=30), {"BLINK:RED:2"}),
    ("steady_green.mp4", lambda: encode_clip(lambda t, r: shaky(led_frame(True, (40, 255, 90)), r, 0.7), 3.0,
                                             fps=15), {"BLINK:GREEN:STEADY"}),
    ("fast_green.mp4", lambda: encode_clip(lambda t, r: shaky(led_frame((t % 0.4) < 0.2, (40, 255, 90)), r, 0.7),
                                           4.0, fps=30), {"BLINK:GREEN:FAST"}),
    ("slow_amber.webm", lambda: encode_clip(lambda t, r: shaky(led_frame((t % 2.0) < 1.0, (255, 150, 20)), r, 0.7),
                                            6.0, fps=15, codec="libvpx", fmt="webm"), {"BLINK:AMBER:SLOW"}),
]


def speed(pipeline, seconds: float = 30.0) -> dict:
    def schedule(t):
        if t < seconds / 2:
            return "E" if int(t // 1.5) % 2 == 0 else "21"
        return "F.28"

    t0 = time.perf_counter()
    data = display_clip(schedule, seconds, fps=30, crf=24)
    enc = time.perf_counter() - t0
    with PeakRSS() as mem:
        res = analyse_video("bench_720p_30s.mp4", data, pipeline)
    return {"clip_s": seconds, "bytes": len(data), "encode_s": enc, "analyse_s": res.seconds,
            "ratio": res.seconds / seconds, "rss_before_mb": mem.base, "peak_extra_mb": mem.peak - mem.base,
            "frames_read": len(res.frames), "codes": res.codes, "timeline": res.timeline, "notes": res.notes}


def accuracy(pipeline, cases) -> list[dict]:
    rows = []
    for name, make, expected in cases:
        data = make()
        res = analyse_video(name, data, pipeline)
        got = set(res.codes)
        rows.append({"name": name, "expected": sorted(expected), "got": res.codes, "ok": expected <= got,
                     "extra": sorted(got - expected), "seconds": res.seconds, "clip_s": res.seconds_analysed})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="a 10 s speed clip and fewer accuracy clips")
    args = ap.parse_args()
    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="bench_video_")))
    kb = KnowledgeBase.open(settings)
    pipeline = Pipeline(settings, kb)
    # warm the engines (model loading is not video analysis)
    warm = analyse_video("warm.mp4", display_clip(lambda t: "E21", 1.0, fps=5), pipeline)
    print(f"warm-up: {warm.seconds:.2f} s")

    sp = speed(pipeline, 10.0 if args.quick else 30.0)
    print("\n== speed: 1280x720 30 fps H.264, alternating E/21 then F.28")
    print(f"clip {sp['clip_s']:.0f} s ({sp['bytes'] / 1e6:.1f} MB), analysis {sp['analyse_s']:.2f} s "
          f"= {sp['ratio']:.3f} x clip length (target <= 0.25)")
    print(f"frames read by the photo pipeline: {sp['frames_read']}; codes: {sp['codes']}")
    print(f"memory: {sp['rss_before_mb']:.0f} MB resident before, peak +{sp['peak_extra_mb']:.0f} MB during analysis")
    print("timeline:", [(round(a, 1), round(b, 1), s) for a, b, s in sp["timeline"]])
    if sp["notes"]:
        print("notes:", sp["notes"])

    rows = accuracy(pipeline, CASES[:6] if args.quick else CASES)
    print("\n== accuracy on generated clips")
    for r in rows:
        mark = "ok " if r["ok"] and not r["extra"] else "OK+" if r["ok"] else "MISS"
        print(f"{mark} {r['name']:<20} expected {r['expected']!s:<28} got {r['got']!s:<40} "
              f"{r['seconds']:.2f} s for {r['clip_s']:.1f} s")
    n_ok = sum(r["ok"] for r in rows)
    n_clean = sum(r["ok"] and not r["extra"] for r in rows)
    print(f"\nclips with every expected code: {n_ok}/{len(rows)}; with no extra code: {n_clean}/{len(rows)}")


if __name__ == "__main__":
    main()
