"""Layout folders: manifests, lookup by name or path, template errors at their line."""

from __future__ import annotations

import io
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from brochure import LayoutError, find_layout, load_profile, render_html
from brochure.layout import builtin_layouts
from brochure.options import RenderOptions
from brochure.pipeline import allowed_roots, render_profile
from brochure.resources import layouts_dir

from .conftest import DATA, slow_but

TINY = DATA / "layouts" / "tiny"
MINIMAL = DATA / "profiles" / "valid" / "minimal.yaml"
NURSE = DATA.parent.parent / "profiles" / "registered-nurse.yaml"


def copy_tiny(tmp_path: Path) -> Path:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    return folder


def test_builtin_handout_describes_itself() -> None:
    layouts = {layout.name: layout for layout in builtin_layouts()}
    handout = layouts["handout"]
    assert handout.builtin
    assert handout.papers == ("letter", "a4", "half-letter", "a5")
    assert handout.booklet_template == "booklet.html.j2"
    assert handout.default_paper == "letter"
    assert handout.description
    assert handout.shared is not None
    assert (handout.shared / "fonts").is_dir()


def test_unknown_layout_lists_the_available_ones() -> None:
    with pytest.raises(LayoutError) as caught:
        find_layout("hadnout")
    assert str(caught.value) == "unknown layout 'hadnout' (available: flyer, handout, trifold)"


def test_layout_by_folder_and_paper_check() -> None:
    tiny = find_layout(TINY)
    assert (tiny.name, tiny.builtin, tiny.default_paper) == ("tiny", False, "a4")
    assert tiny.paper("LETTER").width == 612
    with pytest.raises(LayoutError, match="does not support paper 'legal'"):
        tiny.paper("legal")


@pytest.mark.parametrize(
    ("manifest", "expected"),
    [
        (
            "name: tiny\ndescription: x\ntemplat: t.j2\n",
            ":3: templat: unknown field (did you mean 'template'?)",
        ),
        (
            "name: other\ndescription: x\n",
            ":1: name: name 'other' must equal the folder name 'tiny'",
        ),
        (
            "name: tiny\ndescription: x\nstylesheets: [missing.css]\n",
            ":3: stylesheets[0]: file 'missing.css' not found",
        ),
        (
            "name: tiny\ndescription: x\npapers: [legal]\n",
            ":3: papers[0]: must be one of 'letter', 'a4', 'half-letter' or 'a5'",
        ),
        (
            "name: tiny\ndescription: x\ntemplate: ../../etc/passwd\n",
            ":3: template: file '../../etc/passwd' not found",
        ),
    ],
)
def test_manifest_problems_name_the_manifest_line(
    tmp_path: Path, manifest: str, expected: str
) -> None:
    folder = copy_tiny(tmp_path)
    (folder / "layout.yaml").write_text(manifest)
    with pytest.raises(LayoutError) as caught:
        find_layout(folder)
    assert str(caught.value).startswith(str(folder / "layout.yaml"))
    assert expected in str(caught.value)


def test_folder_without_manifest() -> None:
    with pytest.raises(LayoutError, match="not a layout folder"):
        find_layout(DATA)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{% iff profile.title %}", ":3: template syntax: Encountered unknown tag 'iff'"),
        (
            "{{ profile.titel }}",
            ":3: template error: Profile has no field 'titel'",
        ),
        ("{{ ''.__class__.__mro__ }}", ":3: template tried something unsafe"),
    ],
)
def test_template_mistakes_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    folder = copy_tiny(tmp_path)
    template = folder / "template.html.j2"
    template.write_text("<html>\n<body>\n" + line + "\n</body></html>\n")
    with pytest.raises(LayoutError) as caught:
        render_html(load_profile(MINIMAL), find_layout(folder))
    text = str(caught.value)
    assert text.startswith(str(template)), text
    assert message in text


def test_the_shared_parts_are_not_a_layout(tmp_path: Path) -> None:
    """`layouts/_shared` holds what every layout may use; it is never listed, chosen or
    extended as a layout itself."""
    shared = layouts_dir() / "_shared"
    assert (shared / "base.html.j2").is_file()
    assert [layout.name for layout in builtin_layouts()] == ["flyer", "handout", "trifold"]
    with pytest.raises(LayoutError, match=r"unknown layout '_shared' \(available: flyer"):
        find_layout("_shared")
    with pytest.raises(LayoutError, match="not a layout folder"):
        find_layout(shared)
    folder = copy_tiny(tmp_path)
    (folder / "layout.yaml").write_text("name: tiny\ndescription: x\nextends: _shared\n")
    with pytest.raises(LayoutError, match="neither a built-in layout nor a layout folder"):
        find_layout(folder)


def test_every_layout_reads_the_shared_parts_and_nothing_else_of_the_builtins() -> None:
    tiny = find_layout(TINY)
    assert tiny.shared == (layouts_dir() / "_shared").resolve()
    assert tiny.search_path == (tiny.folder,)
    # the shared parts count for the digest, the fetcher's roots and the labels
    assert tiny.folders == (tiny.folder, tiny.shared)
    roots = allowed_roots(tiny, [], RenderOptions())
    assert layouts_dir().resolve() not in roots, "a layout of its own reads no other layout"
    assert tiny.shared in roots
    handout = find_layout("handout")
    assert layouts_dir().resolve() in allowed_roots(handout, [], RenderOptions())


