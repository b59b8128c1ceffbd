"""Write the BLS test fixtures in bls/ that are derived from the format samples.

    python tests/data/opendata/make_fixtures.py

The four samples (`national_M2025_dl.csv`, `national_M2025_dl.synthetic.csv`,
`state_M2025_dl.csv`, `occupation_Table_1.2.csv`) are copies of the project's format
samples: headers and symbols as published, most numbers illustrative (the synthetic file's
are all invented). Everything written here is derived from them, and every number added
here is invented too. Workbooks (.xlsx) are built by the tests themselves, with openpyxl,
from these files: no binary fixture is kept.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

BLS = Path(__file__).parent / "bls"
NATIONAL = BLS / "national_M2025_dl.csv"
SYNTHETIC = BLS / "national_M2025_dl.synthetic.csv"
TABLE_1_2 = BLS / "occupation_Table_1.2.csv"


def rows_of(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write(name: str, rows: list[list[str]], encoding: str = "utf-8", crlf: bool = False) -> None:
    """`rows` as a CSV with minimal quoting; CRLF and the encoding as Excel would save it."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n" if crlf else "\n").writerows(rows)
    (BLS / name).write_bytes(out.getvalue().encode(encoding))


def with_column(rows: list[list[str]], name: str, value: str, row: int) -> list[list[str]]:
    """A copy of `rows` with the cell of column `name` in data row `row` (0-based) set."""
    copy = [list(r) for r in rows]
    copy[row + 1][copy[0].index(name)] = value
    return copy


def national_rows(count: int) -> list[list[str]]:
    """The national header and `count` invented detailed rows, as the synthetic file has them."""
    header, template = rows_of(SYNTHETIC)[0], rows_of(SYNTHETIC)[2]
    rows = [header]
    for number in range(count):
        row = list(template)
        row[header.index("OCC_CODE")] = f"29-{2010 + number:04d}"
        row[header.index("OCC_TITLE")] = f"Health technologists, group {number + 1}"
        row[header.index("A_MEDIAN")] = str(40000 + 1000 * number)
        row[header.index("H_MEDIAN")] = f"{(40000 + 1000 * number) / 2080:.2f}"
        rows.append(row)
    return rows


def special_rows() -> list[list[str]]:
    """Every symbol and cell form a wage file may hold, one occupation each."""
    rows = national_rows(8)
    header = rows[0]
    cells = {
        0: {"A_MEDIAN": "#", "H_MEDIAN": "#"},  # top-coded both ways
        1: {"A_MEDIAN": "*", "H_MEDIAN": "21.50", "HOURLY": "TRUE", "TOT_EMP": "**"},
        2: {"A_MEDIAN": "52,340", "H_MEDIAN": "$25.16"},  # numbers saved as text
        3: {"A_MEDIAN": "", "H_MEDIAN": "", "PCT_RPT": "~"},  # no estimate at all
        4: {"A_MEDIAN": "61000", "H_MEDIAN": "*", "ANNUAL": "True"},  # annual only
        5: {"A_MEDIAN": "\u2014", "H_MEDIAN": "annual not available"},  # export spellings
        6: {"O_GROUP": "broad"},  # not a detailed occupation: left out
        7: {"O_GROUP": "major", "OCC_CODE": "29-0000"},  # not a detailed occupation either
    }
    for row, values in cells.items():
        for name, value in values.items():
            rows[row + 1][header.index(name)] = value
    return rows


def projections_2025_rows() -> list[list[str]]:
    """Table 1.2 as the next release is expected to name its columns (2025-35, padded
    names, no footnote mark on the wage), with a top-coded wage and missing values."""
    rows = rows_of(TABLE_1_2)
    rows[0][0] = "Table 1.2 Occupational projections, 2025\u201335 (Numbers in thousands)"
    renamed = (
        n.replace("2034", "2035").replace("2024", "2025").replace("\u201334", "\u201335")
        for n in rows[1]
    )
    rows[1] = [" " + name.replace("[1]", "") + " " for name in renamed]
    surgeon = ["  Surgeons, all other", "29-1249", "Line item", *rows[3][3:8], "\u2014"]
    surgeon += [*rows[3][9:11], ">=239,200", "Doctoral or professional degree", "None"]
    surgeon += ["Internship/residency", "Physicians and surgeons"]
    legislator = ["  Legislators", "11-1031", "Line item", *rows[4][3:11], "46800"]
    legislator += ["Bachelor's degree", "Less than 5 years", "N/A", "N/A"]
    return [*rows[:5], surgeon, legislator, *rows[5:]]


def main() -> None:
    table = rows_of(TABLE_1_2)
    write("occupation_Table_1.2.cp1252.csv", table, encoding="cp1252", crlf=True)
    write("occupation_Table_1.2.bom.csv", table, encoding="utf-8-sig", crlf=True)
    write("national_M2025_dl.bom.csv", rows_of(NATIONAL), encoding="utf-8-sig", crlf=True)
    write("national_special.csv", special_rows())
    write("national.csv", with_column(national_rows(14), "A_MEDIAN", "about 50k", 12))
    synthetic = rows_of(SYNTHETIC)
    at = synthetic[0].index("A_MEDIAN")
    write("national_missing_column.csv", [row[:at] + row[at + 1 :] for row in synthetic])
    old_names = {"OCC_CODE": "occ_code", "OCC_TITLE": "occ title", "O_GROUP": "OCC_GROUP"}
    old_names |= {"A_MEDIAN": "a_median", "H_MEDIAN": "H-Median", "ANNUAL": "annual"}
    write("national_renamed.csv", [[old_names.get(n, n) for n in synthetic[0]], *synthetic[1:]])
    title = "Software Developers\x1b[2J"
    write("national_control_title.csv", with_column(rows_of(NATIONAL), "OCC_TITLE", title, 0))
    write("occupation_2025-35.csv", projections_2025_rows())


if __name__ == "__main__":
    main()
