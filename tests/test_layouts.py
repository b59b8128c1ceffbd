"""Every built-in layout, themes, languages, grayscale and user layouts (issue 6)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
import yaml
from click.testing import CliRunner
from PIL import Image, ImageChops
from pypdf import PdfReader

from brochure import RenderError, cli, load_profile, pipeline
from brochure.inputs import expand_paths
from brochure.layout import builtin_layouts, find_layout, scaffold_layout
from brochure.render import RenderOptions
from brochure.resources import layouts_dir
from brochure.theme import load_theme

from .conftest import BUILTIN_PROFILES, DATA, Render, slow_but

IDS = [p.stem for p in BUILTIN_PROFILES]

ROOT = Path(__file__).resolve().parent.parent
THEME = ROOT / "examples" / "school-theme.yaml"
LAYOUTS = [layout.name for layout in builtin_layouts()]
SMALL_PAPERS = {"half-letter", "a5"}
NURSE = next(p for p in BUILTIN_PROFILES if p.stem == "registered-nurse")


def text_of(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    text = " ".join(page.extract_text() or "" for page in pages)
    return " ".join(text.replace("\u200b", "").replace("\u00ad", "").split())


def squeezed(text: str) -> str:
    """Text without spaces: a list item wrapped anywhere still matches."""
    return re.sub(r"\s+", "", text.replace("\u200b", "").replace("\u00ad", ""))


def images(data: bytes, dpi: int = 60) -> list[Image.Image]:
    document = pdfium.PdfDocument(data)
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in document]
    finally:
        document.close()


def test_every_layout_declares_its_papers_and_pages() -> None:
    assert {"handout", "flyer", "trifold"} <= set(LAYOUTS)
    for name in LAYOUTS:
        layout = find_layout(name)
        assert {"letter", "a4"} <= set(layout.papers)
        assert layout.page_rule, f"{name} declares how many pages it makes"
    assert find_layout("flyer").pages_exact == 1
    assert find_layout("trifold").pages_exact == 2
    assert find_layout("trifold").orientation == "landscape"


@pytest.mark.parametrize("paper", slow_but("letter", ["letter", "a4"]))
@pytest.mark.parametrize("layout_name", [n for n in LAYOUTS if n != "handout"])
@pytest.mark.parametrize("path", slow_but(NURSE, BUILTIN_PROFILES, IDS))
def test_builtin_layouts_fit_every_profile(
    layout_name: str, paper: str, path: Path, render_builtin: Render
) -> None:
    """Within the page count, nothing clipped, set properly (no heading parted from its
    text, no lone line at a break), and whatever is left out is said so."""
    layout = find_layout(layout_name)
    rendered, _ = render_builtin(path, paper, layout_name)  # shared with test_visual
    profile = rendered.profile
    pdf = rendered.pdf
    assert layout.allows_pages(pdf.pages), f"{layout.page_rule}, got {pdf.pages}"
    assert pdf.typography == []
    assert pdf.warnings == []
    text = text_of(pdf.data)
    flat = squeezed(text)
    assert profile.title in text
    shown_or_stated = {
        "duties": [d for d in profile.duties],
        "pathway": [s.title for s in profile.pathway],
    }
    for field, items in shown_or_stated.items():
        missing = [item for item in items if squeezed(item) not in flat]
        if missing:
            assert "listed in the full career profile" in text, (field, missing)
    if profile.certifications:
        names = [c.name for c in profile.certifications]
        if any(squeezed(n) not in flat for n in names):
            assert "full career profile" in text
            assert "Certifications" in text
    box = PdfReader(io.BytesIO(pdf.data)).pages[0].mediabox
    width, height = float(box.width), float(box.height)
    if layout.orientation == "landscape":
        assert width > height
    else:
        assert height > width
    if layout_name == "trifold":  # the cover, the right third of page 1: whole words only
        page = pdfium.PdfDocument(pdf.data)[0]
        cover = page.get_textpage().get_text_bounded(left=width * 2 / 3).split()
        assert set(profile.title.split()) <= set(cover), cover


def long_profile(tmp_path: Path) -> Path:
    data = yaml.safe_load((ROOT / "profiles" / "registered-nurse.yaml").read_text())
    data["duties"] = [
        f"Duty {i:02d}: coordinate a long and detailed piece of patient care with the team, "
        f"documenting every step carefully in the electronic health record"
        for i in range(40)
    ]
    path = tmp_path / "long-nurse.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.mark.slow
@pytest.mark.parametrize("layout_name", ["flyer", "trifold"])
def test_forty_long_duties_fit_with_the_cut_stated_or_fail_clearly(
    tmp_path: Path, layout_name: str
) -> None:
    layout = find_layout(layout_name)
    profile = load_profile(long_profile(tmp_path))
    try:
        rendered = pipeline.render_profile(profile, layout, "letter")
    except RenderError as err:
        message = str(err)
        assert "\n" not in message
        assert layout_name in message
        assert profile.title in message
        return
    assert rendered.pdf.pages == layout.pages_exact
    text = text_of(rendered.pdf.data)
    shown = sum(1 for i in range(40) if f"Duty {i:02d}" in text)
    assert shown < 40
    assert f"{40 - shown} more duties are listed in the full career profile" in text
    assert rendered.pdf.fit is not None
    assert "duties" in rendered.pdf.fit


def test_a_page_rule_that_cannot_be_met_names_layout_profile_and_words(tmp_path: Path) -> None:
    folder = tmp_path / "one-page"
    shutil.copytree(DATA / "layouts" / "tiny", folder)
    manifest = folder / "layout.yaml"
    manifest.write_text(
        manifest.read_text().replace("name: tiny", "name: one-page") + "pages: {exact: 1}\n"
    )
    profile = load_profile(long_profile(tmp_path))
    with pytest.raises(RenderError) as caught:
        pipeline.render_profile(profile, find_layout(folder), "letter")
    message = str(caught.value)
    assert "one-page" in message
    assert "exactly 1 page" in message
    assert "Registered Nurse" in message
    assert "page 2 starts with" in message


def test_text_a_fixed_box_would_drop_is_caught(tmp_path: Path) -> None:
    """WeasyPrint drops what a fixed-height flex box cannot hold; that must not pass."""
    folder = tmp_path / "boxed"
    shutil.copytree(DATA / "layouts" / "tiny", folder)
    manifest = folder / "layout.yaml"
    manifest.write_text(manifest.read_text().replace("name: tiny", "name: boxed"))
    css = folder / "style.css"
    css.write_text(
        css.read_text() + "body { display: flex; flex-direction: column; height: 2in; }\n"
    )
    profile = load_profile(long_profile(tmp_path))
    with pytest.raises(RenderError, match="would not be printed"):
        pipeline.render_profile(profile, find_layout(folder), "letter")


@pytest.mark.parametrize("layout_name", slow_but("handout", LAYOUTS))
@pytest.mark.parametrize("paper", slow_but("letter", ["letter", "a4"]))
def test_spanish_labels_and_numbers(layout_name: str, paper: str) -> None:
    profile = load_profile(ROOT / "profiles" / "registered-nurse.yaml")
    rendered = pipeline.render_profile(
        profile, layout_name, paper, options=RenderOptions(lang="es")
    )
    text = text_of(rendered.pdf.data)
    assert "93.600 US$" in text  # on one line: never "93.600 US" and "$" below
    assert "+5 %" in text
    assert "Salario medio".upper() in text.upper()
    for english in ("Median Salary", "Job Growth", "Time to Start", "Primary Duties", "per year"):
        assert english.upper() not in text.upper(), english
    assert PdfReader(io.BytesIO(rendered.pdf.data)).trailer["/Root"]["/Lang"] == "es"


def template_labels() -> set[str]:
    """Every label the built-in templates (and the shared macros) pass to `_`, `plural`
    or `css_content`."""
    found: set[str] = set()
    patterns = [
        r"""\b_\(\s*"((?:[^"\\]|\\.)+)\"""",
        r"""\b_\(\s*'((?:[^'\\]|\\.)+)'""",
        r"""plural\(\s*"([^"]+)",\s*"([^"]+)\"""",
        r""""([^"]+)"\s*\|\s*css_content""",
    ]
    folders = [layout.folder for layout in builtin_layouts()] + [layouts_dir() / "_shared"]
    for folder in folders:
        for template in folder.rglob("*.j2"):
            source = template.read_text()
            for pattern in patterns:
                for match in re.finditer(pattern, source):
                    found.update(g for g in match.groups() if g)
    return found


