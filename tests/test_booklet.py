"""Booklets: numbering, navigation, tags, duplex padding and saddle-stitch imposition."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from typing import Any
from unittest import mock

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from brochure import BookletError, ProfileError, booklet_apart, build_booklet, cli
from brochure.batch import Caps
from brochure.booklet import BookletReport
from brochure.impose import padded_order, saddle_order
from brochure.render import RenderOptions

from .conftest import BUILTIN_PROFILES, DATA, Render

BUILTIN = BUILTIN_PROFILES[0].parent
TITLES = sorted(p.read_text().split("\ntitle: ", 1)[1].split("\n", 1)[0] for p in BUILTIN_PROFILES)


def norm(text: str) -> str:
    return " ".join(text.replace("\u200b", "").split())


@pytest.fixture(scope="module")
def letter() -> tuple[BookletReport, PdfReader]:
    report = build_booklet([BUILTIN], None, title="Health Science Careers", date="April 2027")
    return report, PdfReader(io.BytesIO(report.data))


@pytest.fixture(scope="module")
def grouped(tmp_path_factory: pytest.TempPathFactory) -> tuple[BookletReport, PdfReader]:
    """Built-in careers plus two from another cluster, grouped by cluster."""
    folder = tmp_path_factory.mktemp("mixed")
    for name in ("welder", "electrician"):
        (folder / f"{name}.yaml").write_text(
            f"title: {name.title()}\ncluster: Manufacturing\nsummary: Builds things.\n"
            "duties: [Read blueprints]\n"
        )
    report = build_booklet([BUILTIN, folder], None, group_by="cluster")
    return report, PdfReader(io.BytesIO(report.data))


def pdfium_texts(data: bytes, halves: bool = False) -> list[str]:
    """Text of every page (or of each half of every page), as PDFium reads it."""
    document = pdfium.PdfDocument(data)
    texts = []
    for page in document:
        width, height = page.get_size()
        textpage = page.get_textpage()
        boxes = [(0, width / 2), (width / 2, width)] if halves else [(0, width)]
        texts += ["".join(textpage.get_text_bounded(a, 0, b, height).split()) for a, b in boxes]
    return texts


@pytest.fixture(scope="module")
def imposed() -> tuple[BookletReport, bytes, list[str]]:
    """Sheets of a half-letter booklet, and the booklet's own page texts padded as expected."""
    paths = [BUILTIN / "registered-nurse.yaml", BUILTIN / "dental-hygienist.yaml"]
    flat = build_booklet(paths, None, paper="half-letter").data
    report = build_booklet(paths, None, paper="half-letter", impose="saddle", marks=True)
    texts = pdfium_texts(flat)
    padded = [texts[i] if i is not None else "" for i in padded_order(len(texts))]
    return report, report.data, padded


def printed_number(text: str) -> int | None:
    """The page number a page's text (as pypdf extracts it) ends with."""
    found = re.search(r"Page (\d+)\s*$", norm(text or ""))
    return int(found[1]) if found else None


@pytest.mark.slow
def test_builtin_booklets_are_set_properly(
    letter: tuple[BookletReport, PdfReader],
    grouped: tuple[BookletReport, PdfReader],
    imposed: tuple[BookletReport, bytes, list[str]],
) -> None:
    """No heading parted from its text, no lone line at a break, nothing off the page."""
    for report in (letter[0], grouped[0], imposed[0]):
        assert [w for w in report.warnings if w.startswith("typography:")] == []


@pytest.mark.slow
def test_every_career_is_bookmarked_in_order(letter: tuple[BookletReport, PdfReader]) -> None:
    report, reader = letter
    outline = reader.outline
    assert [item.title for item in outline] == TITLES  # type: ignore[union-attr]
    assert [c.title for c in report.careers] == TITLES, "a folder is sorted by title"
    for item, career in zip(outline, report.careers, strict=True):
        index = reader.get_destination_page_number(item)  # type: ignore[arg-type]
        assert reader.page_labels[index] == str(career.first_page)


@pytest.mark.slow
def test_labels_footers_and_contents_agree(letter: tuple[BookletReport, PdfReader]) -> None:
    report, reader = letter
    texts = [page.extract_text() for page in reader.pages]  # once: pypdf is slow at it
    labels = reader.page_labels
    assert labels[: report.front_pages] == ["i", "ii", "iii", "iv"][: report.front_pages]
    contents = norm(" ".join(texts[i] for i in range(report.front_pages)))
    for career in report.careers:
        index = report.front_pages + career.first_page - 1
        assert labels[index] == str(career.first_page)
        assert career.first_page % 2 == 1, "careers open on right-hand pages"
        assert index % 2 == 0
        assert printed_number(texts[index]) == career.first_page
        assert career.title in norm(texts[index])
        assert re.search(re.escape(career.title) + r"[ .]*" + str(career.first_page), contents)
    # Every numbered page prints the number its label says; inserted blanks print nothing.
    for index in range(report.front_pages, len(reader.pages) - 1):
        number = printed_number(texts[index])
        if norm(texts[index] or ""):
            assert number == int(labels[index])
        else:
            assert number is None


