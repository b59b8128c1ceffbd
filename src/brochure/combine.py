"""Tagged PDFs joined into one: one structure tree, and each font embedded once.

A booklet's careers are rendered apart (in parallel, cached) and joined here. Joining
PDFs the usual way (pypdf's `append`, `qpdf --pages`) drops the structure tree, so the
result is no longer accessible, and keeps every part's font subsets, so a 100-career
booklet embeds each typeface a hundred times. Here:

- the parts' pages and structure elements are copied together (pikepdf keeps one copy of
  each object per part, so the elements still point at the copied pages), every part's
  top-level elements go under one `Document` in reading order, and the parent tree and
  the pages' and annotations' `StructParents` keys are renumbered to stay unique;
- WeasyPrint subsets fonts keeping glyph ids, so the subsets of one face in different
  parts hold the same glyph at the same id: their outlines (TrueType `glyf` or CFF
  charstrings), widths and `ToUnicode` maps are unioned into one font per face.

pikepdf rather than pypdf: it writes object streams (pypdf's output of the same objects
was 2.8 times larger, docs/DESIGN.md) and copies a part's objects once however often
they are reached. Nothing here imports WeasyPrint.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import warnings
from collections.abc import Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

__all__ = ["combine", "lay_over", "share_fonts"]


def combine(parts: Sequence[bytes], *, share: bool = True) -> pikepdf.Pdf:
    """One PDF of every page of `parts`, in order, with one structure tree and (unless
    `share` is False, for a caller that adds pages and shares fonts itself) one font
    per face. The catalog's language and marked flag are the first part's; the caller
    adds what belongs to the whole (title, outline, page labels) and saves it."""
    joiner = Joiner()
    if parts:
        for data in parts[1:]:
            joiner.add(data)
        joiner.add(parts[0], front=True)
    return joiner.finish(share=share)


# Joiners never freed, for a process that ends right after its booklet (`keep_until_exit`).
_KEPT: list[Joiner] | None = None


def keep_until_exit() -> None:
    """Keep every joiner made from now on, with the parts it opened, until the process
    ends: for a command that writes one booklet and then leaves without freeing its
    heap (`cli.app._leave`). Freeing a hundred opened parts took 0.13 s of a 1.9 s
    build after one edit. A watcher or a server, which build again, must not call it.
    """
    global _KEPT
    if _KEPT is None:
        _KEPT = []


class Joiner:
    """Parts joined one at a time, as they are ready: a booklet's careers while the
    cover and contents (which need the careers' page counts) are still to be laid out.

    A part added with `front=True` goes before every other, whenever it comes: its
    pages first, its elements first in the structure tree, the catalog's language and
    metadata its own, and its named destinations giving way to the other parts' (the
    contents' stand-in anchors to the careers they stand for). The same parts added
    in the same order give the same file, byte for byte.
    """

    def __init__(self) -> None:
        self.out = pikepdf.new()
        self.tree = _Tree(self.out)
        self.destinations: dict[str, Any] = {}
        self.opened: list[pikepdf.Pdf] = []  # the copier reads their streams on saving
        self.ready: dict[bytes, pikepdf.Pdf] = {}
        if _KEPT is not None:
            _KEPT.append(self)

    def prepare(self, data: bytes) -> None:
        """A part opened ahead of its turn (reading it is half the cost of adding it):
        for a caller with time to spare, waiting on a part before it. Opening adds
        nothing to the joined file, so the bytes are the same either way."""
        if data not in self.ready:
            self.ready[data] = pikepdf.open(io.BytesIO(data))

    def add(self, data: bytes, *, front: bool = False) -> None:
        part = self.ready.pop(data, None)
        if part is None:
            part = pikepdf.open(io.BytesIO(data))
        self.opened.append(part)
        out = self.out
        with warnings.catch_warnings():
            # pikepdf warns that named destinations are not carried: they are, below.
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            if front:
                for index, page in enumerate(part.pages):
                    out.pages.insert(index, page)
                pages = out.pages[: len(part.pages)]
            else:
                first = len(out.pages)
                out.pages.extend(part.pages)
                pages = out.pages[first:]
        self.tree.add(part, pages, front=front)
        if front:
            _document_of(out, part)
        names = part.Root.get("/Names", Dictionary()).get("/Dests")
        for name, target in _name_tree(names):
            if not (front and name in self.destinations):
                self.destinations[name] = _copied(out, target)

    def finish(self, *, share: bool = True) -> pikepdf.Pdf:
        out = self.out
        self.tree.finish()
        if self.destinations:
            flat: list[Any] = []
            for name in sorted(self.destinations):
                flat += [pikepdf.String(name), self.destinations[name]]
            names = out.Root.get("/Names") or Dictionary()
            names.Dests = out.make_indirect(Dictionary(Names=Array(flat)))
            out.Root.Names = names
        if share:
            share_fonts(out)
        return out


def _document_of(out: pikepdf.Pdf, part: pikepdf.Pdf) -> None:
    """What describes the whole file, from its first part: language, marked-content
    flag, viewer preferences, XMP metadata (the PDF standard it claims), output intents,
    attached files, and the document information dictionary."""
    for key in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata", "/OutputIntents", "/AF"):
        if key in part.Root:
            out.Root[key] = _copied(out, part.Root[key])
    attached = part.Root.get("/Names", Dictionary()).get("/EmbeddedFiles")
    if attached is not None:
        out.Root.Names = Dictionary(EmbeddedFiles=_copied(out, attached))
    if "/Info" in part.trailer:
        out.trailer.Info = _copied(out, part.trailer.Info)


def _name_tree(node: Any) -> Iterable[tuple[str, Any]]:
    """A name tree's leaves, in order (`/Names` pairs, through `/Kids`)."""
    if not isinstance(node, Dictionary):
        return
    pairs = node.get("/Names", Array())
    for index in range(0, len(pairs) - 1, 2):
        yield str(pairs[index]), pairs[index + 1]
    for kid in node.get("/Kids", Array()):
        yield from _name_tree(kid)


@dataclass
class _Tree:
    """The joined structure tree, filled part by part."""

    out: pikepdf.Pdf
    nums: list[Any] = field(default_factory=list)
    offset: int = 0
    document: Dictionary | None = None

    def __post_init__(self) -> None:
        self.document = self.out.make_indirect(
            Dictionary(Type=Name.StructElem, S=Name.Document, K=Array())
        )

    def add(self, part: pikepdf.Pdf, pages: Iterable[pikepdf.Page], *, front: bool = False) -> None:
        top = part.Root.get("/StructTreeRoot")
        if top is None:
            return
        assert self.document is not None
        largest = -1
        for page in pages:
            largest = max(largest, self._shift(page.obj, "/StructParents"))
            for annotation in page.obj.get("/Annots", []):
                largest = max(largest, self._shift(annotation, "/StructParent"))
        numbers = _copied(self.out, top.get("/ParentTree", Dictionary())).get("/Nums", Array())
        for index in range(0, len(numbers) - 1, 2):
            self.nums += [int(numbers[index]) + self.offset, numbers[index + 1]]
        added: list[Any] = []
        for element in _as_list(_copied(self.out, top.get("/K", Array()))):
            # A part's own Document element: its children join the booklet's.
            children = element.get("/K") if element.get("/S") == Name.Document else element
            for child in _as_list(children):
                if isinstance(child, Dictionary):
                    child.P = self.document
                added.append(child)
        if front:
            self.document.K = Array([*added, *self.document.K])
        else:
            for child in added:
                self.document.K.append(child)
        self.offset += largest + 1

    def _shift(self, obj: pikepdf.Object, key: str) -> int:
        if key not in obj:
            return -1
        number = int(obj[key])
        obj[key] = number + self.offset
        return number

    def finish(self) -> None:
        if not self.nums and self.document is not None and not len(self.document.K):
            return
        root = self.out.make_indirect(
            Dictionary(
                Type=Name.StructTreeRoot,
                K=Array([self.document]),
                ParentTree=self.out.make_indirect(Dictionary(Nums=Array(self.nums))),
                ParentTreeNextKey=self.offset,
            )
        )
        assert self.document is not None
        self.document.P = root
        self.out.Root.StructTreeRoot = root


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, Array) else [value]


