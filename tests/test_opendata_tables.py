"""BLS spreadsheets in (OEWS wages, EP Table 1.2, as .xlsx or CSV): typed records out, and
one located line for every file that is not what it should be."""

from __future__ import annotations

import csv
import pickle
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from brochure.opendata.bls import (
    ANNUAL_TOP_CODE,
    HOURLY_TOP_CODE,
    ProjectionTable,
    Wage,
    read_projections,
    read_wages,
)
from brochure.opendata.tables import MIB, TableError

from .conftest import DATA

BLS = DATA / "opendata" / "bls"
NATIONAL = BLS / "national_M2025_dl.csv"
SYNTHETIC = BLS / "national_M2025_dl.synthetic.csv"
STATE = BLS / "state_M2025_dl.csv"
TABLE_1_2 = BLS / "occupation_Table_1.2.csv"
OEWS_COLUMNS = "OCC_CODE, OCC_TITLE, O_GROUP, A_MEDIAN, H_MEDIAN"
NOT_OEWS = f"not an OEWS wage file: no column OCC_CODE (expected {OEWS_COLUMNS})"
EP_COLUMNS = (
    "2024 National Employment Matrix title; 2024 National Employment Matrix code; "
    "Occupation type; Employment change, percent, 2024-34; Median annual wage, dollars, 2024; "
    "Typical education needed for entry; Work experience in a related occupation; "
    "Typical on-the-job training needed to attain competency in the occupation"
)
NOT_EP = (
    "not Employment Projections Table 1.2: no column 2024 National Employment Matrix title "
    f"(expected {EP_COLUMNS})"
)
USE = "use the national or the state wage file"


