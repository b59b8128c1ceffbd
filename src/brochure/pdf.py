"""Merged HTML → PDF bytes with WeasyPrint: confined fetching, fixed metadata, warnings kept."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .errors import RenderError
from .icc import OutputIntent
from .paper import MARKS, MAX_BLEED, MM
from .typography import SPARSE_LAST_PAGE, Line, Piece, check

PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b", "pdf/x-4")  # accessible (default), archive, print shop
# PDF/X requires creation and modification dates. Written from SOURCE_DATE_EPOCH when it is
# set (the reproducible-builds convention), else this fixed date: the same inputs must give
# the same bytes, and a render's wall-clock time says nothing about its content.
FIXED_DATE = "2000-01-01T00:00:00+00:00"

MAX_DATA_URL = 2_000_000
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_BYTES = 20_000_000
MAX_FILE_BYTES = 20_000_000  # one local resource: an image, a stylesheet, a font
MAX_REMOTE_BYTES = 10_000_000  # one http(s) resource, with --allow-remote
REMOTE_TIMEOUT = 10  # seconds per http(s) request, with --allow-remote

# The PDF/X output intent: the sRGB profile WeasyPrint ships for PDF/A, named as the
# ICC registry names the condition, so that nothing is fetched and nothing guessed.
OUTPUT_CONDITION = "sRGB IEC61966-2.1"
ICC_REGISTRY = "http://www.color.org"
MARK_SPACE = 10 * MM  # the least room outside the trim for printer's marks


@dataclass(frozen=True)
class Trim:
    """What goes around every page for a print shop: a bleed and printer's marks.

    `bleed` (PDF points) is how far bands and backgrounds run past the trim; `marks`
    are among `paper.MARKS`. With neither, nothing is added and a layout's own
    `@page` rules stand.
    """

    bleed: float = 0.0
    marks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.bleed <= MAX_BLEED + 1e-9:
            raise RenderError(f"a bleed must be between 0 and {MAX_BLEED / MM:g}mm")
        unknown = [mark for mark in self.marks if mark not in MARKS]
        if unknown:
            raise RenderError(f"unknown printer's marks {unknown} (available: {', '.join(MARKS)})")

    @property
    def wanted(self) -> bool:
        return bool(self.bleed or self.marks)

    @property
    def reach(self) -> float:
        """How far the PDF page reaches past the trim, in points.

        WeasyPrint draws marks in the outer half of this room, so with marks it is
        at least twice the bleed plus 2 mm: the marks start a millimetre clear of
        the bleed, where they would be printed over and cut into.
        """
        if not self.marks:
            return self.bleed
        return max(MARK_SPACE, 2 * (self.bleed + MM))

    def css(self) -> str:
        """The rules that give every page, named or not, the room for the bleed and marks.

        `!important` lets them win over a layout's own `@page` rules whatever their
        selectors; `--bleed` tells the layout how far its edge bands must reach.
        WeasyPrint is asked for no marks: it would draw them in RGB black, and the
        finisher draws them in the registration color instead (`_draw_marks`).
        """
        return (
            f"<style>:root {{ --bleed: {self.bleed:.6f}pt; }}\n"
            f"@page {{ bleed: {self.reach:.6f}pt !important; marks: none !important; }}"
            "</style>"
        )


NO_TRIM = Trim()


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


@dataclass
class PdfResult:
    """A rendered PDF, how many pages it has, and what WeasyPrint complained about.

    `fit` names the fit stylesheet that was applied, if the layout needed one;
    `anchors` maps each element id to the (0-based) page it starts on; `typography`
    lists what a typesetter would send back (`Laid.typography`), each also a warning.
    """

    data: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)
    fit: str | None = None
    last_page_fill: float = 1.0
    page_fills: list[float] = field(default_factory=list)
    anchors: dict[str, int] = field(default_factory=dict)
    typography: list[str] = field(default_factory=list)


_font_config: Any = None


def _fonts() -> Any:
    """One FontConfiguration per process: building it costs more than laying out a page."""
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def _shown(url: str) -> str:
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


def _fetcher(
    roots: Sequence[Path], refused: list[str], grayscale: bool = False, remote: bool = False
) -> Any:
    weasyprint = _weasyprint()
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
                refused.append(f"{_shown(url)} is larger than {limit // 1_000_000} MB")
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
                    f"{_shown(url)} has more than {MAX_IMAGE_PIXELS // 1_000_000} million "
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


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(" ".join(record.getMessage().split()))


@contextmanager
def _captured() -> Iterator[_Collect]:
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def _page_content(page_box: Any) -> Iterator[Any]:
    """Every box laid out on a page, except the margin boxes (running header and footer)."""
    from weasyprint.formatting_structure import boxes

    for child in page_box.children:
        if not isinstance(child, boxes.MarginBox):
            # placeholders=True: absolutely positioned boxes (a step number) count too.
            yield from child.descendants(placeholders=True)


_INVISIBLE = str.maketrans("", "", "\u200b\u00ad\u2060\ufeff")


class _BodyText(HTMLParser):
    """The letters of an HTML document's body, as a reader would see them."""

    SKIP = frozenset({"head", "style", "script", "title", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.count = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.count += _letters(data)


def _letters(text: str) -> int:
    return sum(1 for ch in text.translate(_INVISIBLE) if not ch.isspace())


def _source_chars(html: str) -> int:
    parser = _BodyText()
    parser.feed(html)
    parser.close()
    return parser.count


def _laid_chars(document: Any) -> int:
    from weasyprint.formatting_structure import boxes

    return sum(
        _letters(box.text)
        for page in document.pages
        for box in _page_content(page._page_box)
        if isinstance(box, boxes.TextBox)
    )


def _page_fill(page: Any) -> float:
    """How much of a page's content area holds content, from 0 to 1."""
    from weasyprint.formatting_structure import boxes

    top = page.content_box_y()
    bottom = top
    for box in _page_content(page):
        if isinstance(box, boxes.LineBox | boxes.ReplacedBox) or (
            isinstance(box, boxes.BlockBox) and not box.children
        ):
            bottom = max(bottom, box.position_y + box.margin_height())
    return float(min(1.0, max(0.0, (bottom - top) / page.height)))


def _last_page_fill(document: Any) -> float:
    return _page_fill(document.pages[-1]._page_box)


SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"


def _weasyprint() -> Any:
    """Import WeasyPrint late (it is slow to load) and explain a missing Pango."""
    try:
        import PIL.Image
        import weasyprint
    except OSError as err:
        raise RenderError(
            f"WeasyPrint cannot load its system libraries ({err}); "
            f"install them with: sudo apt-get install {SYSTEM_PACKAGES}"
        ) from None
    # A small image file can decode to gigabytes; Pillow refuses past twice this.
    PIL.Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    _keep_font_dates()
    return weasyprint


def _keep_font_dates() -> None:
    """Font programs keep the dates of the font files they come from.

    Where WeasyPrint subsets, instances or unpacks a font with fontTools (no
    HarfBuzz-Subset on the machine, a variable font, a WOFF file), fontTools stamps the
    wall clock into the font's `head` table when it saves it, so two renders a second
    apart differed. With `recalcTimestamp=False` the date is the input font's own.
    """
    import weasyprint.pdf.fonts
    import weasyprint.text.fonts
    from fontTools.ttLib import TTFont

    if getattr(weasyprint.pdf.fonts.TTFont, "keeps_input_dates", False):
        return

    class InputDatedFont(TTFont):  # type: ignore[misc]
        keeps_input_dates = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("recalcTimestamp", False)
            super().__init__(*args, **kwargs)

    weasyprint.pdf.fonts.TTFont = InputDatedFont
    weasyprint.text.fonts.TTFont = InputDatedFont


def _overflowing_text(document: Any, limit: int = 3) -> list[str]:
    """Text laid out beyond its page's content box: it would be cut off or run off paper.

    WeasyPrint lets content overflow silently (a too-wide table, a long word in a narrow
    cell); a print layout wants to hear about it.
    """
    from weasyprint.formatting_structure import boxes

    found: list[str] = []
    for number, page in enumerate(document.pages, start=1):
        box = page._page_box
        left, top = box.content_box_x(), box.content_box_y()
        right, bottom = left + box.width, top + box.height
        for text in _page_content(box):
            if not isinstance(text, boxes.TextBox) or not text.text.strip():
                continue
            x, y = text.position_x, text.position_y
            if (
                x < left - 1
                or x + text.width > right + 1
                or y < top - 1
                or y + text.height > bottom + 1
            ):
                found.append(f"text runs off page {number}: {text.text.strip()[:40]!r}")
                if len(found) >= limit:
                    return found
    return found


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_KINDS = {"li": "list item", "td": "table cell", "th": "table cell", "dd": "description"}


def _number(value: Any) -> float:
    """A laid-out length, or 0 where a box has none (`auto` on a box never laid out)."""
    return float(value) if isinstance(value, int | float) else 0.0


def _height(box: Any) -> float:
    """A line's height, or an image's with its margins; 0 for a box never laid out."""
    try:
        return _number(box.margin_height())
    except (TypeError, AttributeError):  # `auto` left on a box outside the flow
        return 0.0


def _words(box: Any) -> str:
    """The text of a laid-out box, spaces as laid out, ends stripped."""
    from weasyprint.formatting_structure import boxes

    return "".join(
        t.text for t in box.descendants(placeholders=True) if isinstance(t, boxes.TextBox)
    ).strip()


def _has_image(box: Any) -> bool:
    from weasyprint.formatting_structure import boxes

    return any(isinstance(b, boxes.ReplacedBox) for b in box.descendants(placeholders=True))


def _is_heading(box: Any, parent: Any) -> bool:
    """An h1 to h6 or `role="heading"` element's own box (not an anonymous box inside it)."""
    element = box.element
    if element is None or (parent is not None and parent.element is element):
        return False
    tag = box.element_tag
    get = getattr(element, "get", None)
    return tag in _HEADINGS or (get is not None and get("role") == "heading")


def _typeset(document: Any) -> tuple[list[Line], list[Piece]]:
    """The lines of a laid-out document in reading order, and its blocks of text piece by
    piece, as plain records for the checks in `typography`.

    A block broken across pages or columns is laid out as one box per piece, each a copy
    of the same box, so its element, tag and style name the block. Whether a piece goes
    on is WeasyPrint's own record of the edges it cut (`bottom` on the piece that goes
    on, `top` on the next), which also tells a broken block from sibling anonymous boxes
    of one element and a table header repeated on each page. A block set with
    `box-decoration-break: clone` keeps its edges and is not checked. Iterative, so a
    deeply nested user layout cannot exhaust the stack here.
    """
    from weasyprint.formatting_structure import boxes

    lines: list[Line] = []
    pieces: list[Piece] = []
    numbers: dict[tuple[object, ...], int] = {}

    def number(*key: object) -> int:
        return numbers.setdefault(key, len(numbers))

    for page_no, page in enumerate(document.pages):
        stack: list[tuple[Any, Any, int | None, int | None]] = [
            (child, None, None, None)
            for child in reversed(page._page_box.children)
            # The running header and footer, and footnotes: not the flow of the text.
            if not isinstance(child, boxes.MarginBox | boxes.FootnoteAreaBox)
        ]
        while stack:
            box, parent, column, heading = stack.pop()
            box = getattr(box, "_box", box)  # an absolutely positioned box's placeholder
            if not isinstance(box, boxes.Box):
                continue
            if box.is_column:
                column = number(0, id(box))
            if heading is None and _is_heading(box, parent):
                heading = number(1, id(box.element))
            if isinstance(box, boxes.LineBox | boxes.ReplacedBox):
                text = _words(box)
                if text or _has_image(box):
                    top = _number(box.position_y)
                    lines.append(Line(page_no, top, top + _height(box), column, heading, text))
                continue  # a line's inline-blocks are part of the line
            counted = [
                child
                for child in box.children
                if isinstance(child, boxes.LineBox) and _words(child)
            ]
            if counted:
                sides = getattr(box, "remove_decoration_sides", None) or ()
                pieces.append(
                    Piece(
                        block=number(2, id(box.element), id(box.style), box.element_tag),
                        page=page_no,
                        column=column,
                        lines=len(counted),
                        continues="bottom" in sides,
                        continued="top" in sides,
                        kind=_KINDS.get(str(box.element_tag).split("::")[0], "paragraph"),
                        text=" ".join(_words(line) for line in counted[:3]),
                    )
                )
            stack.extend((child, box, column, heading) for child in reversed(box.children))
    return lines, pieces


def _with_head(html: str, markup: str) -> str:
    """`html` with `markup` last in `<head>`, so that its rules win.

    WeasyPrint's own `stylesheets=` argument adds user-origin sheets, which lose
    to the layout's author CSS, so fit sheets and print rules go in the document.
    """
    head_end = html.lower().rfind("</head>")
    if head_end < 0:
        return markup + html
    return html[:head_end] + markup + html[head_end:]


def _with_stylesheet(html: str, sheet: Path) -> str:
    """`html` with one more author stylesheet, linked last in `<head>`."""
    return _with_head(html, f'<link rel="stylesheet" href="{sheet.resolve().as_uri()}">')


def _lay_out(html: str, base: Path, fetcher: Any, extra: Path | None, trim: Trim) -> Any:
    HTML = _weasyprint().HTML
    if extra is not None:
        html = _with_stylesheet(html, extra)
    if trim.wanted:
        html = _with_head(html, trim.css())
    return HTML(string=html, base_url=f"{base.resolve().as_uri()}/", url_fetcher=fetcher).render(
        font_config=_fonts()
    )


_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


def _stable_document_id(pdf: Any, info: PdfInfo) -> None:
    import uuid

    reference = pdf.catalog.get("Metadata")
    if not reference:
        return
    text = reference.decode() if isinstance(reference, bytes) else str(reference)
    stream = pdf.objects[int(text.split()[0])]
    name = "\0".join([info.title, info.subject, info.lang, info.variant, *map(str, info.custom)])
    stable = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, name)}".encode()
    stream.stream = [
        _DOCUMENT_ID.sub(stable, part.encode() if isinstance(part, str) else bytes(part))
        for part in stream.stream
    ]


