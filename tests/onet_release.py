"""A synthetic O*NET text release in the published file formats, of any size.

The samples in ../shared/data-formats/samples are format-exact but not one consistent
database (each file has other occupations), so the importer's tests and benchmark build
a consistent release here: real occupation codes and titles from the samples and the
built-in library for the first few, invented ones after, and invented task text
throughout, clearly so. Nothing here is O*NET data to print.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

TAB = "\t"

# (code, title, description): the descriptions of the first three are O*NET's, as quoted
# in the data dictionary examples (see the samples' README); the rest are invented.
KNOWN = [
    (
        "29-2072.00",
        "Medical Records Specialists",
        "Compile, process, and maintain medical records of hospital and clinic patients in a "
        "manner consistent with medical, administrative, ethical, legal, and regulatory "
        "requirements of the healthcare system. Classify medical and healthcare concepts, "
        "including diagnosis, procedures, medical services, and equipment, into the healthcare "
        "industry's numerical coding system. Includes medical coders.",
    ),
    (
        "17-2072.00",
        "Electronics Engineers, Except Computer",
        "Research, design, develop, or test electronic components and systems for commercial, "
        "industrial, military, or scientific use employing knowledge of electronic theory and "
        "materials properties.",
    ),
    (
        "51-8012.00",
        "Power Distributors and Dispatchers",
        "Coordinate, regulate, or distribute electricity or steam.",
    ),
    (
        "47-2111.00",
        "Electricians",
        "Install, maintain, and repair electrical wiring, equipment, and fixtures.",
    ),
    (
        "15-1252.00",
        "Software Developers",
        "Research, design, and develop computer and network software.",
    ),
]
# Real codes and titles, among the longest O*NET has, with invented descriptions: for
# the layouts' sake (a title on two or three lines, a cluster of its own).
LONG_TITLES = [
    (
        "25-9042.00",
        "Teaching Assistants, Preschool, Elementary, Middle, and Secondary School, Except "
        "Special Education",
        "Synthetic description: help teachers in classrooms with lessons, supervision and "
        "records, working with small groups of students and with families as the school asks.",
    ),
    (
        "49-9021.00",
        "Heating, Air Conditioning, and Refrigeration Mechanics and Installers",
        "Synthetic description: install, service, and repair heating, cooling, and "
        "refrigeration systems in homes and businesses.",
    ),
    (
        "41-1012.00",
        "First-Line Supervisors of Non-Retail Sales Workers",
        "Synthetic description: lead a team of sales workers who sell to businesses.",
    ),
]
WITHOUT_DATA = ("11-9199.00", "Managers, All Other", "All managers not listed separately.")

# Invented task text of the lengths O*NET's tasks have (from five to about forty words).
VERBS = (
    "Inspect",
    "Prepare",
    "Record",
    "Coordinate",
    "Maintain",
    "Explain",
    "Measure",
    "Review",
    "Assemble",
    "Schedule",
    "Monitor",
    "Repair",
    "Train new workers on",
    "Estimate the cost of",
)
THINGS = (
    "work orders and job records",
    "tools, parts, and materials",
    "safety equipment",
    "reports for supervisors and clients",
    "equipment, instruments, and machines",
    "plans, drawings, and written specifications",
    "budgets and supply orders",
    "test results and quality checks",
)
CLAUSES = (
    "following written procedures and safety rules",
    "using hand tools, gauges, or computer software",
    "to make sure the work meets codes, standards, and the client's needs",
    "and discuss the results with coworkers, supervisors, or customers",
    "as part of a team in offices, shops, or on job sites",
    "keeping accurate records of what was done and what is still needed",
)


def occupations(count: int) -> list[tuple[str, str, str]]:
    found = list((KNOWN + LONG_TITLES)[:count])
    for index in range(len(found), count):
        major = 11 + (index * 2) % 42
        code = f"{major:02d}-{1000 + index:04d}.00"
        title = f"Synthetic Occupation {index:04d} Workers"
        found.append((code, title, f"Perform the synthetic duties of occupation {index}."))
    return found


def task_text(rng: random.Random) -> str:
    words = [rng.choice(VERBS), rng.choice(THINGS), *rng.sample(CLAUSES, rng.randint(0, 3))]
    return " ".join(words).replace(" and discuss", ", and discuss") + "."


def write_release(folder: Path, count: int = 5, *, version: str = "30.2", tasks: int = 18) -> Path:
    """Write a release of `count` occupations with data (plus one without) to `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(count)
    jobs = occupations(count)
    lines = {
        "Occupation Data.txt": ["O*NET-SOC Code\tTitle\tDescription"],
        "Job Zones.txt": ["O*NET-SOC Code\tJob Zone\tDate\tDomain Source"],
        "Task Statements.txt": [
            "O*NET-SOC Code\tTask ID\tTask\tTask Type\tIncumbents Responding\tDate\tDomain Source"
        ],
        "Task Ratings.txt": [
            "O*NET-SOC Code\tTask ID\tScale ID\tCategory\tData Value\tN\tStandard Error\t"
            "Lower CI Bound\tUpper CI Bound\tRecommend Suppress\tDate\tDomain Source"
        ],
        "Related Occupations.txt": [
            "O*NET-SOC Code\tRelated O*NET-SOC Code\tRelatedness Tier\tIndex"
        ],
    }
    education_name = (
        "Education.txt" if version >= "30.3" else ("Education, Training, and Experience.txt")
    )
    lines[education_name] = [
        "O*NET-SOC Code\tElement ID\tElement Name\tScale ID\tCategory\tData Value\tN\t"
        "Standard Error\tLower CI Bound\tUpper CI Bound\tRecommend Suppress\tDate\tDomain Source"
    ]
    task_id = 1000
    for number, (code, title, description) in enumerate(jobs):
        lines["Occupation Data.txt"].append(TAB.join((code, title, description)))
        lines["Job Zones.txt"].append(TAB.join((code, str(2 + number % 4), "02/2026", "Analyst")))
        for step in range(tasks):
            task_id += 1
            kind = "Core" if step < tasks * 2 // 3 else "Supplemental"
            text = task_text(rng)
            row = (code, str(task_id), text, kind, "40", "08/2025", "Incumbent")
            lines["Task Statements.txt"].append(TAB.join(row))
            rating = f"{rng.uniform(2.5, 4.9):.2f}"
            lines["Task Ratings.txt"].append(
                TAB.join(
                    (
                        code,
                        str(task_id),
                        "IM",
                        "n/a",
                        rating,
                        "40",
                        "0.1000",
                        "n/a",
                        "n/a",
                        "N",
                        "08/2025",
                        "Incumbent",
                    )
                )
            )
        levels = [0.0] * 12
        for _ in range(20):
            levels[min(11, max(1, 2 + number % 5 + rng.randint(-1, 1)))] += 5.0
        for category, value in enumerate(levels, start=1):
            level = (
                code,
                "2.D.1",
                "Required Level of Education",
                "RL",
                str(category),
                f"{value:.2f}",
                "20",
                "n/a",
                "n/a",
                "n/a",
                "n/a",
                "08/2025",
                "Occupational Expert",
            )
            lines[education_name].append(TAB.join(level))
        others = [c for c, _, _ in jobs if c != code][:5]
        for index, other in enumerate(others, start=1):
            tier = "Primary-Short" if index <= 5 else "Primary-Long"
            lines["Related Occupations.txt"].append(TAB.join((code, other, tier, str(index))))
    lines["Occupation Data.txt"].append(TAB.join(WITHOUT_DATA))
    for name, rows in lines.items():
        (folder / name).write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "Read Me.txt").write_text(
        f"O*NET {version} Database, synthetic test release\n\nMade by tests/onet_release.py.\n"
    )
    return folder


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


def write_bls(
    folder: Path,
    count: int,
    *,
    year: int = 2025,
    base: int = 2024,
    rise: float = 0.0,
    extra: tuple[tuple[str, str], ...] = (),
) -> tuple[Path, Path]:
    """National OEWS wages of May `year` and Employment Projections from `base` for the
    occupations of `write_release(count)` and the `extra` (SOC code, title) ones, in CSV;
    `rise` (a fraction) makes next year's sheets. Every figure is invented."""
    jobs = occupations(count) + [(code, title, "") for code, title in extra]
    folder.mkdir(parents=True, exist_ok=True)
    wages = folder / f"national_M{year}_dl.csv"
    outlook = folder / f"occupation_{base}.csv"
    with wages.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(OEWS)
        for index, (code, title, _) in enumerate(jobs):
            annual = round((30_000 + index * 97 % 120_000) * (1 + rise))
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
        span = f"{base}\u2013{(base + 10) % 100:02d}"
        writer.writerow([f"Table 1.2 Occupational projections, {span} (synthetic)"])
        writer.writerow(
            [
                c.replace("2024\u201334", span)
                .replace("2034", str(base + 10))
                .replace("2024", str(base))
                for c in EP
            ]
        )
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
                    f"{(index % 25) - 5 + rise * 10:.1f}",
                    "50000",
                    EDUCATION[index % 5],
                    "None",
                    "None",
                ]
            )
    return wages, outlook
