"""The page work on a booklet PDF with pypdf: page labels, duplex padding, saddle imposition."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.constants import PageLabelStyle
from pypdf.generic import DecodedStreamObject, NameObject

from .errors import BookletError

MARK = 18.0  # fold mark length in points (a quarter inch)


@dataclass(frozen=True)
class Finished:
    """A finished booklet and where its numbered pages start."""

    data: bytes
    pages: int
    front_pages: int
    padded: int


def _write(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def finish_booklet(pdf: bytes, front_pages: int, *, multiple_of: int = 1) -> Finished:
    """Label pages as printed and pad the page count for imposition.

    Front matter is labelled i, ii, …; the careers from 1, so a viewer's page box shows
    the number printed in the footer. When `multiple_of` is above 1, blank pages go in
    before the last page (the back cover), which must stay last when the sheets are
    folded. The document is cloned whole, so its structure tree (tags), outline and
    links survive.
    """
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    total = len(writer.pages)
    if not 0 <= front_pages < total:
        raise BookletError(f"front matter of {front_pages} pages leaves no careers")
    padded = (-total) % multiple_of if multiple_of > 1 else 0
    if padded:
        box = writer.pages[-1].mediabox
        for _ in range(padded):
            writer.insert_blank_page(float(box.width), float(box.height), index=total - 1)
    if front_pages:
        writer.set_page_label(0, front_pages - 1, style=PageLabelStyle.LOWERCASE_ROMAN, start=1)
    writer.set_page_label(front_pages, len(writer.pages) - 1, style=PageLabelStyle.DECIMAL, start=1)
    return Finished(_write(writer), len(writer.pages), front_pages, padded)


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
    """A transparent page with short lines at the fold, top and bottom."""
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


def impose_saddle(pdf: bytes, *, marks: bool = False) -> bytes:
    """Two booklet pages side by side on each sheet side, in saddle-stitch order.

    The input's page count must already be a multiple of 4 (see `finish_booklet`).
    """
    reader = PdfReader(io.BytesIO(pdf))
    pages = list(reader.pages)
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    writer = PdfWriter()
    for left, right in saddle_order(len(pages)):
        sheet = writer.add_blank_page(width=2 * width, height=height)
        sheet.merge_transformed_page(pages[left], Transformation())
        sheet.merge_transformed_page(pages[right], Transformation().translate(tx=width))
        if marks:
            sheet.merge_page(_fold_marks(2 * width, height))
    if reader.metadata:
        writer.add_metadata(
            {k: v for k, v in reader.metadata.items() if k in ("/Title", "/Subject", "/Keywords")}
        )
        writer.add_metadata({"/Creator": str(reader.metadata.get("/Creator", ""))})
    return _write(writer)
