"""Where the built-in layouts and profiles live: in a wheel, an editable install or a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """Folder of built-in `layouts` or `profiles`.

    A wheel carries them as `brochure/_data/<name>` (hatch force-include); a checkout
    or an editable install finds them at the top of the source tree.
    """
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"built-in {name} are missing from this installation ({packaged})")


def layouts_dir() -> Path:
    """Folder holding one sub-folder per built-in layout."""
    return data_dir("layouts")


def profiles_dir() -> Path:
    """Folder holding the built-in career library."""
    return data_dir("profiles")


SHARED = "_shared"
"""The folder among the built-in layouts that is not a layout: parts every layout may use."""


def shared_dir() -> Path | None:
    """The built-in layouts' shared parts (base template, macros, print CSS, fonts)."""
    folder = (layouts_dir() / SHARED).resolve()
    return folder if folder.is_dir() else None
