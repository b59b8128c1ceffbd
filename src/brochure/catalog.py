"""A library of careers as cards: loaded once, searched and filtered in memory.

The web page asks for every keystroke, so a search must not touch the disk or parse
YAML: cards keep what the page shows and one lowercase text to search, and a query is a
scan over a list (a thousand cards in well under a millisecond per term).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .errors import BrochureError, Problem
from .inputs import expand_paths
from .profile import SLUG_PATTERN, Profile, load_profile
from .render import money, percent

HOURS_PER_YEAR = 2080  # BLS's own conversion between hourly and annual pay

Sort = Literal["title", "pay", "growth"]
SORTS: tuple[Sort, ...] = ("title", "pay", "growth")


def fold(text: str) -> str:
    """`text` lowercased without accents: `Técnico` is found by typing `tecnico`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Card:
    """What the library page shows of one career, and what a search reads."""

    slug: str
    title: str
    path: Path
    summary: str = ""
    cluster: str = ""
    education: str = ""
    pay: str = ""
    growth: str = ""
    lang: str = "en"
    annual_pay: float | None = None
    growth_percent: float | None = None
    text: str = ""  # title, summary, duties, tags and cluster, folded
    states: tuple[str, ...] = ()  # postal codes with a state median pay (--state)


def card_of(profile: Profile, path: Path) -> Card:
    """A profile as a card: its figures worded as the brochure words them."""
    facts = profile.facts
    annual = None
    if facts.median_pay is not None:
        pay = facts.median_pay
        annual = pay.amount * (HOURS_PER_YEAR if pay.period == "hour" else 1)
    words = [profile.title, profile.summary or "", profile.cluster or ""]
    words += [*profile.duties, *profile.tags]
    return Card(
        slug=profile.key,
        title=profile.title,
        path=path,
        summary=profile.summary or "",
        cluster=profile.cluster or "",
        education=facts.education or "",
        pay=money(facts.median_pay, profile.lang) if facts.median_pay else "",
        growth=percent(facts.job_growth, profile.lang) if facts.job_growth else "",
        lang=profile.lang,
        annual_pay=annual,
        growth_percent=facts.job_growth.percent if facts.job_growth else None,
        text=fold(" ".join(words)),
        states=tuple(sorted(facts.state_pay)),
    )


@dataclass(frozen=True)
class Query:
    """A search of the library: words (all must appear), filters and an order."""

    words: str = ""
    cluster: str = ""
    education: str = ""
    pay_min: float | None = None
    pay_max: float | None = None
    sort: Sort = "title"

    def matches(self, card: Card) -> bool:
        if self.cluster and card.cluster != self.cluster:
            return False
        if self.education and card.education != self.education:
            return False
        if self.pay_min is not None and (card.annual_pay or 0) < self.pay_min:
            return False
        if self.pay_max is not None and (card.annual_pay is None or card.annual_pay > self.pay_max):
            return False
        return all(term in card.text for term in fold(self.words).split())


@dataclass
class Catalog:
    """Every career of the served folders, by slug; the files that could not be read."""

    cards: list[Card] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.cards.sort(key=lambda card: fold(card.title))
        self.by_slug = {card.slug: card for card in self.cards}

    @property
    def clusters(self) -> list[str]:
        return sorted({c.cluster for c in self.cards if c.cluster}, key=fold)

    @property
    def educations(self) -> list[str]:
        return sorted({c.education for c in self.cards if c.education}, key=fold)

    def put(self, card: Card) -> None:
        """Add a card, or replace the one with its slug (an edited or copied profile)."""
        self.cards = [c for c in self.cards if c.slug != card.slug] + [card]
        self.cards.sort(key=lambda c: fold(c.title))
        self.by_slug[card.slug] = card

    def search(self, query: Query) -> list[Card]:
        """The cards that match, in the query's order (unknown figures last)."""
        found = [card for card in self.cards if query.matches(card)]
        if query.sort == "pay":
            found.sort(key=lambda c: (c.annual_pay is None, -(c.annual_pay or 0)))
        elif query.sort == "growth":
            found.sort(key=lambda c: (c.growth_percent is None, -(c.growth_percent or 0)))
        return found


def load_catalog(paths: Iterable[str | Path], overrides: Path | None = None) -> Catalog:
    """Cards for every profile under `paths`; a file that cannot be read is a problem,
    and a second file with a slug already taken is one too (the first one wins).

    Profiles in the folder `overrides` (edited copies of built-in ones) replace those
    with their slug.
    """
    cards: list[Card] = []
    problems: list[Problem] = []
    seen: dict[str, Path] = {}
    for source in expand_paths(paths):
        try:
            profile = load_profile(source)
        except BrochureError as err:
            problems += err.problems
            continue
        if profile.key in seen:
            message = f"slug '{profile.key}' is also used by {seen[profile.key]}"
            problems.append(Problem(message, source, field="slug"))
            continue
        seen[profile.key] = source
        cards.append(card_of(profile, source))
    catalog = Catalog(cards, problems)
    if overrides is not None and overrides.is_dir():
        for source in expand_paths([overrides]) if any(overrides.glob("*.y*ml")) else []:
            try:
                catalog.put(card_of(load_profile(source), source))
            except BrochureError as err:
                catalog.problems += err.problems
    return catalog


_SLUG = re.compile(SLUG_PATTERN)


def valid_slug(text: str) -> bool:
    """A slug as profiles write them: what a request may name, and nothing else."""
    return len(text) <= 80 and bool(_SLUG.match(text))