_MEDIA_TYPES = {".yaml": "/application#2fyaml", ".yml": "/application#2fyaml"}


def _tidy_attachments(pdf: Any) -> None:
    """Name YAML files' media type (WeasyPrint's guess is application/octet-stream), and
    list each file once in the catalog's /AF (PDF/A-3), where WeasyPrint lists it twice."""
    for item in pdf.objects:
        if isinstance(item, dict) and item.get("Type") == "/Filespec" and "EF" in item:
            suffix = Path(item["UF"].string).suffix.lower()
            if suffix in _MEDIA_TYPES:
                stream = pdf.objects[int(item["EF"]["F"].split()[0])]
                stream.extra["Subtype"] = _MEDIA_TYPES[suffix]
    if "AF" in pdf.catalog:
        pdf.catalog["AF"][:] = list(dict.fromkeys(pdf.catalog["AF"]))


def _set_bleed_boxes(pdf: Any, bleed: float) -> None:
    """Every page's BleedBox at `bleed` points outside its TrimBox.

    WeasyPrint's page reaches past the trim by the bleed plus the room for marks,
    and it puts the BleedBox at most 10 points out; a print shop reads the box.
    """
    import pydyf

    kids = pdf.pages["Kids"]
    for number in kids[0::3]:
        page = pdf.objects[number]
        left, bottom, right, top = (float(v) for v in page["TrimBox"])
        page["BleedBox"] = pydyf.Array([left - bleed, bottom - bleed, right + bleed, top + bleed])


