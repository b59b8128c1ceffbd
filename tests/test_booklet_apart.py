"""A booklet joined from careers laid out apart is the one-pass booklet: the same pages,
numbers, labels, contents, outline, links and tags."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import ImageChops
from pypdf import PdfReader

from brochure.booklet import build_booklet
from brochure.booklet_apart import build_booklet_apart

from .conftest import BUILTIN_PROFILES, slow_but

SIX = [p for p in BUILTIN_PROFILES][:6]
CASES = [("letter", None), ("letter", "cluster"), ("half-letter", None), ("a4", None)]


@pytest.fixture(scope="module")
def booklets() -> dict[tuple[str, str | None], tuple[bytes, bytes]]:
    return {}


def both(
    cache: dict[tuple[str, str | None], tuple[bytes, bytes]], paper: str, group_by: str | None
) -> tuple[bytes, bytes]:
    if (paper, group_by) not in cache:
        one = build_booklet(SIX, None, paper=paper, group_by=group_by, title="Careers")
        apart = build_booklet_apart(SIX, None, paper=paper, group_by=group_by, title="Careers")
        cache[paper, group_by] = (one.data, apart.data)
    return cache[paper, group_by]


def outline(pdf: pikepdf.Pdf) -> list[tuple[str, int, list[str]]]:
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}

    def where(item: pikepdf.OutlineItem) -> int:
        destination = item.destination
        if isinstance(destination, pikepdf.Array):
            return pages[destination[0].objgen]
        return -1

    with pdf.open_outline() as tree:
        return [
            (item.title, where(item), [child.title for child in item.children])
            for item in tree.root
        ]


def destinations(pdf: pikepdf.Pdf) -> dict[str, int]:
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    pairs = pdf.Root.Names.Dests.Names
    return {str(pairs[i]): pages[pairs[i + 1][0].objgen] for i in range(0, len(pairs), 2)}


def links(pdf: pikepdf.Pdf) -> list[tuple[int, str]]:
    return [
        (index, str(annotation.Dest))
        for index, page in enumerate(pdf.pages)
        for annotation in page.obj.get("/Annots", [])
        if "/Dest" in annotation
    ]


def headings(pdf: pikepdf.Pdf) -> list[int]:
    """The page of every H1, in the structure tree's order."""
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    found: list[int] = []

    def walk(node: pikepdf.Object) -> None:
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                if str(kid.S) == "/H1":
                    found.append(pages[kid.Pg.objgen] if "/Pg" in kid else -1)
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return found


@pytest.mark.parametrize(("paper", "group_by"), slow_but(("letter", None), CASES))
def test_a_joined_booklet_is_the_one_pass_booklet(
    booklets: dict[tuple[str, str | None], tuple[bytes, bytes]], paper: str, group_by: str | None
) -> None:
    one_data, apart_data = both(booklets, paper, group_by)
    one, apart = pikepdf.open(io.BytesIO(one_data)), pikepdf.open(io.BytesIO(apart_data))
    assert len(apart.pages) == len(one.pages)
    assert (
        PdfReader(io.BytesIO(apart_data)).page_labels == PdfReader(io.BytesIO(one_data)).page_labels
    )
    assert outline(apart) == outline(one)
    assert links(apart) == links(one)
    found = destinations(apart)
    assert all(found[name] == destinations(one)[name] for _, name in links(apart))
    assert headings(apart) == headings(one)
    assert str(apart.Root.Lang) == str(one.Root.Lang)

    # Word for word, page by page (a banner's count differs by a few pixels only).
    def words(data: bytes) -> list[str]:
        return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]

    assert words(apart_data) == words(one_data)
    assert apart.docinfo.Title == one.docinfo.Title
    # Every page looks as the one-pass page does (anti-aliasing aside).
    mine, theirs = pdfium.PdfDocument(apart_data), pdfium.PdfDocument(one_data)
    for index in range(len(mine)):
        a = mine[index].render(scale=40 / 72).to_pil().convert("L")
        b = theirs[index].render(scale=40 / 72).to_pil().convert("L")
        changed = ImageChops.difference(a, b).point(lambda v: 255 if v > 64 else 0)
        assert changed.histogram()[255] < 0.002 * a.size[0] * a.size[1], f"page {index + 1}"


def test_printed_numbers_match_the_labels_and_the_contents(
    booklets: dict[tuple[str, str | None], tuple[bytes, bytes]],
) -> None:
    _, data = both(booklets, "letter", None)
    reader = PdfReader(io.BytesIO(data))
    labels = reader.page_labels
    for index, page in enumerate(reader.pages[:-1]):  # the back cover has no number
        text = " ".join(page.extract_text().split())
        if labels[index].isdigit() and text:
            assert f"Page {labels[index]}" in text, index
    contents = " ".join(reader.pages[1].extract_text().split())
    report = build_booklet_apart(SIX, None, title="Careers")
    for career in report.careers:
        assert f"{career.title} " in contents
        first = labels.index(str(career.first_page))
        assert career.title in reader.pages[first].extract_text()


def test_the_same_inputs_give_the_same_bytes(tmp_path: Path) -> None:
    first = build_booklet_apart(SIX[:2], tmp_path / "a.pdf", title="Careers")
    again = build_booklet_apart(SIX[:2], tmp_path / "b.pdf", title="Careers")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert first.data == again.data
