"""Careers as a spreadsheet and back: one row per career, one column per field.

Counselors keep notes in spreadsheets, so `brochure export-table` writes the library as
an .xlsx (or .csv) a person can read and edit, and `brochure import-table` turns the sheet
back into profiles, with every problem at its cell (`careers.xlsx:Sheet1!D14: field:
message`). Nested values get dotted columns (`facts.median_pay.amount`); a list is one item
per line, an item's parts joined by ` | `. Whatever that form cannot carry exactly (a
part holding ` | ` or a line break) is written as JSON in its cell instead, so exporting
and importing an untouched sheet gives back the very same profiles.
"""

from __future__ import annotations

import csv
import io
import json
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import Problem, ProfileError
from .fields import Span
from .opendata.tables import DEFAULT_CAPS, MIB, CellProblem, Origin, open_workbook
from .profile import Profile

PART = " | "
SHEET = "Careers"


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (`Facts`, `Money | None` …), or None for plain values."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _is_list(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_is_list(a) for a in typing.get_args(annotation))
    return origin is list


def columns(model: type[BaseModel] = Profile, prefix: str = "") -> list[str]:
    """Every column, in the profile format's own order: objects flattened, lists whole."""
    found: list[str] = []
    for name, info in model.model_fields.items():
        inner = _model_of(info.annotation)
        if inner is not None and inner is not Span and not _is_list(info.annotation):
            found += columns(inner, f"{prefix}{name}.")
        else:
            found.append(f"{prefix}{name}")
    return found


def _get(data: dict[str, Any], column: str) -> Any:
    value: Any = data
    for part in column.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _put(data: dict[str, Any], column: str, value: Any) -> None:
    *parents, last = column.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def _part(value: Any) -> str:
    if isinstance(value, dict) and "text" in value:  # a Span: its words carry it
        return str(value["text"])
    return "" if value is None else str(value)


def _cell(column: str, value: Any) -> str:
    """A value as a person reads it in a cell."""
    if value is None:
        return ""
    if isinstance(value, list):
        fields = _item_fields(column) or []
        lines = []
        for item in value:
            if isinstance(item, dict):
                parts = [_part(item.get(name)) for name in fields]
                while parts and not parts[-1]:
                    parts.pop()
                lines.append(PART.join(parts))
            else:
                lines.append(str(item))
        return "\n".join(lines)
    if isinstance(value, dict):  # a Span
        return _part(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _item_fields(column: str) -> list[str] | None:
    """The fields of one item of the list column (None for a list of text)."""
    info = Profile.model_fields.get(column)
    if info is None:
        return None
    inner = _model_of(typing.get_args(info.annotation)[0]) if _is_list(info.annotation) else None
    return list(inner.model_fields) if inner is not None else None


def parse_cell(column: str, text: str) -> Any:
    """A cell's text back as the value it stands for (None when empty)."""
    text = text.strip("\n") if isinstance(text, str) else text
    if text in ("", None):
        return None
    if isinstance(text, str) and text[:1] in "[{" and text[-1:] in "]}":
        try:
            return json.loads(text)
        except ValueError:
            pass
    if column in Profile.model_fields and _is_list(Profile.model_fields[column].annotation):
        fields = _item_fields(column)
        lines = [line for line in str(text).split("\n") if line.strip()]
        if fields is None:
            return lines
        return [_item(fields, line) for line in lines]
    return text


def _item(fields: list[str], line: str) -> dict[str, str]:
    parts = [p.strip() for p in line.split("|")]
    return {name: value for name, value in zip(fields, parts, strict=False) if value}


def _row_of(profile: Profile, names: Sequence[str]) -> dict[str, str]:
    data = profile.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    row = {name: _cell(name, _get(data, name)) for name in names}
    if _profile_of(row, names) != profile.model_dump():
        # The readable form lost something: this row's lists and spans go as JSON.
        for name in names:
            value = _get(data, name)
            if isinstance(value, list | dict):
                row[name] = json.dumps(value, ensure_ascii=False)
    return row


def _profile_of(row: dict[str, str], names: Sequence[str]) -> dict[str, Any] | None:
    data: dict[str, Any] = {}
    for name in names:
        value = parse_cell(name, row.get(name, ""))
        if value is not None:
            _put(data, name, value)
    try:
        return Profile.model_validate(data).model_dump()
    except ValidationError:
        return None


def export_rows(profiles: Iterable[tuple[Path, Profile]]) -> tuple[list[str], list[dict[str, str]]]:
    """The header and one row per profile (`file` first: where it came from)."""
    names = columns()
    rows = []
    for path, profile in profiles:
        row = {"file": path.name, **_row_of(profile, names)}
        rows.append(row)
    return ["file", *names], rows


def write_table(path: Path, header: list[str], rows: list[dict[str, str]]) -> bytes:
    """The sheet's bytes: xlsx (one sheet, header frozen, text wrapped) or CSV."""
    if path.suffix.lower() == ".csv":
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        return text.getvalue().encode("utf-8-sig")
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(name, "") for name in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


@dataclass(frozen=True)
class SheetRow:
    """One career's cells, and where each is for located errors."""

    number: int  # the row as the sheet numbers it (the header is row 1)
    cells: dict[str, str]


def read_table(path: Path) -> tuple[str, list[str], list[SheetRow]]:
    """The sheet's name (empty for CSV), header and rows, under the same caps as any
    sheet the tool reads (`opendata.tables`: size, zip bombs, rows)."""
    if path.suffix.lower() == ".csv":
        if path.stat().st_size > DEFAULT_CAPS.total_bytes:
            raise Origin(path).error(f"larger than {DEFAULT_CAPS.total_bytes // MIB} MiB")
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, [])
        records = enumerate(reader, start=2)
        return "", header, _rows(Origin(path), header, records)
    book = open_workbook(path)
    try:
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = [str(v or "") for v in next(lines, ())]
        return sheet.title, header, _rows(Origin(path, sheet.title), header, enumerate(lines, 2))
    finally:
        book.close()


def _rows(
    origin: Origin, header: list[str], records: Iterable[tuple[int, Sequence[Any]]]
) -> list[SheetRow]:
    found = []
    for number, values in records:
        if number > DEFAULT_CAPS.rows:
            raise origin.error(f"more than {DEFAULT_CAPS.rows:,} rows", row=number)
        cells = {h: "" if v is None else _plain(v) for h, v in zip(header, values, strict=False)}
        if any(cells.values()):
            found.append(SheetRow(number, cells))
    return found


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def profile_from_row(path: Path, sheet: str, header: list[str], row: SheetRow) -> Profile:
    """The row as a profile, or every problem at its cell (`file:Sheet!D14: field: …`)."""
    data: dict[str, Any] = {}
    known = set(columns())
    for name, text in row.cells.items():
        if name in known:
            value = parse_cell(name, text)
            if value is not None:
                _put(data, name, value)
    try:
        return Profile.model_validate(data)
    except ValidationError as err:
        problems = [_located(path, sheet, header, row, e) for e in err.errors(include_url=False)]
        raise ProfileError(problems[0].message, path=path, problems=problems) from None


def _located(path: Path, sheet: str, header: list[str], row: SheetRow, error: Any) -> Problem:
    loc = [str(p) for p in error["loc"]]
    column = next(
        (".".join(loc[:n]) for n in range(len(loc), 0, -1) if ".".join(loc[:n]) in header), None
    )
    at = header.index(column) + 1 if column is not None else None
    return CellProblem(
        error["msg"], path, row.number, ".".join(loc), sheet=sheet or None, column=at
    )
