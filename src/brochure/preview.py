"""PDF pages → PNG images with PDFium (pypdfium2): quick looks without system tools."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import RenderError
from .output import write_atomic

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_DPI = 600


@dataclass(frozen=True)
class Preview:
    """One page image written to disk."""

    path: Path
    page: int
    width: int
    height: int


def _open(pdf: bytes, dpi: int) -> Any:
    import pypdfium2 as pdfium

    if not 10 <= dpi <= MAX_DPI:
        raise RenderError(f"dpi must be between 10 and {MAX_DPI}, got {dpi}")
    try:
        return pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as err:
        raise RenderError(f"not a PDF PDFium can read ({err})") from None


def _pages(document: Any, dpi: int) -> Iterator[Image]:
    """One page image at a time: a 600 dpi page is tens of megabytes."""
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                yield page.render(scale=dpi / 72).to_pil().convert("RGB")
            finally:
                page.close()
    finally:
        document.close()


def page_images(pdf: bytes, *, dpi: int = 72) -> list[Image]:
    """Every page of `pdf` as an RGB image at `dpi`.

    The one rasterizer behind previews, the README pictures and the visual regression
    tests, so what the tests compare is what a person is shown.
    """
    return list(_pages(_open(pdf, dpi), dpi))


def pdf_to_pngs(pdf: bytes, folder: Path, stem: str, *, dpi: int = 72) -> list[Preview]:
    """Write every page of `pdf` as `folder/<stem>-<page>.png` at `dpi`."""
    document = _open(pdf, dpi)
    digits = len(str(len(document)))
    written = []
    for number, image in enumerate(_pages(document, dpi), start=1):
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        target = folder / f"{stem}-{number:0{digits}d}.png"
        write_atomic(target, buffer.getvalue())
        written.append(Preview(target, number, image.width, image.height))
    return written
