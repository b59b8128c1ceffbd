"""One page's text into profile data, every non-empty line mapped or named in a warning."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import ImportPageError, ProfileError
from ..profile import MAX_TAGS, slugify
from .facts import read_facts
from .head import read_head
from .lines import BULLET, Line, Reader
from .lists import read_bullets, read_certifications, read_paragraphs, read_related, read_sources
from .sections import PAGE_ORDER, split_sections
from .steps import read_steps


@dataclass
class Imported:
    """A page read into profile data, and what the reader should know about it."""

    data: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
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
    tags: list[str] = []
    for line, found_tags in head.tags:
        reader.take(line)
        tags += [tag for tag in found_tags if tag not in tags]
    if len(tags) > MAX_TAGS:
        first = head.tags[0][0]
        reader.warn(first, f"{len(tags)} tags; the first {MAX_TAGS} kept, the rest in notes")
        notes_head = [{"heading": "Tags", "text": ", ".join(tags[MAX_TAGS:])}]
        tags = tags[:MAX_TAGS]
    else:
        notes_head = []
    if tags:
        data["tags"] = tags
    if head.summary:
        data["summary"] = " ".join(reader.take(line) for line in head.summary)
    for line in head.bad_rows:
        reader.warn(line, f"unmapped table row: {line.text.strip()!r}")
    notes: list[dict[str, str]] = notes_head
    for line in head.stray:
        reader.warn(line, f"unmapped line {line.text!r} among the facts; kept in notes")
    if head.stray:
        notes.append(
            {"heading": "Notes", "text": "\n\n".join(reader.take(line) for line in head.stray)}
        )
    read_facts(reader, head.facts, data, notes)

    readers: dict[str, Callable[[list[Line]], Any]] = {
        "work_settings": lambda body: read_bullets(reader, body),
        "duties": lambda body: read_bullets(reader, body),
        "pathway": lambda body: read_steps(reader, body),
        "continuing_education": lambda body: read_paragraphs(reader, body, raw),
        "certifications": lambda body: read_certifications(reader, body),
        "sources": lambda body: read_sources(reader, body),
        "related": lambda body: read_related(reader, body),
    }
    found: dict[str, Any] = {}
    for kind, heading, body in sections:
        reader.take(heading)
        if kind == "notes":
            reader.warn(heading, f"unknown section {heading.text.strip()!r}; kept in notes")
            if body and all(BULLET.match(line.text) for line in body):
                text_body = "\n\n".join(read_bullets(reader, body))  # one item a paragraph
            else:
                text_body = read_paragraphs(reader, body, raw) if body else ""
            notes.append({"heading": heading.text.strip().rstrip(":"), "text": text_body or "—"})
            continue
        if kind in found:
            reader.warn(heading, f"second {heading.text.strip()!r} section; its items were added")
        try:
            value = readers[kind](body)
        except (ValueError, ProfileError) as err:
            message = str(err).splitlines()[0]
            reader.warn(
                heading, f"could not read {heading.text.strip()!r} ({message}); kept in notes"
            )
            notes.append(
                {
                    "heading": heading.text.strip().rstrip(":"),
                    "text": "\n\n".join(line.text for line in body),
                }
            )
            continue
        if not value:
            reader.warn(heading, f"section {heading.text.strip()!r} is empty")
            continue
        if kind in found and isinstance(value, list):
            found[kind] = found[kind] + value
        else:
            found[kind] = value
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
