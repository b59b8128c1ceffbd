"""The template sandbox: what a layout's Jinja code can reach (docs/SECURITY.md, Templates).

The attempts in tests/hostile/templates.yaml run in-process here (fast, one line each);
tests/test_hostile.py runs whole hostile layouts through the command line under the
process tracer.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from markupsafe import Markup

from brochure.errors import LayoutError
from brochure.i18n import Messages
from brochure.layout import builtin_layouts, find_layout, load_layout
from brochure.profile import load_profile
from brochure.render import BookletSpec, Group, RenderOptions, render_html, template_context
from brochure.sandbox import Record, fill_slots, plain, record_data
from brochure.theme import load_theme

ROOT = Path(__file__).parent.parent
TINY = Path(__file__).parent / "data" / "layouts" / "tiny"
NURSE = ROOT / "profiles" / "registered-nurse.yaml"
THEME = ROOT / "examples" / "school-theme.yaml"
ATTEMPTS = yaml.safe_load((Path(__file__).parent / "hostile" / "templates.yaml").read_text())
SECRET = "SECRET-4c1f9e-never-print-this"
# What no rendered body may hold: the secret, system paths, Python's insides.
LEAKS = (SECRET, "/etc/", " at 0x", "<function", "<bound", "<built-in", "__", "PosixPath")


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A secret folder, and a copy of the tiny layout holding a link to the secret."""
    root = tmp_path_factory.mktemp("sandbox")
    secret = root / "secret"
    secret.mkdir()
    (secret / "secret.txt").write_text(SECRET + "\n")
    layout = root / "tiny"
    shutil.copytree(TINY, layout)
    (layout / "linked-secret.html.j2").symlink_to(secret / "secret.txt")
    return layout, secret


def _attempt(planted: tuple[Path, Path], template: str, index: int) -> str:
    layout, secret = planted
    folder = layout.parent / f"attempt-{index}" / "tiny"
    shutil.copytree(layout, folder, symlinks=True)
    body = template.replace("@SECRET@", str(secret))
    (folder / "template.html.j2").write_text(f"<html><body>\n{body}\n</body></html>\n")
    options = RenderOptions(theme=load_theme(THEME))
    html = render_html(load_profile(NURSE), load_layout(folder), options=options)
    return html.split("<body>", 1)[1].rsplit("</body>", 1)[0]


@pytest.mark.parametrize(
    ("index", "case"), list(enumerate(ATTEMPTS)), ids=[c["template"][:60] for c in ATTEMPTS]
)
def test_template_attempt(planted: tuple[Path, Path], index: int, case: dict[str, str]) -> None:
    if case["expect"] == "refused":
        with pytest.raises(LayoutError) as caught:
            _attempt(planted, case["template"], index)
        message = str(caught.value)
        assert case["error"] in message, message
        assert "\n" not in message
        assert message.startswith(str(planted[0].parent)), message  # names the template
        assert SECRET not in message
    else:
        body = _attempt(planted, case["template"], index)
        assert case["text"] in body, body
        for leak in LEAKS:
            assert leak not in body, (leak, body)


def _walk(value: Any, where: str) -> Iterator[tuple[str, Any]]:
    yield where, value
    if isinstance(value, Record):
        for name, item in record_data(value).items():
            yield from _walk(item, f"{where}.{name}")
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _walk(item, f"{where}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{where}[{key!r}]")


PLAIN = (str, int, float, bool, type(None), Record, tuple, dict)


@pytest.mark.parametrize("layout", [layout.name for layout in builtin_layouts()])
def test_the_context_is_plain_data(layout: str) -> None:
    """Every value a built-in layout's templates see, walked to the leaves: data only,
    and the two label functions."""
    chosen = find_layout(layout)
    nurse = load_profile(NURSE)
    booklet = BookletSpec("Careers", (nurse,), (Group(1, "Health", (nurse,)),), grouped=True)
    options = RenderOptions(theme=load_theme(THEME))
    context = template_context(
        chosen, None, options, "es", profile=nurse, limits={"duties": 3}, booklet=booklet
    )
    assert set(context) == {
        *("paper", "layout", "theme", "theme_style", "grayscale", "lang", "_", "plural"),
        *("options", "profile", "limits", "booklet"),
    }
    assert isinstance(context["_"], Messages)
    assert context["plural"] == context["_"].plural
    assert isinstance(context["theme_style"], Markup)
    seen = 0
    for name in set(context) - {"_", "plural"}:
        for where, value in _walk(context[name], name):
            seen += 1
            assert isinstance(value, PLAIN), f"{where} is a {type(value).__name__}"
            assert not callable(value) or isinstance(value, Record), where
    assert seen > 200  # the walk reached the profile's leaves


def test_plain_refuses_what_is_not_data() -> None:
    with pytest.raises(TypeError, match="a PosixPath cannot be handed to a template"):
        plain({"folder": Path("/etc")})
    with pytest.raises(TypeError, match="function"):
        plain([len])
    record = plain(load_profile(NURSE))
    with pytest.raises(AttributeError, match="read-only"):
        record.title = "x"
    assert record.key == "registered-nurse"
    assert record["title"] == "Registered Nurse"


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("Page {page} of {pages}", {"page": 2, "pages": 3}, "Page 2 of 3"),
        ("{{literal}} {x}", {"x": "y"}, "{literal} y"),
        ("{count} more", {"count": 1.5}, "1.5 more"),
    ],
)
def test_label_slots(text: str, values: dict[str, object], expected: str) -> None:
    assert fill_slots(text, values) == expected


def test_a_layout_template_linked_out_of_its_folder_is_refused_before_it_is_read(
    planted: tuple[Path, Path],
) -> None:
    layout, _ = planted
    folder = layout.parent / "linked-entry" / "tiny"
    shutil.copytree(layout, folder, symlinks=True)
    (folder / "template.html.j2").unlink()
    (folder / "template.html.j2").symlink_to(folder.parent.parent / "secret" / "secret.txt")
    with pytest.raises(LayoutError) as caught:
        render_html(load_profile(NURSE), load_layout(folder))
    assert "not found in the layout folder" in str(caught.value)
    assert SECRET not in str(caught.value)