def shared_user_layout(tmp_path: Path) -> Path:
    """A layout outside the built-in folder that uses the shared parts: the base template,
    the facts macro, the shared stylesheet and through it the shipped fonts."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "layout.yaml").write_text(
        "name: mine\ndescription: Mine.\nstylesheets: [_shared/base.css, style.css]\n"
        "papers: [letter]\n"
    )
    (folder / "style.css").write_text(
        "html { font: 400 10pt/1.4 var(--body-face); }\n"
        "h1 { font: 700 24pt/1.1 var(--heading-face); }\n"
    )
    (folder / "template.html.j2").write_text(
        '{% extends "_shared/base.html.j2" %}\n'
        '{% from "_shared/macros.html.j2" import key_facts, figures_credit with context %}\n'
        "{% block body_class %}mine{% endblock %}\n"
        "{% block body %}<h1>{{ profile.title }}</h1>\n<dl>"
        "{% call(fact) key_facts(profile.facts) %}<dt>{{ fact.label }}</dt><dd>"
        "{% if fact.figure %}<b>{{ fact.figure }}</b> <span>{{ fact.unit }}</span>"
        "{% else %}{{ fact.words }}{% endif %}</dd>{% endcall %}</dl>\n"
        "<p>{{ figures_credit(profile) }}</p>{% endblock %}\n"
    )
    return folder


def test_a_layout_of_your_own_extends_the_shared_base_template(tmp_path: Path) -> None:
    layout = find_layout(shared_user_layout(tmp_path))
    assert not layout.builtin
    assert layout.stylesheets[0] == (layouts_dir() / "_shared" / "base.css").resolve().as_uri()
    html = render_html(load_profile(NURSE), layout)
    assert html.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert '<body class="mine paper-letter">' in html
    assert "<dt>Median Salary</dt><dd><b>$93,600</b> <span>per year</span></dd>" in html
    assert '<span class="rating">Very Good</span> · 2024-2034</span></dd>' in html
    assert "<dt>Education</dt><dd>Bachelor&#39;s Degree</dd>" in html
    assert "Source: BLS Occupational Outlook Handbook, Registered Nurses (2024)." in html


def test_shared_names_stay_inside_the_shared_folder(tmp_path: Path) -> None:
    folder = copy_tiny(tmp_path)
    manifest = "name: tiny\ndescription: x\nstylesheets: [_shared/../handout/style.css]\n"
    (folder / "layout.yaml").write_text(manifest)
    with pytest.raises(LayoutError, match=r"file '_shared/\.\./handout/style\.css' not found"):
        find_layout(folder)
    template = folder / "template.html.j2"
    for name in ("_shared/../handout/template.html.j2", "handout/template.html.j2"):
        (folder / "layout.yaml").write_text("name: tiny\ndescription: x\n")
        template.write_text(f'{{% include "{name}" %}}')
        with pytest.raises(LayoutError, match="not found"):
            render_html(load_profile(MINIMAL), find_layout(folder))


def test_a_link_out_of_the_shared_folder_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret")
    shared = tmp_path / "_shared"
    shared.mkdir()
    (shared / "evil.html.j2").symlink_to(secret)
    folder = copy_tiny(tmp_path)
    (folder / "template.html.j2").write_text('{% include "_shared/evil.html.j2" %}')
    layout = replace(find_layout(folder), shared=shared)
    with pytest.raises(LayoutError, match="is a link to a file outside the layout folder"):
        render_html(load_profile(MINIMAL), layout)


def test_a_layout_of_your_own_prints_with_the_shared_stylesheet_and_fonts(
    tmp_path: Path,
) -> None:
    """The fetcher lets a layout from elsewhere read the shared parts: no resource is
    refused, and the shipped fonts are the ones embedded."""
    rendered = render_profile(load_profile(NURSE), find_layout(shared_user_layout(tmp_path)))
    assert rendered.pdf.warnings == []
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(io.BytesIO(rendered.pdf.data)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Inter" in name for name in fonts), fonts
    assert any("Noto-Serif-Display" in name for name in fonts), fonts


@pytest.mark.parametrize("name", slow_but("flyer", ["flyer", "trifold"]))
def test_a_copied_builtin_layout_still_finds_the_shared_parts(tmp_path: Path, name: str) -> None:
    """A built-in layout names the shared stylesheet in its manifest, not by a path
    relative to its folder, so a copy of the folder made anywhere renders as it does."""
    folder = tmp_path / name
    shutil.copytree(layouts_dir() / name, folder)
    copy = find_layout(folder)
    assert not copy.builtin
    assert copy.stylesheets[0].endswith("/_shared/base.css")
    rendered = render_profile(load_profile(NURSE), copy)
    assert rendered.pdf.warnings == []
    assert copy.allows_pages(rendered.pdf.pages)