def _object_number(reference: Any) -> int:
    """The object number of an indirect reference as pydyf writes it (`b"12 0 R"`)."""
    text = reference.decode() if isinstance(reference, bytes) else str(reference)
    return int(text.split()[0])


def _color_spaces(pdf: Any) -> Any:
    """The ColorSpace dictionary of the document's resources.

    WeasyPrint writes one resource dictionary for every page, and its forms and
    patterns refer to the same ColorSpace dictionary: what is named here is named
    for all the content.
    """
    page = pdf.objects[pdf.pages["Kids"][0]]
    resources = pdf.objects[_object_number(page["Resources"])]
    return pdf.objects[_object_number(resources["ColorSpace"])]


def _name_output_intent(pdf: Any, shop: OutputIntent | None) -> None:
    """Give the output intent WeasyPrint wrote its name, or the print shop's profile.

    Without `shop`, the sRGB profile WeasyPrint embedded is named as the ICC registry
    names that condition (WeasyPrint names it after the profile's file). With one, its
    file goes in unchanged as the DestOutputProfile, named by its own description: no
    registry is claimed, since a description that reads like a registered condition
    ("FOGRA39") may be a shop's variant of it, and the embedded profile is what a RIP
    uses. WeasyPrint writes every color as DeviceRGB, meaning sRGB; under a CMYK or
    gray condition DeviceRGB means nothing, so DefaultRGB says it is sRGB (the usual
    repair for device colors that do not match a PDF/X output intent).
    """
    import pydyf

    intents = pdf.catalog.get("OutputIntents") or []
    if shop is None:
        for intent in intents:
            intent["OutputConditionIdentifier"] = pydyf.String(OUTPUT_CONDITION)
            intent["OutputCondition"] = pydyf.String(OUTPUT_CONDITION)
            intent["Info"] = pydyf.String(OUTPUT_CONDITION)
            intent["RegistryName"] = pydyf.String(ICC_REGISTRY)
        return
    profile = pydyf.Stream([shop.data], pydyf.Dictionary({"N": shop.components}), compress=True)
    pdf.add_object(profile)
    for intent in intents:
        intent["DestOutputProfile"] = profile.reference
        for key in ("OutputConditionIdentifier", "OutputCondition", "Info"):
            intent[key] = pydyf.String(shop.description)
        intent.pop("RegistryName", None)
    spaces = _color_spaces(pdf)
    spaces["DefaultRGB"] = spaces["srgb"]


