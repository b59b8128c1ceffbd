"""Merged HTML → PDF bytes with WeasyPrint: the only package that imports it.

One module per job, so that each has one reason to change:

- `weasy`: importing WeasyPrint, its font configuration and log, font dates;
- `fetch`: the confined fetcher, the security boundary (docs/SECURITY.md);
- `boxes`: reading WeasyPrint's private box tree (fill, lost text, typography);
- `engine`: laying out (`lay_out` → `Laid`);
- `marks`: bleed boxes, the output intent and printer's marks;
- `write`: finishing the file, metadata and located warnings (`finish`, `html_to_pdf`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import exports

if TYPE_CHECKING:
    from .engine import NO_TRIM, Laid, Trim, lay_out
    from .fetch import MAX_FILE_BYTES, SYSTEM_FONT_DIRS, to_grayscale
    from .info import Attached, PdfInfo
    from .marks import mark_operators
    from .weasy import load_weasyprint
    from .write import PdfResult, finish, forget_stylesheets, html_to_pdf

# Names load on first use: a build whose parts are all kept never lays anything out.
_EXPORTS = {
    "NO_TRIM": "engine",
    "Laid": "engine",
    "Trim": "engine",
    "lay_out": "engine",
    "MAX_FILE_BYTES": "fetch",
    "SYSTEM_FONT_DIRS": "fetch",
    "to_grayscale": "fetch",
    "Attached": "info",
    "PdfInfo": "info",
    "mark_operators": "marks",
    "load_weasyprint": "weasy",
    "PdfResult": "write",
    "finish": "write",
    "forget_stylesheets": "write",
    "html_to_pdf": "write",
}


__getattr__ = exports(__name__, _EXPORTS)


__all__ = [
    "MAX_FILE_BYTES",
    "NO_TRIM",
    "SYSTEM_FONT_DIRS",
    "Attached",
    "Laid",
    "PdfInfo",
    "PdfResult",
    "Trim",
    "finish",
    "forget_stylesheets",
    "html_to_pdf",
    "lay_out",
    "load_weasyprint",
    "mark_operators",
    "to_grayscale",
]
