"""Writing the PDF: metadata, attachments, page labels, fixed dates and ids, and
WeasyPrint's messages turned into located warnings. `html_to_pdf` does it all in one call.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import Notice, RenderError
from ..typography import SPARSE_LAST_PAGE
from .boxes import page_fills
from .engine import NO_TRIM, Laid, Trim, forget_parsed_sheets, lay_out
from .fetch import shown_url
from .info import Attached, PdfInfo
from .marks import draw_marks, name_output_intent, set_bleed_boxes
from .weasy import captured, fixed_date, load_weasyprint, shared_fonts


@dataclass
class PdfResult:
    """A rendered PDF, how many pages it has, and what WeasyPrint complained about.

    `fit` names the fit stylesheet that was applied, if the layout needed one;
    `anchors` maps each element id to the (0-based) page it starts on; `typography`
    lists what a typesetter would send back (`Laid.typography`), each also a warning.
    """

    data: bytes
    pages: int
    warnings: list[Notice] = field(default_factory=list)
    fit: str | None = None
    last_page_fill: float = 1.0
    page_fills: list[float] = field(default_factory=list)
    anchors: dict[str, int] = field(default_factory=dict)
    typography: list[str] = field(default_factory=list)


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
        margins_as_artifacts(pdf)
        for name, value in info.custom:
            pdf.info[name] = pydyf.String(value)
        if info.attachments:
            _tidy_attachments(pdf)
        if info.variant.startswith("pdf/x"):
            _stable_document_id(pdf, info)
            name_output_intent(pdf, info.output_intent)
        if trim.wanted:
            set_bleed_boxes(pdf, trim.bleed)
        if trim.marks:
            draw_marks(pdf, trim.marks, info.output_intent)
        if front_pages is None:
            return
        numbers = pydyf.Array()
        if front_pages:
            numbers.extend([0, pydyf.Dictionary({"S": "/r"})])
        numbers.extend([front_pages, pydyf.Dictionary({"S": "/D", "St": 1})])
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": numbers})

    return finisher


def margins_as_artifacts(pdf: Any) -> None:
    """Running heads and footers (page margin boxes) marked as pagination artifacts.

    WeasyPrint tags a margin box's text under structure elements it leaves out of the
    tree (its own comment: they could only be artifacts in PDF 2.0), so a screen reader
    never reaches them, yet they are not artifacts either: PDF/UA-1 fails on both
    counts. Every marked sequence whose element the tree does not reach is made an
    `/Artifact` of type `/Pagination` (PDF 1.7, 14.8.2.2), and its parent-tree entry null.
    """
    import pydyf

    def number(reference: Any) -> int | None:
        text = reference.decode() if isinstance(reference, bytes) else str(reference)
        head = text.split()
        return int(head[0]) if len(head) == 3 and head[2] == "R" and head[0].isdigit() else None

    def resolve(reference: Any) -> Any:
        found = number(reference)
        return pdf.objects[found] if found is not None else None

    root = resolve(pdf.catalog.get("StructTreeRoot", b""))
    if not isinstance(root, pydyf.Dictionary):
        return
    reached: set[int] = set()
    todo = [number(kid) for kid in root.get("K", [])]
    while todo:
        found = todo.pop()
        if found is None or found in reached:
            continue
        reached.add(found)
        element = pdf.objects[found]
        kids = element.get("K", []) if isinstance(element, pydyf.Dictionary) else []
        todo += [number(kid) for kid in kids if isinstance(kid, (bytes, str))]
    tree = resolve(root.get("ParentTree", b""))
    entries = tree.get("Nums", []) if isinstance(tree, pydyf.Dictionary) else []
    pages = pdf.page_references
    for key, owners in zip(entries[::2], entries[1::2], strict=False):
        if not isinstance(owners, pydyf.Array) or not isinstance(key, int) or key >= len(pages):
            continue
        lost = {mcid for mcid, owner in enumerate(owners) if number(owner) not in reached}
        if not lost:
            continue
        stream = resolve(resolve(pages[key])["Contents"])
        items = stream.stream
        for index, item in enumerate(items):
            if isinstance(item, pydyf.Dictionary) and item.get("MCID") in lost and index:
                items[index - 1] = "/Artifact"
                items[index] = pydyf.Dictionary({"Type": "/Pagination"})
        for mcid in lost:
            owners[mcid] = "null"


_CSS_WARNING = re.compile(r"^(Ignored .* at )(\d+):(\d+)(, .*)$")


@cache
def _stylesheet_warnings(sheets: tuple[Path, ...]) -> dict[str, Notice]:
    """WeasyPrint's CSS warnings for each stylesheet, re-worded with the file's path.

    WeasyPrint reports "Ignored `colr: red` at 3:6, unknown property." without
    saying in which stylesheet; parsing each of a layout's files once tells us.
    """
    weasyprint = load_weasyprint()
    located: dict[str, Notice] = {}
    for sheet in sheets:
        with captured() as log:
            try:
                weasyprint.CSS(filename=str(sheet), font_config=shared_fonts())
            except Exception:  # an unreadable sheet is reported by the render itself
                continue
        for message in log.messages:
            found = _CSS_WARNING.match(message)
            if found:
                what, line, column, why = found.groups()
                text = f"{sheet}:{line}:{column}: {what.strip().removesuffix(' at')}{why}"
                located[message] = Notice(text, "css", path=sheet, line=int(line), layout=True)
    return located


def forget_stylesheets() -> None:
    """Drop stylesheet notes and parsed sheets, for a long-lived process whose layout
    files changed."""
    _stylesheet_warnings.cache_clear()
    forget_parsed_sheets()


def _attachments(items: Sequence[Attached]) -> list[Any]:
    """WeasyPrint attachments for `items`, dated like the document so bytes stay stable.

    PDF/A-3 names each one's relationship to the document: these are its sources.
    """
    weasyprint = load_weasyprint()
    when = fixed_date()
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
    return f"{found.group(1)} not found: {shown_url(found.group(2))}" if found else None


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
    _set_metadata(document.metadata, info)
    refused = list(laid.refused) + _drop_attachment_links(document)
    anchors: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, index)
    front = None
    if number_from is not None:
        if number_from not in anchors:
            raise RenderError(f"nothing in the document has the id '{number_from}'")
        front = anchors[number_from]
    with captured() as log:
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
    typography = laid.typography(min_last_page)
    warnings = [Notice(f"resource refused: {item}", "resource") for item in refused]
    warnings += [Notice(f"typography: {problem}", "typography") for problem in typography]
    warnings += _renderer_warnings(laid.messages + log.messages, stylesheets)
    return PdfResult(
        data=data,
        pages=len(document.pages),
        warnings=list(dict.fromkeys(warnings)),
        fit=fit,
        last_page_fill=laid.fill,
        page_fills=page_fills(document),
        anchors=anchors,
        typography=typography,
    )


def _set_metadata(meta: Any, info: PdfInfo) -> None:
    meta.title = info.title
    meta.description = info.subject or None
    meta.keywords = list(info.keywords)
    meta.lang = info.lang
    meta.generator = info.creator
    is_x = info.variant.startswith("pdf/x")
    meta.created = meta.modified = fixed_date().isoformat(timespec="seconds") if is_x else None
    # Files named by <link rel=attachment> in a template would be embedded in
    # the PDF: a layout must not be a way to carry files out. Only the inputs the
    # caller chose to attach go in.
    meta.attachments = _attachments(info.attachments)


def _drop_attachment_links(document: Any) -> list[str]:
    """`<a rel="attachment" href="…">` would become a file-attachment annotation: a
    layout must not carry files out that way either. The links go before anything is
    fetched; what they named is returned, to be reported as refused."""
    refused: list[str] = []
    for page in document.pages:
        kept = [link for link in page.links if link[0] != "attachment"]
        if len(kept) < len(page.links):
            refused += [
                f"{shown_url(link[1])} (a link may not attach a file; --attach-source attaches "
                "the inputs)"
                for link in page.links
                if link[0] == "attachment"
            ]
            page.links[:] = kept
    return refused


def _renderer_warnings(messages: list[str], stylesheets: Sequence[Path]) -> list[Notice]:
    """WeasyPrint's log as warnings a person can act on: CSS at its file and line,
    a missing file by its path, every undrawable character in one warning."""
    # Refused loads are already reported; the HarfBuzz notice is about the machine
    # (the Makefile checks for the library), not about this document.
    complained = any(_CSS_WARNING.match(m) for m in messages)
    located = _stylesheet_warnings(tuple(stylesheets)) if stylesheets and complained else {}
    warnings: list[Notice] = []
    for message in messages:
        if (
            "refused to " in message
            or "HarfBuzz-Subset" in message
            or _NOTDEF.match(message)
            or _NO_ALT.match(message)  # the preflight names the image better
        ):
            continue
        missing = _missing_file(message)
        if message in located:
            warnings.append(located[message])
        elif missing:
            warnings.append(Notice(missing, "resource"))
        elif _CSS_WARNING.match(message):
            warnings.append(Notice(message, "css", layout=True))
        else:
            warnings.append(Notice(message, "render"))
    undrawable = dict.fromkeys(m.group(1) for m in map(_NOTDEF.match, messages) if m)
    if undrawable:
        warnings.append(Notice(_tofu_warning(list(undrawable)), "font"))
    return warnings


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
    min_last_page: float = SPARSE_LAST_PAGE,
) -> PdfResult:
    """Lay out and write in one go (a booklet, or a part of one: no fit steps).
    `min_last_page` 0 leaves the last page's fill to the caller to judge."""
    laid = lay_out(html, base=base, roots=roots, grayscale=grayscale, remote=remote, trim=trim)
    return finish(
        laid,
        info=info,
        number_from=number_from,
        stylesheets=stylesheets,
        min_last_page=min_last_page,
    )
