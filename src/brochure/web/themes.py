"""The theme page: the organisation's name, colours, logo, contact block and footer note.

It writes the same theme YAML the command line reads (`--theme`), with the logo beside
it. An uploaded logo is checked before it is kept: its size, that it is what its bytes
say (PNG, JPEG, or an SVG with no script, no event handler and no reference outside
itself), and for pictures that the pixels are few enough to decode (a small file can
declare a billion pixels).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..errors import BrochureError
from ..output import write_atomic
from ..theme import Theme, load_theme

if TYPE_CHECKING:
    from .app import Site

MAX_LOGO_BYTES = 2 * 2**20
MAX_LOGO_PIXELS = 25_000_000  # 5000 by 5000: more than any logo needs
MAX_THEME_REQUEST = MAX_LOGO_BYTES + 64 * 1024
# In a hidden folder of the save folder: profile folders are read whole, hidden ones aside.
THEME_FILE = Path(".theme", "theme.yaml")

_SVG_REFUSED = re.compile(
    rb"<!DOCTYPE|<!ENTITY|<script|<foreignObject|\son[a-z]+\s*=|javascript:"
    rb"|(?:xlink:)?href\s*=\s*[\"'](?!#)|url\(\s*[\"']?(?!#)|@import",
    re.IGNORECASE,
)


def check_logo(data: bytes, name: str) -> str:
    """The file name to keep the logo under (`logo.png` …), or HTTP 400 with the reason."""
    if len(data) > MAX_LOGO_BYTES:
        raise HTTPException(400, f"the logo is larger than {MAX_LOGO_BYTES // 2**20} MiB")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif data.startswith(b"\xff\xd8\xff"):
        kind = "jpg"
    elif name.lower().endswith(".svg") and b"<svg" in data[:4096].lower():
        if _SVG_REFUSED.search(data):
            raise HTTPException(
                400, "the SVG logo has a script, an event handler or a reference to another file"
            )
        return "logo.svg"
    else:
        raise HTTPException(400, "the logo must be a PNG, JPEG or SVG image")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_LOGO_PIXELS:
                raise HTTPException(
                    400, f"the logo has {image.width} by {image.height} pixels; at most 25 million"
                )
            image.verify()
    except HTTPException:
        raise
    except Image.DecompressionBombError:
        raise HTTPException(400, "the logo declares more pixels than an image may have") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise HTTPException(400, "the logo is not a readable image") from None
    return f"logo.{kind}"


def theme_file(site: Site) -> Path:
    """The theme file the page edits: the one `--theme` named, or one in the save folder."""
    return site.theme.path or site.save_folder / THEME_FILE


def _data(current: Theme, form: Any, logo: str | None) -> dict[str, Any]:
    """The theme file's data: what the form sets, and what it does not show (fonts) kept."""
    kept = current.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    kept = {k: v for k, v in kept.items() if k == "fonts"}
    return kept | _form_data(form, logo)


def _form_data(form: Any, logo: str | None) -> dict[str, Any]:
    def text(name: str) -> str | None:
        value = form.get(name)
        return value.strip() or None if isinstance(value, str) else None

    contact = {
        key: text(key) for key in ("office", "address", "phone", "email", "website") if text(key)
    }
    data: dict[str, Any] = {
        "name": text("name"),
        "logo": logo,
        "logo_alt": text("logo_alt"),
        "colors": {k: text(k) for k in ("primary", "accent") if text(k)},
        "contact": contact,
        "footer_note": text("footer_note"),
    }
    return {k: v for k, v in data.items() if v}


async def page(request: Request) -> Response:
    site: Site = request.app.state.site
    sample = site.catalog.cards[0].slug if site.catalog.cards else None
    stamp = (site.theme.path.stat().st_mtime_ns if site.theme.path else 0) % 10**9
    return site.page(
        request,
        "theme.html.j2",
        current=site.theme,
        file=theme_file(site),
        sample=sample,
        stamp=stamp,
        saved=bool(request.query_params.get("saved")),
    )


async def _read(request: Request, site: Site) -> tuple[dict[str, Any], bytes | None]:
    """The theme the form describes (checked) and an uploaded logo's bytes, if any."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_THEME_REQUEST:
        raise HTTPException(413, f"the request is larger than {MAX_THEME_REQUEST // 1024} KiB")
    async with request.form(max_files=1, max_fields=20, max_part_size=MAX_LOGO_BYTES + 1) as form:
        logo = site.theme.logo
        upload = form.get("logo")
        logo_bytes = None
        if isinstance(upload, UploadFile) and upload.filename:
            logo_bytes = await upload.read(MAX_LOGO_BYTES + 1)
            logo = check_logo(logo_bytes, upload.filename)
        if form.get("remove_logo"):
            logo, logo_bytes = None, None
        data = _data(site.theme, form, logo)
    try:
        Theme.model_validate(data)
    except ValueError as err:
        first = str(err).splitlines()
        reason = first[2].strip() if len(first) > 2 else "the theme is not valid"
        raise HTTPException(400, f"{first[1] if len(first) > 1 else 'theme'}: {reason}") from None
    return data, logo_bytes


def _write(target: Path, data: dict[str, Any], logo_bytes: bytes | None, current: Theme) -> Path:
    """The theme file `target` and its logo beside it; a logo not uploaded again (and a
    font file) is copied over from the current theme's folder when that is elsewhere."""
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    logo = data.get("logo")
    if logo and logo_bytes is not None:
        write_atomic(folder / logo, logo_bytes)
    elif logo and current.logo_path is not None and current.folder != folder.resolve():
        write_atomic(folder / logo, current.logo_path.read_bytes())
    for role in ("heading", "body"):
        font = current.font_path(getattr(current.fonts, role))
        if font is not None and font.is_file() and current.folder != folder.resolve():
            write_atomic(
                folder / font.relative_to(current.folder or font.parent), font.read_bytes()
            )
    target = folder / THEME_FILE.name
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    write_atomic(target, ("# Written by brochure serve's theme page.\n" + text).encode())
    return target


async def save(request: Request) -> Response:
    site: Site = request.app.state.site
    data, logo_bytes = await _read(request, site)
    target = theme_file(site)
    _write(target, data, logo_bytes, site.theme)
    try:
        site.theme = load_theme(target)
    except BrochureError as err:
        raise HTTPException(400, err.message) from None
    return RedirectResponse("/theme?saved=1", status_code=303)


async def preview(request: Request) -> Response:
    """The sample brochure's first page in the theme as the form has it now, unsaved."""
    import base64
    import tempfile

    site: Site = request.app.state.site
    data, logo_bytes = await _read(request, site)
    if not site.catalog.cards:
        raise HTTPException(404, "the library has no career to show the theme on")
    card = site.catalog.cards[0]
    with tempfile.TemporaryDirectory(prefix="brochure-theme-") as folder:
        theme = load_theme(_write(Path(folder) / "theme.yaml", data, logo_bytes, site.theme))
        made = await site.preview_with(card, theme)
    image = base64.b64encode(made.pages[0]).decode()
    alt = f"The first page of {card.title} with this theme, not saved yet"
    return HTMLResponse(f'<img src="data:image/png;base64,{image}" alt="{alt}" width="612">')
