"""`brochure import-onet` on a full-size synthetic release: time and peak memory.

.venv/bin/python bench/import_onet.py          # 1,000 occupations, 18,000 tasks
.venv/bin/python bench/import_onet.py --quick  # 100 occupations

The release (tests/onet_release.py) and the two BLS sheets (CSV renderings, written here)
are synthetic and made only for this measurement: the figures are invented.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import emit, machine

from onet_release import write_bls, write_release


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    count = 100 if parser.parse_args().quick else 1000
    work = Path(tempfile.mkdtemp())
    release = write_release(work / "db_30_3_text", count, version="30.3")
    wages, outlook = write_bls(work, count)
    tasks = sum(1 for _ in (release / "Task Statements.txt").open()) - 1
    command = [
        sys.executable,
        "-m",
        "brochure",
        "import-onet",
        str(release),
        "-o",
        str(work / "careers"),
        "--wages",
        str(wages),
        "--projections",
        str(outlook),
    ]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    written = len(list((work / "careers").glob("*.yaml")))
    emit(f"Machine: {machine()}; {time.strftime('%Y-%m-%d')}")
    emit("")
    emit("| measurement | figure | target |")
    emit("| --- | --- | --- |")
    emit(
        f"| import-onet, {count} occupations, {tasks:,} tasks, wages and projections "
        f"({written} profiles written) | {seconds:.1f} s | ≤ 15 s |"
    )
    emit(f"| its peak memory (the whole process) | {peak:.0f} MiB | ≤ 300 MiB |")


if __name__ == "__main__":
    main()