def _copied(out: pikepdf.Pdf, value: Any) -> Any:
    """`value` from another PDF, made `out`'s: indirect objects through pikepdf's copier
    (one copy per object, shared with the pages already copied), direct ones rebuilt."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return out.copy_foreign(value)
    if isinstance(value, Array):
        return Array([_copied(out, item) for item in value])
    if isinstance(value, Dictionary):
        return Dictionary({key: _copied(out, item) for key, item in value.items()})
    return value


# -- overlays (folios) ---------------------------------------------------------------

# Tagged content in the overlay's own file: `/Span <</MCID 3>> BDC`. Drawn over another
# file's page it belongs to no structure element there, so it becomes a pagination
# artifact, as a page number should be.
_MARKED = re.compile(rb"/[A-Za-z0-9]+\s*<<\s*/MCID\s+\d+\s*>>\s*BDC")
_ARTIFACT = b"/Artifact <</Type /Pagination>> BDC"


def lay_over(pdf: pikepdf.Pdf, overlay: bytes, pages: Sequence[int | None]) -> None:
    """Page `i` of `overlay` drawn over page `pages[i]` of `pdf` (none where it is
    None), as an artifact: the booklet's folios, rendered once for the whole booklet,
    so a career's own pages never depend on where it falls."""
    source = pikepdf.open(io.BytesIO(overlay))
    if len(source.pages) < len(pages):
        raise ValueError(f"{len(pages)} pages to lay over, the overlay has {len(source.pages)}")
    for index, number in enumerate(pages):
        if number is None:
            continue
        page = source.pages[index]
        content = page.obj.get("/Contents")
        streams = content if isinstance(content, Array) else [content] if content else []
        data = b"\n".join(stream.read_bytes() for stream in streams)
        page.obj.Contents = source.make_stream(_MARKED.sub(_ARTIFACT, data))
        if "/StructParents" in page.obj:
            del page.obj["/StructParents"]
        _draw_over(pdf, pdf.pages[number], pdf.copy_foreign(page.as_form_xobject()))


