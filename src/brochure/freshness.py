"""What an output is made from: keys over inputs, layout and theme digests, the key inside a PDF.

An incremental run compares these keys, never timestamps: an output is up to date when
the key recorded with it equals the key of its inputs now.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from ._version import __version__
from .layout import Layout
from .options import DEFAULT_OPTIONS, RenderOptions
from .profile import translation_path
from .sourcemap import read_input
from .theme import Theme

KEY_FIELD = "BrochureKey"  # the PDF Info entry that records what an output was made from


def folder_digest(folder: Path) -> str:
    """sha256 over every file in a folder (names and bytes): a layout's identity.

    Links are not followed: a link's own text is hashed, never what it points at, so
    a link out of the folder is not opened here (the renderer refuses it too). Pipes
    and devices are named, not read. Not cached: a watching process must see a layout
    change; a run computes it once.
    """
    digest = hashlib.sha256()
    entries: list[tuple[str, bytes]] = []
    for top, dirs, files in os.walk(folder):  # followlinks=False: linked folders stay shut
        dirs.sort()
        for name in sorted(files + [d for d in dirs if os.path.islink(os.path.join(top, d))]):
            path = os.path.join(top, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                content = b"link:" + os.fsencode(os.readlink(path))
            elif stat.S_ISREG(mode):
                with open(path, "rb") as handle:
                    content = hashlib.sha256(handle.read()).digest()
            else:
                content = b"special:" + str(stat.S_IFMT(mode)).encode()
            entries.append((Path(path).relative_to(folder).as_posix(), content))
    for name, content in sorted(entries):
        digest.update(name.encode() + b"\0" + content)
    return digest.hexdigest()


def cache_key(*parts: str | bytes) -> str:
    """A key that changes when any part does; parts are length-prefixed, so never ambiguous."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def recorded_key(pdf: Path) -> tuple[str | None, int]:
    """The cache key written into an existing output, and its page count.

    Anything unreadable (missing, truncated, not ours) reads as no key, so it is redone.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(pdf)
        metadata = reader.metadata
        value = metadata.get(f"/{KEY_FIELD}") if metadata is not None else None
        return (str(value) if value else None, len(reader.pages))
    except (OSError, PyPdfError, ValueError, KeyError):
        return None, 0


def layout_digest(layout: Layout) -> str:
    """Every file of a layout and of the layouts it extends."""
    return cache_key(*(folder_digest(folder) for folder in layout.folders))


def theme_digest(theme: Theme) -> str:
    """The theme file and every file it names (logo, fonts); empty for the plain theme."""
    if theme.path is None:
        return ""
    files = [theme.path, theme.logo_path, theme.font_path(theme.fonts.heading)]
    files.append(theme.font_path(theme.fonts.body))
    return cache_key(*(f.read_bytes() for f in files if f is not None))


def output_key(
    source: Path,
    layout: Layout,
    paper: str,
    *,
    html: bool,
    strict: bool,
    options: RenderOptions = DEFAULT_OPTIONS,
    digests: tuple[str, str] | None = None,
) -> str:
    """What an output is made from: the profile's bytes (and its translation's), every
    file of the layout and the theme, the options and the tool's version. Recorded in
    the PDF; unchanged means up to date.

    A batch passes `digests` (of the layout and of the theme), computed once, instead
    of hashing the same files for every profile.
    """
    settings = json.dumps(
        {
            "layout": layout.name,
            "paper": paper,
            "html": html,
            "strict": strict,
            "options": options.cache_key(),
        },
        sort_keys=True,
    )
    translated = translation_path(source, options.lang) if options.lang else None
    layout_files, theme_files = digests or (layout_digest(layout), theme_digest(options.theme))
    return cache_key(
        __version__,
        read_input(source),
        read_input(translated) if translated else b"",
        layout_files,
        theme_files,
        settings,
    )
