"""Career page text → profile data, with every non-empty line mapped or reported.

The pages this reads are the plain text of career web pages (see
`tests/data/seeds/`): a title, a one-line summary, a facts table in `| label | value |`
rows, then sections under headings. Real pages drift (sections missing or reordered,
other bullets, hourly pay, a page cut short), so the parser is a small state machine
over lines that names every line it could not place rather than dropping it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ImportPageError, ProfileError
from .profile import Certification, Growth, Money, Related, Source, Span, slugify
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
_DURATION = re.compile(r"^\s*(?:duration|time|length)\s*:\s*(?P<value>.+)$", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+")
_CERT = re.compile(
    r"^(?P<name>.+?)"
    r"(?:\s*\((?P<abbr>[A-Za-z0-9][A-Za-z0-9&/.\-]{0,19})\))?"
    r"(?:\s+[-\u2013\u2014]\s+(?P<issuer>[^()]+?)(?:\s*\((?P<note>.+)\))?)?\s*$"
)
_FACT_LINE = re.compile(
    r"^(?P<label>median (?:salary|pay|wage)|salary|job growth(?: \(10 ?yr\))?|job outlook|"
    r"education|typical education|time to start)\s*[:\t]\s*(?P<value>\S.*)$",
    re.IGNORECASE,
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
        self.mapped = 0

    def warn(self, line: Line, message: str) -> None:
        self.warnings.append(f"{self.source}:{line.number}: {message}")

    def take(self, line: Line) -> str:
        self.mapped += 1
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


def _read_facts(
    reader: _Reader, rows: list[Line], data: dict[str, Any], notes: list[dict[str, str]]
) -> None:
    facts: dict[str, Any] = {}
    other: list[str] = []
    for row in rows:
        cells = [c.strip() for c in row.text.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[0]:
            reader.warn(row, f"unmapped table row: {row.text.strip()!r}")
            continue
        label, value = cells[0], " ".join(c for c in cells[1:] if c)
        key = label.lower()
        reader.take(row)
        try:
            if any(word in key for word in ("salary", "pay", "wage", "earnings")):
                facts["median_pay"] = _money(value)
            elif "growth" in key or "outlook" in key:
                facts["job_growth"] = _growth(value)
            elif "education" in key or "degree" in key:
                facts["education"] = value
            elif "time to start" in key or "training time" in key or "time to" in key:
                facts["time_to_start"] = _span(value)
            else:
                raise ValueError("unknown fact")
        except ValueError as err:
            reason = "is not a fact this format has" if str(err) == "unknown fact" else str(err)
            reader.warn(row, f"fact {label!r} {reason}; kept in notes")
            other.append(f"{label}: {value}")
    if other:
        notes.append({"heading": "Other Facts", "text": "\n\n".join(other)})
    if facts:
        data["facts"] = facts


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


def _read_steps(reader: _Reader, body: list[Line]) -> list[dict[str, Any]]:
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
        found = _DURATION.match(line.text)
        if found:
            group.extend(pending)
            pending.clear()
            reader.take(line)
            close(found["value"].strip(), line)
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
    head, sections = _split_sections(lines)
    # Facts come as `| label | value |` rows, or as `Label: value` lines on plainer pages.
    for line in head:
        fact = _FACT_LINE.match(line.text)
        if fact and not line.text.startswith("|"):
            line.text = f"| {fact['label']} | {fact['value']} |"
    table = [line for line in head if line.text.startswith("|")]
    prose = [line for line in head if not line.text.startswith("|")]
    if not table and not any(kind != "notes" for kind, _, _ in sections):
        raise ImportPageError(
            "does not look like a career page (no facts table and no known section)", path=source
        )
    if not prose:
        raise ImportPageError("the page has no title line", path=source, line=lines[0].number)

    title_line = prose[0]
    title = reader.take(title_line)
    data: dict[str, Any] = {"slug": slugify(title), "title": title}
    after_title = [
        line for line in prose[1:] if line.number < (table[0].number if table else 10**9)
    ]
    if after_title:
        data["summary"] = " ".join(reader.take(line) for line in after_title)
    for line in prose[1:]:
        if line not in after_title:
            reader.warn(line, f"unmapped line after the facts table: {line.text!r}; kept in notes")
    notes: list[dict[str, str]] = []
    stray = [line for line in prose[1:] if line not in after_title]
    if stray:
        notes.append({"heading": "Notes", "text": "\n\n".join(reader.take(line) for line in stray)})
    _read_facts(reader, table, data, notes)

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
    unmapped = len(lines) - reader.mapped
    if unmapped > 0:
        reader.warnings.append(f"{source}: {unmapped} line(s) were not mapped")
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
