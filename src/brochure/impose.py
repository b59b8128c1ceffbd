"""The page work on a booklet PDF with pypdf: saddle-stitch imposition with duplex padding."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import cast

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

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


def _fold_marks(width: float, height: float) -> str:
    """Drawing operators for short dashed lines at the fold, top and bottom."""
    middle = width / 2
    return (
        f"q 0.5 w 0 G [3 2] 0 d {middle:.2f} 0 m {middle:.2f} {MARK} l S "
        f"{middle:.2f} {height - MARK:.2f} m {middle:.2f} {height:.2f} l S Q\n"
    )


def _as_form(page: PageObject, writer: PdfWriter) -> IndirectObject:
    """A page as a Form XObject in `writer`, its content stream copied still compressed.

    Placing pages as XObjects is what print imposition does: each page's content is
    stored once and drawn by reference, instead of being decoded, rewritten with a
    transformation and re-encoded (pypdf's `merge_transformed_page`, which is many
    times slower and bloats the file).
    """
    contents = page.get_contents()
    raw = page["/Contents"].get_object() if "/Contents" in page else None
    form: StreamObject
    if contents is None:
        form = DecodedStreamObject()
    elif isinstance(raw, StreamObject):
        form = cast(StreamObject, raw.clone(writer))
    else:  # an array of streams: join them (decoded) into one
        form = DecodedStreamObject()
        form.set_data(contents.get_data())
    box = page.mediabox
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                [
                    FloatObject(box.left),
                    FloatObject(box.bottom),
                    FloatObject(box.right),
                    FloatObject(box.top),
                ]
            ),
            NameObject("/Resources"): page["/Resources"].clone(writer)
            if "/Resources" in page
            else DictionaryObject(),
        }
    )
    return writer._add_object(form)


def impose_saddle(pdf: bytes, *, marks: bool = False) -> Imposed:
    """Two booklet pages side by side on each sheet side, in saddle-stitch order.

    The page count is padded to a multiple of 4 with blank pages before the back cover.
    Sheets are printer output: they keep the document's title, metadata and language
    but not its tags, so they declare no PDF standard (see README, Booklets).
    """
    reader = PdfReader(io.BytesIO(pdf))
    source = list(reader.pages)
    if not source:
        raise BookletError("the booklet has no pages to impose")
    width, height = float(source[0].mediabox.width), float(source[0].mediabox.height)
    order = padded_order(len(source))
    writer = PdfWriter()
    forms = {index: _as_form(page, writer) for index, page in enumerate(source)}
    for left, right in saddle_order(len(order)):
        sheet = writer.add_blank_page(width=2 * width, height=height)
        names = DictionaryObject()
        ops = []
        for slot, offset in ((order[left], 0.0), (order[right], width)):
            if slot is None:
                continue
            name = NameObject(f"/P{slot}")
            names[name] = forms[slot]
            ops.append(f"q 1 0 0 1 {offset:.2f} 0 cm {name} Do Q\n")
        if marks:
            ops.append(_fold_marks(2 * width, height))
        stream = DecodedStreamObject()
        stream.set_data("".join(ops).encode())
        sheet[NameObject("/Contents")] = writer._add_object(stream.flate_encode())
        sheet[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): names})
    if reader.metadata:
        keep = ("/Title", "/Subject", "/Keywords", "/Creator")
        writer.add_metadata({k: str(v) for k, v in reader.metadata.items() if k in keep})
    # What sheets can honestly keep of an accessible document: its language, and its
    # title shown in the window. They claim no standard (no tags, no /MarkInfo).
    root = reader.root_object
    if "/Lang" in root:
        writer._root_object[NameObject("/Lang")] = TextStringObject(str(root["/Lang"]))
    writer._root_object[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)}
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return Imposed(buffer.getvalue(), len(order) // 4, len(order) - len(source))
