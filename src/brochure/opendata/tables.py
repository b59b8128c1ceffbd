"""One table out of a workbook (.xlsx) or its CSV export: the header found by name, rows
streamed under caps, and every problem located at its file, sheet, row and cell."""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeAlias

from ..errors import BrochureError, Problem, printable

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

Cell: TypeAlias = str | int | float | bool | None
Row: TypeAlias = tuple[int, tuple[Cell, ...]]  # the row number a person sees, and its cells
RawRow: TypeAlias = tuple[int, Sequence[object]]  # as a CSV reader or a sheet gives it

MIB = 1024 * 1024


@dataclass(frozen=True)
class Caps:
    """What reading one table may cost: a hostile file fails at the first cap it passes.
    BLS national wages have about 1,400 rows, state wages 40,000, each workbook unpacks to
    a few tens of MiB: the defaults leave real files room to grow."""

    rows: int = 100_000
    cell_chars: int = 2_000
    line_bytes: int = 64 * 1024
    total_bytes: int = 200 * MIB  # a CSV file, or all the parts of a workbook once unpacked
    ratio: int = 200  # unpacked / packed size of one workbook part larger than 1 MiB
    zip_members: int = 1_000
    header_rows: int = 10  # the header is looked for in this many rows at the top
    columns: int = 200


DEFAULT_CAPS = Caps()


class TableError(BrochureError):
    """A spreadsheet or CSV file cannot be read as the table it should be."""


@dataclass(frozen=True)
class CellProblem(Problem):
    """A problem in a workbook, located as a formula names a cell: `file:Sheet!B14: …`."""

    sheet: str | None = None
    column: int | None = None  # 1-based

    def __str__(self) -> str:
        if self.sheet is None or self.path is None:
            return super().__str__()
        cell = (
            f"{column_letter(self.column)}{self.line}"
            if self.column
            else f"{self.line}:{self.line}"
        )
        where = sheet_reference(self.sheet) + (f"!{cell}" if self.line else "")
        field = f"{self.field}: " if self.field else ""
        return printable(f"{self.path}:{where}: {field}{self.message}")


def column_letter(column: int) -> str:
    """`28` → `AB`: the column as a spreadsheet names it."""
    from openpyxl.utils import get_column_letter  # here: CSV files need it only in errors

    return get_column_letter(column)


def sheet_reference(name: str) -> str:
    """A sheet name as a formula writes it: quoted when it has spaces or punctuation."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name):
        return name
    return "'" + name.replace("'", "''") + "'"


@dataclass(frozen=True)
class Origin:
    """Where rows come from: a CSV file, or one sheet of a workbook."""

    path: Path
    sheet: str | None = None

    def error(
        self,
        message: str,
        *,
        row: int | None = None,
        column: int | None = None,
        field: str | None = None,
    ) -> TableError:
        """An error at a row (a CSV line) and, in a workbook, at its cell."""
        problem = CellProblem(message, self.path, row, field, sheet=self.sheet, column=column)
        return TableError(message, path=self.path, line=row, field=field, problems=[problem])


@dataclass(frozen=True)
class Column:
    """A column looked for by name: its key in the code, then its names as published over
    the years. Any year or span of years in a name (`2024-34`) stands for all of them."""

    key: str
    names: tuple[str, ...]
    required: bool = True


@dataclass(frozen=True)
class TableSpec:
    """What a table should look like: what messages call it (`an OEWS wage file`), its
    columns, the column that names each row (blank on footnote rows, which end the data)
    and, in a workbook of several sheets, the sheet's name."""

    kind: str
    columns: tuple[Column, ...]
    key: str
    sheet: str | None = None


_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
_FOOTNOTE = re.compile(r"\[\w{1,3}\]|\(\d{1,2}\)")
SPAN = re.compile(r"\b(\d{4})\s*-\s*(\d{4}|\d{2})\b")  # in a plain header: 2024-34, 2024-2034
YEAR = re.compile(r"\b\d{4}\b")


