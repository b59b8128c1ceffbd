"""Tagged PDFs joined into one: one structure tree in reading order, one font per face,
the same text and the same look as the parts."""

from __future__ import annotations

import io

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import ImageChops
from pypdf import PdfReader

from brochure.combine import combine

from .conftest import BUILTIN_PROFILES, Render

CAREERS = [
    p
    for p in BUILTIN_PROFILES
    if p.stem in ("dental-hygienist", "registered-nurse", "pharmacy-technician")
]


@pytest.fixture(scope="module")
def parts(render_builtin: Render) -> list[bytes]:
    return [render_builtin(path)[0].pdf.data for path in CAREERS]


@pytest.fixture(scope="module")
def joined(parts: list[bytes]) -> bytes:
    pdf = combine(parts)
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
    return out.getvalue()


def elements(node: pikepdf.Object) -> list[pikepdf.Dictionary]:
    """Every structure element under `node`, depth first (the reading order)."""
    found = []
    kids = node.get("/K", pikepdf.Array())
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        is_element = isinstance(kid, pikepdf.Dictionary) and "/S" in kid
        if is_element and kid.get("/Type") != pikepdf.Name.OBJR:
            found.append(kid)
            found += elements(kid)
    return found


def test_one_structure_tree_in_reading_order(joined: bytes, parts: list[bytes]) -> None:
    pdf = pikepdf.open(io.BytesIO(joined))
    root = pdf.Root.StructTreeRoot
    (document,) = root.K
    assert str(document.S) == "/Document"
    headings = [e for e in elements(document) if e.S == pikepdf.Name.H1]
    # One H1 per career, in booklet order: each on its career's first page.
    firsts, count = [], 0
    for part in parts:
        firsts.append(count)
        count += len(PdfReader(io.BytesIO(part)).pages)
    first_pages = [pdf.pages[index].obj.objgen for index in firsts]
    assert [heading.Pg.objgen for heading in headings] == first_pages
    # Every element points at a page of this file, and its parent is the element above.
    pages = {page.obj.objgen for page in pdf.pages}
    for element in elements(document):
        if "/Pg" in element:
            assert element.Pg.objgen in pages
        assert element.P.objgen in {document.objgen, *(e.objgen for e in elements(document))}


def test_parent_tree_keys_are_unique_and_resolve(joined: bytes) -> None:
    pdf = pikepdf.open(io.BytesIO(joined))
    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    keys = [int(k) for k in nums[0::2]]
    assert len(keys) == len(set(keys))
    assert int(pdf.Root.StructTreeRoot.ParentTreeNextKey) > max(keys)
    tree = dict(zip(keys, nums[1::2], strict=True))
    links = 0
    for page in pdf.pages:
        assert int(page.obj.StructParents) in tree
        for annotation in page.obj.get("/Annots", []):
            element = tree[int(annotation.StructParent)]
            assert str(element.S) == "/Link"
            references = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
            assert any(
                isinstance(r, pikepdf.Dictionary) and r.get("/Obj") == annotation
                for r in references
            )
            links += 1
    assert links > 0


def test_each_face_is_embedded_once_and_the_file_is_smaller(
    joined: bytes, parts: list[bytes]
) -> None:
    pdf = pikepdf.open(io.BytesIO(joined))
    fonts = {
        font.objgen: str(font.BaseFont).split("+")[-1]
        for page in pdf.pages
        for font in page.Resources.Font.values()
    }
    assert len(fonts) == len(set(fonts.values()))
    assert len(joined) < 0.5 * sum(len(part) for part in parts)


def test_the_text_and_the_look_are_the_parts(joined: bytes, parts: list[bytes]) -> None:
    def text(data: bytes) -> list[str]:
        return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]

    assert text(joined) == [page for part in parts for page in text(part)]
    whole = pdfium.PdfDocument(joined)
    index = 0
    for part in parts:
        for page in pdfium.PdfDocument(part):
            mine = whole[index].render(scale=72 / 72).to_pil().convert("L")
            theirs = page.render(scale=72 / 72).to_pil().convert("L")
            difference = ImageChops.difference(mine, theirs)
            changed = sum(difference.point(lambda v: 255 if v > 64 else 0).histogram()[255:])
            assert changed < 0.002 * mine.size[0] * mine.size[1], f"page {index + 1}"
            index += 1
    assert index == len(whole)


