"""How much does hearing danger cost per message? The danger ear on short answers and on a
10,000-character story, beside a bare baseline in the same run (lower-casing and splitting the
same text, the least any reading of it does), reported as ratios.

Run with ``.venv/bin/python bench/danger.py``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.lexicon_files import indonesian, load_lexicons
from flows.danger import DangerEar

SHORT = ["ya", "7", "Pekalongan Timur", "dekat masjid Al-Ikhlas", "tidak tahu", "tolong dibantu ya pak"]
STORY = "Anak tetangga sering dipukul ayahnya pakai sapu, kemarin sampai memar di tangan. " * 125


def rate(work: Callable[[str], object], texts: list[str], seconds: float = 1.0) -> float:
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for text in texts:
            work(text)
        done += len(texts)
    return done / (time.perf_counter() - started)


def main() -> None:
    ear = DangerEar(load_lexicons(), indonesian())
    for text in [*SHORT, STORY]:
        ear.hear(text)  # the stemmer's cache is warm in a running service

    def bare(text: str) -> object:
        return text.casefold().split()

    for name, texts in (("short answers", SHORT), (f"a {len(STORY):,}-character story", [STORY])):
        heard, baseline = rate(ear.hear, texts), rate(bare, texts)
        ratio = baseline / heard
        print(f"{name}: {heard:,.0f} messages/s heard, baseline {baseline:,.0f}/s, ratio {ratio:,.0f}×")


if __name__ == "__main__":
    main()
