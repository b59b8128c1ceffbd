"""The PDFs themselves, read back with pypdf and pikepdf (qpdf): size, fonts, text, metadata."""

from __future__ import annotations

import io
import itertools
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pypdf import PdfReader

from brochure import __version__, find_layout, load_profile, pipeline
from brochure.booklet_apart import build_booklet
from brochure.freshness import output_key
from brochure.pdf import engine
from brochure.pipeline import Rendered
from brochure.render import RenderOptions
from brochure.theme import PLAIN, load_theme

from .conftest import BUILTIN_PROFILES, DATA, TESTS, TINY_LAYOUT, slow_but

Render = Callable[[Path, str], tuple[Rendered, list[str]]]
SEED_PROFILE = next(
    p for p in BUILTIN_PROFILES if p.stem == "medical-billing-and-coding-specialist"
)
IDS = [p.stem for p in BUILTIN_PROFILES]


def norm(text: str) -> str:
    """Text as a reader sees it: one space between words, no invisible break hints."""
    text = text.replace("\u200b", "").replace("\u00ad", "")
    return " ".join(text.split())


def page_texts(data: bytes) -> list[str]:
    return [norm(page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages]


def missing_items(data: bytes, items: list[str]) -> list[str]:
    """Items whose text is not in the PDF, allowing a paragraph to run on to the next page."""
    pages = page_texts(data)
    whole = " ".join(pages)
    missing = []
    joined = whole.replace(" ", "")
    for item in filter(None, (norm(i) for i in items)):
        if item in whole:
            continue
        if "/" in item and item.replace(" ", "") in joined:
            continue  # a long name wrapped after a slash: "(ARC/" + "STSA)"
        words = item.split(" ")
        split = any(
            " ".join(words[:cut]) in before and " ".join(words[cut:]) in after
            for before, after in itertools.pairwise(pages)
            for cut in range(1, len(words))
        )
        if not split:
            missing.append(item)
    return missing


LETTER, A4 = ("letter", (612, 792)), ("a4", (595, 842))


@pytest.mark.parametrize("path", slow_but(SEED_PROFILE, BUILTIN_PROFILES, IDS))
@pytest.mark.parametrize(("paper", "size"), slow_but(LETTER, [LETTER, A4]))
def test_builtin_profiles_render_to_the_paper(
    render_builtin: Render, path: Path, paper: str, size: tuple[int, int]
) -> None:
    rendered, log = render_builtin(path, paper)
    reader = PdfReader(io.BytesIO(rendered.pdf.data))
    assert 1 <= len(reader.pages) <= 2, "the handout is a two-page brochure"
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == size
    assert log == [], "built-in layouts render without WeasyPrint warnings"
    assert rendered.pdf.typography == [], "headings kept with their text, no lone lines"
    assert rendered.pdf.warnings == []
    # No near-empty last page: at least a sixth of it holds content.
    if len(reader.pages) > 1:
        assert rendered.pdf.last_page_fill > 1 / 6


@pytest.mark.parametrize("path", slow_but(SEED_PROFILE, BUILTIN_PROFILES, IDS))
def test_nothing_is_lost(render_builtin: Render, path: Path) -> None:
    rendered, _ = render_builtin(path, "letter")
    profile = rendered.profile
    expected = [profile.title, profile.summary or "", profile.continuing_education or ""]
    expected += profile.duties + profile.work_settings
    expected += [step.title for step in profile.pathway]
    expected += [step.description or "" for step in profile.pathway]
    expected += [cert.name for cert in profile.certifications]
    expected += [source.title for source in profile.sources]
    expected += [item.title for item in profile.related]
    assert not missing_items(rendered.pdf.data, expected)


def test_links_are_clickable(render_builtin: Render) -> None:
    rendered, _ = render_builtin(SEED_PROFILE, "letter")
    reader = PdfReader(io.BytesIO(rendered.pdf.data))
    uris = {
        annot.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if "/A" in annot.get_object()
    }
    assert {s.url for s in rendered.profile.sources if s.url} <= uris


def seed_items() -> list[str]:
    """Every content item of the seed page, with its bullets and labels taken off."""
    labels = {
        "Work Settings",
        "Primary Duties",
        "Continuing Education",
        "Certifications & Licenses",
        "Citations",
        "Related Guides",
    }
    items = []
    for raw in (
        (DATA / "seeds" / "medical-billing-and-coding-specialist.txt").read_text().splitlines()
    ):
        line = raw.strip()
        if not line or line in labels or line.startswith("How to Become"):
            continue
        if line.startswith("|"):
            _label, value = (cell.strip() for cell in line.strip("|").split("|"))
            items += re.findall(r"[+-]?\d+%|[A-Za-z][A-Za-z ]+|\$[\d,]+ per \w+|[\d-]+ \w+", value)
            continue
        line = re.sub(r"^- •", "", line).removesuffix("↗").strip()
        line = line.removeprefix("Duration: ")
        cert = re.fullmatch(r"(.+) \((\w+)\) - (\w+) \((.+)\)", line)
        items += list(cert.groups()) if cert else [line]
    return items


def test_seed_page_survives_into_the_pdf(render_builtin: Render) -> None:
    rendered, _ = render_builtin(SEED_PROFILE, "letter")
    items = seed_items()
    assert len(items) > 60
    assert not missing_items(rendered.pdf.data, items)


@pytest.mark.slow
def test_fonts_are_embedded_and_qpdf_finds_no_errors(render_builtin: Render) -> None:
    for path in BUILTIN_PROFILES:
        rendered, _ = render_builtin(path, "letter")
        with pikepdf.open(io.BytesIO(rendered.pdf.data)) as pdf:
            assert pdf.check_pdf_syntax() == []
            for page in pdf.pages:
                for _, font in page.resources.get("/Font", {}).items():
                    descriptor = (
                        font.DescendantFonts[0].FontDescriptor
                        if "/DescendantFonts" in font
                        else font.FontDescriptor
                    )
                    assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                    assert re.match(r"/[A-Z]{6}\+", str(font.BaseFont)), "fonts are subset"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf command not installed")
def test_qpdf_check_command(render_builtin: Render, tmp_path: Path) -> None:
    rendered, _ = render_builtin(SEED_PROFILE, "a4")
    target = tmp_path / "seed.pdf"
    target.write_bytes(rendered.pdf.data)
    result = subprocess.run(["qpdf", "--check", str(target)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_metadata(render_builtin: Render) -> None:
    rendered, _ = render_builtin(SEED_PROFILE, "letter")
    reader = PdfReader(io.BytesIO(rendered.pdf.data))
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Medical Billing and Coding Specialist"
    assert meta.subject == rendered.profile.summary
    assert "Health Science" in (meta.get("/Keywords") or "")
    assert meta.creator == f"brochure {__version__}"
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "/CreationDate" not in meta
    assert "/ModDate" not in meta


@pytest.mark.slow
def test_same_inputs_give_identical_bytes_across_processes(
    render_builtin: Render, tmp_path: Path
) -> None:
    first, _ = render_builtin(SEED_PROFILE, "letter")
    again = pipeline.render_profile(load_profile(SEED_PROFILE), "handout", "letter")
    assert again.pdf.data == first.pdf.data
    target = tmp_path / "seed.pdf"
    subprocess.run(
        [sys.executable, "-m", "brochure", "render", str(SEED_PROFILE), "-o", str(target), "-q"],
        check=True,
    )
    key = output_key(SEED_PROFILE, find_layout("handout"), "letter", html=False, strict=False)
    assert target.read_bytes() == pipeline.render_profile(SEED_PROFILE, key=key).pdf.data


def _twice_a_day_apart(make: Callable[[], bytes]) -> tuple[bytes, bytes]:
    """`make()` with the wall clock at one moment, then a day later (time.time is what
    fontTools and every date helper read)."""
    from unittest import mock

    moment = 1_780_000_000.0
    with mock.patch("time.time", return_value=moment):
        first = make()
    with mock.patch("time.time", return_value=moment + 86_400):
        return first, make()


def _render(layout: str, variant: str) -> bytes:
    options = RenderOptions(pdf_variant=variant)
    if layout == "booklet":
        report = build_booklet(BUILTIN_PROFILES[:2], None, options=options)
        return report.data
    return pipeline.render_profile(load_profile(SEED_PROFILE), layout, options=options).pdf.data


@pytest.mark.slow
@pytest.mark.parametrize(
    ("layout", "variant", "subsetter"),
    [
        *[(name, "pdf/ua-1", "harfbuzz") for name in ("handout", "flyer", "trifold", "booklet")],
        ("handout", "pdf/a-3b", "harfbuzz"),
        ("handout", "pdf/x-4", "harfbuzz"),
        ("handout", "pdf/ua-1", "fonttools"),
    ],
)
def test_bytes_never_depend_on_the_clock(
    monkeypatch: pytest.MonkeyPatch, subsetter: str, layout: str, variant: str
) -> None:
    """Also where fontTools subsets the fonts (no HarfBuzz-Subset on the machine): it
    stamps the time it saves a font into the font, unless told to keep the input's.
    Which program subsets is a font's business alone, the same for every layout and
    standard (a booklet's joined fonts keep their subsets' dates either way), so the
    fontTools case is one handout: it subsets ten times slower."""
    import weasyprint.pdf.fonts

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    if subsetter == "fonttools":
        monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    first, later = _twice_a_day_apart(lambda: _render(layout, variant))
    assert first == later


MINIMAL = DATA / "profiles/valid/minimal.yaml"


def tiny_layout(tmp_path: Path, *, head: str = "", body: str = "", css: str = "") -> Path:
    """A copy of the tiny test layout, with `head`, `body` and `css` added at their ends."""
    layout = tmp_path / "tiny"
    shutil.copytree(TINY_LAYOUT, layout)
    template = layout / "template.html.j2"
    text = template.read_text().replace("</head>", head + "</head>")
    template.write_text(text.replace("</body>", body + "</body>"))
    sheet = layout / "style.css"
    sheet.write_text(sheet.read_text() + css)
    return layout


def render_tiny(layout: Path) -> Rendered:
    return pipeline.render_profile(load_profile(MINIMAL), layout)


def test_resources_outside_the_layout_and_profile_are_refused(tmp_path: Path) -> None:
    images = (
        '<img src="file:///etc/hostname" alt="a">'
        '<img src="http://127.0.0.1:9/x.png" alt="b">'
        '<img src="../../../../../../etc/passwd" alt="c">'
        '<img src="logo.svg" alt="d">'
    )
    layout = tiny_layout(tmp_path, body=images)
    (layout / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<rect width="10" height="10"/></svg>'
    )
    rendered = render_tiny(layout)
    refused = [w for w in rendered.pdf.warnings if w.startswith("resource refused")]
    assert len(refused) == 3, rendered.pdf.warnings
    assert any("network access is off" in w for w in refused)
    assert rendered.pdf.data.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(rendered.pdf.data)).pages) == 1


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.mark.skipif(not DEJAVU.is_file(), reason="needs the DejaVu fonts (fonts-dejavu-core)")
def test_installed_fonts_may_be_named_with_local_but_nothing_else_outside(tmp_path: Path) -> None:
    css = (
        '@font-face { font-family: "Sys"; src: local("DejaVu Sans"); }\n'
        '@font-face { font-family: "Bad"; src: url(file:///etc/hostname); }\n'
        'h1 { font-family: "Sys"; } p { font-family: "Bad", serif; }\n'
    )
    rendered = render_tiny(tiny_layout(tmp_path, css=css))
    refused = [w for w in rendered.pdf.warnings if w.startswith("resource refused")]
    assert refused == ["resource refused: /etc/hostname is outside the layout and profile folders"]
    with pikepdf.open(io.BytesIO(rendered.pdf.data)) as pdf:
        fonts = {str(f.BaseFont) for page in pdf.pages for f in page.Resources.Font.values()}
    assert any("Sys" in name for name in fonts), fonts


@pytest.mark.skipif(not DEJAVU.is_file(), reason="needs the DejaVu fonts (fonts-dejavu-core)")
def test_arabic_in_italic_text_is_drawn_upright_from_an_arabic_font(tmp_path: Path) -> None:
    """WeasyPrint draws Arabic from DejaVu Sans Oblique as the wrong glyphs; the layouts'
    italic stacks take Arabic from DejaVu Sans, upright, instead."""
    profile = tmp_path / "arabic.yaml"
    profile.write_text("title: Welder\nsummary: يعمل اللحامون على ربط المعادن\n")
    for layout in ("handout", "flyer", "trifold"):
        rendered = pipeline.render_profile(load_profile(profile), layout)
        with pikepdf.open(io.BytesIO(rendered.pdf.data)) as pdf:
            fonts = {str(f.BaseFont) for page in pdf.pages for f in page.Resources.Font.values()}
        assert any("Upright-Arabic" in name for name in fonts), (layout, fonts)
        assert not any("Oblique" in name for name in fonts), (layout, fonts)


def test_a_missing_image_is_named_plainly(tmp_path: Path) -> None:
    layout = tiny_layout(tmp_path, body='<img src="crest.png" alt="School crest">')
    rendered = render_tiny(layout)
    assert f"image not found: {layout.resolve() / 'crest.png'}" in rendered.pdf.warnings
    assert not [w for w in rendered.pdf.warnings if "urlopen" in w or "Errno" in w]


def test_fit_stylesheets_avoid_a_nearly_empty_last_page(tmp_path: Path) -> None:
    """A profile that would spill a few lines onto a third page is tightened to two."""
    unfitted = tmp_path / "handout"
    shutil.copytree(find_layout("handout").folder, unfitted)
    manifest = unfitted / "layout.yaml"
    manifest.write_text(manifest.read_text().split("\nfit:")[0] + "\n")
    base = SEED_PROFILE.read_text()
    for count in range(1, 12):
        extra = "".join(f"  - Extra duty {i} that takes a line of its own\n" for i in range(count))
        path = tmp_path / f"long-{count}.yaml"
        path.write_text(base.replace("duties:\n", "duties:\n" + extra, 1))
        profile = load_profile(path)
        baseline = pipeline.render_profile(profile, unfitted, "letter").pdf
        if baseline.pages == 3 and baseline.last_page_fill < 0.3:
            break
    else:
        pytest.fail("no profile length spilled onto a third page")
    fitted = pipeline.render_profile(profile, "handout", "letter").pdf
    assert fitted.fit is not None
    assert fitted.pages == 2
    assert fitted.last_page_fill > 1 / 6
    assert not missing_items(fitted.data, profile.duties)


def test_text_running_off_the_page_is_reported(tmp_path: Path) -> None:
    wide = '<p style="margin-left: 90%; white-space: nowrap">This runs off the paper edge</p>'
    rendered = render_tiny(tiny_layout(tmp_path, body=wide))
    problem = "text runs off page 1: 'This runs off the paper edge'"
    assert rendered.pdf.typography == [problem]
    assert rendered.pdf.warnings == [f"typography: {problem}"]


def test_long_profiles_flow_onto_more_pages_without_losing_text(tmp_path: Path) -> None:
    """Thirty more duties, settings and certifications: nothing clipped, nothing dropped."""
    text = SEED_PROFILE.read_text()
    duties = "".join(
        f"  - Duty {i} with enough words to wrap onto a second line here\n" for i in range(30)
    )
    settings = "".join(f"  - Setting {i}\n" for i in range(30))
    certs = "".join(f"  - name: Certification {i}\n    issuer: NHA\n" for i in range(30))
    text = text.replace("duties:\n", "duties:\n" + duties, 1)
    text = text.replace("work_settings:\n", "work_settings:\n" + settings, 1)
    text = text.replace("certifications:\n", "certifications:\n" + certs, 1)
    path = tmp_path / "long.yaml"
    path.write_text(text)
    profile = load_profile(path)
    rendered = pipeline.render_profile(profile, "handout", "letter")
    assert rendered.pdf.pages > 2
    assert rendered.pdf.warnings == []
    items = profile.duties + profile.work_settings + [c.name for c in profile.certifications]
    assert not missing_items(rendered.pdf.data, items)


def test_unbreakable_words_and_long_titles_stay_on_the_page(tmp_path: Path) -> None:
    """Runs as long as the profile limits allow (100 letters without a space)."""
    path = tmp_path / "long.yaml"
    path.write_text(
        "title: " + "Very Long Career Title " * 5 + "\n"
        "duties: [" + "x" * 100 + ", Normal duty]\n"
        "work_settings: [" + "y" * 90 + "]\n"
        "certifications: [{name: " + "z" * 80 + ", abbreviation: ABCDEFGHIJKLMNOPQRST}]\n"
    )
    rendered = pipeline.render_profile(load_profile(path), "handout", "letter")
    assert rendered.pdf.warnings == []


def test_css_warnings_name_the_stylesheet_line_and_column(tmp_path: Path) -> None:
    layout = tiny_layout(tmp_path, css="h1 { colr: red; }\n")
    css = layout / "style.css"
    rendered = render_tiny(layout)
    assert rendered.pdf.warnings == [f"{css}:3:6: Ignored `colr: red`, unknown property."]


THEME = TESTS.parent / "examples" / "school-theme.yaml"


def _each_parsing_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "_kept_sheets", lambda html, *args: (html, []))


