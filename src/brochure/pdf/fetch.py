"""The confined fetcher: the only way a document loads anything, and so the security
boundary docs/SECURITY.md names. Files only under the allowed roots, http(s) only when
allowed, every resource capped in bytes and pixels; images turned gray for grayscale.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import unquote, urlsplit

from .weasy import MAX_IMAGE_PIXELS, load_weasyprint

MAX_DATA_URL = 2_000_000


MAX_IMAGE_BYTES = 20_000_000


MAX_FILE_BYTES = 20_000_000  # one local resource: an image, a stylesheet, a font


MAX_REMOTE_BYTES = 10_000_000  # one http(s) resource, with --allow-remote


REMOTE_TIMEOUT = 10  # seconds per http(s) request, with --allow-remote


def shown_url(url: str) -> str:
    """A URL as a person would name it: a file's path, anything else cut short."""
    if url.lower().startswith("file:"):
        return unquote(urlsplit(url).path)
    return url[:200]


FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".woff", ".woff2")


# Where fontconfig keeps installed fonts. CSS `local("DejaVu Sans")` resolves through
# fontconfig to a file here, which WeasyPrint then reads through the fetcher: a font
# file installed for every program is no secret, and only the glyphs used are embedded.
SYSTEM_FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts"),
)


def _system_font(target: Path) -> bool:
    """An installed font file, as CSS `local()` names one."""
    return target.suffix.lower() in FONT_SUFFIXES and any(
        target.is_relative_to(folder.resolve()) for folder in SYSTEM_FONT_DIRS
    )


def check_data_url(url: str, refused: list[str]) -> None:
    """Refuse a `data:` URL over `MAX_DATA_URL`: like every resource, it is capped in bytes."""
    if len(url) > MAX_DATA_URL:
        refused.append(f"data: URL larger than {MAX_DATA_URL // 1_000_000} MB")
        raise ValueError("refused to read a data: URL this large")


def check_file_url(url: str, roots: Sequence[Path], refused: list[str]) -> None:
    """Refuse a `file:` URL unless, after `..` and links are resolved, it is under one of
    the (resolved) `roots` or an installed font, is no device, pipe or folder, and is
    within `MAX_FILE_BYTES`. A file that does not exist is left to WeasyPrint to report."""
    named = Path(unquote(urlsplit(url).path))
    target = named.resolve()
    # Name the reference as written, and where it really leads.
    shown = str(named) if named == target else f"{named} (a link to {target})"
    if not any(target.is_relative_to(root) for root in roots) and not _system_font(target):
        refused.append(f"{shown} is outside the layout and profile folders")
        raise ValueError(f"refused to read {target}")
    if target.exists() and not target.is_file():  # a device, a pipe, a folder
        refused.append(f"{shown} is not a regular file")
        raise ValueError(f"refused to read {target}")
    if target.is_file() and target.stat().st_size > MAX_FILE_BYTES:
        refused.append(f"{shown} is larger than {MAX_FILE_BYTES // 1_000_000} MB")
        raise ValueError(f"refused to read {target}")


def refuse_scheme(url: str, scheme: str, refused: list[str]) -> NoReturn:
    """Refuse a URL of a scheme not fetched: http(s) without `--allow-remote`, or any other."""
    why = "network access is off" if scheme in ("http", "https") else "not a file"
    refused.append(f"{url[:200]} ({why})")
    raise ValueError(f"refused to fetch {url[:200]}")


def failed_request(url: str, err: OSError, refused: list[str]) -> ValueError:
    """The refusal of an http(s) request that failed. A redirect is one (`HTTP 302`): it
    is not followed, since it could lead anywhere, unchecked."""
    from urllib.error import HTTPError

    if isinstance(err, HTTPError):
        refused.append(f"{url[:200]} (HTTP {err.code})")
        return ValueError(f"refused to use HTTP {err.code}")
    refused.append(f"{url[:200]} could not be fetched ({err})")
    return ValueError("refused to fetch: it failed")


def read_capped(url: str, response: Any, limit: int, what: str, refused: list[str]) -> bytes:
    """At most `limit` bytes of a response; more is refused, not truncated."""
    try:
        body: bytes = response.read(limit + 1)
    finally:
        response.close()
    if len(body) > limit:
        refused.append(f"{shown_url(url)} is larger than {limit // 1_000_000} MB")
        raise ValueError(f"refused to read {what} this large")
    return body