def test_every_builtin_label_has_a_spanish_translation() -> None:
    catalog: dict[str, str] = {}
    catalog.update(yaml.safe_load((ROOT / "src/brochure/messages/es.yaml").read_text()))
    for layout in builtin_layouts():
        extra = layout.folder / "messages" / "es.yaml"
        if extra.is_file():
            catalog.update(yaml.safe_load(extra.read_text()))
    labels = template_labels()
    assert len(labels) > 30
    missing = sorted(label for label in labels if label not in catalog)
    assert missing == []
    for label, text in catalog.items():
        slots = set(re.findall(r"\{(\w+)\}", label))
        assert slots == set(re.findall(r"\{(\w+)\}", text)), label


@pytest.mark.parametrize("layout_name", slow_but("handout", LAYOUTS))
def test_theme_name_contact_logo_and_scannable_qr_codes(
    layout_name: str, render_builtin: Render
) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    theme = load_theme(THEME)
    nurse = ROOT / "profiles" / "registered-nurse.yaml"
    # The themed nurse is shared with the grayscale test and test_accessibility.
    rendered, _ = render_builtin(nurse, "letter", layout_name, RenderOptions(theme=theme))
    text = text_of(rendered.pdf.data)
    assert "Lincoln High School Counseling Office" in text
    assert "(217) 555-0142" in text
    assert "lincolnhs.example.org/careers" in text
    assert "Lincoln" in text
    assert "HIGHSCHOOL" in squeezed(text)  # letter-spaced: extracted with or without gaps
    decoded = set()
    for image in images(rendered.pdf.data, dpi=200):
        decoded.update(r.text for r in zxingcpp.read_barcodes(image))
    assert "https://lincolnhs.example.org/careers" in decoded
    assert "https://www.bls.gov/ooh/healthcare/registered-nurses.htm" in decoded
    assert "#6b1d2a" in rendered.html  # the theme's primary color reaches the CSS