# Printer's marks as WeasyPrint 70 draws them for CSS `marks` (an SVG in the outer half
# of the page's reach past the trim), in points: crop marks 1 CSS px wide, the lines of
# a registration target half that, its circle a quarter.
CROP_LINE = 0.75
TARGET_LINE = CROP_LINE / 2
TARGET_CIRCLE = CROP_LINE / 4
_KAPPA = 0.5523  # a quarter circle as one Bezier curve: handles this much of the radius
REGISTRATION = "Registration"  # the color space's name in the page resources


def _at(*values: float) -> str:
    return " ".join(f"{value:.3f}" for value in values)


def mark_operators(media: Sequence[float], trim: Sequence[float], marks: Sequence[str]) -> str:
    """PDF drawing operators for printer's marks around `trim`, inside `media`.

    Where and how long, as WeasyPrint draws them: a crop mark runs along each trim line
    from the paper's edge over half the room outside the trim; a registration target
    sits mid-edge, its line from the edge over half the room, its cross bar and circle
    centred a quarter of the way in. Boxes are (left, bottom, right, top) in points.
    """
    m_left, m_bottom, m_right, m_top = media
    t_left, t_bottom, t_right, t_top = trim
    room = {"left": t_left - m_left, "bottom": t_bottom - m_bottom}
    room |= {"right": m_right - t_right, "top": m_top - t_top}
    ops: list[str] = []
    if "crop" in marks:
        ops.append(f"{CROP_LINE:g} w")
        for y in (t_top, t_bottom):
            ops.append(f"{_at(m_left, y)} m {_at(m_left + room['left'] / 2, y)} l")
            ops.append(f"{_at(m_right, y)} m {_at(m_right - room['right'] / 2, y)} l")
        for x in (t_left, t_right):
            ops.append(f"{_at(x, m_top)} m {_at(x, m_top - room['top'] / 2)} l")
            ops.append(f"{_at(x, m_bottom)} m {_at(x, m_bottom + room['bottom'] / 2)} l")
        ops.append("S")
    if "cross" in marks:
        middle_x, middle_y = (m_left + m_right) / 2, (m_bottom + m_top) / 2
        targets = (  # where on the paper's edge, which way is in, how much room
            ((middle_x, m_top), (0, -1), room["top"]),
            ((middle_x, m_bottom), (0, 1), room["bottom"]),
            ((m_left, middle_y), (1, 0), room["left"]),
            ((m_right, middle_y), (-1, 0), room["right"]),
        )
        lines, circles = [f"{TARGET_LINE:g} w"], [f"{TARGET_CIRCLE:g} w"]
        for (x, y), (dx, dy), reach in targets:
            quarter = reach / 4
            cx, cy = x + dx * quarter, y + dy * quarter
            lines.append(f"{_at(x, y)} m {_at(x + 2 * dx * quarter, y + 2 * dy * quarter)} l")
            lines.append(
                f"{_at(cx - dy * quarter, cy - dx * quarter)} m "
                f"{_at(cx + dy * quarter, cy + dx * quarter)} l"
            )
            r = reach / 8
            k = _KAPPA * r
            circles.append(
                f"{_at(cx + r, cy)} m "
                f"{_at(cx + r, cy + k, cx + k, cy + r, cx, cy + r)} c "
                f"{_at(cx - k, cy + r, cx - r, cy + k, cx - r, cy)} c "
                f"{_at(cx - r, cy - k, cx - k, cy - r, cx, cy - r)} c "
                f"{_at(cx + k, cy - r, cx + r, cy - k, cx + r, cy)} c h"
            )
        ops += [*lines, "S", *circles, "S"]
    return "\n".join(ops)