def plain_header(name: str) -> str:
    """A header name with every kind of dash as `-` and footnote marks (`[1]`) dropped."""
    return _FOOTNOTE.sub(" ", unicodedata.normalize("NFKC", name).translate(_DASHES))


def header_key(name: str) -> str:
    """A header name as compared: case, spaces, punctuation, kinds of dash and footnote
    marks ignored; a year becomes YEAR and a span of years SPAN."""
    text = SPAN.sub(" SPAN ", plain_header(name).casefold())
    return re.sub(r"[^0-9a-zA-Z]", "", YEAR.sub(" YEAR ", text))


@dataclass(frozen=True)
class Header:
    """The header row found: where each column is, and its name as the file spells it."""

    origin: Origin
    row: int
    index: Mapping[str, int]  # column key → 0-based position
    labels: Mapping[str, str]  # column key → header text, on one line


@dataclass(frozen=True)
class Record:
    """One row of data: its cells, found by column key, and where it is."""

    header: Header
    row: int
    cells: tuple[Cell, ...]

    def __getitem__(self, key: str) -> Cell:
        at = self.header.index.get(key)
        return self.cells[at] if at is not None and at < len(self.cells) else None

    def error(self, key: str, message: str) -> TableError:
        """An error at this row's cell of column `key`, named as the file names it."""
        at, field = self.header.index[key] + 1, self.header.labels[key]
        return self.header.origin.error(message, row=self.row, column=at, field=field)


def is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class Table:
    """An open table: its header, and its data rows up to the first footnote."""

    header: Header
    records: Iterator[Record]


@contextmanager
def open_table(path: Path | str, spec: TableSpec, caps: Caps = DEFAULT_CAPS) -> Iterator[Table]:
    """Open `path` (.xlsx, or CSV in UTF-8 or Windows-1252) as the table `spec` describes.

    Rows are streamed, so read them inside the `with`; the file is closed at its end.
    Raises TableError, one located line, for a file that is not that table or not readable.
    """
    path = Path(path)
    with ExitStack() as stack, warnings.catch_warnings():
        # openpyxl warns about workbook features it drops (styles, extensions): not ours to show.
        warnings.filterwarnings("ignore", module=r"openpyxl(\.|$)")
        header, rows = _locate(_attempts(path, spec, caps, stack), spec, caps, path)
        yield Table(header, _records(header, rows, spec))


def _attempts(
    path: Path, spec: TableSpec, caps: Caps, stack: ExitStack
) -> Iterator[tuple[Origin, Iterator[RawRow]]]:
    """Each way the file may hold the table: a workbook's sheets, or CSV by each delimiter."""
    try:
        with path.open("rb") as handle:
            magic = handle.read(8)
    except OSError as err:
        raise Origin(path).error(f"cannot be read ({err.strerror or err})") from None
    if not magic:
        raise Origin(path).error("an empty file")
    if magic.startswith(b"PK") or path.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
        yield from _workbook_sheets(path, spec, caps, stack)
        return
    for delimiter in (",", "\t", ";"):
        handle = stack.enter_context(path.open("rb"))
        yield Origin(path), _csv_rows(handle, delimiter, Origin(path), caps)


def _locate(
    attempts: Iterable[tuple[Origin, Iterator[RawRow]]], spec: TableSpec, caps: Caps, path: Path
) -> tuple[Header, Iterator[Row]]:
    """The first attempt whose top rows hold the header, and its rows after the header;
    else an error naming the first column lacking in the row that came closest."""
    best: tuple[int, Origin | None, int, str] = (0, None, 0, "")
    for origin, raw in attempts:
        rows = _checked(raw, origin, caps)
        head = list(islice(rows, caps.header_rows))
        for position, (number, cells) in enumerate(head):
            found = _match(origin, number, cells, spec)
            if isinstance(found, Header):
                return found, chain(head[position + 1 :], rows)
            if found[0] > best[0] or best[1] is None:
                best = (found[0], origin, number, found[1])
    matched, closest, number, lacking = best
    names = [column.names[0] for column in spec.columns if column.required]
    expected = ("; " if any("," in name for name in names) else ", ").join(names)
    where = closest if closest and (matched or spec.sheet) else Origin(path)
    message = f"not {spec.kind}: no column {lacking or names[0]} (expected {expected})"
    raise where.error(message, row=number if matched else None)