def check_pixels(url: str, body: bytes, refused: list[str]) -> None:
    """Refuse a raster image whose header says it is over the pixel cap: a small file can
    decode to gigabytes. Only the header is parsed here."""
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(body)) as image:
            pixels = image.size[0] * image.size[1]
    except Image.DecompressionBombError:  # Pillow's own check, at twice the cap
        pixels = MAX_IMAGE_PIXELS + 1
    except Exception:  # not decodable here: WeasyPrint reports it itself
        pixels = 0
    if pixels > MAX_IMAGE_PIXELS:
        refused.append(
            f"{shown_url(url)} has more than {MAX_IMAGE_PIXELS // 1_000_000} million "
            "pixels; it could take gigabytes to decode"
        )
        raise ValueError("refused to decode an image this large")


def confined_fetcher(
    roots: Sequence[Path], refused: list[str], grayscale: bool = False, remote: bool = False
) -> Any:
    """WeasyPrint's URL fetcher for one render: it serves files under `roots` (and
    installed fonts) and small `data:` URLs, and refuses everything else, each refusal
    noted in `refused` for the warnings and raised for WeasyPrint to render without.

    With `remote`, http(s) too: one request each, with a timeout and a size cap, and no
    redirects (a redirect could lead anywhere, unchecked). A raster image is refused over
    the byte and pixel caps. In grayscale mode images are turned gray as they are read,
    so that a theme's colored logo prints without color on every layout.
    """
    weasyprint = load_weasyprint()
    URLFetcher = weasyprint.urls.URLFetcher
    Response = weasyprint.urls.URLFetcherResponse
    resolved = [root.resolve() for root in roots]

    class ConfinedFetcher(URLFetcher):  # type: ignore[misc,valid-type]
        """Made per render, as WeasyPrint is loaded only when a render needs it."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                check_data_url(url, refused)
            elif scheme == "file":
                check_file_url(url, resolved, refused)
            elif remote and scheme in ("http", "https"):
                return self._remote(url, headers)
            else:
                refuse_scheme(url, scheme, refused)
            return self._image(url, super().fetch(url, headers))

        def _remote(self, url: str, headers: Any) -> Any:
            try:
                response = super().fetch(url, headers)
            except OSError as err:  # URLError and HTTPError (a redirect too) are OSErrors
                raise failed_request(url, err, refused) from None
            body = read_capped(url, response, MAX_REMOTE_BYTES, "a resource", refused)
            kind = response.content_type or "application/octet-stream"
            return self._image(url, Response(url, body=body, headers={"Content-Type": kind}))

        def _image(self, url: str, response: Any) -> Any:
            """An image read whole within its caps, and gray in grayscale mode; any other
            resource (and an SVG image in color) as it came."""
            kind = response.content_type or ""
            raster = kind.startswith("image/") and kind != "image/svg+xml"
            if not raster and not (grayscale and kind.startswith("image/")):
                return response
            body = read_capped(url, response, MAX_IMAGE_BYTES, "an image", refused)
            if raster:
                check_pixels(url, body, refused)
            if grayscale:
                body, kind = to_grayscale(body, kind)
            return Response(url, body=body, headers={"Content-Type": kind})

    protocols = {"file", "data", "http", "https"} if remote else {"file", "data"}
    return ConfinedFetcher(
        timeout=REMOTE_TIMEOUT, allowed_protocols=protocols, allow_redirects=False
    )


_SVG_COLOR = re.compile(
    r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|rgba?\([^)]*\)"
    r"|(?<=[\"':\s])(?:red|green|blue|yellow|orange|purple|navy|teal|maroon|olive|lime|aqua|"
    r"fuchsia|crimson|gold|silver|gray|grey|black|white)(?=[\"';\s])",
    re.IGNORECASE,
)


def _gray_color(found: re.Match[str]) -> str:
    from PIL import ImageColor

    try:
        rgb = ImageColor.getrgb(found.group(0))
    except ValueError:
        return found.group(0)
    level = round(0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2])
    return f"#{level:02x}{level:02x}{level:02x}"


def to_grayscale(body: bytes, kind: str) -> tuple[bytes, str]:
    """An image in shades of gray: raster images through Pillow, SVG by its colors."""
    if kind == "image/svg+xml":
        text = body.decode("utf-8", errors="replace")
        return _SVG_COLOR.sub(_gray_color, text).encode(), kind
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(body)) as image:
            image.load()
            mode = (
                "LA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info else "L"
            )
            out = io.BytesIO()
            image.convert(mode).save(out, format="PNG")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return body, kind  # WeasyPrint reports an unreadable image itself
    return out.getvalue(), "image/png"
