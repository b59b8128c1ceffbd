"""Visual regression: every built-in layout on each of its papers, rasterized and compared
with the reviewed page images in tests/visual/ (how and with what tolerance: imagediff.py).

`make visual` rewrites the references on purpose, after a change meant to be seen; review
them (`git diff --stat tests/visual`, and the images) before committing. A failing page
leaves its actual and diff images in tests/visual/_failures/ (ignored by git).
"""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from brochure import load_profile, pipeline
from brochure.booklet_apart import build_booklet
from brochure.layout import builtin_layouts, find_layout
from brochure.preview import page_images
from brochure.render import RenderOptions
from brochure.resources import layouts_dir
from brochure.theme import load_theme

from . import imagediff
from .conftest import Render

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = Path(__file__).parent / "visual"
FAILURES = REFERENCES / "_failures"
THEME = ROOT / "examples" / "school-theme.yaml"
# A short profile and a long one (it takes the fit steps), both Latin script only, so
# only the layouts' own fonts are drawn and no system fallback font can change a page.
SHORT = ROOT / "profiles" / "dental-hygienist.yaml"
LONG = ROOT / "profiles" / "medical-billing-and-coding-specialist.yaml"


@dataclass(frozen=True)
class Case:
    """One reference set: tests/visual/<layout>/<paper>/<stem>-p<N>.png."""

    layout: str
    paper: str
    stem: str

    @property
    def folder(self) -> Path:
        return REFERENCES / self.layout / self.paper

    @property
    def name(self) -> str:
        return f"{self.layout}-{self.paper}-{self.stem}"


PROFILE_CASES = [
    Case(layout.name, paper, profile.stem)
    for layout in builtin_layouts()
    for paper in layout.papers
    for profile in (SHORT, LONG)
]
THEMED = Case("handout", "letter", f"{SHORT.stem}-school-theme")
BOOKLET = Case("handout", "letter", "booklet")
ALL_CASES = [*PROFILE_CASES, THEMED, BOOKLET]


def pages_of(pdf: bytes) -> list[Image.Image]:
    return page_images(pdf, dpi=imagediff.DPI)


def verify(case: Case, pdf: bytes, update: bool, failures: Path = FAILURES) -> imagediff.Report:
    """Rewrite the references (`--update-visual`) or compare with them."""
    pages = pages_of(pdf)
    if update:
        imagediff.update(case.folder, case.stem, pages)
    return imagediff.check(case.folder, case.stem, pages, failures, case.name)


def assert_unchanged(case: Case, pdf: bytes, update: bool) -> None:
    report = verify(case, pdf, update)
    assert not report.problems, report.message(FAILURES)


@pytest.mark.slow
@pytest.mark.parametrize("case", PROFILE_CASES, ids=[c.name for c in PROFILE_CASES])
def test_builtin_layout_looks_as_reviewed(
    case: Case, render_builtin: Render, update_visual: bool
) -> None:
    path = ROOT / "profiles" / f"{case.stem}.yaml"
    rendered, _ = render_builtin(path, case.paper, case.layout)
    assert_unchanged(case, rendered.pdf.data, update_visual)


@pytest.mark.slow
def test_school_theme_logo_and_qr_codes_look_as_reviewed(update_visual: bool) -> None:
    options = RenderOptions(theme=load_theme(THEME))
    rendered = pipeline.render_profile(
        load_profile(SHORT), THEMED.layout, THEMED.paper, options=options
    )
    assert_unchanged(THEMED, rendered.pdf.data, update_visual)


@pytest.mark.slow
def test_booklet_looks_as_reviewed(update_visual: bool) -> None:
    report = build_booklet(
        [SHORT, LONG],
        None,
        layout=BOOKLET.layout,
        paper=BOOKLET.paper,
        title="Health Science Careers",
        subtitle="Spring Career Fair",
        date="April 2027",  # the cover prints it: fixed, or the pages change every day
    )
    assert_unchanged(BOOKLET, report.data, update_visual)


def test_no_reference_is_left_over(update_visual: bool) -> None:
    """Every committed image belongs to a case above, so none goes stale unseen."""
    expected = {(case.folder, case.stem) for case in ALL_CASES}
    stale = [
        path
        for path in sorted(REFERENCES.rglob("*.png"))
        if FAILURES not in path.parents
        and (path.parent, path.stem.rsplit("-p", 1)[0]) not in expected
    ]
    if update_visual:
        for path in stale:
            path.unlink()
        stale = []
    assert stale == [], f"references of no case: {stale}; {imagediff.REGENERATE} removes them"


# The comparison itself, on pictures made here.


def page(block_at: tuple[int, int] = (60, 80), color: str = "#0d7a84") -> Image.Image:
    """A 300 x 400 "page": a colored block with a one-pixel gray anti-aliased rim."""
    image = Image.new("RGB", (300, 400), "white")
    draw = ImageDraw.Draw(image)
    x, y = block_at
    draw.rectangle((x - 1, y - 1, x + 120, y + 60), outline=(160, 160, 160))
    draw.rectangle((x, y, x + 119, y + 59), fill=color)
    return image


def test_identical_pages_pass() -> None:
    result = imagediff.compare(page(), page())
    assert (result.changed, result.ok) == (0, True)


