"""Accessible, traceable PDFs (issue 8): the structure a reader gets, the accessibility
preflight, and `--attach-source`."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from brochure import cli, load_profile, pipeline
from brochure.booklet_apart import build_booklet
from brochure.layout import builtin_layouts, find_layout
from brochure.preflight import accessibility_problems
from brochure.render import RenderOptions, render_html
from brochure.theme import PLAIN, load_theme

from .conftest import BUILTIN_PROFILES, TINY_LAYOUT, Render, slow_but

ROOT = Path(__file__).resolve().parent.parent
THEME = ROOT / "examples" / "school-theme.yaml"
NURSE = ROOT / "profiles" / "registered-nurse.yaml"
LAYOUTS = [layout.name for layout in builtin_layouts()]


def elements(node: object) -> Iterator[pikepdf.Dictionary]:
    """Every structure element under `node`, in reading order."""
    if isinstance(node, pikepdf.Array):
        for kid in node:
            yield from elements(kid)
    elif isinstance(node, pikepdf.Dictionary):
        if "/S" in node:
            yield node
        if "/K" in node:
            yield from elements(node.K)


def structure(data: bytes) -> list[tuple[str, str | None]]:
    """(role, alt text) of each structure element, checking the document-level entries."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.Root.MarkInfo.Marked
        assert str(pdf.Root.Lang)
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        assert str(pdf.docinfo.Title)
        assert pdf.open_metadata().get("dc:title")
        found = [
            (str(e.S), str(e.Alt) if "/Alt" in e else None)
            for e in elements(pdf.Root.StructTreeRoot.K)
        ]
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                if annot.Subtype == "/Link":  # a link says where it goes
                    assert str(annot.get("/Contents", "")).strip()
                    assert "/StructParent" in annot
    return found


@pytest.mark.parametrize("layout_name", slow_but("handout", LAYOUTS))
def test_every_figure_logo_and_qr_code_has_alt_text(
    layout_name: str, render_builtin: Render
) -> None:
    options = RenderOptions(theme=load_theme(THEME))
    rendered, _ = render_builtin(NURSE, None, layout_name, options)  # shared with test_layouts
    tags = structure(rendered.pdf.data)
    roles = [role for role, _ in tags]
    figures = [alt for role, alt in tags if role == "/Figure"]
    assert len(figures) >= 2, "the theme's logo and at least one QR code"
    assert all(alt and alt.strip() for alt in figures), figures
    assert any("QR code for" in alt for alt in figures if alt)
    assert any("Lincoln" in alt for alt in figures if alt)  # the theme's logo_alt
    assert roles.count("/H1") == 1
    assert roles.index("/H1") < roles.index("/H2"), "the title is read before the sections"
    assert {"/L", "/LI", "/LBody"} <= set(roles)
    assert not [w for w in rendered.pdf.warnings if w.startswith("accessibility")]


@pytest.mark.slow
def test_booklet_is_tagged_with_alt_text(tmp_path: Path) -> None:
    report = build_booklet(
        [NURSE, ROOT / "profiles" / "pharmacy-technician.yaml"],
        None,
        options=RenderOptions(theme=load_theme(THEME)),
    )
    tags = structure(report.data)
    figures = [alt for role, alt in tags if role == "/Figure"]
    assert figures
    assert all(alt and alt.strip() for alt in figures)
    assert [role for role, _ in tags].count("/H1") >= 2  # the cover, then each career
    assert not [w for w in report.warnings if w.startswith("accessibility")]


@pytest.mark.parametrize("layout_name", LAYOUTS)
def test_builtin_layouts_pass_the_preflight(layout_name: str) -> None:
    """Every built-in profile, with and without a theme, in English and Spanish labels."""
    layout = find_layout(layout_name)
    for theme in (PLAIN, load_theme(THEME)):
        for lang in (None, "es"):
            options = RenderOptions(theme=theme, lang=lang)
            for path in BUILTIN_PROFILES:
                html = render_html(load_profile(path), layout, layout.papers[0], options)
                assert accessibility_problems(html, layout_name) == [], path.name