@pytest.mark.parametrize(
    ("layout", "paper", "themed", "gray"),
    [
        ("handout", "letter", True, False),
        ("handout", "half-letter", False, True),
        ("flyer", "letter", True, True),
        ("trifold", "a4", False, False),
    ],
)
def test_stylesheets_parsed_once_per_process_give_the_same_pages(
    monkeypatch: pytest.MonkeyPatch, layout: str, paper: str, themed: bool, gray: bool
) -> None:
    """A process parses each stylesheet once and hands it to WeasyPrint, which takes it
    as the user's rather than the author's (`engine._kept_sheets`): the built-in
    layouts' pages are the same, byte for byte, as when every document parses its own,
    with a theme (its own <style>), in grayscale, and on each layout's papers."""
    profile = load_profile(BUILTIN_PROFILES[0])
    options = RenderOptions(theme=load_theme(THEME) if themed else PLAIN, grayscale=gray)
    handed: list[int] = []
    kept = engine._kept_sheets

    def counted(*args: Any) -> tuple[str, list[Any]]:
        html, sheets = kept(*args)
        handed.append(len(sheets))
        return html, sheets

    monkeypatch.setattr(engine, "_kept_sheets", counted)
    once = pipeline.render_profile(profile, find_layout(layout), paper, options=options)
    assert handed, "nothing was laid out"
    assert min(handed) >= 3, handed  # the layout's sheets, the paper's <style>…
    _each_parsing_its_own(monkeypatch)
    each = pipeline.render_profile(profile, find_layout(layout), paper, options=options)
    assert once.pdf.data == each.pdf.data
    assert once.pdf.warnings == each.pdf.warnings


