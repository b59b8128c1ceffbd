"""PDF pages → PNG images with PDFium (pypdfium2): quick looks without system tools."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from .errors import RenderError
from .output import write_atomic

MAX_DPI = 600


@dataclass(frozen=True)
class Preview:
    """One page image written to disk."""

    path: Path
    page: int
    width: int
    height: int


def pdf_to_pngs(pdf: bytes, folder: Path, stem: str, *, dpi: int = 72) -> list[Preview]:
    """Write every page of `pdf` as `folder/<stem>-<page>.png` at `dpi`."""
    import pypdfium2 as pdfium

    if not 10 <= dpi <= MAX_DPI:
        raise RenderError(f"dpi must be between 10 and {MAX_DPI}, got {dpi}")
    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as err:
        raise RenderError(f"not a PDF PDFium can read ({err})") from None
    written = []
    try:
        digits = len(str(len(document)))
        for index in range(len(document)):
            page = document[index]
            image = page.render(scale=dpi / 72).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=True)
            target = folder / f"{stem}-{index + 1:0{digits}d}.png"
            write_atomic(target, buffer.getvalue())
            written.append(Preview(target, index + 1, image.width, image.height))
            page.close()
    finally:
        document.close()
    return written
