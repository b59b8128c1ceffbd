"""Career page text → profile data, with every non-empty line mapped or reported.

The pages this reads are the plain text of career web pages (see
`tests/data/seeds/`): a title, a one-line summary, a facts table in `| label | value |`
rows, then sections under headings. The same page template also comes out as a
second text rendering: a tag row of words between emoji over the summary, each fact's
label glued to its value (`EducationAssociate Degree`) or with the value on the next
line, `  • ` items between blank lines, and each pathway step under a line holding
only its number. Both renderings, and mixtures of them, are read line by line.
Real pages drift (sections missing or reordered, other bullets, hourly pay, a page
cut short), so the parser is a small state machine over lines that names every line
it could not place rather than dropping it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ImportPageError, ProfileError
from .profile import MAX_TAGS, Certification, Growth, Money, Related, Source, Span, slugify
from .sourcemap import decode

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

_BULLET = re.compile("^\\s*(?:[-*+\u2022\u00b7\u25e6\u25aa\u2013\u2014]\\s*)+(?=\\S)")
_NUMBERED = re.compile(r"^\s*(?:step\s*)?\d{1,2}[.):]\s+", re.IGNORECASE)
# A step number on a line of its own, as the second rendering introduces each step.
_STEP_NUMBER = re.compile(r"^(?:step\s*)?\d{1,2}[.):]?$", re.IGNORECASE)
# `Duration: 3 months`, and in the second rendering `Duration3 months`.
_DURATION = re.compile(
    r"^\s*(?:duration|time|length)\s*(?::\s*|(?=\d))(?P<value>\S.*)$", re.IGNORECASE
)
# A step's closing line that is only a span of time (`24 months`, `2-4 years`).
_BARE_DURATION = re.compile(
    r"^(?:about |up to |less than |over )?\d+(?:\.\d+)?(?:\s*(?:-|\u2013|to)\s*\d+(?:\.\d+)?)?"
    r"\s*(?:days?|weeks?|months?|years?)$",
    re.IGNORECASE,
)
# Emoji and pictographs (with their joiners and variation selectors): the icons a
# page sets before a fact or between tags, which no print font draws.
_ICON = re.compile(
    "[\u2300-\u23ff\u2460-\u24ff\u25a0-\u27bf\u2900-\u297f\u2b00-\u2bff"
    "\U0001f000-\U0001faff\ufe0e\ufe0f\u200d\u20e3]+"
)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+")
_CERT = re.compile(
    r"^(?P<name>.+?)"
    r"(?:\s*\((?P<abbr>[A-Za-z0-9][A-Za-z0-9&/.\-]{0,19})\))?"
    r"(?:\s+[-\u2013\u2014]\s+(?P<issuer>[^()]+?)(?:\s*\((?P<note>.+)\))?)?\s*$"
)
# The facts' labels, as either rendering writes them (the longest first).
_FACT_LABEL = (
    r"(?:median |average |annual |typical )*(?:salary|pay|wages?|earnings)(?: range)?"
    r"|(?:projected )?job growth(?:\s*\(\s*10\s*-?\s*(?:yr|year)s?\s*\))?|job outlook"
    r"|(?:typical |required |entry-level )?education(?: required| level| needed)?"
    r"|time to (?:start|enter|train|get started)|training time"
)
_FACT_LINE = re.compile(
    rf"^(?P<label>{_FACT_LABEL})(?P<sep>\s*[:\t|]\s*|\s+[\u2013\u2014]\s+|\s*)(?P<value>\S.*)$",
    re.IGNORECASE,
)
_FACT_ONLY = re.compile(rf"^(?P<label>{_FACT_LABEL})\s*:?$", re.IGNORECASE)
_SENTENCE_END = (".", "!", "?", ";", ",")
# Growth ratings a page may set on the line under a bare percentage.
_RATING_PHRASES = (
    "excellent",
    "very good",
    "good",
    "fair",
    "average",
    "poor",
    "strong",
    "bright",
    "limited",
    "declining",
    "decline",
    "little or no change",
    "much faster than average",
    "faster than average",
    "as fast as average",
    "slower than average",
    "above average",
    "below average",
)
_GROWTH = re.compile(r"^\s*(?P<sign>[-+\u2212]?)\s*(?P<number>\d+(?:\.\d+)?)\s*%\s*(?P<rating>.*)$")


@dataclass
class Line:
    """A non-empty line of the page and its 1-based number."""

    number: int
    text: str


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


def _heading_kind(text: str) -> str | None:
    """The section a heading line opens, if it is one of the known headings."""
    key = text.strip().rstrip(":").strip().lower()
    key = re.sub(r"\s+", " ", key)
    for section, names in SECTIONS.items():
        for name in names:
            if key == name or (section == "pathway" and key.startswith(name + " ")):
                return section
    return None


def _looks_like_heading(text: str) -> bool:
    """A short Title Case line with no sentence punctuation: an unknown section's heading."""
    words = text.strip().rstrip(":").split()
    if not 1 <= len(words) <= 6 or len(text) > 60 or _BULLET.match(text):
        return False
    if text.rstrip().endswith((".", ",", ";", "?", "!")) or "|" in text or _DURATION.match(text):
        return False
    significant = [w for w in words if len(w) > 3]
    return bool(significant) and all(w[0].isupper() for w in significant)