def rows_of(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def typed(cell: str) -> object:
    """A CSV cell as the xlsx holds it: numbers as numbers, TRUE as a boolean, symbols as text."""
    if cell in {"", "TRUE"}:
        return None if cell == "" else True
    for kind in (int, float):
        try:
            return kind(cell)
        except ValueError:
            pass
    return cell


def workbook(path: Path, sheets: Mapping[str, Sequence[Sequence[object]]]) -> Path:
    book = Workbook()
    for position, (name, rows) in enumerate(sheets.items()):
        sheet = book.worksheets[0] if position == 0 else book.create_sheet()
        sheet.title = name
        for row in rows:
            sheet.append([typed(c) if isinstance(c, str) else c for c in row])
    book.save(path)
    return path


def error_of(read: Callable[[Path], object], path: Path) -> str:
    with pytest.raises(TableError) as caught:
        read(path)
    assert "\n" not in str(caught.value)
    return str(caught.value)


# Reading the published forms


def test_national_wages_as_published() -> None:
    table = read_wages(NATIONAL)
    assert table.year == "May 2025"
    assert table.total is None
    assert not table.by_state_soc
    assert table.by_soc["15-1252"] == Wage(
        "15-1252",
        "Software Developers",
        135980.0,
        65.38,
        False,
        False,
        False,
        False,
        None,
        "May 2025",
    )
    teachers = table.by_soc["25-2021"]
    assert (teachers.annual_median, teachers.hourly_median) == (63970.0, None)
    assert teachers.annual_only
    assert not teachers.hourly_only


def test_special_values_of_the_synthetic_file() -> None:
    table = read_wages(SYNTHETIC)
    assert table.total is not None
    assert table.total.soc == "00-0000"
    assert table.total.annual_median == 49920.0
    cardiologists = table.by_soc["29-1212"]
    assert (cardiologists.annual_median, cardiologists.hourly_median) == (239_200.0, 115.0)
    assert cardiologists.annual_top_coded
    assert cardiologists.hourly_top_coded
    dancers = table.by_soc["27-2031"]
    assert (dancers.annual_median, dancers.hourly_median, dancers.hourly_only) == (None, 20.0, True)
    assert sorted(table.by_soc) == ["27-2031", "29-1212", "47-4090"]  # broad 47-4090 left out


def test_every_cell_form_of_a_wage() -> None:
    wages = read_wages(BLS / "national_special.csv").by_soc
    got = {
        soc: (w.annual_median, w.hourly_median, w.annual_only, w.hourly_only)
        for soc, w in wages.items()
    }
    assert got == {
        "29-2010": (ANNUAL_TOP_CODE, HOURLY_TOP_CODE, False, False),  # "#"
        "29-2011": (None, 21.5, False, True),  # "*" and HOURLY TRUE
        "29-2012": (52340.0, 25.16, False, False),  # "52,340" and "$25.16"
        "29-2013": (None, None, False, False),  # empty
        "29-2014": (61000.0, None, True, False),  # ANNUAL "True"
        "29-2015": (None, None, False, False),  # em dash, "annual not available"
    }
    assert (ANNUAL_TOP_CODE, HOURLY_TOP_CODE) == (239_200.0, 115.0)


def test_top_code_of_a_release_before_2023(tmp_path: Path) -> None:
    old = shutil.copy(BLS / "national_special.csv", tmp_path / "national_M2022_dl.csv")
    top_coded = read_wages(old).by_soc["29-2010"]
    assert (top_coded.annual_median, top_coded.hourly_median, top_coded.year) == (
        208_000.0,
        100.0,
        "May 2022",
    )


def test_state_wages() -> None:
    table = read_wages(STATE)
    assert not table.by_soc
    assert table.total is None
    assert sorted(table.by_state_soc) == [("MD", "15-1212"), ("VA", "15-1252")]
    virginia = table.by_state_soc["VA", "15-1252"]
    assert (virginia.state, virginia.annual_median, virginia.hourly_median) == (
        "VA",
        136460.0,
        65.61,
    )


def test_projections_as_published() -> None:
    table = read_projections(TABLE_1_2)
    assert (table.years, table.average_growth, table.wage_year) == ("2024-2034", 3.1, "May 2024")
    assert sorted(table.by_soc) == ["29-1171", "29-2072"]  # footnotes and Summary rows left out
    records = table.by_soc["29-2072"]
    assert records.title == "Medical records specialists"  # padding stripped
    assert (records.growth_percent, records.years, records.median_wage) == (
        7.0,
        "2024-2034",
        50250.0,
    )
    assert (records.education, records.experience, records.training) == (
        "Postsecondary nondegree award",
        "None",
        "None",
    )


def test_projections_of_the_next_release() -> None:
    """2025-35 names, padded headers, `>=239,200`, the em dash and N/A."""
    table = read_projections(BLS / "occupation_2025-35.csv")
    assert (table.years, table.wage_year) == ("2025-2035", "May 2025")
    surgeons = table.by_soc["29-1249"]
    assert (surgeons.growth_percent, surgeons.median_wage, surgeons.median_wage_top_coded) == (
        None,
        239_200.0,
        True,
    )
    assert table.by_soc["11-1031"].training is None
    assert table.by_soc["11-1031"].experience == "Less than 5 years"


@pytest.mark.parametrize(
    ("resaved", "original", "read"),
    [
        ("occupation_Table_1.2.cp1252.csv", TABLE_1_2, read_projections),
        ("occupation_Table_1.2.bom.csv", TABLE_1_2, read_projections),
        ("national_M2025_dl.bom.csv", NATIONAL, read_wages),
    ],
)
def test_excel_resaves_read_alike(
    resaved: str, original: Path, read: Callable[[Path], Any]
) -> None:
    assert read(BLS / resaved).by_soc == read(original).by_soc


def test_semicolon_csv(tmp_path: Path) -> None:
    path = tmp_path / "national_M2025_dl.csv"
    path.write_text("\n".join(";".join(row) for row in rows_of(NATIONAL)))
    assert read_wages(path).by_soc == read_wages(NATIONAL).by_soc


def test_renamed_columns() -> None:
    renamed = read_wages(BLS / "national_renamed.csv").by_soc
    published = read_wages(SYNTHETIC).by_soc
    assert renamed == {soc: replace(wage, year=None) for soc, wage in published.items()}


def test_wages_from_xlsx(tmp_path: Path) -> None:
    path = workbook(tmp_path / "national_M2025_dl.xlsx", {"national_M2025_dl": rows_of(SYNTHETIC)})
    table = read_wages(path)
    assert table.by_soc == read_wages(SYNTHETIC).by_soc
    assert table.year == "May 2025"


def test_year_from_the_sheet_of_a_renamed_workbook(tmp_path: Path) -> None:
    path = workbook(tmp_path / "wages.xlsx", {"national_M2024_dl": rows_of(NATIONAL)})
    assert read_wages(path).year == "May 2024"


def test_projections_from_the_sheet_table_1_2(tmp_path: Path) -> None:
    other = [["Table 1.1 Employment by major occupational group"], ["Occupation", "Code"]]
    sheets = {"Table 1.1": other, "Table 1.2": rows_of(TABLE_1_2), "Table 1.3": other}
    table = read_projections(workbook(tmp_path / "occupation.xlsx", sheets))
    assert table.by_soc == read_projections(TABLE_1_2).by_soc
    assert table.average_growth == 3.1


@pytest.mark.slow
def test_real_size_state_workbook_streams(tmp_path: Path) -> None:
    """54 areas x 760 occupations, as large as the state file, read well under 300 MiB."""
    script = f"""
import sys
from openpyxl import Workbook
from brochure.opendata.bls import read_wages
header = {rows_of(STATE)[0]!r}
book = Workbook(write_only=True)
sheet = book.create_sheet("state_M2025_dl")
sheet.append(header)
for area in range(54):
    for number in range(760):
        state = chr(65 + area // 26) + chr(65 + area % 26)
        row = [str(area), "State", 2, state] + [None] * (len(header) - 4)
        row[8:11] = [f"{{11 + number % 40}}-{{1000 + number}}", "Occupation " * 4, "detailed"]
        row[22], row[27] = 20.5 + number % 50, 42640 + number * 10
        sheet.append(row)
book.save(sys.argv[1])
wages = read_wages(sys.argv[1])
# This program's own peak (VmHWM): ru_maxrss would count the test process it was started
# from, which Linux hands on through exec.
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(len(wages.by_state_soc), int(peak.split()[1]) // 1024)
"""
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "state_M2025_dl.xlsx")],
        capture_output=True,
        text=True,
        check=True,
    )
    count, peak_mib = map(int, done.stdout.split())
    assert count == 54 * 760
    assert peak_mib < 300


