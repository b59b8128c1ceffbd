"""`brochure import-onet` on a full-size synthetic release: time and peak memory.

.venv/bin/python bench/import_onet.py          # 1,000 occupations, 18,000 tasks
.venv/bin/python bench/import_onet.py --quick  # 100 occupations

The release (tests/onet_release.py) and the two BLS sheets (CSV renderings, written here)
are synthetic and made only for this measurement: the figures are invented.
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import emit, machine

from onet_release import occupations, write_release

OEWS = [
    "AREA",
    "AREA_TITLE",
    "AREA_TYPE",
    "PRIM_STATE",
    "NAICS",
    "NAICS_TITLE",
    "I_GROUP",
    "OWN_CODE",
    "OCC_CODE",
    "OCC_TITLE",
    "O_GROUP",
    "TOT_EMP",
    "EMP_PRSE",
    "JOBS_1000",
    "LOC_QUOTIENT",
    "PCT_TOTAL",
    "PCT_RPT",
    "H_MEAN",
    "A_MEAN",
    "MEAN_PRSE",
    "H_PCT10",
    "H_PCT25",
    "H_MEDIAN",
    "H_PCT75",
    "H_PCT90",
    "A_PCT10",
    "A_PCT25",
    "A_MEDIAN",
    "A_PCT75",
    "A_PCT90",
    "ANNUAL",
    "HOURLY",
]
EP = [
    "2024 National Employment Matrix title",
    "2024 National Employment Matrix code",
    "Occupation type",
    "Employment, 2024",
    "Employment, 2034",
    "Employment change, numeric, 2024\u201334",
    "Employment change, percent, 2024\u201334",
    "Median annual wage, dollars, 2024[1]",
    "Typical education needed for entry",
    "Work experience in a related occupation",
    "Typical on-the-job training needed to attain competency in the occupation",
]
EDUCATION = [
    "High school diploma or equivalent",
    "Postsecondary nondegree award",
    "Associate's degree",
    "Bachelor's degree",
    "Master's degree",
]


def write_bls(folder: Path, count: int) -> tuple[Path, Path]:
    jobs = occupations(count)
    wages, outlook = folder / "national_M2025_dl.csv", folder / "occupation.csv"
    with wages.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(OEWS)
        for index, (code, title, _) in enumerate(jobs):
            annual = 30_000 + index * 97 % 120_000
            row = dict.fromkeys(OEWS, "")
            row |= {
                "AREA": "99",
                "AREA_TITLE": "U.S.",
                "AREA_TYPE": "1",
                "PRIM_STATE": "US",
                "NAICS": "000000",
                "NAICS_TITLE": "Cross-industry",
                "I_GROUP": "cross-industry",
                "OWN_CODE": "1235",
                "OCC_CODE": code[:7],
                "OCC_TITLE": title,
                "O_GROUP": "detailed",
                "A_MEDIAN": str(annual),
                "H_MEDIAN": f"{annual / 2080:.2f}",
            }
            writer.writerow([row[c] for c in OEWS])
    with outlook.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Table 1.2 Occupational projections, 2024\u201334 (synthetic)"])
        writer.writerow(EP)
        writer.writerow(
            [
                "Total, all occupations",
                "00-0000",
                "Summary",
                "1",
                "1",
                "1",
                "3.1",
                "49500",
                "\u2014",
                "\u2014",
                "\u2014",
            ]
        )
        for index, (code, title, _) in enumerate(jobs):
            writer.writerow(
                [
                    title,
                    code[:7],
                    "Line item",
                    "100",
                    "105",
                    "5",
                    f"{(index % 25) - 5:.1f}",
                    "50000",
                    EDUCATION[index % 5],
                    "None",
                    "None",
                ]
            )
    return wages, outlook


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
