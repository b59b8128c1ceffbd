"""`brochure refresh`: this year's BLS figures written into profiles that already exist.

Only figures change: the median pay (and each state's), the growth with its years and
word, `as_of`, and the lines that say where they come from (`facts.source`, the BLS
entries of `sources`, the BLS lines of `attribution`). The rest of the file, comments
and layout included, stays byte for byte (`yamledit`), in imported profiles and in
hand-written ones alike. A profile is looked up by its `codes` (the SOC code, or the
first seven characters of the O*NET-SOC code); one without codes is left as it was.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BrochureError, Problem
from ..fields import Growth, Money
from ..profile import MAX_ITEMS, Facts, Profile, validate_data
from ..sourcemap import compose_yaml, decode, document_of, load_yaml, read_input
from ..yamledit import rewrite
from .bls import Figures
from .build import (
    EP_PAGE,
    GROWTH_NOTE,
    OEWS_PAGES,
    figure,
    growth_word,
    oews_source,
    pay,
    projections_source,
    state_pay,
)

_OEWS = re.compile(r"BLS OEWS(?: [A-Z][a-z]+ \d{4})?")
_EP = re.compile(r"(?:BLS )?Employment Projections \d{4}\s*[-\u2013]\s*\d{4}")


@dataclass(frozen=True)
class Refreshed:
    """One profile's refresh: its new text (None when nothing changes), what changed,
    and what could not be refreshed and why."""

    path: Path
    text: str | None
    changes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        said = "; ".join(self.changes) if self.changes else "up to date"
        return f"{self.path}: " + "; ".join([said, *self.notes])


def refresh_profile(path: Path, figures: Figures) -> Refreshed:
    """The profile at `path` with `figures`, checked, not written.

    Raises:
        ProfileError: the profile cannot be read, or is not valid before or after.
    """
    text = decode(read_input(path), path)
    doc = load_yaml(path, text)
    data = copy.deepcopy(doc.data)
    profile = validate_data(doc)
    soc = profile.codes.soc or (profile.codes.onet[:7] if profile.codes.onet else None)
    if soc is None:
        return Refreshed(path, None, notes=("no occupation code (codes.soc): left as it was",))
    update = _Update(soc, figures, profile, copy.deepcopy(data))
    new, changes, notes = update.run()
    if new == data:
        return Refreshed(path, None, (), tuple(notes))
    changed = rewrite(text, new, path)
    validate_data(document_of(compose_yaml(changed, path, checked=True), path))
    return Refreshed(path, changed, tuple(changes), tuple(notes))


@dataclass
class _Update:
    """The new data of one profile, and words for each change."""

    soc: str
    figures: Figures
    old: Profile
    data: dict[str, Any]
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)  # "pay", "growth": what the sheets gave

    def run(self) -> tuple[dict[str, Any], list[str], list[str]]:
        facts = dict(self.data.get("facts") or {})
        rated = False
        if self.figures.wages is not None:
            self.pay(facts)
        if self.figures.projections is not None:
            rated = self.growth(facts)
        if self.changes:
            facts["source"] = self.source_line(facts.get("source"), rated)
        if facts != (self.data.get("facts") or {}):
            self.data = _placed(self.data, "facts", _ordered(facts, Facts))
        self.sources()
        if "attribution" in self.data:
            self.data["attribution"] = self.attribution(self.data["attribution"])
        return self.data, self.changes, self.notes

    def pay(self, facts: dict[str, Any]) -> None:
        assert self.figures.wages is not None
        money = pay(self.figures.wages.get(self.soc))
        if money is None:
            self.notes.append(f"{self.soc} has no national median in the wages sheet: pay kept")
            return
        if self.old.facts.median_pay and self.old.facts.median_pay.currency != "USD":
            self.notes.append("pay is not in US dollars: kept")
            return
        old = facts.get("median_pay")
        merged = dict(old) if isinstance(old, dict) else {}
        for stale in ("max_amount", "at_least"):  # a range or a top code of last year
            merged.pop(stale, None)
        merged.update(money)
        facts["median_pay"] = _ordered(merged, Money)
        self.taken.add("pay")
        before, after = self.old.facts.median_pay, Money(**money)
        if before is None or before.model_dump() != after.model_dump():
            _said(self.changes, "pay", *_pay_words(before, after))
        if (month := self.figures.wages_month) is not None:
            _said(self.changes, "as of", self.old.as_of, month)
            self.data = _placed(self.data, "as_of", month)
        if self.figures.states is not None:
            states = state_pay(self.figures.states.get(self.soc), money)
            count = len(self.old.facts.state_pay)
            if states:
                facts["state_pay"] = states
            else:
                facts.pop("state_pay", None)
            if states != {k: _plain(v) for k, v in self.old.facts.state_pay.items()}:
                self.changes.append(f"pay in {len(states)} states (was {count})")

    def growth(self, facts: dict[str, Any]) -> bool:
        """The growth figure, its years and word; True when the word is the brochure's."""
        assert self.figures.projections is not None
        row = self.figures.projections.get(self.soc)
        if row is None or row.growth_percent is None:
            self.notes.append(f"{self.soc} has no growth in the projections sheet: growth kept")
            return False
        old = facts.get("job_growth")
        merged = dict(old) if isinstance(old, dict) else {}
        merged["percent"] = figure(row.growth_percent, 1)
        if self.figures.years:
            merged["years"] = self.figures.years
        word = growth_word(row.growth_percent, self.figures.average_growth)
        if word is not None:
            merged["rating"] = word
        facts["job_growth"] = _ordered(merged, Growth)
        self.taken.add("growth")
        before, after = self.old.facts.job_growth, Growth(**merged)
        _said(self.changes, "growth", _growth(before), _growth(after))
        if before is not None and word is not None:
            _said(self.changes, "its word", before.rating, word)
        return word is not None

    def source_line(self, old: Any, rated: bool) -> str:
        """`facts.source` naming this year's sheets. A line this tool wrote has its BLS
        names replaced; a hand-written one is kept after them, for the other facts."""
        names = [self.figures.wages_label if "pay" in self.taken else None]
        years = self.figures.years if "growth" in self.taken else None
        names.append(f"BLS Employment Projections {years}" if years else None)
        given = [n for n in names if n]
        old = old if isinstance(old, str) else ""
        if _OEWS.search(old) or _EP.search(old):
            line = old
            for pattern, name in zip((_OEWS, _EP), names, strict=True):
                if name and pattern.search(line):
                    line = pattern.sub(name, line, count=1)
                elif name:
                    line = f"{name}; {line}"
        else:
            line = "; ".join([*given, f"other facts: {old}"] if old else given)
        if rated and GROWTH_NOTE not in line:
            line += f"; {GROWTH_NOTE}"
        return line if len(line) <= 200 else "; ".join(given)

    def attribution(self, text: Any) -> Any:
        """The licence statement's BLS credit lines, naming this year's sheets."""
        if not isinstance(text, str):
            return text
        if "pay" in self.taken and self.figures.wages_label:
            text = _OEWS.sub(self.figures.wages_label, text)
        if "growth" in self.taken and self.figures.years:
            text = _EP.sub(f"Employment Projections {self.figures.years}", text)
        return text

    def sources(self) -> None:
        """This year's BLS pages among the sources: an entry for the same page is
        updated, else one is added at the end (the first source stays the QR code's)."""
        wanted = []
        if "pay" in self.taken and self.figures.wages_label:
            wanted.append((OEWS_PAGES, oews_source(self.figures.wages_label, self.soc)))
        if "growth" in self.taken and self.figures.years:
            wanted.append((EP_PAGE, projections_source(self.figures.years)))
        listed = list(self.data.get("sources") or [])
        for page, entry in wanted:
            at = next(
                (
                    i
                    for i, s in enumerate(listed)
                    if isinstance(s, dict) and str(s.get("url", "")).startswith(page)
                ),
                None,
            )
            if at is not None:
                listed[at] = {**listed[at], "title": entry["title"], "url": entry["url"]}
            elif len(listed) < MAX_ITEMS:
                listed.append(entry)
        if listed != list(self.data.get("sources") or []):
            self.data = _placed(self.data, "sources", listed)
            if not self.changes:
                self.changes.append("sources")