def _match(
    origin: Origin, number: int, cells: tuple[Cell, ...], spec: TableSpec
) -> Header | tuple[int, str]:
    """The header, if this row names every required column; else how many it names and
    the first it lacks."""
    keys = {header_key(name): column.key for column in spec.columns for name in column.names}
    index: dict[str, int] = {}
    labels: dict[str, str] = {}
    for position, cell in enumerate(cells):
        key = keys.get(header_key(cell)) if isinstance(cell, str) else None
        if key in index:
            twice = f"{column_letter(index[key] + 1)} and {column_letter(position + 1)}"
            raise origin.error(f"two columns are {labels[key]} ({twice})", row=number)
        if key is not None:
            index[key], labels[key] = position, " ".join(str(cell).split())
    required = [column for column in spec.columns if column.required]
    lacking = [column.names[0] for column in required if column.key not in index]
    if lacking:
        return len(required) - len(lacking), lacking[0]
    return Header(origin, number, index, labels)


def _checked(rows: Iterator[RawRow], origin: Origin, caps: Caps) -> Iterator[Row]:
    """Rows under the caps on their count and cell length, cells as plain values."""
    for count, (number, raw) in enumerate(rows, start=1):
        if count > caps.rows:
            raise origin.error(f"more than {caps.rows:,} rows (the most one table may have)")
        cells = tuple(map(_plain, raw[: caps.columns]))
        for at, cell in enumerate(cells, start=1):
            if isinstance(cell, str) and len(cell) > caps.cell_chars:
                message = f"a cell longer than {caps.cell_chars:,} characters"
                raise origin.error(message, row=number, column=at)
        yield number, cells


def _plain(value: object) -> Cell:
    """A cell as str, int, float, bool or None: dates and the like become their text."""
    if value is None or isinstance(value, str | int | float | bool):
        return None if value == "" else value
    return str(value)


def _records(header: Header, rows: Iterator[Row], spec: TableSpec) -> Iterator[Record]:
    """Data rows after the header: blank rows skipped; the data ends at the first footnote
    or source line (text in the first cell only)."""
    for number, cells in rows:
        filled = sum(not is_blank(cell) for cell in cells)
        record = Record(header, number, cells)
        if filled == 1 and not is_blank(cells[0]) and is_blank(record[spec.key]):
            return
        if filled:
            yield record


