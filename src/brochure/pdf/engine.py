"""Laying out: the trim and fit stylesheets, the confined fetcher, and the laid-out
document (`Laid`) with the checks a typesetter would make.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import RenderError
from ..paper import MARKS, MAX_BLEED, MM
from ..typography import SPARSE_LAST_PAGE, check
from .boxes import first_words, laid_chars, last_page_fill, overflowing_text, source_chars, typeset
from .fetch import confined_fetcher
from .weasy import captured, load_weasyprint, shared_fonts

MARK_SPACE = 10 * MM  # the least room outside the trim for printer's marks


@dataclass(frozen=True)
class Trim:
    """What goes around every page for a print shop: a bleed and printer's marks.

    `bleed` (PDF points) is how far bands and backgrounds run past the trim; `marks`
    are among `paper.MARKS`. With neither, nothing is added and a layout's own
    `@page` rules stand.
    """

    bleed: float = 0.0
    marks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.bleed <= MAX_BLEED + 1e-9:
            raise RenderError(f"a bleed must be between 0 and {MAX_BLEED / MM:g}mm")
        unknown = [mark for mark in self.marks if mark not in MARKS]
        if unknown:
            raise RenderError(f"unknown printer's marks {unknown} (available: {', '.join(MARKS)})")

    @property
    def wanted(self) -> bool:
        return bool(self.bleed or self.marks)

    @property
    def reach(self) -> float:
        """How far the PDF page reaches past the trim, in points.

        WeasyPrint draws marks in the outer half of this room, so with marks it is
        at least twice the bleed plus 2 mm: the marks start a millimetre clear of
        the bleed, where they would be printed over and cut into.
        """
        if not self.marks:
            return self.bleed
        return max(MARK_SPACE, 2 * (self.bleed + MM))

    def css(self) -> str:
        """The rules that give every page, named or not, the room for the bleed and marks.

        `!important` lets them win over a layout's own `@page` rules whatever their
        selectors; `--bleed` tells the layout how far its edge bands must reach.
        WeasyPrint is asked for no marks: it would draw them in RGB black, and the
        finisher draws them in the registration color instead (`draw_marks`).
        """
        return (
            f"<style>:root {{ --bleed: {self.bleed:.6f}pt; }}\n"
            f"@page {{ bleed: {self.reach:.6f}pt !important; marks: none !important; }}"
            "</style>"
        )


NO_TRIM = Trim()


def _with_head(html: str, markup: str) -> str:
    """`html` with `markup` last in `<head>`, so that its rules win.

    WeasyPrint's own `stylesheets=` argument adds user-origin sheets, which lose
    to the layout's author CSS, so fit sheets and print rules go in the document.
    """
    head_end = html.lower().rfind("</head>")
    if head_end < 0:
        return markup + html
    return html[:head_end] + markup + html[head_end:]


def _with_stylesheet(html: str, sheet: Path) -> str:
    """`html` with one more author stylesheet, linked last in `<head>`."""
    return _with_head(html, f'<link rel="stylesheet" href="{sheet.resolve().as_uri()}">')


def _lay_out(html: str, base: Path, fetcher: Any, extra: Path | None, trim: Trim) -> Any:
    HTML = load_weasyprint().HTML
    if extra is not None:
        html = _with_stylesheet(html, extra)
    if trim.wanted:
        html = _with_head(html, trim.css())
    return HTML(string=html, base_url=f"{base.resolve().as_uri()}/", url_fetcher=fetcher).render(
        font_config=shared_fonts()
    )


@dataclass
class Laid:
    """A laid-out document, what was refused while loading it, and what WeasyPrint said."""

    document: Any
    refused: list[str]
    messages: list[str]
    trim: Trim = NO_TRIM

    @property
    def pages(self) -> int:
        return len(self.document.pages)

    @property
    def fill(self) -> float:
        return last_page_fill(self.document)

    def overflowing(self, limit: int = 3) -> list[str]:
        return overflowing_text(self.document, limit)

    def typography(self, min_last_page: float = SPARSE_LAST_PAGE) -> list[str]:
        """What a typesetter would send back, one line each (see `typography.check`):
        text off the page, a heading parted from its text, a paragraph leaving one line
        on either side of a page or column break, and (past one page) a last page less
        than `min_last_page` full."""
        lines, pieces = typeset(self.document)
        return check(
            lines,
            pieces,
            pages=self.pages,
            fill=self.fill,
            overflow=self.overflowing(),
            least=min_last_page,
        )

    def lost_text(self, html: str) -> int:
        """How many characters of the document's text were not laid out on any page.

        WeasyPrint silently drops what does not fit a box of fixed size (a flex or
        grid item, a fixed-height panel): the page count and the page box look fine
        while words are gone. Counting letters before and after catches it.
        """
        return max(0, source_chars(html) - laid_chars(self.document))

    def text_at_page(self, index: int, length: int = 60) -> str:
        """The first words laid out on page `index` (0-based): where content ran over."""
        return first_words(self.document, index, length)


def lay_out(
    html: str,
    *,
    base: Path,
    roots: Sequence[Path],
    extra: Path | None = None,
    grayscale: bool = False,
    remote: bool = False,
    trim: Trim = NO_TRIM,
) -> Laid:
    """Lay out `html`; relative URLs resolve against `base`, files only under `roots`.

    `extra` is one more author stylesheet (a fit step), linked last so that it wins.
    `remote` allows http(s) resources (capped, see `confined_fetcher`). `trim` adds a
    bleed and printer's marks around every page.
    """
    refused: list[str] = []
    fetcher = confined_fetcher(roots, refused, grayscale, remote)
    with captured() as log:
        try:
            document = _lay_out(html, base, fetcher, extra, trim)
        except RecursionError:
            raise RenderError("the document is nested too deeply to lay out") from None
        except MemoryError:
            raise RenderError("ran out of memory while laying out the document") from None
    return Laid(document, refused, log.messages, trim)