def _placed(data: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """`data` with `key` set; a new key goes where the profile format lists it."""
    if key in data:
        return {**data, key: value}
    return _ordered({**data, key: value}, Profile)


def _ordered(data: dict[str, Any], model: type[Any]) -> dict[str, Any]:
    """Keys the model knows in its order, then any others as they were."""
    known = [k for k in model.model_fields if k in data]
    return {**{k: data[k] for k in known}, **{k: v for k, v in data.items() if k not in known}}


def _plain(money: Money) -> dict[str, Any]:
    return money.model_dump(exclude_defaults=True) | {
        "amount": money.amount,
        "period": money.period,
    }


def _pay_words(before: Money | None, after: Money) -> tuple[str | None, str]:
    """`$44,200` and `$46,010 a year`: the period said once unless it changed."""
    from ..render import money as shown

    if before is None:
        return None, f"{shown(after)} a {after.period}"
    old = shown(before) + (f" a {before.period}" if before.period != after.period else "")
    return old, f"{shown(after)} a {after.period}"


def _growth(growth: Growth | None) -> str | None:
    if growth is None:
        return None
    years = f" ({growth.years})" if growth.years else ""
    number = figure(growth.percent, 1)
    return f"{number:+}%{years}" if number else f"0%{years}"


def _said(changes: list[str], what: str, before: Any, after: Any) -> None:
    if before != after:
        changes.append(f"{what} {before or 'none'} → {after}")


@dataclass
class RefreshReport:
    """Every profile's outcome, and the problems that stop the whole refresh."""

    outcomes: list[Refreshed] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def summary(self, written: bool = True) -> str:
        changed = sum(1 for o in self.outcomes if o.text is not None)
        kept = len(self.outcomes) - changed
        done = "refreshed" if written else "to refresh"
        parts = [f"{changed} profiles {done}", f"{kept} unchanged"]
        if self.problems:
            parts.append(f"{len(self.problems)} could not be read")
        return ", ".join(parts)


def refresh_profiles(paths: Iterable[Path], figures: Figures) -> RefreshReport:
    """Every profile refreshed in memory; nothing is written (see `write_refreshed`)."""
    report = RefreshReport()
    for path in paths:
        try:
            report.outcomes.append(refresh_profile(path, figures))
        except BrochureError as err:
            report.problems += err.problems
    return report


def write_refreshed(report: RefreshReport) -> list[Path]:
    """Write every changed profile, each atomically."""
    from ..output import write_atomic

    written = []
    for outcome in report.outcomes:
        if outcome.text is not None:
            write_atomic(outcome.path, outcome.text.encode("utf-8"))
            written.append(outcome.path)
    return written


__all__ = [
    "RefreshReport",
    "Refreshed",
    "refresh_profile",
    "refresh_profiles",
    "write_refreshed",
]
