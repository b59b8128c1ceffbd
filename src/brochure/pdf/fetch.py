"""The confined fetcher: the only way a document loads anything, and so the security
boundary docs/SECURITY.md names. Files only under the allowed roots, http(s) only when
allowed, every resource capped in bytes and pixels; images turned gray for grayscale.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
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


def confined_fetcher(
    roots: Sequence[Path], refused: list[str], grayscale: bool = False, remote: bool = False
) -> Any:
    weasyprint = load_weasyprint()
    URLFetcher = weasyprint.urls.URLFetcher
    Response = weasyprint.urls.URLFetcherResponse

    resolved = [root.resolve() for root in roots]

    class ConfinedFetcher(URLFetcher):  # type: ignore[misc,valid-type]
        """Serves files under `roots` and small `data:` URLs; refuses everything else.

        With `remote`, http(s) too: one request each, with a timeout and a size
        cap, and no redirects (a redirect could lead anywhere, unchecked). In
        grayscale mode images are turned gray as they are read, so that a theme's
        colored logo prints without color on every layout.
        """

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                if len(url) > MAX_DATA_URL:
                    refused.append(f"data: URL larger than {MAX_DATA_URL // 1_000_000} MB")
                    raise ValueError("refused to read a data: URL this large")
            elif scheme == "file":
                named = Path(unquote(urlsplit(url).path))
                target = named.resolve()
                # Name the reference as written, and where it really leads.
                shown = str(named) if named == target else f"{named} (a link to {target})"
                if not any(target.is_relative_to(root) for root in resolved) and not (
                    _system_font(target)
                ):
                    refused.append(f"{shown} is outside the layout and profile folders")
                    raise ValueError(f"refused to read {target}")
                if target.exists() and not target.is_file():  # a device, a pipe, a folder
                    refused.append(f"{shown} is not a regular file")
                    raise ValueError(f"refused to read {target}")
                if target.is_file() and target.stat().st_size > MAX_FILE_BYTES:
                    refused.append(f"{shown} is larger than {MAX_FILE_BYTES // 1_000_000} MB")
                    raise ValueError(f"refused to read {target}")
            elif remote and scheme in ("http", "https"):
                return self._remote(url, headers)
            else:
                why = "network access is off" if scheme in ("http", "https") else "not a file"
                refused.append(f"{url[:200]} ({why})")
                raise ValueError(f"refused to fetch {url[:200]}")
            response = super().fetch(url, headers)
            return self._gray(url, self._sized(url, response))

        def _body(self, url: str, response: Any, limit: int, what: str) -> bytes:
            """At most `limit` bytes of a response; more is refused, not truncated."""
            try:
                body: bytes = response.read(limit + 1)
            finally:
                response.close()
            if len(body) > limit:
                refused.append(f"{shown_url(url)} is larger than {limit // 1_000_000} MB")
                raise ValueError(f"refused to read {what} this large")
            return body

        def _sized(self, url: str, response: Any) -> Any:
            """Refuse a raster image whose header says it is over the pixel cap: a
            small file can decode to gigabytes. Only the header is parsed here."""
            kind = response.content_type or ""
            if not kind.startswith("image/") or kind == "image/svg+xml":
                return response
            body = self._body(url, response, MAX_IMAGE_BYTES, "an image")
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
            return Response(url, body=body, headers={"Content-Type": kind})

        def _remote(self, url: str, headers: Any) -> Any:
            from urllib.error import HTTPError, URLError

            try:
                response = super().fetch(url, headers)
            except HTTPError as err:  # redirects land here too: they are not followed
                refused.append(f"{url[:200]} (HTTP {err.code})")
                raise ValueError(f"refused to use HTTP {err.code}") from None
            except (URLError, OSError) as err:
                refused.append(f"{url[:200]} could not be fetched ({err})")
                raise ValueError("refused to fetch: it failed") from None
            body = self._body(url, response, MAX_REMOTE_BYTES, "a resource")
            kind = response.content_type or "application/octet-stream"
            loaded = Response(url, body=body, headers={"Content-Type": kind})
            return self._gray(url, self._sized(url, loaded))

        def _gray(self, url: str, response: Any) -> Any:
            if not grayscale:
                return response
            kind = response.content_type or ""
            if not kind.startswith("image/"):
                return response
            body = self._body(url, response, MAX_IMAGE_BYTES, "an image")
            gray, kind = to_grayscale(body, kind)
            return Response(url, body=gray, headers={"Content-Type": kind})

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
