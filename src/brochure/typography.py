"""What a typesetter checks on laid-out pages: headings kept with their text, no lone line
of a paragraph at a break, no nearly empty last page.

The rules work on plain records of the pages (`Line`, `Piece`); `pdf/boxes.py` reads them
off WeasyPrint's box tree, so this module stays free of the renderer and applies the same
to built-in and user layouts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice

SPARSE_LAST_PAGE = 1 / 6  # a last page with less than this much content is a wasted sheet
MIN_LINES = 2  # lines a paragraph keeps on each side of a page or column break
BLANK = 0.005  # a page this empty is padding (a booklet's blank left-hand page)
ABOVE = 0.5  # CSS px, WeasyPrint's unit: rounding room when comparing line positions


@dataclass(frozen=True)
class Line:
    """One laid-out line of text, or an image set as a block, in reading order."""

    page: int  # 0-based
    top: float
    bottom: float
    column: int | None = None  # which CSS column holds it, numbered per document
    heading: int | None = None  # which heading it belongs to, numbered per document
    text: str = ""


@dataclass(frozen=True)
class Piece:
    """The lines that one block of text (a paragraph, a list item, a cell) has on one page,
    or in one column: a block broken across pages or columns is several pieces."""

    block: int  # the same for every piece of one block
    page: int  # 0-based
    column: int | None
    lines: int
    continues: bool  # a later piece holds the rest of the block
    continued: bool  # an earlier piece holds its start
    kind: str = "paragraph"
    text: str = ""


def quoted(text: str, limit: int = 32) -> str:
    """The first words of `text` in quotes, cut at a word: `"Pharmacy technicians …"`."""
    words = " ".join(text.split())
    if len(words) > limit:
        cut = words[:limit].rsplit(" ", 1)[0] if " " in words[:limit] else words[:limit]
        words = cut.rstrip(",;:·-") + " …"
    return f'"{words}"'


def stranded_headings(lines: Sequence[Line]) -> list[str]:
    """Headings whose text starts on a later page or up in another column.

    A heading must share its page and column with the first line of what it introduces;
    a heading that ends the document is fine. Lines set beside the heading (a duration
    label in the same flex row) are passed over: what counts is the first line below.
    """
    spans: dict[int, list[Line]] = {}
    last: dict[int, int] = {}
    for index, line in enumerate(lines):
        if line.heading is not None:
            spans.setdefault(line.heading, []).append(line)
            last[line.heading] = index
    found: list[str] = []
    for heading, own in spans.items():
        line = lines[last[heading]]
        top = min(h.top for h in own if h.page == line.page)
        after = islice(lines, last[heading] + 1, None)
        following = next((n for n in after if not _beside(n, line, top)), None)
        if following is None:
            continue  # the document ends with this heading
        text = quoted(" ".join(h.text for h in own))
        if following.page != line.page:
            found.append(f"heading {text} is the last line of page {line.page + 1}")
        elif (
            line.column is not None and following.column != line.column
        ) or following.bottom <= top + ABOVE:
            found.append(f"heading {text} is the last line of a column on page {line.page + 1}")
    return found


def _beside(other: Line, heading: Line, top: float) -> bool:
    """Set level with the heading (from its first line's top to its last line's foot)."""
    return (
        other.page == heading.page
        and other.column == heading.column
        and other.top < heading.bottom - ABOVE
        and other.bottom > top + ABOVE
    )


def lone_lines(pieces: Sequence[Piece]) -> list[str]:
    """Blocks broken across pages or columns with a single line on one side of the break.

    Orphans and widows: the line left at the foot of a page reads as a stray, the line
    carried over reads as an afterthought. A block of one line is never broken.
    """
    found: list[str] = []
    named: dict[int, str] = {}  # each block by the first words of its first piece
    for index, piece in enumerate(pieces):
        named.setdefault(piece.block, f"{piece.kind} {quoted(piece.text)}")
        if not piece.continues or not piece.lines:
            continue
        after = islice(pieces, index + 1, None)
        rest = next((p for p in after if p.block == piece.block and p.continued), None)
        if rest is None or not rest.lines:
            continue  # only padding or a border went on: no text was broken
        what = named[piece.block]
        across_columns = rest.page == piece.page
        if piece.lines < MIN_LINES:
            where = "a column on " if across_columns else ""
            found.append(
                f"{what} leaves {piece.lines} line at the foot of {where}page {piece.page + 1}"
            )
        if rest.lines < MIN_LINES:
            where = (
                f"into the next column on page {rest.page + 1}"
                if across_columns
                else f"onto page {rest.page + 1}"
            )
            found.append(f"{what} carries {rest.lines} line {where}")
    return found


def sparse_last_page(pages: int, fill: float, least: float = SPARSE_LAST_PAGE) -> list[str]:
    """A last page that holds less than `least` of a page: most of a sheet wasted.

    Only for documents of more than one page; a one-page flyer may be short.
    """
    if pages > 1 and fill < least:
        return [f"last page is only {fill:.0%} full"]
    return []


def sparse_endings(
    fills: Sequence[float],
    sections: Sequence[tuple[str, int, int]],
    least: float = SPARSE_LAST_PAGE,
) -> list[str]:
    """Sections of a longer document (a booklet's careers) whose last page holds less
    than `least` of a page, as a handout's last page must not.

    `fills` is each page's fill (0 to 1); `sections` are (name, first page, end page),
    0-based with the end exclusive. Blank pages at a section's end, there so that the
    next one opens on a right-hand page, are passed over.
    """
    found: list[str] = []
    for name, first, end in sections:
        last = end - 1
        while last > first and fills[last] < BLANK:
            last -= 1
        if last > first and fills[last] < least:
            found.append(
                f"{quoted(name)} ends on a page only {fills[last]:.0%} full "
                f"(page {last + 1} of the file)"
            )
    return found


def check(
    lines: Sequence[Line],
    pieces: Sequence[Piece],
    *,
    pages: int,
    fill: float,
    overflow: Sequence[str] = (),
    least: float = SPARSE_LAST_PAGE,
) -> list[str]:
    """Every typographic problem of a laid-out document, one line each, in page order
    within each kind: text off the page, stranded headings, lone lines, the last page."""
    return [
        *overflow,
        *stranded_headings(lines),
        *lone_lines(pieces),
        *sparse_last_page(pages, fill, least),
    ]