# Files that are not what they should be


def test_wrong_files(tmp_path: Path) -> None:
    onet = tmp_path / "Occupation Data.txt"
    onet.write_text(
        "O*NET-SOC Code\tTitle\tDescription\n29-2072.00\tMedical Records Specialists\tx\n"
    )
    for path in (onet, TABLE_1_2):
        expected = f"{path}: {NOT_OEWS}"
        assert error_of(read_wages, path) == expected
    expected = f"{NATIONAL}: {NOT_EP}"
    assert error_of(read_projections, NATIONAL) == expected


def test_wrong_workbooks(tmp_path: Path) -> None:
    projections = workbook(tmp_path / "occupation.xlsx", {"Table 1.2": rows_of(TABLE_1_2)})
    expected = f"{projections}: {NOT_OEWS}"
    assert error_of(read_wages, projections) == expected
    wages = workbook(tmp_path / "national_M2025_dl.xlsx", {"national_M2025_dl": rows_of(NATIONAL)})
    expected = f"{wages}:national_M2025_dl: {NOT_EP}"
    assert error_of(read_projections, wages) == expected


def test_workbook_without_table_1_2(tmp_path: Path) -> None:
    path = workbook(tmp_path / "occupation.xlsx", {"Table 1.1": [["a"]], "Table 1.3": [["b"]]})
    expected = f"{path}: no sheet 'Table 1.2' (its sheets: 'Table 1.1', 'Table 1.3')"
    assert error_of(read_projections, path) == expected


def test_missing_column() -> None:
    path = BLS / "national_missing_column.csv"
    expected = f"{path}:1: not an OEWS wage file: no column A_MEDIAN (expected {OEWS_COLUMNS})"
    assert error_of(read_wages, path) == expected


def test_text_in_a_wage_cell() -> None:
    path = BLS / "national.csv"
    assert error_of(read_wages, path) == f"{path}:14: A_MEDIAN: expected a wage, got 'about 50k'"


