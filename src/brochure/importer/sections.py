"""The page cut at its headings (known ones, and unknown ones told apart from content), and
each section's body read by its kind."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..errors import ProfileError
from .lines import BULLET, DURATION, Line, Reader, looks_like_heading
from .lists import read_bullets, read_certifications, read_paragraphs, read_related, read_sources
from .steps import read_steps

# Section name → the headings real pages use for it (lower case, without a colon).
SECTIONS: dict[str, tuple[str, ...]] = {
    "work_settings": ("work settings", "where they work", "work environment", "workplaces"),
    "duties": ("primary duties", "duties", "what they do", "job duties", "responsibilities"),
    "pathway": ("how to become", "steps to become", "career path", "pathway", "path to"),
    "continuing_education": ("continuing education",),
    "certifications": (
        "certifications & licenses",
        "certifications and licenses",
        "certifications",
        "licenses",
        "licensure",
        "licenses & certifications",
    ),
    "sources": ("citations", "sources", "references"),
    "related": ("related guides", "related careers", "related"),
}
PAGE_ORDER = (
    "work_settings",
    "duties",
    "pathway",
    "continuing_education",
    "certifications",
    "sources",
    "related",
)

_LISTS = ("work_settings", "duties", "certifications", "sources")
_PROSE = ("continuing_education", "notes")


def _heading_kind(text: str) -> str | None:
    """The section a heading line opens, if it is one of the known headings."""
    key = text.strip().rstrip(":").strip().lower()
    key = re.sub(r"\s+", " ", key)
    for section, names in SECTIONS.items():
        for name in names:
            if key == name or (section == "pathway" and key.startswith(name + " ")):
                return section
    return None


def _unknown_heading(line: Line, following: list[Line], kind: str | None, body: list[Line]) -> bool:
    """Whether `line` opens a section this format does not know.

    Only where it cannot be content: after the bulleted items of a list (a line with
    no bullet among bullets), or after prose; and only with something under it.
    """
    if not following or not looks_like_heading(line.text):
        return False
    if kind in _LISTS:
        return bool(body) and all(BULLET.match(x.text) for x in body)
    if kind == "pathway":  # after a finished step, a title over bullets is no step
        done = bool(body) and bool(DURATION.match(body[-1].text))
        return done and bool(BULLET.match(following[0].text))
    return kind in _PROSE and bool(body)


def split_sections(
    lines: list[Line],
) -> tuple[list[Line], list[tuple[str, Line, list[Line]]]]:
    """Lines before the first heading, then (section, heading line, body lines) in page order."""
    head: list[Line] = []
    sections: list[tuple[str, Line, list[Line]]] = []
    body: list[Line] = head
    kind: str | None = None
    for index, line in enumerate(lines):
        found = _heading_kind(line.text)
        if found is None and _unknown_heading(line, lines[index + 1 :], kind, body):
            found = "notes"
        if found is None:
            body.append(line)
            continue
        kind, body = found, []
        sections.append((found, line, body))
    return head, sections


# Each known section's reader: its body, and the page's raw lines (for blank lines).
_READERS: dict[str, Callable[[Reader, list[Line], list[str]], Any]] = {
    "work_settings": lambda reader, body, raw: read_bullets(reader, body),
    "duties": lambda reader, body, raw: read_bullets(reader, body),
    "pathway": lambda reader, body, raw: read_steps(reader, body),
    "continuing_education": read_paragraphs,
    "certifications": lambda reader, body, raw: read_certifications(reader, body),
    "sources": lambda reader, body, raw: read_sources(reader, body),
    "related": lambda reader, body, raw: read_related(reader, body),
}


def read_sections(
    reader: Reader,
    sections: list[tuple[str, Line, list[Line]]],
    raw: list[str],
    notes: list[dict[str, str]],
) -> dict[str, Any]:
    """Each known section's value by kind (a repeated list section adds its items).

    An unknown section, or one its reader refuses, goes to `notes` with a warning, so its
    text is kept for a person to place.
    """
    found: dict[str, Any] = {}
    for kind, heading, body in sections:
        reader.take(heading)
        name = heading.text.strip()
        if kind == "notes":
            reader.warn(heading, f"unknown section {name!r}; kept in notes")
            notes.append({"heading": name.rstrip(":"), "text": _note_text(reader, body, raw)})
            continue
        if kind in found:
            reader.warn(heading, f"second {name!r} section; its items were added")
        try:
            value = _READERS[kind](reader, body, raw)
        except (ValueError, ProfileError) as err:
            message = str(err).splitlines()[0]
            reader.warn(heading, f"could not read {name!r} ({message}); kept in notes")
            notes.append(
                {"heading": name.rstrip(":"), "text": "\n\n".join(line.text for line in body)}
            )
            continue
        if not value:
            reader.warn(heading, f"section {name!r} is empty")
            continue
        if kind in found and isinstance(value, list):
            found[kind] = found[kind] + value
        else:
            found[kind] = value
    return found


def _note_text(reader: Reader, body: list[Line], raw: list[str]) -> str:
    """An unknown section's text: one item a paragraph if it is a list, else its prose."""
    if body and all(BULLET.match(line.text) for line in body):
        text = "\n\n".join(read_bullets(reader, body))
    else:
        text = read_paragraphs(reader, body, raw) if body else ""
    return text or "—"