def _draw_over(pdf: pikepdf.Pdf, page: pikepdf.Page, form: pikepdf.Object) -> None:
    """`form` drawn over `page`, both the same size, under a fixed resource name (pikepdf's
    `add_overlay` picks a random one, and the same inputs must give the same bytes)."""
    resources = page.obj.get("/Resources")
    if resources is None:
        resources = page.obj.Resources = Dictionary()
    if "/XObject" not in resources:
        resources.XObject = Dictionary()
    name, count = "/Folio", 1
    while name in resources.XObject:
        count += 1
        name = f"/Folio{count}"
    resources.XObject[name] = form
    # The page's own drawing may leave its graphics state changed: it is enclosed first.
    page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
    page.contents_add(pdf.make_stream(f"\nQ\nq {name} Do Q\n".encode()), prepend=False)


# -- fonts -------------------------------------------------------------------------


def share_fonts(pdf: pikepdf.Pdf, unions: MutableMapping[str, bytes] | None = None) -> None:
    """Each face's subsets (`ABCDEF+Inter`, `GHIJKL+Inter`, …) made one font, used by
    every page that used any of them.

    `unions` keeps each union's program under a key of the subsets it is made from,
    so a booklet joined again from the same parts does not open a font at all.
    """
    faces: dict[str, dict[tuple[int, int], pikepdf.Object]] = {}
    tables = list(_font_tables(pdf))
    for table in tables:
        for font in table.values():
            if _mergeable(font):
                faces.setdefault(_face(font), {})[font.objgen] = font
    for fonts in faces.values():
        if len(fonts) > 1:
            shared = _union(pdf, list(fonts.values()), unions)
            for table in tables:
                for key in list(table.keys()):
                    if table[key].objgen in fonts:
                        table[key] = shared