_REFUSED_SHEETS = ("pipe.css", "out.css", "big.css", "missing.css")


def test_a_stylesheet_that_says_something_is_parsed_with_each_document(tmp_path: Path) -> None:
    """A sheet with a warning, a <style> outside <head>, or a link the fetcher would
    refuse (outside its folders, a pipe, a link out, over its size cap, missing): the
    document is laid out as written, each time, so each render says what it says (a
    kept sheet would say it once in a process), and nothing refused is read."""
    layout = tiny_layout(tmp_path, css="h1 { colr: red; }\n")
    first, again = render_tiny(layout), render_tiny(layout)
    assert first.pdf.warnings == again.pdf.warnings != []
    base = tmp_path / "tiny"
    key = ((base.resolve(),), False, False)
    url = f"{base.resolve().as_uri()}/"
    head = '<html><head><link rel="stylesheet" href="style.css">\n'
    os.mkfifo(base / "pipe.css")  # read, it would block until the time cap
    (base / "out.css").symlink_to("/etc/hostname")
    with (base / "big.css").open("wb") as big:
        big.truncate(21_000_000)
    for html in (
        head + "</head><body><style>p { color: red }</style></body></html>",
        head.replace("style.css", "file:///etc/hostname") + "</head><body></body></html>",
        head + '<link rel="icon" href="x.png"></head><body></body></html>',
        head + '<LINK REL="stylesheet" HREF="style.css"></head><body></body></html>',
        head + '<base href="file:///elsewhere/"></head><body></body></html>',
        *(head.replace("style.css", name) + "</head></html>" for name in _REFUSED_SHEETS),
    ):
        assert engine._kept_sheets(html, url, key) == (html, [])
    (base / "style.css").write_text("h1 { color: red }\n")
    html = head + "<style>p { color: blue }</style></head><body></body></html>"
    stripped, sheets = engine._kept_sheets(html, url, key)
    assert len(sheets) == 2
    assert stripped == "<html><head></head><body></body></html>"
    # A sheet whose rules go to the document's own tables, or that imports another
    # (whose changes its own text would not show), is parsed with each document.
    for css in ('@import "more.css";\n', "@counter-style thumbs { system: cyclic; }\n"):
        (base / "style.css").write_text(css)
        assert engine._kept_sheets(html, url, key) == (html, [])


