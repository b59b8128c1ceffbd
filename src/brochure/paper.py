"""Paper sizes, and what a print shop wants around the page: a bleed and printer's marks;
the PDF standards a file can declare.

Standard library only, so the CLI loads fast.
"""

from __future__ import annotations

import re
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

# PDF points per unit, for the CSS units a print shop's instructions are given in.
UNITS = {"mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pt": 1.0, "px": 0.75}
MM = UNITS["mm"]
# Shops ask for 3 mm or 1/8 in; past 20 mm a value is a typo (or meant for a poster).
MAX_BLEED = 20 * MM
MARKS = ("crop", "cross")  # crop marks at the corners, registration targets mid-edge
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b", "pdf/x-4")  # accessible (default), archive, print shop

_LENGTH = re.compile(r"(\d+(?:\.\d*)?|\.\d+)([a-z]*)")


def parse_length(text: str) -> float:
    """A CSS length such as `3mm` or `0.125in`, in PDF points.

    Raises:
        ValueError: not a length in one of `UNITS`, with the reason.
    """
    value = text.strip().lower()
    sign = -1.0 if value.startswith("-") else 1.0
    found = _LENGTH.fullmatch(value.lstrip("+-"))
    if not found or found.group(2) not in (*UNITS, ""):
        units = ", ".join(UNITS)
        raise ValueError(f"expected a length such as 3mm or 0.125in (units: {units}), got {text!r}")
    number, unit = float(found.group(1)), found.group(2)
    if unit == "" and number != 0:
        raise ValueError(f"expected a length with its unit, such as 3mm, got {text!r}")
    return sign * number * UNITS.get(unit, 1.0)


def parse_bleed(text: str) -> float:
    """`--bleed`: a length from 0 to `MAX_BLEED`, in PDF points; ValueError says why not."""
    points = parse_length(text)
    if points < 0:
        raise ValueError(f"a bleed cannot be negative, got {text!r}")
    if points > MAX_BLEED + 1e-9:
        raise ValueError(f"a bleed can be at most {MAX_BLEED / MM:g}mm, got {text!r}")
    return points


def format_length(points: float) -> str:
    """Points as millimetres, the print shop's unit: `3mm`, `3.175mm`."""
    return f"{round(points / MM, 3):g}mm"


def parse_marks(text: str) -> tuple[str, ...]:
    """`crop`, `cross` or `crop+cross` as a tuple in `MARKS` order; ValueError if not."""
    parts = {part.strip().lower() for part in text.split("+")}
    if not parts or not parts <= set(MARKS):
        raise ValueError(f"expected crop, cross or crop+cross, got {text!r}")
    return tuple(mark for mark in MARKS if mark in parts)
