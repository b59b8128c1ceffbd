"""Where the page's sections start: known headings, and unknown ones told apart from content."""

from __future__ import annotations

import re

from .lines import BULLET, DURATION, Line, looks_like_heading

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
