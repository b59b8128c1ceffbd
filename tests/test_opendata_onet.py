"""Reading the O*NET text release: both sets of file names, ranking, and one-line errors."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from brochure.opendata.onet import OnetError, read_release

from .onet_release import write_release

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "data-formats" / "samples"


@pytest.fixture
def release(tmp_path: Path) -> Path:
    return write_release(tmp_path / "db_30_2_text", 5)


def test_occupations_with_data_and_the_ones_skipped(release: Path) -> None:
    found = read_release(release)
    assert found.version == "30.2"
    assert len(found.occupations) == 5
    assert found.skipped == {"11-9199.00": "no data in this release (no Job Zone)"}
    records = found.occupations["29-2072.00"]
    assert records.soc == "29-2072"
    assert records.title == "Medical Records Specialists"
    assert records.description.startswith("Compile, process, and maintain medical records")
    assert len(records.tasks) == 18
    assert records.related[0] == "17-2072.00"


def test_core_tasks_come_first_by_rated_importance(release: Path) -> None:
    ratings = (release / "Task Ratings.txt").read_text().splitlines()
    statements = (release / "Task Statements.txt").read_text().splitlines()
    kinds = {line.split("\t")[1]: line.split("\t")[3] for line in statements[1:]}
    texts = {line.split("\t")[1]: line.split("\t")[2] for line in statements[1:]}
    rated = [line.split("\t") for line in ratings[1:] if line.startswith("29-2072.00")]
    core = sorted((r for r in rated if kinds[r[1]] == "Core"), key=lambda r: -float(r[4]))
    tasks = read_release(release).occupations["29-2072.00"].tasks
    assert list(tasks[: len(core)]) == [texts[r[1]] for r in core]


def test_the_30_3_names_read_the_same(tmp_path: Path) -> None:
    old = read_release(write_release(tmp_path / "old", 5, version="30.2"))
    new = read_release(write_release(tmp_path / "new", 5, version="30.3"))
    assert new.version == "30.3"
    assert new.occupations == old.occupations


def test_a_zip_crlf_and_bom_are_all_fine(release: Path, tmp_path: Path) -> None:
    for path in release.glob("*.txt"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    archive = tmp_path / "db_30_2_text.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in release.glob("*.txt"):
            zipped.write(path, f"db_30_2_text/{path.name}")
    assert read_release(archive).occupations == read_release(release).occupations


def test_the_published_samples_parse(tmp_path: Path) -> None:
    if not SAMPLES.is_dir():
        pytest.skip("the shared samples are not beside this checkout")
    folder = tmp_path / "samples"
    shutil.copytree(SAMPLES / "onet", folder)
    found = read_release(folder)  # every header as published; the codes do not overlap
    assert "11-9199.00" in found.skipped
    shutil.copy(SAMPLES / "onet-30.3" / "Education.txt", folder / "Education.txt")
    (folder / "Education, Training, and Experience.txt").unlink()
    read_release(folder)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda f: (f / "Job Zones.txt").unlink(),
            "the release has no 'Job Zones.txt'",
        ),
        (
            lambda f: (f / "Occupation Data.txt").write_text(
                '"O*NET-SOC Code"\t"Title"\t"Description"\n'
            ),
            "Occupation Data.txt:1: this file was re-saved by a spreadsheet",
        ),
        (
            lambda f: (f / "Task Statements.txt").write_text("O*NET-SOC Code\tTask\n"),
            "Task Statements.txt:1: not the O*NET file it should be: no column 'Task ID'",
        ),
        (
            lambda f: _append(f / "Job Zones.txt", "29-2072\t3\t02/2026\tAnalyst"),
            "Job Zones.txt:7: O*NET-SOC Code: expected an O*NET-SOC code such as 29-1141.00, "
            "got '29-2072'",
        ),
        (
            lambda f: _replace(
                f / "Occupation Data.txt", "Medical Records", "Medical\x1b[2J Records"
            ),
            "Occupation Data.txt:2: Title: control characters in the text",
        ),
        (
            lambda f: _append(f / "Job Zones.txt", "29-9999.00\tseven\t02/2026\tAnalyst"),
            "Job Zones.txt:7: Job Zone: expected a number, got 'seven'",
        ),
    ],
)
def test_a_bad_release_is_one_located_line(release: Path, change: object, message: str) -> None:
    change(release)  # type: ignore[operator]
    with pytest.raises(OnetError) as caught:
        read_release(release)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_excel_release_is_named_for_what_it_is(tmp_path: Path) -> None:
    archive = tmp_path / "db_30_2_excel.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("db_30_2_excel/Occupation Data.xlsx", b"PK")
    with pytest.raises(OnetError, match="this is the Excel release"):
        read_release(archive)


def _append(path: Path, line: str) -> None:
    path.write_text(path.read_text() + line + "\n")


def _replace(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new, 1))