def _csv_rows(handle: BinaryIO, delimiter: str, origin: Origin, caps: Caps) -> Iterator[RawRow]:
    """CSV records, each numbered by the line it starts on."""
    reader = csv.reader(_text_lines(handle, origin, caps), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as err:
        raise origin.error(f"not a readable CSV file ({err})", row=reader.line_num) from None


def _text_lines(handle: BinaryIO, origin: Origin, caps: Caps) -> Iterator[str]:
    """Lines under the caps, in UTF-8 (BOM dropped) or, from the first line that is not UTF-8,
    in Windows-1252 as Excel saves CSV: both read ASCII alike, so earlier lines stay right."""
    encoding, settled, total, number = "utf-8", False, 0, 0
    while raw := handle.readline(caps.line_bytes + 1):
        number, total = number + 1, total + len(raw)
        if len(raw) > caps.line_bytes:
            raise origin.error(f"a line longer than {caps.line_bytes:,} bytes", row=number)
        if total > caps.total_bytes:
            raise origin.error(f"larger than {caps.total_bytes // MIB:,} MiB (the most it may be)")
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw, settled = raw[len(codecs.BOM_UTF8) :], True
        if not settled and not _decodes(raw, "utf-8"):
            encoding, settled = "cp1252", True
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as err:
            byte = f"byte 0x{raw[err.start]:02X}"
            which = f"not UTF-8 ({byte}), though the file began as UTF-8"
            which = which if encoding == "utf-8" else f"neither UTF-8 nor Windows-1252 ({byte})"
            raise origin.error(which, row=number) from None
        settled = settled or not raw.isascii()
        yield text


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _workbook_sheets(
    path: Path, spec: TableSpec, caps: Caps, stack: ExitStack
) -> Iterator[tuple[Origin, Iterator[RawRow]]]:
    """The sheet `spec` names, else every sheet, first the one named like the file (OEWS)."""
    book = open_workbook(path, caps)
    stack.callback(book.close)
    sheets = {sheet.title: sheet for sheet in book.worksheets}
    names = sorted(sheets, key=lambda name: name.casefold() != path.stem.casefold())
    if spec.sheet is not None:
        names = [n for n in sheets if " ".join(n.split()).casefold() == spec.sheet.casefold()]
        if not names and len(sheets) > 1:
            listed = ", ".join(repr(n) for n in list(sheets)[:12])
            raise Origin(path).error(f"no sheet {spec.sheet!r} (its sheets: {listed})")
        names = names or list(sheets)
    for name in names:
        sheets[name].reset_dimensions()  # rows as they are, not padded to a declared width
        rows = sheets[name].iter_rows(values_only=True)
        stack.callback(rows.close)  # before the workbook: it holds the sheet's part open
        yield Origin(path, name), _sheet_rows(rows, path)


def _sheet_rows(rows: Iterator[Sequence[object]], path: Path) -> Iterator[RawRow]:
    """A sheet's rows, numbered as the spreadsheet numbers them (openpyxl fills gaps)."""
    try:
        yield from enumerate(rows, start=1)
    except _BROKEN_WORKBOOK as err:
        raise _unreadable(path, err) from None


def open_workbook(path: Path, caps: Caps = DEFAULT_CAPS) -> Workbook:
    """The workbook, opened to stream its values, once it is known to be no zip bomb."""
    from openpyxl import load_workbook  # here: only workbooks need it
    from openpyxl.utils.exceptions import InvalidFileException

    _check_archive(path, caps)
    broken: tuple[type[Exception], ...] = (*_BROKEN_WORKBOOK, InvalidFileException)
    try:
        return load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except broken as err:
        raise _unreadable(path, err) from None


def _check_archive(path: Path, caps: Caps) -> None:
    """Refuse a zip bomb: unpacking yields no more than the sizes the zip's directory declares."""
    origin = Origin(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except _BROKEN_WORKBOOK as err:
        raise _unreadable(path, err) from None
    if len(members) > caps.zip_members:
        raise origin.error(f"not read: {len(members):,} parts (at most {caps.zip_members:,})")
    total = sum(member.file_size for member in members)
    if total > caps.total_bytes:
        unpacked = f"{total / MIB:,.0f} MiB (at most {caps.total_bytes // MIB:,} MiB)"
        raise origin.error(f"not read: it unpacks to {unpacked}")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > MIB and ratio > caps.ratio:
            what = f"{member.filename!r} unpacks to {ratio:,.0f} times its size"
            raise origin.error(f"not read: its part {what} (at most {caps.ratio:,})")


# What zipfile and openpyxl raise on a damaged workbook: a truncated zip, a bad CRC, a
# missing part, XML that does not parse (ElementTree's ParseError is a SyntaxError), an
# unsupported compression. To the user they all mean one thing: the file is damaged.
_BROKEN_WORKBOOK: tuple[type[Exception], ...] = (zipfile.BadZipFile, zlib.error, EOFError)
_BROKEN_WORKBOOK += (OSError, KeyError, IndexError, ValueError, TypeError, AttributeError)
_BROKEN_WORKBOOK += (SyntaxError, NotImplementedError)


def _unreadable(path: Path, err: Exception) -> TableError:
    reason = (str(err).strip("\"' \n").splitlines() or [type(err).__name__])[0]
    return Origin(path).error(f"not a readable xlsx file ({reason[:120]})")