def test_templates_cannot_attach_files_to_the_pdf(tmp_path: Path) -> None:
    layout = tiny_layout(tmp_path, head='<link rel="attachment" href="secret.txt">')
    (layout / "secret.txt").write_text("not for the PDF")
    rendered = render_tiny(layout)
    assert b"not for the PDF" not in rendered.pdf.data
    assert "/EmbeddedFiles" not in PdfReader(io.BytesIO(rendered.pdf.data)).trailer["/Root"].get(
        "/Names", {}
    )


@pytest.mark.parametrize(
    ("variant", "field", "value"),
    [
        ("pdf/ua-1", "pdfuaid:part", "1"),
        ("pdf/a-3b", "pdfaid:part", "3"),
        ("pdf/x-4", "pdfxid:GTS_PDFXVersion", "PDF/X-4"),
    ],
)
def test_pdf_variants_are_declared_valid_and_reproducible(
    variant: str, field: str, value: str, tmp_path: Path
) -> None:
    profile = load_profile(DATA / "profiles/valid/full.yaml")
    options = RenderOptions(pdf_variant=variant)
    data = pipeline.render_profile(profile, TINY_LAYOUT, options=options).pdf.data
    again = pipeline.render_profile(profile, TINY_LAYOUT, options=options).pdf.data
    assert data == again  # PDF/X's dates and document id do not come from the clock
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.open_metadata().get(field) == value
        assert pdf.Root.MarkInfo.Marked
        assert "/StructTreeRoot" in pdf.Root
        assert str(pdf.Root.Lang) == "en"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        assert pdf.check_pdf_syntax() == []
    if shutil.which("qpdf"):
        path = tmp_path / "variant.pdf"
        path.write_bytes(data)
        assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0