def _registration(spaces: Any, shop: OutputIntent | None) -> Any:
    """The registration color: the Separation named All, which prints on every plate.

    Where nothing separates (a screen, an office printer) its alternate is black in the
    output intent's own terms: CMYK 1 1 1 1 under a CMYK condition, else black in the
    document's sRGB profile, or DeviceGray in a file with no output intent (PDF/UA);
    none of these is a device color that the file's standard would refuse.
    """
    import pydyf

    if shop is not None and shop.color_space == "CMYK":
        alternate, white, black = "/DeviceCMYK", [0, 0, 0, 0], [1, 1, 1, 1]
    elif "srgb" in spaces:
        alternate, white, black = spaces["srgb"], [1, 1, 1], [0, 0, 0]
    else:
        alternate, white, black = "/DeviceGray", [1], [0]
    tint = pydyf.Dictionary(
        {
            "FunctionType": 2,
            "Domain": pydyf.Array([0, 1]),
            "C0": pydyf.Array(white),
            "C1": pydyf.Array(black),
            "N": 1,
        }
    )
    return pydyf.Array(["/Separation", "/All", alternate, tint])


def _draw_marks(pdf: Any, marks: Sequence[str], shop: OutputIntent | None) -> None:
    """Crop marks and registration targets on every page, in the registration color.

    WeasyPrint draws them in RGB black, which a press prints as a mix of inks on each
    plate (or, converted, on the black plate only); a print shop lines plates up by
    marks that print on all of them. They go last in each page's content, as
    WeasyPrint's went over the page's background, and the page's own content is put
    between q and Q so that its coordinate system does not carry over. In a tagged
    PDF they are artifacts of the kind the PDF standard names for cut marks (Page).
    """
    spaces = _color_spaces(pdf)
    spaces[REGISTRATION] = _registration(spaces, shop)
    for number in pdf.pages["Kids"][0::3]:
        page = pdf.objects[number]
        media = [float(v) for v in page["MediaBox"]]
        trim = [float(v) for v in page["TrimBox"]]
        drawn = mark_operators(media, trim, marks)
        content = pdf.objects[_object_number(page["Contents"])]
        content.stream.insert(0, b"q")
        content.stream += [
            b"Q",
            b"/Artifact << /Type /Page >> BDC q",
            f"/{REGISTRATION} CS 1 SCN 0 J 0 j [] 0 d".encode(),
            drawn.encode(),
            b"Q EMC",
        ]


