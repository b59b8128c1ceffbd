"""PDF/UA-1 as an independent checker sees it (tests/pdfua.py, pikepdf alone): single
careers in every built-in layout and both kinds of booklet pass, and the checker fails
PDFs broken on purpose, one condition at a time."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest

from brochure.booklet import BookletReport, build_booklet_one_pass
from brochure.booklet_apart import build_booklet
from brochure.options import RenderOptions
from brochure.pipeline import Rendered

from .conftest import BUILTIN_PROFILES, slow_but
from .pdfua import pdfua_problems

Render = Callable[..., tuple[Rendered, list[str]]]
UA = RenderOptions(pdf_variant="pdf/ua-1")
SEED = next(p for p in BUILTIN_PROFILES if p.stem == "medical-billing-and-coding-specialist")
LAYOUTS = ["handout", "flyer", "trifold"]
IDS = [p.stem for p in BUILTIN_PROFILES]


def shown(problems: list[str]) -> str:
    return "\n".join(problems)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("path", slow_but(SEED, BUILTIN_PROFILES, IDS))
def test_a_career_in_each_layout_is_pdf_ua(render_builtin: Render, path: Path, layout: str) -> None:
    rendered, _ = render_builtin(path, "letter", layout, UA)
    problems = pdfua_problems(rendered.pdf.data)
    assert problems == [], shown(problems)


@pytest.mark.parametrize(
    "build",
    slow_but(build_booklet, [build_booklet, build_booklet_one_pass], ["joined", "one-pass"]),
)
def test_a_booklet_is_pdf_ua(build: Callable[..., BookletReport]) -> None:
    report = build(BUILTIN_PROFILES[:6], None, options=UA, group_by="cluster")
    problems = pdfua_problems(report.data)
    assert problems == [], shown(problems)


# --- the checker fails what is broken -------------------------------------------------


def structure_elements(pdf: pikepdf.Pdf, structure_type: str) -> list[pikepdf.Dictionary]:
    return [
        obj
        for obj in pdf.objects
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == structure_type
    ]


def page_with_links(pdf: pikepdf.Pdf) -> pikepdf.Page:
    return next(page for page in pdf.pages if "/Annots" in page.obj and len(page.obj.Annots))


def parent_tree_without(pdf: pikepdf.Pdf, key: int) -> None:
    """Take `key` out of the parent tree (WeasyPrint writes one flat /Nums)."""
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    pairs = list(zip(nums[::2], nums[1::2], strict=True))
    assert any(k == key for k, _ in pairs)
    pdf.Root.StructTreeRoot.ParentTree.Nums = pikepdf.Array(
        [item for k, v in pairs if k != key for item in (k, v)]
    )


def no_mark_info(pdf: pikepdf.Pdf) -> None:
    del pdf.Root.MarkInfo


def not_marked(pdf: pikepdf.Pdf) -> None:
    pdf.Root.MarkInfo.Marked = False


def no_lang(pdf: pikepdf.Pdf) -> None:
    del pdf.Root.Lang


def title_not_shown(pdf: pikepdf.Pdf) -> None:
    del pdf.Root.ViewerPreferences


def no_pdfua_part(pdf: pikepdf.Pdf) -> None:
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        del meta["pdfuaid:part"]


def figure_without_alt(pdf: pikepdf.Pdf) -> None:
    (figure,) = structure_elements(pdf, "/Figure")
    del figure.Alt
    assert "/ActualText" not in figure


def unmapped_type(pdf: pikepdf.Pdf) -> None:
    structure_elements(pdf, "/Caption")[0].S = pikepdf.Name("/Legend")


def no_tabs(pdf: pikepdf.Pdf) -> None:
    del page_with_links(pdf).obj.Tabs


def untagged_text(pdf: pikepdf.Pdf) -> None:
    page = pdf.pages[0]
    font = next(iter(page.Resources.Font.keys()))
    page.contents_add(pdf.make_stream(f"BT {font} 12 Tf (x) Tj ET".encode()), prepend=False)


def untagged_image(pdf: pikepdf.Pdf) -> None:
    page = pdf.pages[0]
    image = pikepdf.Stream(pdf, b"\x00")
    image.stream_dict.update(
        {"/Type": pikepdf.Name.XObject, "/Subtype": pikepdf.Name.Image, "/Width": 1}
    )
    image.stream_dict.update(
        {"/Height": 1, "/ColorSpace": pikepdf.Name.DeviceGray, "/BitsPerComponent": 8}
    )
    name = page.add_resource(image, pikepdf.Name.XObject)
    page.contents_add(pdf.make_stream(f"q {name} Do Q".encode()), prepend=False)


def form_xobject(pdf: pikepdf.Pdf, content: bytes) -> None:
    """Draw a form XObject holding `content` on page 1, outside any marked content."""
    page = pdf.pages[0]
    form = pikepdf.Stream(pdf, content)
    form.stream_dict.update(
        {"/Type": pikepdf.Name.XObject, "/Subtype": pikepdf.Name.Form, "/BBox": [0, 0, 9, 9]}
    )
    form.stream_dict.Resources = pikepdf.Dictionary(Font=page.Resources.Font)
    name = page.add_resource(form, pikepdf.Name.XObject)
    page.contents_add(pdf.make_stream(f"q {name} Do Q".encode()), prepend=False)


def untagged_form(pdf: pikepdf.Pdf) -> None:
    font = next(iter(pdf.pages[0].Resources.Font.keys()))
    form_xobject(pdf, f"BT {font} 12 Tf (x) Tj ET".encode())


def artifact_in_tagged(pdf: pikepdf.Pdf) -> None:
    content = pdf.pages[0].obj.Contents
    streams = list(content) if isinstance(content, pikepdf.Array) else [content]
    for stream in streams:
        data = stream.read_bytes()
        if b"/MCID 0" in data:
            at = data.index(b"BDC", data.index(b"/MCID 0")) + 3
            stream.write(data[:at] + b" /Artifact BMC 0 0 1 1 re f EMC" + data[at:])
            return
    raise AssertionError("no MCID 0 on page 1")


def page_entry_gone(pdf: pikepdf.Pdf) -> None:
    parent_tree_without(pdf, int(pdf.pages[0].obj.StructParents))


def mcid_owner_gone(pdf: pikepdf.Pdf) -> None:
    tree = pdf.Root.StructTreeRoot.ParentTree.Nums
    key = int(pdf.pages[0].obj.StructParents)
    entry = next(v for k, v in zip(tree[::2], tree[1::2], strict=True) if k == key)
    entry[3] = None


def link_entry_gone(pdf: pikepdf.Pdf) -> None:
    parent_tree_without(pdf, int(page_with_links(pdf).obj.Annots[0].StructParent))


def untagged_link(pdf: pikepdf.Pdf) -> None:
    del page_with_links(pdf).obj.Annots[0].StructParent


def twice_keyed(pdf: pikepdf.Pdf) -> None:
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    nums.extend([nums[0], nums[1]])


def font_not_embedded(pdf: pikepdf.Pdf) -> None:
    font = next(iter(pdf.pages[0].Resources.Font.values()))
    descriptor = (
        font.DescendantFonts[0].FontDescriptor
        if "/DescendantFonts" in font
        else font.FontDescriptor
    )
    for key in ("/FontFile", "/FontFile2", "/FontFile3"):
        if key in descriptor:
            del descriptor[key]


BREAKS: list[tuple[Callable[[pikepdf.Pdf], None], str]] = [
    (no_mark_info, "catalog: no /MarkInfo"),
    (not_marked, "catalog: /MarkInfo /Marked is not true"),
    (no_lang, "catalog: no /Lang"),
    (title_not_shown, "catalog: /ViewerPreferences /DisplayDocTitle is not true"),
    (no_pdfua_part, "metadata: pdfuaid:part is None"),
    (figure_without_alt, r"structure: element \d+ \(/Figure\) has no /Alt"),
    (unmapped_type, "/Legend is not role-mapped to a standard type"),
    (no_tabs, r"page \d+: has annotations but /Tabs is not /S"),
    (untagged_text, "page 1: 1 Tj outside tagged or artifact content"),
    (untagged_image, "page 1: 1 Do outside tagged or artifact content"),
    (untagged_form, r"page 1 form /\S+: 1 Tj outside tagged or artifact content"),
    (artifact_in_tagged, "page 1: an artifact inside tagged content"),
    (page_entry_gone, r"page 1: parent-tree entry \d+ is missing or not an array"),
    (mcid_owner_gone, r"page 1: MCID 3 has no element in parent-tree entry \d+"),
    (link_entry_gone, r"page \d+: Link annotation \d+: parent-tree entry \d+ has no element"),
    (untagged_link, r"page \d+: Link annotation \d+ is untagged \(no /StructParent\)"),
    (twice_keyed, r"parent tree: key \d+ appears twice"),
    (font_not_embedded, r"page 1: font /\w+\+[\w-]+ is not embedded"),
]


@pytest.fixture(scope="module")
def handout(render_builtin: Render) -> bytes:
    """The seed career's handout: it has a figure, links and every kind of tag."""
    rendered, _ = render_builtin(SEED, "letter", "handout", UA)
    return rendered.pdf.data


