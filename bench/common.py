"""Shared by the benchmarks: inputs made from the built-in library, timing, reporting."""

from __future__ import annotations

import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

# Rotating sentences so the 100 inputs differ in text and length, not only in name.
_EXTRA = [
    "Many employers also value bilingual candidates who can help a wider range of people.",
    "Shift work, including nights and weekends, is common in the first years.",
    "Job shadowing or a summer program is a good way to see the work up close.",
    "Strong communication skills matter as much as technical knowledge in this job.",
]


def make_careers(folder: Path, count: int) -> list[Path]:
    """`count` distinct careers cloned from the built-in library, with varied text."""
    import yaml

    sources = sorted((ROOT / "profiles").glob("*.yaml"))
    paths = []
    for index in range(count):
        data = yaml.safe_load(sources[index % len(sources)].read_text())
        data["slug"] = f"{data['slug']}-{index:03d}"
        data["title"] = f"{data['title']} {index:03d}"
        data["as_of"] = str(data["as_of"])
        data["summary"] = f"{data['summary']} {_EXTRA[index % len(_EXTRA)]}"
        data["duties"] = data["duties"][: 4 + index % 5]
        path = folder / f"{data['slug']}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        paths.append(path)
    return paths


def timed(action: Callable[[], object], repeat: int = 1) -> float:
    """Median wall time of `action` in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(command: list[str], **kwargs: object) -> float:
    """Wall time of a command, which must succeed."""
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - start


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cpu}, {cores} cores, Python {platform.python_version()}"


def emit(line: str) -> None:
    """One line of the report on stdout (a benchmark's output is its product)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