def _finisher(front_pages: int | None, info: PdfInfo, trim: Trim = NO_TRIM) -> Any:
    """A PDF writer hook for what WeasyPrint does not write itself.

    Page labels (front matter i, ii, …, the rest 1, 2, …) and extra Info entries go in
    as WeasyPrint finishes the file, rather than by rewriting the PDF with pypdf,
    which would drop the compressed object streams and nearly triple the size of a
    tagged booklet (docs/DESIGN.md). For PDF/X, WeasyPrint writes a random XMP
    document id; it is replaced by one derived from the document, so the same
    inputs still give the same bytes; and the output intent gets its name, or becomes
    the print shop's profile. With a bleed or marks, each page's BleedBox is put where
    the bleed ends, and the marks are drawn in the registration color.
    """
    import pydyf

    def finisher(document: Any, pdf: Any) -> None:
        for name, value in info.custom:
            pdf.info[name] = pydyf.String(value)
        if info.attachments:
            _tidy_attachments(pdf)
        if info.variant.startswith("pdf/x"):
            _stable_document_id(pdf, info)
            _name_output_intent(pdf, info.output_intent)
        if trim.wanted:
            _set_bleed_boxes(pdf, trim.bleed)
        if trim.marks:
            _draw_marks(pdf, trim.marks, info.output_intent)
        if front_pages is None:
            return
        numbers = pydyf.Array()
        if front_pages:
            numbers.extend([0, pydyf.Dictionary({"S": "/r"})])
        numbers.extend([front_pages, pydyf.Dictionary({"S": "/D", "St": 1})])
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": numbers})

    return finisher


_CSS_WARNING = re.compile(r"^(Ignored .* at )(\d+):(\d+)(, .*)$")


@cache
def _stylesheet_warnings(sheets: tuple[Path, ...]) -> dict[str, str]:
    """WeasyPrint's CSS warnings for each stylesheet, re-worded with the file's path.

    WeasyPrint reports "Ignored `colr: red` at 3:6, unknown property." without
    saying in which stylesheet; parsing each of a layout's files once tells us.
    """
    weasyprint = _weasyprint()
    located: dict[str, str] = {}
    for sheet in sheets:
        with _captured() as log:
            try:
                weasyprint.CSS(filename=str(sheet), font_config=_fonts())
            except Exception:  # an unreadable sheet is reported by the render itself
                continue
        for message in log.messages:
            found = _CSS_WARNING.match(message)
            if found:
                what, line, column, why = found.groups()
                located[message] = (
                    f"{sheet}:{line}:{column}: {what.strip().removesuffix(' at')}{why}"
                )
    return located


def forget_stylesheets() -> None:
    """Drop stylesheet notes, for a long-lived process whose layout files changed."""
    _stylesheet_warnings.cache_clear()


