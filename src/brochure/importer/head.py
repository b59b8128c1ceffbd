"""The lines above the first section: sorted into title, tags, summary and facts, then taken
into the profile."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..profile import MAX_TAGS
from .facts import (
    Fact,
    fact_label,
    fact_on_line,
    is_fact_start,
    rating_below,
    read_facts,
    table_row,
)
from .lines import ICON, SENTENCE_END, Line, Reader, looks_like_heading

_SMALL_WORDS = frozenset(
    ["a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "&"]
)


@dataclass
class Head:
    """What comes before the first section: title, tags, summary, facts, and the rest."""

    title: Line | None = None
    tags: list[tuple[Line, list[str]]] = field(default_factory=list)
    summary: list[Line] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    stray: list[Line] = field(default_factory=list)
    bad_rows: list[Line] = field(default_factory=list)


def read_head(head: list[Line]) -> Head:
    """Sort the lines above the first section into title, tags, summary and facts.

    Either rendering, in any order: table rows, `Label: value` lines, glued facts, a
    label whose value is on the next line, tag rows with or without icons. The summary
    is the first run of prose after the title; any later prose is stray.
    """
    out = Head()
    runs: list[list[Line]] = []
    last = "none"
    index = 0
    while index < len(head):
        after = _read_fact(out, head, index)
        if after is not None:
            index, last = after, "fact"
            continue
        line = head[index]
        index += 1
        tag_row = _icon_tags(line.text)
        if tag_row and (len(tag_row[0]) > 1 or out.title is not None):
            out.tags.append((line, tag_row[0]))
            last = "tags"
            if not tag_row[1]:
                continue
            line = Line(line.number, tag_row[1])  # the summary, run on after the tags
        if out.title is None:
            out.title = Line(line.number, ICON.sub(" ", line.text).strip() or line.text)
            last = "title"
            continue
        if last != "prose":
            runs.append([])
        runs[-1].append(line)
        last = "prose"
    _read_prose(out, runs)
    return out


def _read_fact(out: Head, head: list[Line], index: int) -> int | None:
    """Record the fact (or bad table row) that starts at `head[index]` and return the index
    after it, or None if no fact starts there.

    A fact takes one line, or two when a label stands over its value; a growth rating
    under a bare percentage joins it.
    """
    line = head[index]
    index += 1
    text = line.text
    if text.startswith("|"):
        row = table_row(line)
        if row is None:
            out.bad_rows.append(line)
        else:
            out.facts.append(Fact([line], *row))
        return index
    fact = fact_on_line(text, title=out.title is None)
    facts = [line]
    if fact is None and out.title is not None:  # a label, its value on the next line
        label = fact_label(text)
        nxt = head[index] if index < len(head) else None
        if label is not None and nxt is not None and not is_fact_start(nxt.text):
            fact, facts = (label, nxt.text), [line, nxt]
            index += 1
    if fact is None:
        return None
    out.facts.append(Fact(facts, *fact))
    return rating_below(out.facts[-1], head, index)


def _read_prose(out: Head, runs: list[list[Line]]) -> None:
    """The summary is the first run of prose, less plain tag rows over it; later runs are stray."""
    if not runs:
        return
    summary = runs[0]
    # Short title-case lines over the first sentence are a tag row set without icons.
    while len(summary) > 1 and not summary[0].text.endswith(SENTENCE_END):
        tags = _plain_tags(summary[0].text)
        if tags is None:
            break
        out.tags.append((summary.pop(0), tags))
    out.summary = summary
    out.stray = [line for run in runs[1:] for line in run]


def take_head(reader: Reader, head: Head, data: dict[str, Any]) -> list[dict[str, str]]:
    """Tags, summary and facts into `data`; what has no place there comes back as notes.

    Every line the head holds is taken or named in a warning, so none is lost.
    """
    notes = _take_tags(reader, head, data)
    if head.summary:
        data["summary"] = " ".join(reader.take(line) for line in head.summary)
    for line in head.bad_rows:
        reader.warn(line, f"unmapped table row: {line.text.strip()!r}")
    for line in head.stray:
        reader.warn(line, f"unmapped line {line.text!r} among the facts; kept in notes")
    if head.stray:
        notes.append(
            {"heading": "Notes", "text": "\n\n".join(reader.take(line) for line in head.stray)}
        )
    read_facts(reader, head.facts, data, notes)
    return notes


def _take_tags(reader: Reader, head: Head, data: dict[str, Any]) -> list[dict[str, str]]:
    """The tags of every tag row, each once; past MAX_TAGS they go to a note."""
    tags: list[str] = []
    for line, found_tags in head.tags:
        reader.take(line)
        tags += [tag for tag in found_tags if tag not in tags]
    notes: list[dict[str, str]] = []
    if len(tags) > MAX_TAGS:
        first = head.tags[0][0]
        reader.warn(first, f"{len(tags)} tags; the first {MAX_TAGS} kept, the rest in notes")
        notes.append({"heading": "Tags", "text": ", ".join(tags[MAX_TAGS:])})
        tags = tags[:MAX_TAGS]
    if tags:
        data["tags"] = tags
    return notes


def _icon_tags(text: str) -> tuple[list[str], str] | None:
    """The tags of a tag row (`🏥Healthcare💼Administrative`), and any sentence run on
    after the last tag (`📈Growing FieldTranslate patient …`), or None if it is no tag row."""
    if not ICON.search(text):
        return None
    parts = [p.strip(" \u00b7\u2022|,/") for p in ICON.split(text)]
    parts = [p for p in parts if p]
    rest = ""
    if len(parts) > 1 and not _tag_like(parts[-1]):
        tag = _tag_before_sentence(parts[-1])
        rest = parts[-1][len(tag) :].strip()
        parts = [*parts[:-1], tag] if tag else parts[:-1]
    if not parts or any(not _tag_like(p) for p in parts):
        return None
    return parts, rest


def _tag_before_sentence(text: str) -> str:
    """The last tag of a row that runs on into the summary, `` if none leads `text`.

    The sentence starts at the capitalised word before its first lower-case word
    (`Growing Field Translate patient …`), or where a word is glued to the tag
    (`Growing FieldTranslate patient …`).
    """
    glued = re.match(r"^(.{1,40}?[a-z)])(?=[A-Z][a-z]+ [a-z])", text)
    if glued:
        return glued[1] if _tag_like(glued[1]) else ""
    words = text.split(" ")
    for index, word in enumerate(words):
        if word[:1].islower() and word not in _SMALL_WORDS:
            tag = " ".join(words[: index - 1]) if index > 1 else ""
            return tag if tag and _tag_like(tag) and words[index - 1][:1].isupper() else ""
    return ""


def _tag_like(text: str) -> bool:
    return len(text) <= 40 and len(text.split()) <= 5 and not text.endswith(SENTENCE_END)


def _plain_tags(text: str) -> list[str] | None:
    """Tags set without icons (`Healthcare · Growing`, `HealthcareGrowing Field`)."""
    separated = re.split(r"\s*[\u00b7\u2022|/]\s*", text)
    if not looks_like_heading(text) and (len(separated) < 2 or not all(map(_tag_like, separated))):
        return None
    parts = re.split(r"\s*[\u00b7\u2022|,/]\s*|(?<=[a-z)])(?=[A-Z])", text)
    parts = [p.strip() for p in parts if p and p.strip()]
    return parts if parts and all(_tag_like(p) for p in parts) else None