def test_text_in_a_wage_cell_of_a_workbook(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "national_M2025_dl.xlsx", {"national_M2025_dl": rows_of(BLS / "national.csv")}
    )
    expected = f"{path}:national_M2025_dl!AB14: A_MEDIAN: expected a wage, got 'about 50k'"
    assert error_of(read_wages, path) == expected


def test_text_in_a_percent_cell_of_table_1_2(tmp_path: Path) -> None:
    rows = rows_of(TABLE_1_2)
    rows[4][8] = "seven"
    path = workbook(tmp_path / "occupation.xlsx", {"Table 1.1": [["x"]], "Table 1.2": rows})
    field = "Employment change, percent, 2024\u201334"
    expected = f"{path}:'Table 1.2'!I5: {field}: expected a percent, got 'seven'"
    assert error_of(read_projections, path) == expected


def test_control_characters_in_a_title() -> None:
    path = BLS / "national_control_title.csv"
    expected = f"{path}:2: OCC_TITLE: control character U+001B in 'Software Developers\\x1b[2J'"
    assert error_of(read_wages, path) == expected


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (
            "O_GROUP",
            "detial",
            "O_GROUP: expected total, major, minor, broad or detailed, got 'detial'",
        ),
        (
            "OCC_CODE",
            "29-2072.00",
            "OCC_CODE: expected an occupation code like 29-2072, got '29-2072.00'",
        ),
        ("ANNUAL", "maybe", "ANNUAL: expected TRUE or blank, got 'maybe'"),
        ("H_MEDIAN", "-3", "H_MEDIAN: expected a wage, got '-3'"),
        ("PRIM_STATE", "Virginia", "PRIM_STATE: expected a state's postal code, got 'Virginia'"),
        (
            "AREA_TYPE",
            "4",
            f"AREA_TYPE: expected 1 (U.S.), 2 (a state) or 3 (a territory), got '4': {USE}",
        ),
        (
            "I_GROUP",
            "sector",
            f"I_GROUP: expected cross-industry, got 'sector': {USE}",
        ),
    ],
)
def test_bad_cells(tmp_path: Path, column: str, value: str, message: str) -> None:
    rows = rows_of(STATE)
    rows[2][rows[0].index(column)] = value
    path = tmp_path / "state_M2025_dl.csv"
    path.write_text("\n".join(",".join(row) for row in rows))
    assert error_of(read_wages, path) == f"{path}:3: {message}"


def test_an_occupation_twice(tmp_path: Path) -> None:
    rows = rows_of(NATIONAL)
    path = tmp_path / "national_M2025_dl.csv"
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows([*rows, rows[1]])
    assert (
        error_of(read_wages, path) == f"{path}:4: OCC_CODE: 15-1252 appears twice (first on line 2)"
    )


def test_two_columns_of_one_name(tmp_path: Path) -> None:
    path = tmp_path / "national.csv"
    path.write_text("OCC_CODE,OCC_TITLE,O_GROUP,A_MEDIAN,H_MEDIAN,a median\n")
    assert error_of(read_wages, path) == f"{path}:1: two columns are A_MEDIAN (D and F)"


def test_header_without_data(tmp_path: Path) -> None:
    path = tmp_path / "national.csv"
    path.write_text(",".join(rows_of(NATIONAL)[0]) + "\n")
    assert (
        error_of(read_wages, path)
        == f"{path}: no detailed occupations (rows with O_GROUP detailed)"
    )