def _font_tables(pdf: pikepdf.Pdf) -> Iterable[pikepdf.Object]:
    """Every `/Font` resource dictionary of the pages and of the form XObjects they draw
    (an overlay is one), each once."""
    seen: set[tuple[int, int]] = set()
    todo = [page.obj.get("/Resources") for page in pdf.pages]
    while todo:
        resources = todo.pop()
        if not isinstance(resources, Dictionary):
            continue
        if resources.is_indirect:
            if resources.objgen in seen:
                continue
            seen.add(resources.objgen)
        if isinstance(resources.get("/Font"), Dictionary):
            yield resources.Font
        for xobject in resources.get("/XObject", Dictionary()).values():
            if xobject.get("/Subtype") == Name.Form and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                todo.append(xobject.get("/Resources"))


def _face(font: pikepdf.Object) -> str:
    return str(font.BaseFont).split("+", 1)[-1]


def _mergeable(font: Any) -> bool:
    """A Type0 font with identity glyph mapping and an embedded TrueType or OpenType
    program: what WeasyPrint writes."""
    if not isinstance(font, Dictionary) or font.get("/Subtype") != Name.Type0:
        return False
    descendant = font.DescendantFonts[0]
    descriptor = descendant.get("/FontDescriptor", Dictionary())
    identity = descendant.get("/CIDToGIDMap", Name.Identity) == Name.Identity
    program = "/FontFile2" in descriptor or (
        "/FontFile3" in descriptor and descriptor.FontFile3.get("/Subtype") == Name.OpenType
    )
    return bool(identity and program and "/ToUnicode" in font and "/W" in descendant)


def _program_key(descriptor: pikepdf.Object) -> str:
    return "/FontFile2" if "/FontFile2" in descriptor else "/FontFile3"


def _union(
    pdf: pikepdf.Pdf, fonts: list[pikepdf.Object], unions: MutableMapping[str, bytes] | None
) -> pikepdf.Object:
    """One font with every glyph, width and character any of `fonts` has.

    The glyphs a subset draws are the ones its `W` array gives widths for, so a subset
    is opened only when it draws a glyph the others have not: in a booklet, after the
    first few careers, hardly ever.
    """
    key = _program_key(fonts[0].DescendantFonts[0].FontDescriptor)
    # What the union is made from, read without parsing anything: a union already made
    # (in `unions`) is taken as it was, with its widths and characters.
    programs = [
        hashlib.sha256(font.DescendantFonts[0].FontDescriptor[key].read_raw_bytes()).digest()
        for font in fonts
    ]
    digest = hashlib.sha256(key.encode())
    for font, program in zip(fonts, programs, strict=True):
        digest.update(program)
        digest.update(hashlib.sha256(font.DescendantFonts[0].W.unparse()).digest())
        digest.update(hashlib.sha256(font.ToUnicode.read_raw_bytes()).digest())
    name = digest.hexdigest()
    stored = unions.get(name) if unions is not None else None
    if stored is not None:
        base, widths, characters, found = _unpacked(stored)
    else:
        base, widths, characters, found = _merged(fonts, key, programs, unions)
        if unions is not None:
            unions[name] = _packed(base, widths, characters, found)
    shared = fonts[base]
    descendant = shared.DescendantFonts[0]
    stream = pikepdf.Stream(pdf, found)
    if key == "/FontFile3":
        stream.Subtype = Name.OpenType
    descendant.FontDescriptor[key] = stream
    if "/CIDSet" in descendant.FontDescriptor:  # optional, and now out of date
        del descendant.FontDescriptor["/CIDSet"]
    descendant.W = _width_array(widths)
    shared.ToUnicode = pikepdf.Stream(pdf, _cmap(characters))
    return shared


# The TrueType limits a rasterizer sizes its buffers by: a union needs the largest.
_MAXP = (
    "maxPoints",
    "maxContours",
    "maxCompositePoints",
    "maxCompositeContours",
    "maxZones",
    "maxTwilightPoints",
    "maxStorage",
    "maxFunctionDefs",
    "maxInstructionDefs",
    "maxStackElements",
    "maxSizeOfInstructions",
    "maxComponentElements",
    "maxComponentDepth",
)


