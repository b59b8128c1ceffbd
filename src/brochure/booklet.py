"""The page work on a booklet PDF with pypdf: saddle-stitch imposition with duplex padding."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import DecodedStreamObject, NameObject

from .errors import BookletError

MARK = 18.0  # fold mark length in points (a quarter inch)


@dataclass(frozen=True)
class Imposed:
    """Printer sheets: the PDF, how many sheets, and how many blank pages were added."""

    data: bytes
    sheets: int
    padded: int


def padded_order(pages: int) -> list[int | None]:
    """Page indexes padded to a multiple of 4, blanks (None) going in before the last page.

    The last page is the back cover: it must stay the outside of the folded booklet.
    """
    blanks = (-pages) % 4
    order: list[int | None] = list(range(pages - 1))
    return [*order, *([None] * blanks), pages - 1]


def saddle_order(pages: int) -> list[tuple[int, int]]:
    """Sheet sides as (left, right) 0-based page indexes, for duplex printing.

    Eight pages give [8|1], [2|7], [6|3], [4|5] (1-based): print both sides, flip on
    the short edge, fold the stack once and staple on the fold.
    """
    if pages % 4:
        raise BookletError(f"saddle stitching needs a multiple of 4 pages, got {pages}")
    sides = []
    for sheet in range(pages // 4):
        outer, inner = 2 * sheet, 2 * sheet + 1
        sides.append((pages - 1 - outer, outer))
        sides.append((inner, pages - 1 - inner))
    return sides


def _fold_marks(width: float, height: float) -> PageObject:
    """A transparent page with short dashed lines at the fold, top and bottom."""
    page = PageObject.create_blank_page(width=width, height=height)
    middle = width / 2
    ops = (
        f"q 0.5 w 0 G [3 2] 0 d {middle:.2f} 0 m {middle:.2f} {MARK} l S "
        f"{middle:.2f} {height - MARK:.2f} m {middle:.2f} {height:.2f} l S Q"
    )
    stream = DecodedStreamObject()
    stream.set_data(ops.encode())
    page[NameObject("/Contents")] = stream
    return page


def impose_saddle(pdf: bytes, *, marks: bool = False) -> Imposed:
    """Two booklet pages side by side on each sheet side, in saddle-stitch order.

    The page count is padded to a multiple of 4 with blank pages before the back cover.
    Sheets are printer output: they keep the document's metadata but not its tags.
    """
    reader = PdfReader(io.BytesIO(pdf))
    source = list(reader.pages)
    if not source:
        raise BookletError("the booklet has no pages to impose")
    width, height = float(source[0].mediabox.width), float(source[0].mediabox.height)
    order = padded_order(len(source))
    writer = PdfWriter()
    for left, right in saddle_order(len(order)):
        sheet = writer.add_blank_page(width=2 * width, height=height)
        for slot, offset in ((order[left], 0.0), (order[right], width)):
            if slot is not None:
                sheet.merge_transformed_page(source[slot], Transformation().translate(tx=offset))
        if marks:
            sheet.merge_page(_fold_marks(2 * width, height))
        sheet.compress_content_streams()  # merging leaves them uncompressed
    if reader.metadata:
        keep = ("/Title", "/Subject", "/Keywords", "/Creator")
        writer.add_metadata({k: str(v) for k, v in reader.metadata.items() if k in keep})
    buffer = io.BytesIO()
    writer.write(buffer)
    return Imposed(buffer.getvalue(), len(order) // 4, len(order) - len(source))