def _unbullet(text: str) -> tuple[str, bool]:
    """The text without its bullet (`- •`, `•`, `*`, `1.`), and whether it had one."""
    stripped = _BULLET.sub("", text, count=1)
    if stripped != text:
        return stripped.strip(), True
    numbered = _NUMBERED.sub("", text, count=1)
    return numbered.strip(), numbered != text


class _Reader:
    def __init__(self, lines: list[Line], source: str) -> None:
        self.lines = lines
        self.source = source
        self.warnings: list[str] = []
        self.taken: set[int] = set()
        self.named: set[int] = set()

    @property
    def mapped(self) -> int:
        return len(self.taken)

    def warn(self, line: Line, message: str) -> None:
        self.named.add(line.number)
        self.warnings.append(f"{self.source}:{line.number}: {message}")

    def take(self, line: Line) -> str:
        self.taken.add(line.number)
        return line.text


_LISTS = ("work_settings", "duties", "certifications", "sources")
_PROSE = ("continuing_education", "notes")


def _unknown_heading(line: Line, following: list[Line], kind: str | None, body: list[Line]) -> bool:
    """Whether `line` opens a section this format does not know.

    Only where it cannot be content: after the bulleted items of a list (a line with
    no bullet among bullets), or after prose; and only with something under it.
    """
    if not following or not _looks_like_heading(line.text):
        return False
    if kind in _LISTS:
        return bool(body) and all(_BULLET.match(x.text) for x in body)
    if kind == "pathway":  # after a finished step, a title over bullets is no step
        done = bool(body) and bool(_DURATION.match(body[-1].text))
        return done and bool(_BULLET.match(following[0].text))
    return kind in _PROSE and bool(body)


