"""The facts in either rendering: spotting one on its line or lines, and reading its value as
money, growth or a span of time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..profile import Growth, Money, Span
from .lines import ICON, SENTENCE_END, Line, Reader, lead_icons

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
class Fact:
    """A fact's label and value, and the lines they came from (one, or label over value)."""

    lines: list[Line]
    label: str
    value: str


def read_facts(
    reader: Reader, found: list[Fact], data: dict[str, Any], notes: list[dict[str, str]]
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


def fact_on_line(text: str, *, title: bool = False) -> tuple[str, str] | None:
    """A fact written on one line, `Label: value` or glued `LabelValue`, as (label, value).

    A glued or space-separated value must read as a value, not as the rest of a
    sentence (`Educational therapists help …` is no fact). On the title line only an
    explicit separator makes a fact: `Education Administrator` is a career.
    """
    bare = lead_icons(text)
    found = _FACT_LINE.match(bare)
    if not found or ICON.search(bare):  # icons between words make a tag row
        return None
    label, value = found["label"].strip(), found["value"].strip()
    if found["sep"].strip():
        return label, value
    if title or value[0].islower() or len(value) > 80 or value.endswith(SENTENCE_END):
        return None
    if len(value.split()) > 10 or not _value_like(label, value):
        return None
    return label, value


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


def table_row(line: Line) -> tuple[str, str] | None:
    cells = [c.strip() for c in line.text.strip().strip("|").split("|")]
    if len(cells) < 2 or not cells[0]:
        return None
    return cells[0], " ".join(c for c in cells[1:] if c)


def fact_label(text: str) -> str | None:
    """The label of a fact whose value is on the next line (`💰Median Salary` alone), or None."""
    found = _FACT_ONLY.match(lead_icons(text))
    return found["label"] if found else None


def is_fact_start(text: str) -> bool:
    bare = lead_icons(text)
    return bool(_FACT_ONLY.match(bare) or fact_on_line(text) or text.startswith("|"))


def rating_below(fact: Fact, head: list[Line], index: int) -> int:
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