@pytest.mark.slow
def test_cover_contents_and_back_cover(letter: tuple[BookletReport, PdfReader]) -> None:
    _report, reader = letter
    cover = norm(reader.pages[0].extract_text())
    assert "Health Science Careers" in cover
    assert "April 2027" in cover
    assert "12 CAREERS" in cover.upper()
    assert "Contents" in norm(reader.pages[1].extract_text())
    assert "Notes" in norm(reader.pages[-1].extract_text())
    assert len(reader.pages) % 2 == 0, "the back cover is the back of the last sheet"
    assert reader.metadata is not None
    assert reader.metadata.title == "Health Science Careers"


@pytest.mark.slow
def test_booklet_is_tagged_with_the_careers_headings(
    letter: tuple[BookletReport, PdfReader],
) -> None:
    _, reader = letter
    root: Any = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en"
    headings: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if node.get("/S") == "/H1":
                headings.append(node["/S"])
            kids = node.get("/K")
            if kids is not None:
                walk(kids)
        elif isinstance(node, list):
            for kid in node:
                walk(kid)

    walk(root["/StructTreeRoot"])
    assert len(headings) >= len(TITLES) + 1  # every career's title, and the cover's


@pytest.mark.slow
def test_contents_entries_link_to_the_careers(letter: tuple[BookletReport, PdfReader]) -> None:
    report, reader = letter
    targets = {}
    for index in range(report.front_pages):
        for annot in reader.pages[index].get("/Annots", []):
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link" and "/Dest" in annot:
                dest = reader.named_destinations[annot["/Dest"]]
                targets[annot["/Dest"]] = reader.get_destination_page_number(dest)
    for career in report.careers:
        assert targets[career.slug] == report.front_pages + career.first_page - 1


@pytest.mark.slow
def test_grouping_nests_bookmarks_and_shows_headings(
    grouped: tuple[BookletReport, PdfReader],
) -> None:
    report, reader = grouped
    outline = reader.outline
    assert [item.title for item in outline[::2]] == ["Health Science", "Manufacturing"]  # type: ignore[union-attr]
    assert [item.title for item in outline[1]] == TITLES  # type: ignore[union-attr,index]
    assert [item.title for item in outline[3]] == ["Electrician", "Welder"]  # type: ignore[union-attr,index]
    welder = next(c for c in report.careers if c.slug == "welder")
    page = norm(reader.pages[report.front_pages + welder.first_page - 3].extract_text())
    electrician = next(c for c in report.careers if c.slug == "electrician")
    first = norm(reader.pages[report.front_pages + electrician.first_page - 1].extract_text())
    assert "MANUFACTURING" in first.upper()
    assert "2 careers in this section" in first
    assert page  # the welder's page exists
    contents = norm(reader.pages[1].extract_text()).upper()
    assert contents.index("HEALTH SCIENCE") < contents.index("MANUFACTURING")


def test_saddle_order() -> None:
    assert saddle_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    with pytest.raises(BookletError, match="multiple of 4"):
        saddle_order(6)


@pytest.mark.slow
def test_imposed_sheets_are_in_saddle_stitch_order(
    imposed: tuple[BookletReport, bytes, list[str]],
) -> None:
    """Each half of each sheet side carries the page saddle order puts there (by its text)."""
    report, sheets, pages = imposed
    assert len(pages) % 4 == 0
    assert report.pages == len(pages)
    assert report.padded == (-(len(pages) - report.padded)) % 4
    assert "Notes" in pages[-1], "the back cover stays last"
    reader = PdfReader(io.BytesIO(sheets))
    assert len(reader.pages) == len(pages) // 2 == report.sheets * 2
    for side in reader.pages:
        box = side.mediabox
        assert (round(float(box.width)), round(float(box.height))) == (792, 612)
    halves = pdfium_texts(sheets, halves=True)
    expected = [pages[i] for side in saddle_order(len(pages)) for i in side]
    for number, (got, want) in enumerate(zip(halves, expected, strict=True)):
        assert got == want, (
            f"sheet side {number // 2 + 1}, {'left' if number % 2 == 0 else 'right'}"
        )


