"""Laying out: the trim and fit stylesheets, the confined fetcher, and the laid-out
document (`Laid`) with the checks a typesetter would make.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from ..errors import RenderError
from ..paper import MARKS, MAX_BLEED, MM
from ..typography import SPARSE_LAST_PAGE, check
from .boxes import first_words, laid_chars, last_page_fill, overflowing_text, source_chars, typeset
from .fetch import check_file_url, confined_fetcher
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


_Fetching = tuple[tuple[Path, ...], bool, bool]  # a fetcher's roots, grayscale, remote


def _lay_out(
    html: str, base: Path, fetcher: Any, extra: Path | None, trim: Trim, key: _Fetching
) -> Any:
    HTML = load_weasyprint().HTML
    if extra is not None:
        html = _with_stylesheet(html, extra)
    if trim.wanted:
        html = _with_head(html, trim.css())
    base_url = f"{base.resolve().as_uri()}/"
    html, sheets = _kept_sheets(html, base_url, key)
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        font_config=shared_fonts(), stylesheets=sheets
    )


# A stylesheet as the templates, the fit steps and the trim write one in <head>.
_SHEET = re.compile(
    r'<link rel="stylesheet" href="(?P<href>[^"<>&]+)">[ \t]*\n?'
    r"|<style>(?P<css>[^<]*)</style>[ \t]*\n?"
)
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
# Anything that could bring a stylesheet, however written, or move where links lead.
_ANY_SHEET = re.compile(r"<(?:link|style|base)\b", re.IGNORECASE)


def _kept_sheets(html: str, base_url: str, key: _Fetching) -> tuple[str, list[Any]]:
    """`html` without its stylesheets, and those stylesheets parsed, each once per
    process, for WeasyPrint to take as the user's.

    WeasyPrint parses every stylesheet again for every document: a tenth of a career's
    layout, which a booklet laid out apart pays a hundred times. Handed over, sheets
    are of the user origin instead of the author's, so it is all or nothing: every
    `<link>`, `<style>` and `<base>` of the document must be a stylesheet in `<head>`,
    written as the templates write them, a linked one a file the fetcher would read,
    and each must parse without a warning or a refused address (such a document is
    laid out as written, and says so each time). Then their order is their
    precedence, as before.
    """
    head = _HEAD_END.search(html)
    if head is None:
        return html, []
    found = list(_SHEET.finditer(html, 0, head.start()))
    if not found or len(_ANY_SHEET.findall(html)) != len(found):
        return html, []
    sheets = []
    for sheet in found:
        href = sheet.group("href")
        if href is None:
            parsed = _parsed_sheet(base_url, sheet.group("css").encode(), key)
        else:
            url = urljoin(base_url, href)  # as WeasyPrint resolves it
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc or parts.query or parts.fragment:
                return html, []
            try:  # the fetcher's own rules: under its folders, a regular file, not too large
                check_file_url(url, key[0], [])
                data = Path(unquote(parts.path)).resolve().read_bytes()
            except (ValueError, OSError):
                return html, []
            parsed = _parsed_sheet(url, data, key)
        if parsed is None:
            return html, []
        sheets.append(parsed)
    return _SHEET.sub("", html[: head.start()]) + html[head.start() :], sheets


def forget_parsed_sheets() -> None:
    """Drop the sheets kept, for a long-lived process whose layout files changed (a
    font a sheet names, for one)."""
    _parsed_sheet.cache_clear()


# What a sheet handed over as the user's would not do as the author's (counter styles
# and color profiles go to the document's own tables), or whose files its text does
# not name the content of (an imported sheet): such sheets are parsed with each document.
_NOT_KEPT = re.compile(rb"@(counter-style|color-profile|import)", re.IGNORECASE)


@functools.lru_cache(maxsize=64)
def _parsed_sheet(url: str, data: bytes, key: _Fetching) -> Any:
    """A stylesheet's text `data`, at `url`, parsed as WeasyPrint parses it for a
    document whose fetcher is made from `key`; None if parsing it said anything."""
    if _NOT_KEPT.search(data):
        return None
    roots, grayscale, remote = key
    refused: list[str] = []
    fetcher = confined_fetcher(roots, refused, grayscale, remote)
    with captured() as log:
        try:
            sheet = load_weasyprint().CSS(
                string=data.decode("utf-8"),
                base_url=url,
                url_fetcher=fetcher,
                font_config=shared_fonts(),
            )
        except Exception:  # the document's own parse reports it
            return None
    return None if log.messages or refused else sheet


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
    key: _Fetching = (tuple(root.resolve() for root in roots), grayscale, remote)
    with captured() as log:
        try:
            document = _lay_out(html, base, fetcher, extra, trim, key)
        except RecursionError:
            raise RenderError("the document is nested too deeply to lay out") from None
        except MemoryError:
            raise RenderError("ran out of memory while laying out the document") from None
    return Laid(document, refused, log.messages, trim)