@dataclass
class Laid:
    """A laid-out document, what was refused while loading it, and what WeasyPrint said."""

    document: Any
    refused: list[str]
    messages: list[str]
    trim: Trim = NO_TRIM

    @property
    def pages(self) -> int:
        return len(self.document.pages)

    @property
    def fill(self) -> float:
        return _last_page_fill(self.document)

    def overflowing(self, limit: int = 3) -> list[str]:
        return _overflowing_text(self.document, limit)

    def typography(self, min_last_page: float = SPARSE_LAST_PAGE) -> list[str]:
        """What a typesetter would send back, one line each (see `typography.check`):
        text off the page, a heading parted from its text, a paragraph leaving one line
        on either side of a page or column break, and (past one page) a last page less
        than `min_last_page` full."""
        lines, pieces = _typeset(self.document)
        return check(
            lines,
            pieces,
            pages=self.pages,
            fill=self.fill,
            overflow=self.overflowing(),
            least=min_last_page,
        )

    def lost_text(self, html: str) -> int:
        """How many characters of the document's text were not laid out on any page.

        WeasyPrint silently drops what does not fit a box of fixed size (a flex or
        grid item, a fixed-height panel): the page count and the page box look fine
        while words are gone. Counting letters before and after catches it.
        """
        return max(0, _source_chars(html) - _laid_chars(self.document))

    def text_at_page(self, index: int, length: int = 60) -> str:
        """The first words laid out on page `index` (0-based): where content ran over."""
        from weasyprint.formatting_structure import boxes

        if index >= len(self.document.pages):
            return ""
        words: list[str] = []
        for box in _page_content(self.document.pages[index]._page_box):
            if isinstance(box, boxes.TextBox) and box.text.strip():
                words.append(box.text.strip())
                if sum(len(w) + 1 for w in words) >= length:
                    break
        return " ".join(words)[:length]


def lay_out(
    html: str,
    *,
    base: Path,
    roots: Sequence[Path],
    extra: Path | None = None,
    grayscale: bool = False,
    remote: bool = False,
    trim: Trim = NO_TRIM,
) -> Laid:
    """Lay out `html`; relative URLs resolve against `base`, files only under `roots`.

    `extra` is one more author stylesheet (a fit step), linked last so that it wins.
    `remote` allows http(s) resources (capped, see `_fetcher`). `trim` adds a
    bleed and printer's marks around every page.
    """
    refused: list[str] = []
    fetcher = _fetcher(roots, refused, grayscale, remote)
    with _captured() as log:
        try:
            document = _lay_out(html, base, fetcher, extra, trim)
        except RecursionError:
            raise RenderError("the document is nested too deeply to lay out") from None
        except MemoryError:
            raise RenderError("ran out of memory while laying out the document") from None
    return Laid(document, refused, log.messages, trim)


def _fixed_date() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.fromisoformat(FIXED_DATE)


def _attachments(items: Sequence[Attached]) -> list[Any]:
    """WeasyPrint attachments for `items`, dated like the document so bytes stay stable.

    PDF/A-3 names each one's relationship to the document: these are its sources.
    """
    weasyprint = _weasyprint()
    when = _fixed_date()
    return [
        weasyprint.Attachment(
            string=item.data,
            name=item.name,
            description=item.description,
            created=when,
            modified=when,
            relationship="Source",
        )
        for item in items
    ]


_NOTDEF = re.compile(
    r'^\.notdef glyph rendered for Unicode string unsupported by fonts: "(.*)" \(U\+'
)


_NOT_FOUND = re.compile(
    r"^Failed to load (\w+) at '(file:[^']*)': .*No such file or directory", re.DOTALL
)


def _missing_file(message: str) -> str | None:
    """WeasyPrint's 'Failed to load image at file://…: URLError: <urlopen error [Errno 2]…'
    as a person would say it: `image not found: /path/x.png`."""
    found = _NOT_FOUND.match(message)
    return f"{found.group(1)} not found: {_shown(found.group(2))}" if found else None


_NO_ALT = re.compile(r'^Image ".*" has no required alt description$', re.DOTALL)


def _tofu_warning(characters: list[str]) -> str:
    """One warning for every character no font could draw (WeasyPrint logs each)."""
    shown = " ".join(f"{c} (U+{ord(c):04X})" for c in characters[:5] if len(c) == 1)
    more = f" and {len(characters) - 5} more" if len(characters) > 5 else ""
    return (
        f"no installed font can draw {len(characters)} character"
        f"{'s' * (len(characters) != 1)}, printed as empty boxes: {shown}{more}; "
        "install a font that covers them (e.g. fonts-noto-cjk, fonts-noto-core)"
    )