@pytest.fixture(scope="module")
def handout_problems(handout: bytes) -> list[str]:
    return pdfua_problems(handout)


def broken(data: bytes, breaker: Callable[[pikepdf.Pdf], None]) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        breaker(pdf)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("breaker", "expected"), BREAKS, ids=[breaker.__name__ for breaker, _ in BREAKS]
)
def test_the_checker_fails_what_is_broken(
    handout: bytes,
    handout_problems: list[str],
    breaker: Callable[[pikepdf.Pdf], None],
    expected: str,
) -> None:
    before = handout_problems
    after = pdfua_problems(broken(handout, breaker))
    assert not [p for p in before if re.search(expected, p)], shown(before)
    assert [p for p in after if re.search(expected, p)], shown(after)


def test_a_form_xobject_outside_marked_content_may_mark_its_own(handout: bytes) -> None:
    """As the joined booklet's folios are: a form drawn untagged, all artifact inside."""

    def artifact_form(pdf: pikepdf.Pdf) -> None:
        font = next(iter(pdf.pages[0].Resources.Font.keys()))
        form_xobject(pdf, f"/Artifact BMC BT {font} 12 Tf (x) Tj ET EMC".encode())

    problems = pdfua_problems(broken(handout, artifact_form))
    assert not [p for p in problems if "form" in p or "outside tagged" in p], shown(problems)


def test_the_checker_reports_a_damaged_file(handout: bytes) -> None:
    damaged = re.sub(rb"startxref\s+\d+", b"startxref\n123", handout)
    problems = pdfua_problems(damaged)
    assert any(p.startswith(("qpdf --check: exit", "qpdf check:")) for p in problems), problems


def test_the_checker_asks_pikepdf_when_there_is_no_qpdf_command(
    handout: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tests.pdfua.shutil.which", lambda name: None)
    damaged = re.sub(rb"startxref\s+\d+", b"startxref\n123", handout)
    assert any(p.startswith("qpdf check: ") for p in pdfua_problems(damaged))