def _widen(merged: Any, other: Any) -> None:
    """`merged`'s font-wide box and extremes made to hold `other`'s as well."""
    head, theirs = merged["head"], other["head"]
    head.xMin, head.yMin = min(head.xMin, theirs.xMin), min(head.yMin, theirs.yMin)
    head.xMax, head.yMax = max(head.xMax, theirs.xMax), max(head.yMax, theirs.yMax)
    hhea, wider = merged["hhea"], other["hhea"]
    hhea.advanceWidthMax = max(hhea.advanceWidthMax, wider.advanceWidthMax)
    hhea.minLeftSideBearing = min(hhea.minLeftSideBearing, wider.minLeftSideBearing)
    hhea.minRightSideBearing = min(hhea.minRightSideBearing, wider.minRightSideBearing)
    hhea.xMaxExtent = max(hhea.xMaxExtent, wider.xMaxExtent)
    maxp, most = merged["maxp"], other["maxp"]
    for name in _MAXP:
        if hasattr(maxp, name) and hasattr(most, name):
            setattr(maxp, name, max(getattr(maxp, name), getattr(most, name)))
    if "CFF " in merged and "CFF " in other:
        ours = merged["CFF "].cff.topDictIndex[0]
        box = other["CFF "].cff.topDictIndex[0].FontBBox
        low = [min(mine, theirs) for mine, theirs in zip(ours.FontBBox[:2], box[:2], strict=True)]
        high = [max(mine, theirs) for mine, theirs in zip(ours.FontBBox[2:], box[2:], strict=True)]
        ours.FontBBox = low + high


def _merged(
    fonts: list[pikepdf.Object],
    key: str,
    programs: list[bytes],
    unions: MutableMapping[str, bytes] | None,
) -> tuple[int, dict[int, float], dict[int, str], bytes]:
    """The union's base font (an index of `fonts`), widths, characters and program.

    The program is made from the base and the subsets that add glyphs to it, and from
    nothing else: it is kept in `unions` under a key of those alone (`programs` holds
    each subset's digest). A career edited without a glyph new to its booklet adds
    nothing, so the booklet joined again reuses the program it had.
    """
    used = [_widths(font.DescendantFonts[0].W) for font in fonts]
    widths: dict[int, float] = {}
    characters: dict[int, str] = {}
    for index, font in enumerate(fonts):
        widths.update(used[index])
        characters.update(_to_unicode(font.ToUnicode.read_bytes()))
    # The subset reaching the highest glyph id has every id the others use.
    base = max(range(len(fonts)), key=lambda i: max(used[i], default=-1))
    covered = set(used[base])
    adding: list[tuple[int, set[int]]] = []
    digest = hashlib.sha256(b"program" + key.encode() + programs[base])
    for index in range(len(fonts)):
        missing = set(used[index]) - covered
        if missing:
            adding.append((index, missing))
            covered |= missing
            digest.update(programs[index] + json.dumps(sorted(missing)).encode())
    name = digest.hexdigest()
    found = unions.get(name) if unions is not None else None
    if found is None:
        found = _program(fonts, key, base, adding)
        if unions is not None:
            unions[name] = found
    return base, widths, characters, found


def _program(
    fonts: list[pikepdf.Object], key: str, base: int, adding: list[tuple[int, set[int]]]
) -> bytes:
    """The base's font program with the glyphs in `adding` copied in, by subset."""
    from fontTools.ttLib import TTFont

    def program(index: int) -> Any:
        stream = fonts[index].DescendantFonts[0].FontDescriptor[key]
        # Bounding boxes are not measured again glyph by glyph on saving (most of the
        # time of a join): the union's is the union of its subsets' (`_widen`). The
        # save keeps the subset's own timestamp: no byte may depend on the clock.
        return TTFont(
            io.BytesIO(stream.read_bytes()), lazy=True, recalcBBoxes=False, recalcTimestamp=False
        )

    merged = program(base)
    for index, missing in adding:
        other = program(index)
        _add_glyphs(merged, other, missing)
        _widen(merged, other)
    data = io.BytesIO()
    merged.save(data)
    return data.getvalue()