@pytest.mark.slow
@pytest.mark.parametrize("layout_name", LAYOUTS)
def test_theme_fonts_replace_the_layout_fonts(layout_name: str, tmp_path: Path) -> None:
    theme = tmp_path / "theme.yaml"  # without the logo, whose SVG sets its own fonts
    shutil.copy(ROOT / "layouts/_shared/fonts/NotoSerif-Italic.ttf", tmp_path / "brand.ttf")
    theme.write_text(
        THEME.read_text()
        .replace("logo: lincoln-logo.svg\n", "")
        .replace(
            "# fonts:\n#   heading: fonts/YourSerif-Bold.ttf\n#   body: fonts/YourSans-Regular.ttf",
            "fonts:\n  heading: brand.ttf\n  body: DejaVu Serif",
        )
    )
    assert "brand.ttf" in theme.read_text()
    profile = load_profile(ROOT / "profiles" / "registered-nurse.yaml")
    options = RenderOptions(theme=load_theme(theme))
    data = pipeline.render_profile(profile, layout_name, "letter", options=options).pdf.data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        fonts = {str(f.BaseFont) for page in pdf.pages for f in page.Resources.Font.values()}
    assert any("theme-heading" in name or "Noto-Serif-Italic" in name for name in fonts), fonts
    if (
        shutil.which("fc-match")
        and "DejaVu"
        in subprocess.run(["fc-match", "DejaVu Serif"], capture_output=True, text=True).stdout
    ):
        assert any("DejaVu-Serif" in name for name in fonts), fonts
    assert not any("Noto-Serif-Display" in name or "Inter" in name for name in fonts), fonts


@pytest.mark.slow
@pytest.mark.parametrize("layout_name", LAYOUTS)
def test_grayscale_pages_have_no_color(layout_name: str, render_builtin: Render) -> None:
    theme = load_theme(THEME)
    nurse = ROOT / "profiles" / "registered-nurse.yaml"
    profile = load_profile(nurse)
    rendered = pipeline.render_profile(
        profile, layout_name, "letter", options=RenderOptions(theme=theme, grayscale=True)
    )
    for number, page in enumerate(images(rendered.pdf.data), start=1):
        r, g, b = page.split()
        spread = max(
            ImageChops.difference(r, g).getextrema()[1],
            ImageChops.difference(g, b).getextrema()[1],
            ImageChops.difference(r, b).getextrema()[1],
        )
        assert spread <= 6, f"page {number} has colored pixels (channel spread {spread})"
    color, _ = render_builtin(nurse, "letter", layout_name, RenderOptions(theme=theme))
    r, g, b = images(color.pdf.data)[0].split()
    assert ImageChops.difference(r, b).getextrema()[1] > 40, "the color version is in color"


