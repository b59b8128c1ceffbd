"""What a PDF is to carry besides its pages: metadata, the standard it declares and the
files attached. Apart from `write`, so that planning a build names them without loading
the renderer.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..icc import OutputIntent
from ..paper import PDF_VARIANTS


@dataclass(frozen=True)
class Attached:
    """A file carried inside the PDF: an input it was made from (`--attach-source`)."""

    name: str
    data: bytes
    description: str


@dataclass(frozen=True)
class PdfInfo:
    """Document metadata written into the PDF's Info dictionary and catalog."""

    title: str
    subject: str = ""
    keywords: tuple[str, ...] = ()
    lang: str = "en"
    creator: str = "brochure"
    custom: tuple[tuple[str, str], ...] = ()  # extra Info entries, e.g. the cache key
    variant: str = PDF_VARIANTS[0]  # the PDF standard the file declares (PDF_VARIANTS)
    attachments: tuple[Attached, ...] = ()
    output_intent: OutputIntent | None = None  # PDF/X: a print shop's profile, else sRGB
