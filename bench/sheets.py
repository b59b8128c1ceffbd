"""Stylesheets parsed once per process against parsed with every document.

.venv/bin/python bench/sheets.py             # about a minute on 2 cores
.venv/bin/python bench/sheets.py --rounds 1  # a smoke test of the script

Every built-in profile rendered as a handout (fit steps included), then every one as
a booklet part, in one process, the two ways alternating round by round so that both
see the same machine; `pdf.engine._kept_sheets` is switched off for the second way.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import emit, machine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from brochure import build_booklet, render_profile
    from brochure.pdf import engine
    from brochure.resources import profiles_dir

    profiles = sorted(profiles_dir().glob("*.yaml"))
    kept = engine._kept_sheets

    def each_parses(html: str, *rest: Any) -> tuple[str, list[Any]]:
        return html, []

    def handouts() -> None:
        for path in profiles:
            render_profile(path)

    def booklet() -> None:
        build_booklet(profiles, None, cache=False)

    jobs: dict[str, Callable[[], None]] = {"12 handouts": handouts, "12-career booklet": booklet}
    for job in jobs.values():  # imports, fonts and templates: paid before timing
        job()
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.rounds):
        for way, function in (("once", kept), ("each", each_parses)):
            engine._kept_sheets = function  # type: ignore[assignment]
            for name, job in jobs.items():
                start = time.perf_counter()
                job()
                times.setdefault((name, way), []).append(time.perf_counter() - start)
    engine._kept_sheets = kept  # type: ignore[assignment]

    emit(f"{machine()}; {args.rounds} rounds, median seconds")
    emit("| job | parsed with each document | parsed once per process | ratio |")
    emit("| --- | --- | --- | --- |")
    for name in jobs:
        each = statistics.median(times[name, "each"])
        once = statistics.median(times[name, "once"])
        emit(f"| {name} | {each:.2f} | {once:.2f} | {once / each:.2f}x |")


if __name__ == "__main__":
    main()
