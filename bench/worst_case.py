"""What the worst profiles within the documented limits cost to render, against a normal
built-in profile rendered in the same run.

Each worst case fills some fields up to their limits (docs/SECURITY.md, "YAML"): list
items at their limits, long descriptions, runs of 100 letters without a space (the
longest allowed), 500-character addresses, up to the 20,000-character total. Each is
rendered on every built-in layout and as a one-career booklet in a warm worker process,
fit steps included, and its time is given as a ratio to registered-nurse on the same
layout. A render that fails
(the content does not fit the layout) is timed too: a refusal must be quick as well.
`--cap SECONDS` stops one render (in a worker process) after that long.

Run: .venv/bin/python bench/worst_case.py [--layouts handout,flyer,trifold,booklet] [--only NAME,…]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import ROOT, emit, machine

_WORDS = ["assess", "patients", "record", "vital", "signs", "teach", "monitor", "equipment"]
_URL = ("https://example.org/" + "/".join(["a" * 99] * 5))[:500]


def _words(rng: random.Random, length: int) -> str:
    text = ""
    while len(text) < length:
        text += rng.choice(_WORDS) + " "
    return text[:length].strip()


def _runs(rng: random.Random, length: int) -> str:
    """Runs of 100 letters, the longest allowed without a space."""
    text = ""
    while len(text) < length:
        text += "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(100)) + " "
    return text[:length].strip()


def cases() -> dict[str, dict[str, Any]]:
    """The worst cases, each within every documented limit."""
    found: dict[str, dict[str, Any]] = {}
    for kind, text in (("words", _words), ("runs", _runs)):
        rng = random.Random(6)

        def t(
            length: int,
            text: Callable[[random.Random, int], str] = text,
            rng: random.Random = rng,
        ) -> str:
            return text(rng, length)

        # Each field at its own limit (src/brochure/profile.py), each list at 40 items,
        # up to the 20,000-character total.
        found[f"settings-{kind}"] = {
            "title": t(150),
            "summary": t(1500),
            "work_settings": [t(200) for _ in range(40)],
            "duties": [t(240) for _ in range(40)],
        }
        found[f"pathway-{kind}"] = {
            "title": t(150),
            "pathway": [
                {"title": t(150), "description": t(1500), "duration": "2 years " + t(52)}
                for _ in range(11)
            ],
        }
        found[f"sources-{kind}"] = {
            "title": t(150),
            "sources": [
                {"title": t(200), "url": _URL, "publisher": t(200), "year": 2020} for _ in range(21)
            ],
        }
        found[f"certs-{kind}"] = {
            "title": t(150),
            "certifications": [
                {"name": t(200), "issuer": t(200), "note": t(200), "url": _URL} for _ in range(18)
            ],
        }
        found[f"related-{kind}"] = {
            "title": t(150),
            "summary": t(1500),
            "related": [{"title": t(150), "blurb": t(600), "url": _URL} for _ in range(14)],
        }
        found[f"duties-{kind}"] = {"title": t(150), "duties": [t(490) for _ in range(40)]}
        found[f"notes-{kind}"] = {
            "title": t(150),
            "continuing_education": t(4000),
            "notes": [{"heading": t(150), "text": t(3800)} for _ in range(4)],
        }
        found[f"facts-{kind}"] = {
            "title": t(150),
            "cluster": t(60),
            "facts": {
                "source": t(200),
                "median_pay": "$99,999,999 per year",
                "job_growth": {"percent": -99.5, "rating": t(60), "years": "2024-2034"},
                "education": t(150),
                "time_to_start": t(60),
            },
        }
    # The case of the issue, at the limits that remain: a long title and summary.
    found["title-summary-runs"] = {
        "title": _runs(random.Random(1), 150),
        "summary": _runs(random.Random(2), 1500),
    }
    return found


def _render(path: str, layout: str) -> str:
    from brochure import pipeline
    from brochure.booklet_apart import build_booklet
    from brochure.errors import BrochureError

    try:
        if layout == "booklet":  # a booklet of this one career: cover, contents, career
            return f"{build_booklet([path], None).pages} p"
        rendered = pipeline.render_profile(pipeline.load_profile(path), layout)
    except BrochureError as err:
        return "refused: " + str(err).split(": ", 2)[-1][:50]
    return f"{rendered.pdf.pages} p" + (f", {rendered.pdf.fit}" if rendered.pdf.fit else "")


def _timed(path: Path, layout: str, cap: float, pool: Any) -> tuple[float, str]:
    start = time.perf_counter()
    job = pool.apply_async(_render, (str(path), layout))
    try:
        outcome = job.get(timeout=cap)
    except multiprocessing.TimeoutError:
        return cap, "stopped at the cap"
    return time.perf_counter() - start, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layouts", default="handout,flyer,trifold,booklet")
    parser.add_argument("--only", default="", help="worst cases by name, comma-separated")
    parser.add_argument("--cap", type=float, default=120.0, help="seconds per render")
    args = parser.parse_args()

    import yaml

    from brochure import load_profile

    chosen = [name for name in args.only.split(",") if name]
    folder = Path(tempfile.mkdtemp(prefix="worst-case-"))
    paths: dict[str, Path] = {}
    for name, data in cases().items():
        if chosen and name not in chosen:
            continue
        path = folder / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, width=10**9))
        load_profile(path)  # each case must be within the documented limits
        paths[name] = path
    nurse = ROOT / "profiles" / "registered-nurse.yaml"
    emit(f"{machine()}; one warm render each, fit steps included, capped at {args.cap:g} s")
    emit("| profile | layout | seconds | vs registered-nurse | outcome |")
    emit("| --- | --- | --- | --- | --- |")
    for layout in args.layouts.split(","):
        pool = multiprocessing.get_context("spawn").Pool(1)
        pool.apply(_render, (str(nurse), layout))  # warm up: WeasyPrint, fonts, CSS
        base, outcome = _timed(nurse, layout, args.cap, pool)
        emit(f"| registered-nurse | {layout} | {base:.2f} | 1.0x | {outcome} |")
        for name, path in paths.items():
            seconds, outcome = _timed(path, layout, args.cap, pool)
            if outcome == "stopped at the cap":
                pool.terminate()
                pool = multiprocessing.get_context("spawn").Pool(1)
                pool.apply(_render, (str(nurse), layout))
            emit(f"| {name} | {layout} | {seconds:.2f} | {seconds / base:.0f}x | {outcome} |")
        pool.terminate()
    emit(f"Run: .venv/bin/python bench/worst_case.py --layouts {args.layouts} --cap {args.cap:g}")


if __name__ == "__main__":
    main()
