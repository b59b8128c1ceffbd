"""`brochure import-onet` on a full-size synthetic release: time and peak memory.

.venv/bin/python bench/import_onet.py          # 1,000 occupations, 18,000 tasks
.venv/bin/python bench/import_onet.py --quick  # 100 occupations

The release (tests/onet_release.py) and the two BLS sheets (CSV renderings, written here)
are synthetic and made only for this measurement: the figures are invented.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import emit, machine, run

from onet_release import write_bls, write_release


def brochure(*args: object) -> float:
    """Seconds one `brochure` command takes, in its own process."""
    return run([sys.executable, "-m", "brochure", *map(str, args)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--render", type=int, default=60, help="careers to render, -j 1 and 2")
    arguments = parser.parse_args()
    count = 100 if arguments.quick else 1000
    shown = 10 if arguments.quick else arguments.render
    work = Path(tempfile.mkdtemp())
    release = write_release(work / "db_30_3_text", count, version="30.3")
    wages, outlook = write_bls(work, count)
    tasks = sum(1 for _ in (release / "Task Statements.txt").open()) - 1
    careers = work / "careers"
    sheets = ("--wages", wages, "--projections", outlook)
    seconds = brochure("import-onet", release, "-o", careers, *sheets)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    written = sorted(careers.glob("*.yaml"))

    # Next year's sheets: every figure 5% up, the projections a year on.
    new_wages, new_outlook = write_bls(work / "2026", count, year=2026, base=2025, rise=0.05)
    refreshed = brochure("refresh", careers, "--wages", new_wages, "--projections", new_outlook)

    # The imported library rendered with one worker, then two, in the same run.
    subset = work / "subset"
    subset.mkdir()
    for path in written[:shown]:
        (subset / path.name).write_bytes(path.read_bytes())
    one = brochure("render", subset, "-o", work / "one", "-j", 1)
    two = brochure("render", subset, "-o", work / "two", "-j", 2)

    emit(f"Machine: {machine()}; {time.strftime('%Y-%m-%d')}")
    emit("")
    emit("| measurement | figure | target |")
    emit("| --- | --- | --- |")
    emit(
        f"| import-onet, {count} occupations, {tasks:,} tasks, wages and projections "
        f"({len(written)} profiles written) | {seconds:.1f} s | ≤ 15 s |"
    )
    emit(f"| its peak memory (the whole process) | {peak:.0f} MiB | ≤ 300 MiB |")
    emit(
        f"| refresh of the {len(written)} imported profiles with next year's wages and "
        f"projections | {refreshed:.1f} s | ≤ 10 s |"
    )
    emit(f"| render of {shown} imported careers (handout), -j 1 | {one:.1f} s | |")
    emit(f"| the same, -j 2 | {two:.1f} s | |")
    emit(f"| -j 2 against -j 1 | {one / two:.2f} times as fast | at least 1.8 times |")


if __name__ == "__main__":
    main()