def test_a_part_without_tags_adds_pages_only(parts: list[bytes]) -> None:
    plain = pikepdf.open(io.BytesIO(parts[0]))
    del plain.Root["/StructTreeRoot"]
    for page in plain.pages:
        del page.obj["/StructParents"]
        for annotation in page.obj.get("/Annots", []):
            del annotation["/StructParent"]
    out = io.BytesIO()
    plain.save(out)
    pdf = combine([out.getvalue(), parts[1]])
    assert len(pdf.pages) == len(plain.pages) + len(pikepdf.open(io.BytesIO(parts[1])).pages)
    (document,) = pdf.Root.StructTreeRoot.K
    headings = [e for e in elements(document) if e.S == pikepdf.Name.H1]
    assert [h.Pg.objgen for h in headings] == [pdf.pages[len(plain.pages)].obj.objgen]


def folios(count: int, first: int) -> bytes:
    """A document of `count` pages, each only its number in the bottom-right margin, in
    the layouts' own face: what a booklet lays over its careers' pages."""
    from brochure.pdf import weasy

    weasyprint = weasy.load_weasyprint()
    html = (
        '<html lang="en"><head><style>@page { size: letter; margin: 0.6in;'
        ' @bottom-right { content: "Page " counter(page); font: 500 7.5pt Inter; } }'
        f" @page :first {{ counter-reset: page {first}; }}"
        " div { break-after: page; height: 1px; }</style></head><body>"
        + "<div></div>" * count
        + "</body></html>"
    )
    document = weasyprint.HTML(string=html).render(font_config=weasy.shared_fonts())
    return bytes(document.write_pdf(pdf_tags=True))


def test_folios_are_laid_over_as_artifacts_in_the_shared_face(parts: list[bytes]) -> None:
    from brochure.combine import lay_over, share_fonts

    pdf = combine(parts[:2])
    count = len(pdf.pages)
    before = [int(page.obj.StructParents) for page in pdf.pages]
    lay_over(pdf, folios(count, 5), range(count))
    share_fonts(pdf)
    out = io.BytesIO()
    pdf.save(out)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    for number, page in enumerate(reader.pages, start=5):
        assert f"Page {number}" in page.extract_text()
    joined = pikepdf.open(io.BytesIO(out.getvalue()))
    # The folio is an artifact: no new structure, the pages' keys as they were.
    assert [int(page.obj.StructParents) for page in joined.pages] == before
    form = next(iter(joined.pages[0].Resources.XObject.values()))
    drawn = form.read_bytes()
    assert b"/Artifact <</Type /Pagination>> BDC" in drawn
    assert b"/MCID" not in drawn
    # Inter, the folio's face, is one font with the careers' Inter.
    faces = {}
    for page in joined.pages:
        for font in page.Resources.Font.values():
            faces.setdefault(str(font.BaseFont).split("+")[-1], set()).add(font.objgen)
    for xobject in form.Resources.Font.values():
        faces.setdefault(str(xobject.BaseFont).split("+")[-1], set()).add(xobject.objgen)
    assert all(len(objects) == 1 for objects in faces.values()), faces
    assert "Inter" in faces


def _saved(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
    return out.getvalue()


def test_a_part_that_adds_no_glyph_reuses_the_fonts_made_before(
    parts: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shared fonts are kept by the subsets that give them glyphs: a booklet joined
    again with one more part whose glyphs it has already (an edit that adds no letter)
    opens no font program, and comes out as it does from nothing."""
    from brochure import combine as combining
    from brochure.combine import share_fonts

    unions: dict[str, bytes] = {}
    first = combine(parts, share=False)
    share_fonts(first, unions)
    made = len(unions)
    assert made >= 2  # a union under the key of its subsets, its program under its givers'
    again = [*parts, parts[-1]]  # in the place of the one it repeats
    fresh = _saved(combine(again))

    def opened(*args: object) -> bytes:
        raise AssertionError("a font program was made again")

    monkeypatch.setattr(combining, "_program", opened)
    pdf = combine(again, share=False)
    share_fonts(pdf, unions)
    assert _saved(pdf) == fresh
    faces = len(unions) - made  # each face's union anew, and no program
    assert faces == made // 2
