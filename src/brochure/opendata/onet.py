"""The O*NET database, text release: occupations with their tasks, education and relations.

Read offline from the folder (or the zip) a counselor downloaded. Files are tab-separated
and unquoted; their names changed in release 30.3, so each is looked for under every
name it has had, and its header is checked by name so a wrong file fails in one line.
Only occupations with a Job Zone have data; the others ("All Other" codes) are skipped
with the reason.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CONTROL, BrochureError, printable

MAX_FILE_BYTES = 200 * 2**20  # the largest text file (Work Context) is about 30 MiB
MAX_ROWS = 2_000_000
CODE = re.compile(r"^\d{2}-\d{4}\.\d{2}$")

# Names each file has had: up to 30.2, then from 30.3 on.
OCCUPATIONS = ("Occupation Data.txt",)
JOB_ZONES = ("Job Zones.txt",)
TASKS = ("Task Statements.txt",)
TASK_RATINGS = ("Task Ratings.txt",)
EDUCATION = ("Education, Training, and Experience.txt", "Education.txt")
RELATED = ("Related Occupations.txt",)
README = ("Read Me.txt",)

# O*NET's "Required Level of Education" categories (RL 1-12), stable across releases.
EDUCATION_LEVELS = {
    1: "less-than-high-school",
    2: "high-school",
    3: "postsecondary-certificate",
    4: "some-college",
    5: "associate",
    6: "bachelor",
    7: "post-baccalaureate-certificate",
    8: "master",
    9: "post-master-certificate",
    10: "first-professional",
    11: "doctoral",
    12: "post-doctoral",
}


class OnetError(BrochureError):
    """An O*NET release that cannot be read: a missing or wrong file, a bad row."""


@dataclass(frozen=True)
class Occupation:
    """One O*NET occupation with data, as a brochure needs it."""

    code: str  # O*NET-SOC, `29-1141.00`
    title: str
    description: str
    job_zone: int
    tasks: tuple[str, ...] = ()  # most important first: Core by rated importance, then the rest
    education: tuple[tuple[int, float], ...] = ()  # RL category, % of respondents
    related: tuple[str, ...] = ()  # O*NET-SOC codes, most related first

    @property
    def soc(self) -> str:
        """The SOC code BLS files use: `29-1141.00` → `29-1141`."""
        return self.code[:7]

    @property
    def typical_education(self) -> int | None:
        """The RL category most respondents name (the lower one on a tie)."""
        if not self.education:
            return None
        return max(self.education, key=lambda item: (item[1], -item[0]))[0]


@dataclass
class Release:
    """An O*NET release: its version, its occupations with data, and what was skipped."""

    source: Path
    version: str | None
    occupations: dict[str, Occupation] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # code → why


class _Files:
    """The release's files by base name, from a folder or a zip, whatever the folder prefix."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self.zip: zipfile.ZipFile | None = None
        self.names: dict[str, str] = {}
        if source.is_dir():
            self.names = {p.name: str(p) for p in sorted(source.rglob("*.txt"))}
        elif zipfile.is_zipfile(source):
            self.zip = zipfile.ZipFile(source)
            self.names = {Path(i.filename).name: i.filename for i in self.zip.infolist()}
            if any(name.endswith(".xlsx") for name in self.names):
                raise OnetError(
                    "this is the Excel release of O*NET; download the text release "
                    "(db_XX_X_text.zip)",
                    path=source,
                )
        else:
            raise OnetError("not an O*NET text release (a folder or a .zip)", path=source)

    def find(self, names: Sequence[str], required: bool = True) -> str | None:
        for name in names:
            if name in self.names:
                return name
        if required:
            wanted = " or ".join(f"'{n}'" for n in names)
            raise OnetError(f"the release has no {wanted}", path=self.source)
        return None

    def text(self, name: str) -> str:
        where = self.names[name]
        if self.zip is not None:
            info = self.zip.getinfo(where)
            if info.file_size > MAX_FILE_BYTES:
                raise OnetError("the file is larger than any O*NET file", path=self.where(name))
            data = self.zip.read(where)
        else:
            path = Path(where)
            if path.stat().st_size > MAX_FILE_BYTES:
                raise OnetError("the file is larger than any O*NET file", path=path)
            data = path.read_bytes()
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise OnetError(f"not UTF-8 text (byte {err.start})", path=self.where(name)) from None

    def where(self, name: str) -> Path:
        return self.source / name


