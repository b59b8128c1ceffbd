"""What a booklet's template is given: its careers, their groups, and which part of the
booklet to lay out. Apart from `render` (Jinja, Babel) so that planning a booklet, and
joining one whose parts are all kept, need not load the templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .profile import Profile


@dataclass(frozen=True)
class Group:
    """Careers shown together under one heading (a career cluster)."""

    index: int
    name: str
    careers: tuple[Profile, ...]


@dataclass(frozen=True)
class BookletSpec:
    """What the booklet template is given besides the paper and the layout."""

    title: str
    careers: tuple[Profile, ...]
    groups: tuple[Group, ...]
    grouped: bool = False
    subtitle: str | None = None
    date: str | None = None
    # The part of the booklet to lay out: "whole" (one pass), or, for a booklet joined
    # from parts (`booklet_apart`), "front" (cover and contents, with each career's
    # first printed page from `numbers`), "career" (the careers given, without folios),
    # "back" (the back cover) or "folios" (one page per numbered page: its folio, or
    # none where `folios` has None).
    part: str = "whole"
    numbers: tuple[tuple[str, int], ...] = ()
    folios: tuple[str | None, ...] = ()
    # The booklet's language, where a part holds careers other than its first one's.
    language: str | None = None

    template_extras: ClassVar[tuple[str, ...]] = ("lang", "as_of", "first_pages")

    @property
    def first_pages(self) -> dict[str, int]:
        """Each career's first printed page, by slug (front matter of a joined booklet)."""
        return dict(self.numbers)

    @property
    def lang(self) -> str:
        if self.language:
            return self.language
        return self.careers[0].lang if self.careers else "en"

    @property
    def as_of(self) -> str | None:
        """The newest date of figures among the careers, for the colophon."""
        dates = [p.as_of for p in self.careers if p.as_of]
        return max(dates) if dates else None