def test_empty_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    assert (
        error_of(read_wages, tmp_path / "empty.csv") == f"{tmp_path / 'empty.csv'}: an empty file"
    )
    missing = tmp_path / "missing.xlsx"
    assert error_of(read_wages, missing) == f"{missing}: cannot be read (No such file or directory)"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            "Caf\u00e9\n".encode() + b"\xe9\n",
            "2: not UTF-8 (byte 0xE9), though the file began as UTF-8",
        ),
        (b"\xef\xbb\xbfCafe\n\xe9\n", "2: not UTF-8 (byte 0xE9), though the file began as UTF-8"),
        (b"Cafe\n\x81\n", "2: neither UTF-8 nor Windows-1252 (byte 0x81)"),
    ],
)
def test_text_of_no_known_encoding(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "national.csv"
    path.write_bytes(data)
    assert error_of(read_wages, path) == f"{path}:{message}"


def test_an_error_travels_between_processes() -> None:
    with pytest.raises(TableError) as caught:
        read_wages(BLS / "national.csv")
    again = pickle.loads(pickle.dumps(caught.value))
    assert str(again) == str(caught.value)
    assert again.line == 14
    assert again.field == "A_MEDIAN"


# Hostile files


def test_truncated_workbook(tmp_path: Path) -> None:
    whole = workbook(tmp_path / "whole.xlsx", {"national_M2025_dl": rows_of(NATIONAL)})
    path = tmp_path / "national_M2025_dl.xlsx"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert (
        error_of(read_wages, path) == f"{path}: not a readable xlsx file (File is not a zip file)"
    )


def test_zip_that_is_no_workbook(tmp_path: Path) -> None:
    path = tmp_path / "national_M2025_dl.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("national_M2025_dl.csv", NATIONAL.read_bytes())
    reason = "There is no item named '[Content_Types].xml' in the archive"
    expected = f"{path}: not a readable xlsx file ({reason})"
    assert error_of(read_wages, path) == expected


def zeros(path: Path, name: str, mib: int) -> Path:
    """A zip whose part `name` is `mib` MiB of zeros, deflated to about a thousandth."""
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w") as part,
    ):
        chunk = bytes(MIB)
        for _ in range(mib):
            part.write(chunk)
    return path


def test_zip_bomb(tmp_path: Path) -> None:
    path = zeros(tmp_path / "national_M2025_dl.xlsx", "xl/worksheets/sheet1.xml", 256)
    assert (
        error_of(read_wages, path) == f"{path}: not read: it unpacks to 256 MiB (at most 200 MiB)"
    )


def test_part_that_unpacks_a_thousand_times(tmp_path: Path) -> None:
    path = zeros(tmp_path / "national_M2025_dl.xlsx", "xl/sharedStrings.xml", 20)
    with zipfile.ZipFile(path) as archive:
        part = archive.getinfo("xl/sharedStrings.xml")
    ratio = f"{part.file_size / part.compress_size:,.0f}"
    what = f"its part 'xl/sharedStrings.xml' unpacks to {ratio} times its size"
    expected = f"{path}: not read: {what} (at most 200)"
    assert error_of(read_wages, path) == expected


def test_ten_million_rows(tmp_path: Path) -> None:
    path = tmp_path / "national.csv"
    with path.open("wb") as handle:
        handle.write(b"OCC_CODE,OCC_TITLE,O_GROUP,A_MEDIAN,H_MEDIAN\n")
        handle.write(b",,,,\n" * 10_000_000)
    assert (
        error_of(read_wages, path)
        == f"{path}: more than 100,000 rows (the most one table may have)"
    )


def test_overlong_cell_and_line(tmp_path: Path) -> None:
    header = "OCC_CODE,OCC_TITLE,O_GROUP,A_MEDIAN,H_MEDIAN\n"
    path = tmp_path / "national.csv"
    path.write_text(header + "29-2072," + "x" * 2_001 + ",detailed,1,1\n")
    assert error_of(read_wages, path) == f"{path}:2: a cell longer than 2,000 characters"
    path.write_text(header + "29-2072," + "x" * 70_000 + "\n")
    assert error_of(read_wages, path) == f"{path}:2: a line longer than 65,536 bytes"
    book = workbook(
        tmp_path / "wages.xlsx", {"Sheet1": [header.split(","), ["29-2072", "x" * 2_001]]}
    )
    assert error_of(read_wages, book) == f"{book}:Sheet1!B2: a cell longer than 2,000 characters"


def test_tables_are_values() -> None:
    assert isinstance(read_projections(TABLE_1_2), ProjectionTable)
    with pytest.raises(AttributeError):
        read_wages(NATIONAL).by_soc["15-1252"].title = "x"  # type: ignore[misc]  # frozen