def _split_sections(
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


@dataclass
class _Fact:
    """A fact's label and value, and the lines they came from (one, or label over value)."""

    lines: list[Line]
    label: str
    value: str


def _read_facts(
    reader: _Reader, found: list[_Fact], data: dict[str, Any], notes: list[dict[str, str]]
) -> None:
    facts: dict[str, Any] = {}
    other: list[str] = []
    for fact in found:
        label, value, key = fact.label, fact.value, fact.label.lower()
        for line in fact.lines:
            reader.take(line)
        try:
            if any(word in key for word in ("salary", "pay", "wage", "earnings")):
                facts["median_pay"] = _money(value)
            elif "growth" in key or "outlook" in key:
                facts["job_growth"] = _growth(value)
            elif "education" in key or "degree" in key:
                facts["education"] = value
            elif "time to" in key or "training time" in key:
                facts["time_to_start"] = _span(value)
            else:
                raise ValueError("unknown fact")
        except ValueError as err:
            reason = "is not a fact this format has" if str(err) == "unknown fact" else str(err)
            reader.warn(fact.lines[0], f"fact {label!r} {reason}; kept in notes")
            other.append(f"{label}: {value}")
    if other:
        notes.append({"heading": "Other Facts", "text": "\n\n".join(other)})
    if facts:
        data["facts"] = facts


def _fact_on_line(text: str, *, title: bool = False) -> tuple[str, str] | None:
    """A fact written on one line, `Label: value` or glued `LabelValue`, as (label, value).

    A glued or space-separated value must read as a value, not as the rest of a
    sentence (`Educational therapists help …` is no fact). On the title line only an
    explicit separator makes a fact: `Education Administrator` is a career.
    """
    bare = _lead_icons(text)
    found = _FACT_LINE.match(bare)
    if not found or _ICON.search(bare):  # icons between words make a tag row
        return None
    label, value = found["label"].strip(), found["value"].strip()
    if found["sep"].strip():
        return label, value
    if title or value[0].islower() or len(value) > 80 or value.endswith(_SENTENCE_END):
        return None
    if len(value.split()) > 10 or not _value_like(label, value):
        return None
    return label, value


def _lead_icons(text: str) -> str:
    """The text without the icons before it (`💰Median Salary` → `Median Salary`)."""
    return re.sub(rf"^(?:{_ICON.pattern}|\s)+", "", text)


def _value_like(label: str, value: str) -> bool:
    """Whether a glued value is what its label's fact holds (money, a percent, a time)."""
    key = label.lower()
    if "growth" in key or "outlook" in key:
        return bool(_GROWTH.match(value))
    if "time to" in key or "training" in key:
        return bool(re.search(r"\d", value)) or len(value.split()) <= 4
    if "education" in key:
        return True
    return bool(re.search(r"\d", value))  # pay


def _table_row(line: Line) -> tuple[str, str] | None:
    cells = [c.strip() for c in line.text.strip().strip("|").split("|")]
    if len(cells) < 2 or not cells[0]:
        return None
    return cells[0], " ".join(c for c in cells[1:] if c)


def _icon_tags(text: str) -> tuple[list[str], str] | None:
    """The tags of a tag row (`🏥Healthcare💼Administrative`), and any sentence run on
    after the last tag (`📈Growing FieldTranslate patient …`), or None if it is no tag row."""
    if not _ICON.search(text):
        return None
    parts = [p.strip(" \u00b7\u2022|,/") for p in _ICON.split(text)]
    parts = [p for p in parts if p]
    rest = ""
    if len(parts) > 1 and not _tag_like(parts[-1]):
        tag = _tag_before_sentence(parts[-1])
        rest = parts[-1][len(tag) :].strip()
        parts = [*parts[:-1], tag] if tag else parts[:-1]
    if not parts or any(not _tag_like(p) for p in parts):
        return None
    return parts, rest


_SMALL_WORDS = frozenset(
    ["a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "&"]
)


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
    return len(text) <= 40 and len(text.split()) <= 5 and not text.endswith(_SENTENCE_END)


def _plain_tags(text: str) -> list[str] | None:
    """Tags set without icons (`Healthcare · Growing`, `HealthcareGrowing Field`)."""
    separated = re.split(r"\s*[\u00b7\u2022|/]\s*", text)
    if not _looks_like_heading(text) and (len(separated) < 2 or not all(map(_tag_like, separated))):
        return None
    parts = re.split(r"\s*[\u00b7\u2022|,/]\s*|(?<=[a-z)])(?=[A-Z])", text)
    parts = [p.strip() for p in parts if p and p.strip()]
    return parts if parts and all(_tag_like(p) for p in parts) else None


@dataclass
class _Head:
    """What comes before the first section: title, tags, summary, facts, and the rest."""

    title: Line | None = None
    tags: list[tuple[Line, list[str]]] = field(default_factory=list)
    summary: list[Line] = field(default_factory=list)
    facts: list[_Fact] = field(default_factory=list)
    stray: list[Line] = field(default_factory=list)
    bad_rows: list[Line] = field(default_factory=list)


def _read_head(head: list[Line]) -> _Head:
    """Sort the lines above the first section into title, tags, summary and facts.

    Either rendering, in any order: table rows, `Label: value` lines, glued facts, a
    label whose value is on the next line, tag rows with or without icons. The summary
    is the first run of prose after the title; any later prose is stray.
    """
    out = _Head()
    runs: list[list[Line]] = []
    last = "none"
    index = 0
    while index < len(head):
        line = head[index]
        index += 1
        text = line.text
        if text.startswith("|"):
            row = _table_row(line)
            if row is None:
                out.bad_rows.append(line)
            else:
                out.facts.append(_Fact([line], *row))
            last = "fact"
            continue
        fact = _fact_on_line(text, title=out.title is None)
        facts = [line]
        if fact is None and out.title is not None:  # a label, its value on the next line
            bare = _FACT_ONLY.match(_lead_icons(text))
            nxt = head[index] if index < len(head) else None
            if bare and nxt is not None and not _is_fact_start(nxt.text):
                fact, facts = (bare["label"], nxt.text), [line, nxt]
                index += 1
        if fact is not None:
            out.facts.append(_Fact(facts, *fact))
            index = _rating_below(out.facts[-1], head, index)
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
            out.title = Line(line.number, _ICON.sub(" ", line.text).strip() or line.text)
            last = "title"
            continue
        if last != "prose":
            runs.append([])
        runs[-1].append(line)
        last = "prose"
    if runs:
        summary = runs[0]
        # Short title-case lines over the first sentence are a tag row set without icons.
        while len(summary) > 1 and not summary[0].text.endswith(_SENTENCE_END):
            tags = _plain_tags(summary[0].text)
            if tags is None:
                break
            out.tags.append((summary.pop(0), tags))
        out.summary = summary
        out.stray = [line for run in runs[1:] for line in run]
    return out


def _is_fact_start(text: str) -> bool:
    bare = _lead_icons(text)
    return bool(_FACT_ONLY.match(bare) or _fact_on_line(text) or text.startswith("|"))


def _rating_below(fact: _Fact, head: list[Line], index: int) -> int:
    """A growth rating set on the line under a bare percentage joins its fact."""
    key = fact.label.lower()
    bare = re.fullmatch(r"[-+\u2212]?\s*\d+(?:\.\d+)?\s*%", fact.value)
    growth = "growth" in key or "outlook" in key
    if growth and bare and index < len(head):
        rating = head[index].text.strip()
        if rating.lower() in _RATING_PHRASES:
            fact.value = f"{fact.value} {rating}"
            fact.lines.append(head[index])
            return index + 1
    return index


def _money(value: str) -> dict[str, Any]:
    money = Money.model_validate(value)
    out: dict[str, Any] = {"amount": _number(money.amount)}
    if money.max_amount is not None:
        out["max_amount"] = _number(money.max_amount)
    out.update(currency=money.currency, period=money.period)
    return out


def _growth(value: str) -> dict[str, Any]:
    found = _GROWTH.match(value)
    if not found:
        raise ValueError(f"growth {value!r} has no percent")
    percent = float(found["number"]) * (-1 if found["sign"] in ("-", "\u2212") else 1)
    growth: dict[str, Any] = {"percent": _number(percent)}
    rating = found["rating"].strip(" ()-")
    if rating:
        growth["rating"] = rating
    Growth.model_validate(growth)
    return growth


def _span(value: str) -> dict[str, Any] | str:
    """Time as written, with its range in months when it has one."""
    span = Span.model_validate(value)
    if span.min_months is None:
        return value
    return {
        "text": value,
        "min_months": _number(span.min_months),
        "max_months": _number(span.max_months or span.min_months),
    }


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _read_bullets(reader: _Reader, body: list[Line]) -> list[str]:
    items: list[str] = []
    for line in body:
        text, _ = _unbullet(line.text)
        if text:
            items.append(reader.take(Line(line.number, text)))
    return items


def _duration(text: str) -> str | None:
    """The time a `Duration: …` line gives (an icon before it allowed), or None."""
    found = _DURATION.match(_lead_icons(text))
    return found["value"].strip() if found else None


def _read_steps(reader: _Reader, body: list[Line]) -> list[dict[str, Any]]:
    """Steps, each a title, a description and a duration.

    In the second rendering a line holding only the step's number opens each step;
    lines above the first number are read as the first rendering's steps.
    """
    numbers = [i for i, line in enumerate(body) if _STEP_NUMBER.match(_ICON.sub("", line.text))]
    if not numbers:
        return _read_unnumbered_steps(reader, body)
    steps = _read_unnumbered_steps(reader, body[: numbers[0]])
    for start, end in zip(numbers, [*numbers[1:], len(body)], strict=True):
        marker, group = body[start], body[start + 1 : end]
        reader.take(marker)
        group = _join_duration_labels(reader, group)
        durations = [line for line in group if _duration(line.text) is not None]
        if not durations and len(group) > 1 and _BARE_DURATION.match(_lead_icons(group[-1].text)):
            durations = [Line(group[-1].number, f"Duration: {_lead_icons(group[-1].text)}")]
            group = [*group[:-1], durations[0]]
        text = [line for line in group if line not in durations]
        if not text:
            reader.warn(marker, f"step {marker.text!r} has no title")
            continue
        title, _ = _unbullet(text[0].text)
        step: dict[str, Any] = {"title": reader.take(Line(text[0].number, title))}
        if len(text) > 1:
            step["description"] = " ".join(reader.take(line) for line in text[1:])
        for index, line in enumerate(durations):
            value = _duration(line.text) or line.text.strip()
            reader.take(line)
            if index == 0:
                step["duration"] = value
            else:
                reader.warn(line, f"duration {value!r} belongs to no step; dropped")
        steps.append(step)
    return steps


def _join_duration_labels(reader: _Reader, group: list[Line]) -> list[Line]:
    """`Duration` on a line of its own, its value under it, as one `Duration: …` line."""
    out: list[Line] = []
    index = 0
    while index < len(group):
        line = group[index]
        label = re.fullmatch(r"(?:duration|time|length)\s*:?", _lead_icons(line.text), re.I)
        if label and index + 1 < len(group):
            reader.take(line)
            out.append(Line(group[index + 1].number, f"Duration: {group[index + 1].text}"))
            index += 2
            continue
        out.append(line)
        index += 1
    return out


def _read_unnumbered_steps(reader: _Reader, body: list[Line]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    group: list[Line] = []

    def close(duration: str | None, at: Line | None = None) -> None:
        if not group:  # a Duration line with no step above it
            if steps and duration is not None and "duration" not in steps[-1]:
                steps[-1]["duration"] = duration
            elif at is not None:
                reader.warn(at, f"duration {duration!r} belongs to no step; dropped")
            return
        title, _ = _unbullet(group[0].text)
        step: dict[str, Any] = {"title": reader.take(Line(group[0].number, title))}
        rest = [reader.take(line) for line in group[1:]]
        if rest:
            step["description"] = " ".join(rest)
        if duration is not None:
            step["duration"] = duration
        steps.append(step)
        group.clear()

    pending: list[Line] = []
    for line in body:
        found = _duration(line.text)
        if found is not None:
            group.extend(pending)
            pending.clear()
            reader.take(line)
            close(found, line)
        else:
            pending.append(line)
    # Steps without a Duration line: a numbered or bulleted line starts a step,
    # otherwise lines pair up as title and description.
    while pending:
        group.append(pending.pop(0))
        while pending and not _unbullet(pending[0].text)[1] and len(group) < 2:
            group.append(pending.pop(0))
        close(None)
    return steps


def _read_paragraphs(reader: _Reader, body: list[Line], raw: list[str]) -> str:
    """Lines of prose; a blank line on the page starts a new paragraph."""
    paragraphs: list[list[str]] = []
    last = None
    for line in body:
        if last is None or any(not raw[n - 1].strip() for n in range(last + 1, line.number)):
            paragraphs.append([])
        paragraphs[-1].append(reader.take(line).strip())
        last = line.number
    return "\n\n".join(" ".join(p) for p in paragraphs)


def _read_certifications(reader: _Reader, body: list[Line]) -> list[dict[str, Any]]:
    certs: list[dict[str, Any]] = []
    for line in body:
        text, _ = _unbullet(line.text)
        if not text:
            continue
        found = _CERT.match(text)
        cert: dict[str, Any] = {"name": text}
        if found:
            cert = {"name": found["name"].strip()}
            for key, group in (("abbreviation", "abbr"), ("issuer", "issuer"), ("note", "note")):
                if found[group]:
                    cert[key] = found[group].strip()
        Certification.model_validate(cert)
        reader.take(line)
        certs.append(cert)
    return certs


def _read_sources(reader: _Reader, body: list[Line]) -> list[dict[str, Any]]:
    sources: list[dict[str, Any]] = []
    for line in body:
        text, _ = _unbullet(line.text)
        text = text.replace("\u2197", "").strip()  # the "opens elsewhere" arrow
        url_match = _URL.search(text)
        url = url_match.group(0).rstrip(".,;") if url_match else None
        if url and url.startswith("www."):
            url = f"https://{url}"
        title = _URL.sub("", text).strip(" -\u2013\u2014:()[]") if url_match else text
        if not title and url and sources and "url" not in sources[-1]:
            sources[-1]["url"] = url  # an address on the line under its title
            reader.take(line)
            continue
        source: dict[str, Any] = {"title": title or (url or "")}
        if url:
            source["url"] = url
        year = re.search(r"\((?:19|20)\d{2}\)\s*$", title)
        if year:
            source["year"] = int(year.group(0).strip(" ()"))
        Source.model_validate(source)
        reader.take(line)
        sources.append(source)
    return sources


def _read_related(reader: _Reader, body: list[Line]) -> list[dict[str, Any]]:
    """Titles, each followed by a blurb: a blurb is a sentence, a title is not."""
    related: list[dict[str, Any]] = []
    for line in body:
        text, _ = _unbullet(line.text)
        sentence = (
            text.rstrip().endswith((".", "!", "\u2026"))
            or len(text) > 110
            or len(text.split()) >= 14
        )
        if sentence and related and "blurb" not in related[-1]:
            related[-1]["blurb"] = reader.take(Line(line.number, text))
        elif sentence and related:
            related[-1]["blurb"] += " " + reader.take(Line(line.number, text))
        else:
            related.append({"title": reader.take(Line(line.number, text))})
    for item in related:
        Related.model_validate(item)
    return related


def parse_page(text: str, source: str = "<stdin>") -> Imported:
    """Read the text of one career page into profile data (in page order).

    Raises:
        ImportPageError: the text is empty or is not a career page at all.
    """
    raw = text.lstrip("\ufeff").splitlines()
    lines = [Line(number, line.strip()) for number, line in enumerate(raw, start=1) if line.strip()]
    if not lines:
        raise ImportPageError("the page is empty", path=source)
    reader = _Reader(lines, source)
    head_lines, sections = _split_sections(lines)
    head = _read_head(head_lines)
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
    _read_facts(reader, head.facts, data, notes)

    readers: dict[str, Callable[[list[Line]], Any]] = {
        "work_settings": lambda body: _read_bullets(reader, body),
        "duties": lambda body: _read_bullets(reader, body),
        "pathway": lambda body: _read_steps(reader, body),
        "continuing_education": lambda body: _read_paragraphs(reader, body, raw),
        "certifications": lambda body: _read_certifications(reader, body),
        "sources": lambda body: _read_sources(reader, body),
        "related": lambda body: _read_related(reader, body),
    }
    found: dict[str, Any] = {}
    for kind, heading, body in sections:
        reader.take(heading)
        if kind == "notes":
            reader.warn(heading, f"unknown section {heading.text.strip()!r}; kept in notes")
            if body and all(_BULLET.match(line.text) for line in body):
                text_body = "\n\n".join(_read_bullets(reader, body))  # one item a paragraph
            else:
                text_body = _read_paragraphs(reader, body, raw) if body else ""
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


def read_page(path: Path | str) -> tuple[str, str]:
    """The text of a page file (or of standard input for `-`) and the name to report."""
    import sys

    if str(path) == "-":
        raw = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        path = Path(path)
        try:
            if path.exists() and not path.is_file():
                raise ImportPageError("not a regular file", path=path)
            with path.open("rb") as handle:
                raw = handle.read(2_000_001)
        except FileNotFoundError:
            raise ImportPageError("no such file", path=path) from None
        except OSError as err:
            raise ImportPageError(f"cannot read: {err.strerror}", path=path) from None
        name = str(path)
    if len(raw) > 2_000_000:
        raise ImportPageError("the page is larger than 2 MB", path=name)
    try:
        return decode(raw, Path(name), ImportPageError), name
    except ImportPageError:
        raise
    except ProfileError as err:  # pragma: no cover - decode raises the class it is given
        raise ImportPageError(err.message, path=name) from None


class _TidyDumper(yaml.SafeDumper):
    """Block style YAML people can edit: lists indented, long text folded, paragraphs kept."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if len(value) > 84:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=">")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_TidyDumper.add_representer(str, _represent_text)


def to_yaml(data: dict[str, Any], source: str, when: str) -> str:
    """The profile as tidy YAML, headed by where and when it was imported."""
    body = yaml.dump(
        data,
        Dumper=_TidyDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=88,
        indent=2,
    )
    # Blank lines between top-level sections, as in a hand-written profile.
    body = re.sub(r"\n(?=[a-z_]+:\n)", "\n\n", body)
    header = (
        "# Career profile for brochure. Schema: `brochure schema` (JSON Schema for editors).\n"
        f"# Imported from {source} on {when} by `brochure import`; review before printing.\n"
    )
    return header + body
