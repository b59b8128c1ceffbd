"""Paper sizes: the pages layouts are set on (standard library only, so the CLI loads fast)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paper:
    """A page size as CSS `@page size` understands it, and in PDF points.

    `small` papers are booklet pages (half a Letter or A4 sheet): layouts set them
    tighter. `sheet` is the paper two such pages are imposed on, side by side.
    """

    name: str
    css: str
    width: float
    height: float
    small: bool = False
    sheet: str | None = None


PAPERS: dict[str, Paper] = {
    "letter": Paper("letter", "letter", 612.0, 792.0),
    "a4": Paper("a4", "A4", 595.28, 841.89),
    "half-letter": Paper("half-letter", "5.5in 8.5in", 396.0, 612.0, small=True, sheet="letter"),
    "a5": Paper("a5", "A5", 419.53, 595.28, small=True, sheet="a4"),
}
PAPER_NAMES = tuple(PAPERS)
