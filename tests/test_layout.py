"""Layout folders: manifests, lookup by name or path, template errors at their line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from brochure import LayoutError, find_layout, load_profile, render_html
from brochure.layout import builtin_layouts

from .conftest import DATA

TINY = DATA / "layouts" / "tiny"
MINIMAL = DATA / "profiles" / "valid" / "minimal.yaml"


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
    assert (handout.folder / "assets" / "fonts").is_dir()


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
