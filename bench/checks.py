"""What the checks every render runs cost: the typography proofreader and the
accessibility preflight, against the render they are part of.

Both run on every render, so they must stay a small share of it. Each profile of the
built-in library is rendered as a handout in this process (warm: fonts and WeasyPrint
loaded), and the time spent inside each check is summed. The ratio is measured in the
same run, so a noisy machine moves both sides alike.

Run: .venv/bin/python bench/checks.py [--rounds N]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from common import ROOT, emit, machine


def _timing(spent: list[float], action: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return action(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    return wrapped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the library")
    args = parser.parse_args()

    from brochure import pdf, pipeline

    profiles = [pipeline.load_profile(p) for p in sorted((ROOT / "profiles").glob("*.yaml"))]
    pipeline.render_profile(profiles[0])  # warm up: fonts, WeasyPrint, the layout's CSS
    proofread: list[float] = []
    preflight: list[float] = []
    pdf.Laid.typography = _timing(proofread, pdf.Laid.typography)  # type: ignore[method-assign]
    pipeline.accessibility_problems = _timing(preflight, pipeline.accessibility_problems)
    start = time.perf_counter()
    for _ in range(args.rounds):
        for profile in profiles:
            pipeline.render_profile(profile)
    total = time.perf_counter() - start
    renders = args.rounds * len(profiles)
    emit(f"{machine()}; {renders} handout renders ({args.rounds} x the library), warm")
    emit("| measurement | seconds | share of the renders |")
    emit("| --- | --- | --- |")
    emit(f"| renders in all | {total:.2f} | 100% |")
    for name, spent in (
        ("typography proofreader", proofread),
        ("accessibility preflight", preflight),
    ):
        emit(f"| {name} | {sum(spent):.3f} | {100 * sum(spent) / total:.2f}% |")


if __name__ == "__main__":
    main()