def test_preflight_names_what_breaks_accessibility() -> None:
    html = """<html><head></head><body>
    <h1>Nurse</h1><h3>Duties</h3><h2></h2>
    <img src="logo.png"><img src="data:image/png;base64,AAAA" alt="  ">
    <svg><rect/></svg><svg><title>Chart of pay</title><rect/></svg>
    <a href="https://example.org/a"></a>
    <a href="https://example.org/b"><img src="q.png" alt="QR"></a>
    <a href="https://example.org/c" aria-label="More"></a>
    <table><tr><td>1</td></tr></table><table><tr><th>Name</th></tr></table>
    <table role="presentation"><tr><td>layout</td></tr></table>
    </body></html>"""
    found = [
        line.removeprefix("accessibility (layout mine): ")
        for line in accessibility_problems(html, "mine")
    ]
    assert found == [
        'the <html> element has no lang attribute (lang="{{ lang }}")',
        "the document has no <title> (<title>{{ profile.title }}</title>)",
        'heading levels skip from <h1> to <h3> "Duties"',
        "an empty <h2> heading",
        '<img src="logo.png"> has no alt text',
        '<img src="data:image/png;base64,…"> has empty alt text; PDF/UA needs a description '
        "even for a decorative image (or draw it as a CSS background)",
        "an inline <svg> has no <title> to describe it",
        'a link to "https://example.org/a" has no text to read out',
        'a <table> has no header cells (<th>); add them, or role="presentation" if it only '
        "arranges the page",
    ]
    clean = '<html lang="en"><title>T</title><h1>A</h1><h2>B</h2><img src="x" alt="X"></html>'
    assert accessibility_problems(clean, "mine") == []