def test_translation_beside_a_profile_is_used_for_its_language(tmp_path: Path) -> None:
    source = tmp_path / "registered-nurse.yaml"
    shutil.copy(ROOT / "profiles" / "registered-nurse.yaml", source)
    (tmp_path / "registered-nurse.es.yaml").write_text(
        "title: Enfermero registrado\n"
        "duties:\n  - Evaluar a los pacientes\n  - Administrar medicamentos\n"
        "facts:\n  job_growth: +5% Muy bueno\n"
    )
    assert expand_paths([tmp_path]) == [source]
    english = load_profile(source)
    spanish = load_profile(source, "es")
    assert spanish.title == "Enfermero registrado"
    assert spanish.lang == "es"
    assert spanish.duties == ["Evaluar a los pacientes", "Administrar medicamentos"]
    assert spanish.facts.median_pay == english.facts.median_pay
    assert spanish.facts.job_growth is not None
    assert spanish.facts.job_growth.rating == "Muy bueno"
    assert spanish.pathway == english.pathway  # not translated: kept as written
    assert load_profile(source, "fr") == english


def test_scaffolded_layout_overrides_one_block_and_renders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runner = CliRunner()
    result = runner.invoke(cli.cli, ["new-layout", "our-handout", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "our-handout"
    assert {p.name for p in folder.iterdir()} == {"layout.yaml", "custom.css", "template.html.j2"}
    template = folder / "template.html.j2"
    template.write_text(
        template.read_text()
        + '{% block body %}{{ super() }}<p class="banner">Lincoln Career Week</p>{% endblock %}\n'
    )
    (folder / "custom.css").write_text(".banner { font-weight: 700; }\n")
    layout = find_layout(folder)
    assert layout.parents
    assert layout.parents[0].name == "handout"
    rendered = pipeline.render_profile(
        load_profile(ROOT / "profiles" / "registered-nurse.yaml"), layout, "letter"
    )
    text = text_of(rendered.pdf.data)
    assert "Lincoln Career Week" in text
    assert "Registered Nurse" in text
    assert rendered.pdf.pages <= 2
    with pytest.raises(SystemExit) as exited:
        cli.main(["new-layout", "our-handout", "-o", str(tmp_path)])
    assert exited.value.code == 1
    assert "already exists" in capsys.readouterr().err


@pytest.mark.slow
def test_settings_file_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(THEME, tmp_path / "school-theme.yaml")
    shutil.copy(THEME.parent / "lincoln-logo.svg", tmp_path)
    (tmp_path / "brochure.yaml").write_text("theme: school-theme.yaml\nlang: es\nlayout: flyer\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli.cli, ["render", "registered-nurse", "-o", "out", "-q"])
    assert result.exit_code == 0, result.output
    text = text_of((tmp_path / "out" / "registered-nurse.pdf").read_bytes())
    assert "Lincoln High School Counseling Office" in text
    assert "Salario medio".upper() in text.upper()
    assert len(PdfReader(tmp_path / "out" / "registered-nurse.pdf").pages) == 1
    # The command line wins over the file.
    result = CliRunner().invoke(
        cli.cli, ["render", "registered-nurse", "-o", "en", "-q", "--lang", "en", "-l", "handout"]
    )
    assert result.exit_code == 0, result.output
    assert (
        "Median Salary".upper()
        in text_of((tmp_path / "en/registered-nurse.pdf").read_bytes()).upper()
    )
    (tmp_path / "brochure.yaml").write_text("paper: tabloid\n")
    bad = CliRunner().invoke(cli.cli, ["render", "registered-nurse", "-o", "x"])
    assert bad.exit_code == 1


def test_bad_theme_files_are_located(tmp_path: Path) -> None:
    theme = tmp_path / "theme.yaml"
    theme.write_text("name: X\nlogo: missing.png\n")
    with pytest.raises(Exception, match=r"theme.yaml:2: logo: file 'missing.png' not found"):
        load_theme(theme)
    theme.write_text("name: X\ncolors:\n  primary: maroon\n")
    with pytest.raises(Exception, match=r"theme.yaml:3: colors.primary"):
        load_theme(theme)
    theme.write_text("name: X\nlogo: ../outside.svg\n")
    (tmp_path.parent / "outside.svg").write_text("<svg/>")
    with pytest.raises(Exception, match="theme's folder"):
        load_theme(theme)


def test_layout_extending_itself_or_unknown_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "loop"
    folder.mkdir()
    (folder / "layout.yaml").write_text("name: loop\ndescription: x\nextends: ../loop\n")
    with pytest.raises(Exception, match="cannot extend itself"):
        find_layout(folder)
    (folder / "layout.yaml").write_text("name: loop\ndescription: x\nextends: nowhere\n")
    with pytest.raises(Exception, match=r"layout\.yaml:3: extends"):
        find_layout(folder)


def test_scaffold_refuses_bad_names(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="lowercase"):
        scaffold_layout("Bad Name", tmp_path)
