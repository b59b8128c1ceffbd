"""The spreadsheet round trip: export-table, edit, import-table; errors at their cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from brochure import cli
from brochure.inputs import builtin_profiles
from brochure.profile import load_profile


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(cli.cli, [str(a) for a in args])
    return result.exit_code, result.stderr


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_untouched_sheet_gives_back_the_same_profiles(tmp_path: Path, suffix: str) -> None:
    sheet = tmp_path / f"careers{suffix}"
    code, err = run("export-table", *builtin_profiles(), "-o", sheet)
    assert code == 0, err
    code, err = run("import-table", sheet, "-o", tmp_path / "back")
    assert code == 0, err
    for path in builtin_profiles():
        again = load_profile(tmp_path / "back" / path.name)
        assert again.model_dump() == load_profile(path).model_dump(), path.name


def test_lists_read_as_lines_in_a_cell(tmp_path: Path) -> None:
    sheet = tmp_path / "careers.xlsx"
    run("export-table", *builtin_profiles(), "-o", sheet)
    rows = list(load_workbook(sheet).worksheets[0].iter_rows(values_only=True))
    header = list(rows[0])
    nurse = next(r for r in rows if r[0] == "registered-nurse.yaml")
    duties = str(nurse[header.index("duties")])
    assert duties.splitlines()[0].startswith("Assess patients")
    assert not duties.startswith("[")
    assert nurse[header.index("facts.median_pay.amount")] == "93600"


def test_an_edited_cell_is_read_back_and_a_bad_one_located(tmp_path: Path) -> None:
    sheet = tmp_path / "careers.xlsx"
    run("export-table", *builtin_profiles(), "-o", sheet)
    book = load_workbook(sheet)
    table = book.worksheets[0]
    header = [c.value for c in table[1]]
    pay = header.index("facts.median_pay.amount") + 1
    title = header.index("title") + 1
    table.cell(row=2, column=title, value="Dental Hygienist (RDH)")
    book.save(sheet)
    code, err = run("import-table", sheet, "-o", tmp_path / "ok")
    assert code == 0, err
    assert load_profile(tmp_path / "ok" / "dental-hygienist.yaml").title == "Dental Hygienist (RDH)"
    table.cell(row=13, column=pay, value="lots")
    book.save(sheet)
    with pytest.raises(SystemExit) as exited:
        cli.main(["import-table", str(sheet), "-o", str(tmp_path / "bad")])
    assert exited.value.code == 1
    assert not (tmp_path / "bad").exists()


def test_the_error_names_the_sheet_and_the_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl.utils import get_column_letter

    sheet = tmp_path / "careers.xlsx"
    run("export-table", *builtin_profiles(), "-o", sheet)
    book = load_workbook(sheet)
    table = book.worksheets[0]
    header = [c.value for c in table[1]]
    column = header.index("facts.median_pay.amount") + 1
    table.cell(row=13, column=column, value="lots")
    book.save(sheet)
    with pytest.raises(SystemExit):
        cli.main(["import-table", str(sheet), "-o", str(tmp_path / "bad")])
    err = capsys.readouterr().err
    letter = get_column_letter(column)
    assert f"error: {sheet}:Careers!{letter}13: facts.median_pay.amount: " in err


def test_a_zip_bomb_sheet_is_refused_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import zipfile

    bomb = tmp_path / "careers.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 2**20))
    with pytest.raises(SystemExit) as exited:
        cli.main(["import-table", str(bomb), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert exited.value.code == 1
    assert err.startswith(f"error: {bomb}: not read: it unpacks to 300 MiB")
    assert err.count("\n") == 1
    assert not (tmp_path / "out").exists()
