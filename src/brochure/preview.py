"""`brochure preview`: PDF pages → PNG images with PDFium (pypdfium2), for quick looks
without system tools; profiles are rendered first."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import RenderError
from .output import write_atomic

if TYPE_CHECKING:
    from PIL.Image import Image

    from .layout import Layout
    from .options import RenderOptions

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


def preview_seconds(per_render: float, paths: Sequence[Path]) -> float:
    """The time cap of a preview run: one render's cap for every PDF and every profile."""
    from .inputs import expand_paths

    pdfs = [p for p in paths if p.suffix.lower() == ".pdf" and p.is_file()]
    others = [p for p in paths if p not in pdfs]
    return per_render * (len(pdfs) + (len(expand_paths(others)) if others else 0))


def preview_paths(
    paths: Iterable[str | Path],
    out: str | Path = "out/preview",
    *,
    layout: Layout | str | Path | None = None,
    paper: str | None = None,
    dpi: int = 72,
    options: RenderOptions | None = None,
) -> list[tuple[Path, list[Path]]]:
    """PNG images of the pages of profiles (rendered first) or of existing PDFs."""
    from .inputs import expand_paths
    from .options import DEFAULT_OPTIONS
    from .pipeline import render_profile

    options = options or DEFAULT_OPTIONS
    folder = Path(out)
    results: list[tuple[Path, list[Path]]] = []
    pdfs = [Path(p) for p in paths if str(p).lower().endswith(".pdf") and Path(p).is_file()]
    profiles = [p for p in paths if Path(p) not in pdfs]
    for pdf in pdfs:
        images = pdf_to_pngs(pdf.read_bytes(), folder, pdf.stem, dpi=dpi)
        results.append((pdf, [i.path for i in images]))
    for source in expand_paths(profiles) if profiles else []:
        rendered = render_profile(source, layout, paper, options=options)
        images = pdf_to_pngs(rendered.pdf.data, folder, rendered.profile.key, dpi=dpi)
        results.append((source, [i.path for i in images]))
    return results
