"""One page's text into profile data, every non-empty line mapped or named in a warning."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import ImportPageError, Notice
from ..profile import slugify
from .head import read_head, take_head
from .lines import Line, Reader
from .sections import PAGE_ORDER, read_sections, split_sections


@dataclass
class Imported:
    """A page read into profile data, and what the reader should know about it."""

    data: dict[str, Any]
    warnings: list[Notice] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    mapped: int = 0

    @property
    def slug(self) -> str:
        return str(self.data["slug"])


def parse_page(text: str, source: str = "<stdin>") -> Imported:
    """Read the text of one career page into profile data (in page order).

    Raises:
        ImportPageError: the text is empty or is not a career page at all.
    """
    raw = text.lstrip("\ufeff").splitlines()
    lines = [Line(number, line.strip()) for number, line in enumerate(raw, start=1) if line.strip()]
    if not lines:
        raise ImportPageError("the page is empty", path=source)
    reader = Reader(lines, source)
    head_lines, sections = split_sections(lines)
    head = read_head(head_lines)
    if not head.facts and not head.bad_rows and not any(kind != "notes" for kind, _, _ in sections):
        raise ImportPageError(
            "does not look like a career page (no facts table and no known section)", path=source
        )
    if head.title is None:
        raise ImportPageError("the page has no title line", path=source, line=lines[0].number)

    title = reader.take(head.title)
    data: dict[str, Any] = {"slug": slugify(title), "title": title}
    notes = take_head(reader, head, data)
    found = read_sections(reader, sections, raw, notes)
    for kind in PAGE_ORDER:
        if kind in found:
            data[kind] = found[kind]
    if notes:
        data["notes"] = notes

    missing = [kind for kind in PAGE_ORDER if kind not in found]
    if "facts" not in data:
        missing.insert(0, "facts")
    for line in lines:  # a safety net: every line the readers passed over is named
        if line.number not in reader.taken and line.number not in reader.named:
            reader.warn(line, f"line {line.text!r} was not mapped")
    return Imported(data=data, warnings=reader.warnings, missing=missing, mapped=reader.mapped)