def test_anti_aliasing_noise_passes() -> None:
    """Every rim pixel a few levels off, and a few stray pixels wholly off, as another
    rasterizer build might draw them."""
    noisy = page()
    draw = ImageDraw.Draw(noisy)
    draw.rectangle((59, 79, 180, 140), outline=(185, 185, 185))  # the rim, 25 levels lighter
    stray = int(300 * 400 * imagediff.TOLERANCE) - 1
    for i in range(stray):
        noisy.putpixel((10 + i % 50, 300 + i // 50), (0, 0, 0))
    result = imagediff.compare(page(), noisy)
    assert result.changed == stray
    assert result.ok, result.describe()


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param(page(block_at=(62, 80)), id="moved-2px"),
        pytest.param(page(color="#b8860b"), id="recolored"),
        pytest.param(page().crop((0, 0, 300, 390)).resize((300, 400)), id="squeezed"),
    ],
)
def test_a_moved_or_recolored_block_fails(changed: Image.Image) -> None:
    result = imagediff.compare(page(), changed)
    assert not result.ok
    assert result.changed > 300 * 400 * imagediff.TOLERANCE


def test_a_different_page_size_fails() -> None:
    result = imagediff.compare(page(), page().crop((0, 0, 300, 399)))
    assert not result.ok
    assert "page size" in result.describe()


def test_diff_image_marks_changed_pixels_red_over_a_faded_page() -> None:
    moved = page(block_at=(70, 80))
    result = imagediff.compare(page(), moved)
    assert result.mask is not None
    diff = imagediff.diff_image(moved, result.mask)
    assert diff.getpixel((65, 100)) == (230, 0, 0)  # block was there, now white
    assert diff.getpixel((185, 100)) == (230, 0, 0)  # white before, block now
    assert diff.getpixel((120, 100)) != (230, 0, 0)  # block both times: unchanged
    assert diff.getpixel((5, 5)) == (255, 255, 255)


def test_a_missing_or_extra_page_fails_and_keeps_the_actual_pages(tmp_path: Path) -> None:
    references, failures = tmp_path / "ref", tmp_path / "failures"
    imagediff.update(references, "case", [page(), page()])
    assert imagediff.check(references, "case", [page(), page()], failures, "x").problems == []
    assert not failures.exists()
    report = imagediff.check(references, "case", [page(), page(), page()], failures, "x")
    assert "3 pages, the references have 2" in report.problems
    assert [p.name for p in report.written] == ["x-p3.actual.png"]
    imagediff.update(references, "case", [page()])  # fewer pages: the old ones go
    assert [p.name for p in imagediff.reference_paths(references, "case")] == ["case-p1.png"]
    assert imagediff.check(references, "case", [page()], failures, "x").problems == []


def test_stored_references_stay_close_to_the_page() -> None:
    """The palette PNG loses a few levels at most: far from what counts as a change."""
    original = page(color="#6b1d2a")
    stored = Image.open(io.BytesIO(imagediff.png(original))).convert("RGB")
    assert imagediff.compare(original, stored).changed == 0
    assert imagediff.png(original) == imagediff.png(original)


# The suite must be able to fail: a layout whose CSS changes visibly no longer matches.

CHECKED = Case("handout", "letter", SHORT.stem)


def copy_of_handout(tmp_path: Path, rule: str = "") -> Path:
    """The built-in handout as a user layout folder, `rule` added at the end of its CSS
    (added rather than edited in place, so it keeps working as the CSS evolves)."""
    folder = tmp_path / "copy" / "handout"  # a layout folder is named as its layout
    shutil.copytree(layouts_dir() / "handout", folder)
    if rule:
        style = folder / "style.css"
        style.write_text(style.read_text(encoding="utf-8") + f"\n{rule}\n", encoding="utf-8")
    return folder


def render_copy(folder: Path) -> bytes:
    layout = find_layout(folder)
    assert not layout.builtin, "the copy is rendered as a user layout"
    return pipeline.render_profile(load_profile(SHORT), layout, CHECKED.paper).pdf.data


@pytest.mark.slow
def test_an_unaltered_copy_of_a_layout_matches(tmp_path: Path) -> None:
    """The copy itself is not what makes the next test fail."""
    report = verify(CHECKED, render_copy(copy_of_handout(tmp_path)), False, tmp_path / "f")
    assert report.problems == []
    assert not (tmp_path / "f").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    "rule",
    [
        pytest.param(":root { --accent: #b8860b; }", id="accent-color"),
        pytest.param("body { margin-left: 1mm; }", id="shifted-1mm"),
    ],
)
def test_a_visible_css_change_fails_and_leaves_a_diff_image(tmp_path: Path, rule: str) -> None:
    failures = tmp_path / "failures"
    pdf = render_copy(copy_of_handout(tmp_path, rule))
    report = verify(CHECKED, pdf, False, failures)
    assert report.problems, "a visible change passed the comparison"
    assert any("pixels changed" in problem for problem in report.problems)
    diffs = sorted(failures.glob("*.diff.png"))
    assert diffs, "no diff image written"
    assert {p.name for p in report.written} >= {p.name for p in diffs}
    with Image.open(diffs[0]) as diff:
        assert diff.size == pages_of(pdf)[0].size
        red = diff.convert("RGB").getcolors(maxcolors=1 << 20) or []
        assert any(color == (230, 0, 0) for _, color in red), "changed pixels shown in red"
    assert "make visual" in report.message(failures)