def test_a_user_layout_missing_alt_text_is_warned_about_once(tmp_path: Path) -> None:
    layout = tmp_path / "bare"
    shutil.copytree(TINY_LAYOUT, layout)
    (layout / "layout.yaml").write_text(
        (layout / "layout.yaml").read_text().replace("name: tiny", "name: bare")
    )
    template = layout / "template.html.j2"
    template.write_text(
        template.read_text()
        .replace(' lang="{{ profile.lang }}"', "")
        .replace(
            "</body>",
            '<img src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/'
            '2000/svg%22 width=%2210%22 height=%2210%22/%3E"></body>',
        )
    )
    profile = tmp_path / "nurse.yaml"
    shutil.copy(NURSE, profile)
    result = CliRunner().invoke(
        cli.cli, ["render", str(profile), "-l", str(layout), "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "alt" in line or "lang" in line]
    assert any("<html> element has no lang attribute" in line for line in lines), result.output
    assert sum("has no alt text" in line for line in lines) == 1, result.output
    assert "required alt description" not in result.output  # WeasyPrint's own, less clear
    assert list((tmp_path / "out").glob("*.pdf"))  # a warning, not a failure
    strict = CliRunner().invoke(
        cli.cli,
        ["render", str(profile), "-l", str(layout), "--strict", "-o", str(tmp_path / "strict")],
    )
    assert strict.exit_code == 1


def attachments(data: bytes) -> dict[str, tuple[bytes, str, str]]:
    """name → (bytes, description, relationship) of each file carried in the PDF."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return {
            name: (
                spec.get_file().read_bytes(),
                spec.description,
                str(spec.obj.get("/AFRelationship", "")),
            )
            for name, spec in pdf.attachments.items()
        }


@pytest.mark.slow
def test_attach_source_carries_profile_translation_and_theme(tmp_path: Path) -> None:
    theme_dir = tmp_path / "theme"
    shutil.copytree(THEME.parent, theme_dir)
    source = tmp_path / "nurse.yaml"
    shutil.copy(NURSE, source)
    translation = tmp_path / "nurse.es.yaml"
    translation.write_text("title: Enfermero registrado\nsummary: Cuida a los pacientes.\n")
    out = tmp_path / "out"
    args = [
        "render",
        str(source),
        "--lang",
        "es",
        "--theme",
        str(theme_dir / THEME.name),
        "--pdf-variant",
        "pdf/a-3b",
        "--attach-source",
        "-o",
        str(out),
        "-q",
    ]
    result = CliRunner().invoke(cli.cli, args)
    assert result.exit_code == 0, result.output
    (written,) = out.glob("*.pdf")
    data = written.read_bytes()
    carried = attachments(data)
    assert sorted(carried) == [
        "lincoln-logo.svg",
        "nurse.es.yaml",
        "nurse.yaml",
        "school-theme.yaml",
    ]
    assert carried["nurse.yaml"][0] == source.read_bytes()
    assert carried["nurse.es.yaml"][0] == translation.read_bytes()
    assert carried["school-theme.yaml"][0] == THEME.read_bytes()
    assert carried["lincoln-logo.svg"][0] == (THEME.parent / "lincoln-logo.svg").read_bytes()
    assert all(
        relation == "/Source" and description for _, description, relation in carried.values()
    )
    with pikepdf.open(io.BytesIO(data)) as pdf:
        listed = [str(spec.UF) for spec in pdf.Root.AF]
        assert sorted(listed) == sorted(carried)  # PDF/A-3: each file once in /AF
        stream = pdf.attachments["nurse.yaml"].obj.EF.F
        assert stream.Subtype == "/application/yaml"
        assert pdf.open_metadata().get("pdfaid:part") == "3"
    # The files carried out of the PDF make the same brochure again.
    again = tmp_path / "again"
    again.mkdir()
    for name, (content, _, _) in carried.items():
        (again / name).write_bytes(content)
    args = [
        "render",
        str(again / "nurse.yaml"),
        "--lang",
        "es",
        "--theme",
        str(again / "school-theme.yaml"),
        "--pdf-variant",
        "pdf/a-3b",
        "--attach-source",
        "-o",
        str(tmp_path / "out2"),
        "-q",
    ]
    assert CliRunner().invoke(cli.cli, args).exit_code == 0
    assert (tmp_path / "out2" / written.name).read_bytes() == data
    if shutil.which("qpdf"):
        assert (
            subprocess.run(["qpdf", "--check", str(written)], capture_output=True).returncode == 0
        )


def test_without_attach_source_nothing_is_carried(tmp_path: Path) -> None:
    options = RenderOptions(theme=load_theme(THEME), pdf_variant="pdf/a-3b")
    data = pipeline.render_profile(load_profile(NURSE), TINY_LAYOUT, options=options).pdf.data
    assert attachments(data) == {}


@pytest.mark.slow
def test_booklet_attaches_every_profile_once_with_unique_names(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    shutil.copy(NURSE, tmp_path / "a" / "career.yaml")
    shutil.copy(ROOT / "profiles" / "pharmacy-technician.yaml", tmp_path / "b" / "career.yaml")
    result = CliRunner().invoke(
        cli.cli,
        [
            "booklet",
            str(tmp_path / "a"),
            str(tmp_path / "b"),
            "--attach-source",
            "-o",
            str(tmp_path / "booklet.pdf"),
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    carried = attachments((tmp_path / "booklet.pdf").read_bytes())
    assert sorted(carried) == ["career-2.yaml", "career.yaml"]
    assert {content for content, _, _ in carried.values()} == {
        NURSE.read_bytes(),
        (ROOT / "profiles" / "pharmacy-technician.yaml").read_bytes(),
    }


def test_attach_source_refuses_pdf_x(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli.cli,
        [
            "render",
            str(NURSE),
            "--attach-source",
            "--pdf-variant",
            "pdf/x-4",
            "-o",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 2
    assert "PDF/X files carry no attachments" in result.output
    assert not (tmp_path / "out").exists()