def test_padding_keeps_the_back_cover_last() -> None:
    assert padded_order(6) == [0, 1, 2, 3, 4, None, None, 5]
    assert padded_order(5) == [0, 1, 2, 3, None, None, None, 4]
    assert padded_order(8) == list(range(8))


@pytest.mark.slow
def test_booklet_is_no_bigger_than_one_layout_pass(
    letter: tuple[BookletReport, PdfReader], render_builtin: Render
) -> None:
    """Fonts are embedded once: the booklet is far smaller than its careers rendered apart."""
    report, reader = letter
    # Each career apart as `render_pdf` makes it (handout, letter): the renders test_pdf
    # checks, made once per run.
    apart = sum(len(render_builtin(path)[0].pdf.data) for path in BUILTIN_PROFILES)
    assert len(report.data) < 0.5 * apart
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"].get("/Font", {}).values()
    }
    assert len(fonts) <= 8, fonts


@pytest.mark.slow
def test_same_booklet_twice_is_identical() -> None:
    """Two careers show it as well as twelve: nothing in a booklet depends on the run."""
    paths = [BUILTIN / "registered-nurse.yaml", BUILTIN / "dental-hygienist.yaml"]
    first = build_booklet(paths, None, title="Health Science Careers", date="April 2027")
    again = build_booklet(paths, None, title="Health Science Careers", date="April 2027")
    assert len(first.careers) == 2
    assert again.data == first.data


def test_a_bad_profile_means_no_booklet(tmp_path: Path) -> None:
    target = tmp_path / "b.pdf"
    invalid = DATA / "profiles" / "invalid"
    with pytest.raises(ProfileError) as caught:
        build_booklet([BUILTIN, invalid], target)
    lines = str(caught.value).splitlines()
    assert len(lines) == 11
    assert all(line.startswith(str(invalid)) for line in lines)
    assert not target.exists()
    with pytest.raises(ProfileError) as first:
        build_booklet([invalid], target, fail_fast=True)
    assert len(first.value.problems) == 8  # the first file's problems only
    assert not target.exists()


def test_duplicate_slugs_and_empty_input(tmp_path: Path) -> None:
    copy = tmp_path / "copy.yaml"
    shutil.copy(BUILTIN / "registered-nurse.yaml", copy)
    with pytest.raises(ProfileError, match="slug 'registered-nurse' is also used by") as caught:
        build_booklet([BUILTIN, copy], tmp_path / "b.pdf")
    assert str(copy) in str(caught.value)
    assert "registered-nurse.yaml" in str(caught.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ProfileError, match="folder holds no profiles"):
        build_booklet([tmp_path / "empty"], tmp_path / "b.pdf")


def test_cli_booklet(tmp_path: Path) -> None:
    runner = CliRunner()
    with mock.patch.object(booklet_apart, "build_booklet", autospec=True) as build:
        build.return_value = BookletReport(tmp_path / "b.pdf", 8, 2, [], sheets=2, padded=1)
        result = runner.invoke(
            cli.cli,
            [
                "booklet",
                str(BUILTIN),
                "-o",
                str(tmp_path / "b.pdf"),
                "--title",
                "T",
                "--paper",
                "a5",
                "--group-by",
                "cluster",
                "--impose",
                "saddle",
                "--marks",
                "--timeout",
                "30",
                "-j",
                "3",
            ],
        )
    assert result.exit_code == 0, result.output
    # Each part is laid out in a worker under the caps of one render.
    build.assert_called_once_with(
        (BUILTIN,),
        str(tmp_path / "b.pdf"),
        layout="handout",
        paper="a5",
        title="T",
        subtitle=None,
        date=None,
        group_by="cluster",
        impose="saddle",
        marks=True,
        fail_fast=False,
        strict=False,
        options=RenderOptions(),
        jobs=3,
        force=False,
        caps=Caps(seconds=30, memory_mib=2048),
        on_plan=mock.ANY,
        on_part=mock.ANY,
        pool=mock.ANY,
    )
    # The workers were started before the booklet's code was needed, with the caps.
    pool = build.call_args.kwargs["pool"]
    assert (pool.count, pool.caps) == (3, Caps(seconds=30, memory_mib=2048))
    assert "8 pages on 2 sheets (4 sides), 1 blank added before the back cover" in result.stdout
    assert (tmp_path / "b.manifest.json").is_file()
    usage = runner.invoke(cli.cli, ["booklet", str(BUILTIN), "--marks"])
    assert usage.exit_code == 2


def test_booklet_into_a_folder_and_of_one_career(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli.cli, ["booklet", str(BUILTIN / "registered-nurse.yaml"), "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{tmp_path / 'booklet.pdf'}  1 career, ")
    reader = PdfReader(tmp_path / "booklet.pdf")
    assert reader.page_labels[2] == "1"