def finish(
    laid: Laid,
    *,
    info: PdfInfo,
    number_from: str | None = None,
    stylesheets: Sequence[Path] = (),
    fit: str | None = None,
    min_last_page: float = SPARSE_LAST_PAGE,
) -> PdfResult:
    """Write a laid-out document as PDF bytes that depend only on the inputs.

    With `number_from`, the pages before the element of that id are labelled as
    front matter (i, ii) and numbering starts at 1 on its page. CSS warnings from
    `stylesheets` are reported at their file, line and column; typographic problems
    (`Laid.typography`, with `min_last_page`) come as warnings starting `typography:`.
    No creation date is written, so rendering twice gives identical bytes.
    """
    document = laid.document
    meta = document.metadata
    meta.title = info.title
    meta.description = info.subject or None
    meta.keywords = list(info.keywords)
    meta.lang = info.lang
    meta.generator = info.creator
    is_x = info.variant.startswith("pdf/x")
    meta.created = meta.modified = _fixed_date().isoformat(timespec="seconds") if is_x else None
    # Files named by <link rel=attachment> in a template would be embedded in
    # the PDF: a layout must not be a way to carry files out. Only the inputs the
    # caller chose to attach go in.
    meta.attachments = _attachments(info.attachments)
    # The same goes for `<a rel="attachment" href="…">`, which WeasyPrint turns into a
    # file-attachment annotation: the link is dropped before anything is fetched.
    refused = list(laid.refused)
    for page in document.pages:
        kept = [link for link in page.links if link[0] != "attachment"]
        if len(kept) < len(page.links):
            refused += [
                f"{_shown(link[1])} (a link may not attach a file; --attach-source attaches "
                "the inputs)"
                for link in page.links
                if link[0] == "attachment"
            ]
            page.links[:] = kept
    anchors: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, index)
    front = None
    if number_from is not None:
        if number_from not in anchors:
            raise RenderError(f"nothing in the document has the id '{number_from}'")
        front = anchors[number_from]
    with _captured() as log:
        try:
            data = document.write_pdf(
                pdf_tags=True,
                pdf_variant=info.variant,
                # PDF/X needs an output intent; WeasyPrint writes one (its sRGB
                # profile) only when asked, as it does for PDF/A.
                output_intent="srgb" if info.variant.startswith("pdf/x") else None,
                finisher=_finisher(front, info, laid.trim),
            )
        except RecursionError:
            raise RenderError("the document is nested too deeply to write") from None
        except MemoryError:
            raise RenderError("ran out of memory while writing the document") from None
    assert isinstance(data, bytes)
    messages = laid.messages + log.messages
    warnings = [f"resource refused: {item}" for item in refused]
    typography = laid.typography(min_last_page)
    warnings += [f"typography: {problem}" for problem in typography]
    # Refused loads are already in `refused`; the HarfBuzz notice is about the machine
    # (the Makefile checks for the library), not about this document.
    complained = any(_CSS_WARNING.match(m) for m in messages)
    located = _stylesheet_warnings(tuple(stylesheets)) if stylesheets and complained else {}
    warnings += [
        located.get(m) or _missing_file(m) or m
        for m in messages
        if "refused to " not in m
        and "HarfBuzz-Subset" not in m
        and not _NOTDEF.match(m)
        and not _NO_ALT.match(m)  # the preflight names the image better
    ]
    missing = dict.fromkeys(m.group(1) for m in map(_NOTDEF.match, messages) if m)
    if missing:
        warnings.append(_tofu_warning(list(missing)))
    return PdfResult(
        data=data,
        pages=len(document.pages),
        warnings=list(dict.fromkeys(warnings)),
        fit=fit,
        last_page_fill=laid.fill,
        page_fills=[_page_fill(page._page_box) for page in document.pages],
        anchors=anchors,
        typography=typography,
    )


def html_to_pdf(
    html: str,
    *,
    base: Path,
    roots: Sequence[Path],
    info: PdfInfo,
    number_from: str | None = None,
    stylesheets: Sequence[Path] = (),
    grayscale: bool = False,
    remote: bool = False,
    trim: Trim = NO_TRIM,
) -> PdfResult:
    """Lay out and write in one go (a booklet: no fit steps, one pass)."""
    laid = lay_out(html, base=base, roots=roots, grayscale=grayscale, remote=remote, trim=trim)
    return finish(laid, info=info, number_from=number_from, stylesheets=stylesheets)