def _packed(base: int, widths: dict[int, float], characters: dict[int, str], data: bytes) -> bytes:
    head = json.dumps(
        {"base": base, "widths": list(widths.items()), "characters": list(characters.items())}
    )
    return len(head).to_bytes(8, "big") + head.encode() + data


def _unpacked(stored: bytes) -> tuple[int, dict[int, float], dict[int, str], bytes]:
    size = int.from_bytes(stored[:8], "big")
    head = json.loads(stored[8 : 8 + size])
    widths = {int(gid): float(width) for gid, width in head["widths"]}
    characters = {int(gid): str(text) for gid, text in head["characters"]}
    return int(head["base"]), widths, characters, stored[8 + size :]


def _add_glyphs(merged: Any, other: Any, gids: set[int]) -> None:
    """The glyphs `gids` of `other` copied into `merged`, by glyph id."""
    names, theirs = merged.getGlyphOrder(), other.getGlyphOrder()
    if "glyf" in merged and "glyf" in other:
        glyf, source = merged["glyf"], other["glyf"]
        for gid in sorted(gids):
            glyph = source[theirs[gid]]
            if glyph.isComposite():
                for component in glyph.components:
                    part = other.getGlyphID(component.glyphName)
                    # A component no page draws on its own is copied with its glyph.
                    if part != gid and glyf[names[part]].numberOfContours == 0:
                        _add_glyphs(merged, other, {part})
                    component.glyphName = names[part]
            glyf[names[gid]] = glyph
            merged["hmtx"][names[gid]] = other["hmtx"][theirs[gid]]
    elif "CFF " in merged and "CFF " in other:
        strings = merged["CFF "].cff.topDictIndex[0].CharStrings
        source = other["CFF "].cff.topDictIndex[0].CharStrings
        for gid in sorted(gids):
            glyph = source[theirs[gid]]
            glyph.decompile()  # while it can still reach its own font's subroutines
            glyph.private = strings[names[gid]].private
            glyph.globalSubrs = strings[names[gid]].globalSubrs
            strings[names[gid]] = glyph
            merged["hmtx"][names[gid]] = other["hmtx"][theirs[gid]]
    else:
        raise ValueError("subsets of one face in different outline formats")


def _widths(array: pikepdf.Object) -> dict[int, float]:
    """A `W` array (`c [w1 w2 …]` and `c1 c2 w` runs) as glyph id → width."""
    found: dict[int, float] = {}
    items = list(array)
    index = 0
    while index < len(items):
        first = int(items[index])
        if isinstance(items[index + 1], Array):
            for offset, width in enumerate(items[index + 1]):
                found[first + offset] = float(width)
            index += 2
        else:
            for code in range(first, int(items[index + 1]) + 1):
                found[code] = float(items[index + 2])
            index += 3
    return found


def _width_array(widths: dict[int, float]) -> Array:
    out: list[Any] = []
    run: list[float] = []
    start = -2
    for code in sorted(widths):
        if run and code == start + len(run):
            run.append(widths[code])
            continue
        if run:
            out += [start, Array([_number(w) for w in run])]
        start, run = code, [widths[code]]
    if run:
        out += [start, Array([_number(w) for w in run])]
    return Array(out)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


_PAIR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
_RANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


def _to_unicode(data: bytes) -> dict[int, str]:
    """A `ToUnicode` CMap's `bfchar` and `bfrange` entries: glyph id → UTF-16BE hex."""
    found: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for source, target in _PAIR.findall(block):
            found[int(source, 16)] = target.decode("ascii").lower()
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, target in _RANGE.findall(block):
            first = int(target, 16)
            width = len(target)
            for step, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                found[code] = f"{first + step:0{width}x}"
    return found


def _cmap(characters: dict[int, str]) -> bytes:
    head = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <ffff>",
        "endcodespacerange",
    ]
    items = sorted(characters.items())
    for start in range(0, len(items), 100):  # at most 100 entries a block
        chunk = items[start : start + 100]
        head.append(f"{len(chunk)} beginbfchar")
        head += [f"<{code:04x}> <{target}>" for code, target in chunk]
        head.append("endbfchar")
    head += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(head).encode("ascii")
