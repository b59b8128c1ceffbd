"""The lines above the first section sorted into title, tags, summary and facts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .facts import Fact, fact_label, fact_on_line, is_fact_start, rating_below, table_row
from .lines import ICON, SENTENCE_END, Line, looks_like_heading

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
        line = head[index]
        index += 1
        text = line.text
        if text.startswith("|"):
            row = table_row(line)
            if row is None:
                out.bad_rows.append(line)
            else:
                out.facts.append(Fact([line], *row))
            last = "fact"
            continue
        fact = fact_on_line(text, title=out.title is None)
        facts = [line]
        if fact is None and out.title is not None:  # a label, its value on the next line
            label = fact_label(text)
            nxt = head[index] if index < len(head) else None
            if label is not None and nxt is not None and not is_fact_start(nxt.text):
                fact, facts = (label, nxt.text), [line, nxt]
                index += 1
        if fact is not None:
            out.facts.append(Fact(facts, *fact))
            index = rating_below(out.facts[-1], head, index)
            last = "fact"
            continue
        tag_row = _icon_tags(text)
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
    if runs:
        summary = runs[0]
        # Short title-case lines over the first sentence are a tag row set without icons.
        while len(summary) > 1 and not summary[0].text.endswith(SENTENCE_END):
            tags = _plain_tags(summary[0].text)
            if tags is None:
                break
            out.tags.append((summary.pop(0), tags))
        out.summary = summary
        out.stray = [line for run in runs[1:] for line in run]
    return out


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