@dataclass(frozen=True)
class Row:
    """One record, with the line it came from for located errors."""

    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column]


def rows(files: _Files, name: str, columns: Sequence[str]) -> Iterator[Row]:
    """The file's records as named values, after checking its header names `columns`."""
    path = files.where(name)
    reader = csv.reader(
        io.StringIO(files.text(name), newline=""), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    header = next(reader, None)
    if header is None:
        raise OnetError("the file is empty", path=path)
    if header and header[0].startswith('"'):
        raise OnetError(
            "this file was re-saved by a spreadsheet (its fields are quoted); use the "
            "original from the O*NET zip",
            path=path,
            line=1,
        )
    missing = [c for c in columns if c not in header]
    if missing:
        raise OnetError(
            f"not the O*NET file it should be: no column {missing[0]!r} "
            f"(expected {', '.join(columns)})",
            path=path,
            line=1,
        )
    index = {column: header.index(column) for column in columns}
    for number, record in enumerate(reader, start=2):
        if number > MAX_ROWS:
            raise OnetError(f"more than {MAX_ROWS:,} rows", path=path, line=number)
        if not record or record == [""]:
            continue
        if len(record) < len(header):
            raise OnetError(
                f"{len(record)} fields where the header has {len(header)}", path=path, line=number
            )
        yield Row(number, {column: record[at].strip() for column, at in index.items()})


def _code(row: Row, column: str, path: Path) -> str:
    value = row[column]
    if not CODE.match(value):
        raise OnetError(
            f"expected an O*NET-SOC code such as 29-1141.00, got {printable(value)[:40]!r}",
            path=path,
            line=row.line,
            field=column,
        )
    return value


def _number(row: Row, column: str, path: Path) -> float | None:
    value = row[column]
    if value in ("n/a", ""):
        return None
    try:
        return float(value)
    except ValueError:
        raise OnetError(
            f"expected a number, got {printable(value)[:40]!r}",
            path=path,
            line=row.line,
            field=column,
        ) from None


def _text(row: Row, column: str, path: Path) -> str:
    value = row[column]
    if CONTROL.search(value):
        raise OnetError("control characters in the text", path=path, line=row.line, field=column)
    return value


def _version(files: _Files) -> str | None:
    """`30.3` from the release's Read Me, or from its folder or zip name (`db_30_3_text`)."""
    name = files.find(README, required=False)
    if name is not None:
        found = re.search(r"O\*NET\s+(\d+\.\d+)", files.text(name)[:2000])
        if found:
            return found.group(1)
    found = re.search(r"db_(\d+)_(\d+)", files.source.name)
    return f"{found.group(1)}.{found.group(2)}" if found else None


def _zones(files: _Files) -> dict[str, int]:
    name = files.find(JOB_ZONES)
    assert name is not None
    path = files.where(name)
    zones: dict[str, int] = {}
    for row in rows(files, name, ("O*NET-SOC Code", "Job Zone")):
        zone = _number(row, "Job Zone", path)
        if zone is None or not 1 <= zone <= 5:
            raise OnetError("expected a Job Zone from 1 to 5", path=path, line=row.line)
        zones[_code(row, "O*NET-SOC Code", path)] = int(zone)
    return zones


def _importance(files: _Files) -> dict[tuple[str, str], float]:
    """Each task's rated importance (scale IM, 1-5), where the release has ratings."""
    name = files.find(TASK_RATINGS, required=False)
    if name is None:
        return {}
    path = files.where(name)
    found: dict[tuple[str, str], float] = {}
    for row in rows(files, name, ("O*NET-SOC Code", "Task ID", "Scale ID", "Data Value")):
        if row["Scale ID"] == "IM":
            value = _number(row, "Data Value", path)
            if value is not None:
                found[(row["O*NET-SOC Code"], row["Task ID"])] = value
    return found


def _tasks(files: _Files) -> dict[str, tuple[str, ...]]:
    """Tasks by occupation: Core first, each group by rated importance, then by Task ID."""
    name = files.find(TASKS)
    assert name is not None
    path = files.where(name)
    importance = _importance(files)
    ranked: dict[str, list[tuple[int, float, int, str]]] = {}
    columns = ("O*NET-SOC Code", "Task ID", "Task", "Task Type")
    for row in rows(files, name, columns):
        code = _code(row, "O*NET-SOC Code", path)
        task_id = _number(row, "Task ID", path)
        group = {"Core": 0, "Supplemental": 1}.get(row["Task Type"], 2)
        weight = importance.get((code, row["Task ID"]), 0.0)
        task = (group, -weight, int(task_id or 0), _text(row, "Task", path))
        ranked.setdefault(code, []).append(task)
    return {code: tuple(t[3] for t in sorted(tasks)) for code, tasks in ranked.items()}


def _education(files: _Files) -> dict[str, tuple[tuple[int, float], ...]]:
    """ "Required Level of Education" (element 2.D.1, scale RL): % of respondents per level."""
    name = files.find(EDUCATION, required=False)
    if name is None:
        return {}
    path = files.where(name)
    found: dict[str, list[tuple[int, float]]] = {}
    columns = ("O*NET-SOC Code", "Element ID", "Scale ID", "Category", "Data Value")
    for row in rows(files, name, columns):
        if row["Element ID"] != "2.D.1" or row["Scale ID"] != "RL":
            continue
        category, value = _number(row, "Category", path), _number(row, "Data Value", path)
        if category is not None and value is not None and int(category) in EDUCATION_LEVELS:
            found.setdefault(row["O*NET-SOC Code"], []).append((int(category), value))
    return {code: tuple(sorted(levels)) for code, levels in found.items()}


def _related(files: _Files) -> dict[str, tuple[str, ...]]:
    name = files.find(RELATED, required=False)
    if name is None:
        return {}
    path = files.where(name)
    found: dict[str, list[tuple[float, str]]] = {}
    columns = ("O*NET-SOC Code", "Related O*NET-SOC Code", "Index")
    for row in rows(files, name, columns):
        index = _number(row, "Index", path) or 0.0
        other = _code(row, "Related O*NET-SOC Code", path)
        found.setdefault(row["O*NET-SOC Code"], []).append((index, other))
    return {code: tuple(o for _, o in sorted(items)) for code, items in found.items()}


def read_release(source: str | Path, only: set[str] | None = None) -> Release:
    """Every occupation with data in the O*NET text release at `source` (a folder or zip).

    `only` limits it to these O*NET-SOC or SOC codes. Raises `OnetError` at the file and
    line of the first problem.
    """
    files = _Files(Path(source))
    release = Release(Path(source), _version(files))
    zones = _zones(files)
    tasks, education, related = _tasks(files), _education(files), _related(files)
    name = files.find(OCCUPATIONS)
    assert name is not None
    path = files.where(name)
    for row in rows(files, name, ("O*NET-SOC Code", "Title", "Description")):
        code = _code(row, "O*NET-SOC Code", path)
        if only is not None and code not in only and code[:7] not in only:
            continue
        if code not in zones:
            release.skipped[code] = "no data in this release (no Job Zone)"
            continue
        release.occupations[code] = Occupation(
            code=code,
            title=_text(row, "Title", path),
            description=_text(row, "Description", path),
            job_zone=zones[code],
            tasks=tasks.get(code, ()),
            education=education.get(code, ()),
            related=related.get(code, ()),
        )
    return release
