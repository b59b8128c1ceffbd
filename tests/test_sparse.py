"""Sparse profiles, shaped like an import from public occupation data: sections missing
in any combination. Every layout leaves them out cleanly (no heading, label or box
without its content) and still fills its pages (docs/DESIGN.md, "Sparse profiles")."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import product
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from brochure import load_profile, pipeline, render_html
from brochure.layout import builtin_layouts, find_layout
from brochure.render import RenderOptions
from brochure.theme import load_theme

from .conftest import BUILTIN_PROFILES, DATA, slow_but

ROOT = DATA.parent.parent
SPARSE = sorted((DATA / "profiles" / "valid").glob("sparse-*.yaml"))
IDS = [path.stem for path in SPARSE]
LAYOUTS = [layout.name for layout in builtin_layouts()]
LANGS = ["en", "es"]
VOID = frozenset({"br", "img", "meta", "link", "hr", "input", "source", "wbr"})


@dataclass
class Node:
    """An element of merged HTML: enough of a tree to ask what follows a heading."""

    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        return " ".join(
            " ".join(child.split()) if isinstance(child, str) else child.text()
            for child in self.children
        ).strip()

    def has_image(self) -> bool:
        return any(
            isinstance(child, Node) and (child.tag == "img" or child.has_image())
            for child in self.children
        )

    def walk(self) -> list[Node]:
        found = [self]
        for child in self.children:
            if isinstance(child, Node):
                found += child.walk()
        return found


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {key: value or "" for key, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.stack[-1].children.append(data)


def tree(html: str) -> Node:
    parser = _Tree()
    parser.feed(html)
    parser.close()
    return parser.root


def empty_parts(html: str) -> list[str]:
    """What a reader would see as a leftover of a missing section: a section's heading
    with nothing after it, a list or key-facts panel without items, a fact's label
    without its value, a section without words or picture."""
    body = next(node for node in tree(html).walk() if node.tag == "body")
    found: list[str] = []
    for node in body.walk():
        kids = [child for child in node.children if isinstance(child, Node)]
        for index, child in enumerate(kids):
            # A section's heading (an h3 of a step or a card is the item itself).
            heading = child.tag == "h2" or (child.tag == "h3" and node.tag == "section")
            if heading and child.text():
                after = kids[index + 1 :]
                if not any(n.text() or n.has_image() or n.tag == "img" for n in after):
                    found.append(f"heading {child.text()!r} with nothing after it")
            if child.tag == "dt":
                value = kids[index + 1] if index + 1 < len(kids) else None
                if value is None or value.tag != "dd" or not value.text():
                    found.append(f"label {child.text()!r} without its value")
        if node.tag in {"ul", "ol", "dl"} and not kids:
            found.append(f"empty <{node.tag} class={node.attrs.get('class', '')!r}>")
        if node.tag in {"section", "nav", "figure"} and not (node.text() or node.has_image()):
            found.append(f"empty <{node.tag} class={node.attrs.get('class', '')!r}>")
    return found


def merged(path: Path, layout: str, paper: str = "letter", lang: str = "en") -> str:
    return render_html(load_profile(path), find_layout(layout), paper, RenderOptions(lang=lang))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("path", SPARSE, ids=IDS)
def test_missing_sections_leave_no_heading_label_or_box(path: Path, layout: str, lang: str) -> None:
    html = merged(path, layout, lang=lang)
    assert empty_parts(html) == []
    profile = load_profile(path)
    facts = profile.facts
    given = [facts.median_pay, facts.job_growth, facts.education, facts.time_to_start]
    labels = [n for n in tree(html).walk() if n.tag == "dt"]
    assert len(labels) == sum(1 for fact in given if fact), "one label per fact given"


def test_the_check_finds_what_it_looks_for() -> None:
    bad = (
        "<body><section><h2>Duties</h2></section><ul></ul>"
        "<dl><dt>Time to Start</dt></dl><section><h2>A</h2><p>b</p></section></body>"
    )
    assert empty_parts(bad) == [
        "heading 'Duties' with nothing after it",
        "empty <ul class=''>",
        "label 'Time to Start' without its value",
    ]
    blank = "<body><section class='x'> </section></body>"
    assert empty_parts(blank) == ["empty <section class='x'>"]


@pytest.mark.parametrize("layout", ["flyer", "trifold"])
def test_only_sparse_content_is_set_larger(layout: str) -> None:
    """The built-in careers, which have every section, keep the page as designed (and
    their reference images); each sparse fixture gets the larger setting."""
    sheet = {"flyer": "roomy.css", "trifold": "spread.css"}[layout]
    for path in BUILTIN_PROFILES:
        assert sheet not in merged(path, layout), path.stem
    for path in SPARSE:
        assert sheet in merged(path, layout), path.stem


def test_a_plural_title_takes_no_article() -> None:
    minimal = DATA / "profiles" / "valid" / "sparse-minimal.yaml"
    handout = merged(minimal, "handout")
    assert "How to Start" in handout
    assert "How to Become a Bicycle Repairers" not in handout
    assert "Cómo empezar" in merged(minimal, "handout", lang="es")
    nurse = next(p for p in BUILTIN_PROFILES if p.stem == "registered-nurse")
    assert "How to Become a Registered Nurse" in merged(nurse, "handout")


def test_the_flyer_shows_related_careers_in_place_of_work_settings() -> None:
    hourly = merged(DATA / "profiles" / "valid" / "sparse-hourly.yaml", "flyer")
    assert "Related Careers and Guides</h2>" in hourly
    assert "Waiters and Waitresses" in hourly
    assert "Also in the full career profile" not in hourly  # nothing else is left out


# ---- Laid out ----------------------------------------------------------------------

INK = 235  # a pixel darker than this (0-255 gray) is ink; the soft panel tints are not
DPI = 60


def pages(data: bytes) -> list[Image.Image]:
    document = pdfium.PdfDocument(data)
    try:
        return [page.render(scale=DPI / 72).to_pil().convert("L") for page in document]
    finally:
        document.close()


def inked_rows(image: Image.Image) -> list[bool]:
    """Whether each row of pixels has any ink."""
    width, height = image.size
    pixels = image.load()
    assert pixels is not None
    return [any(pixels[x, y] < INK for x in range(width)) for y in range(height)]


def largest_gap(image: Image.Image) -> float:
    """The tallest band without ink, as a share of the page's height."""
    rows = inked_rows(image)
    longest = run = 0
    for inked in rows:
        run = 0 if inked else run + 1
        longest = max(longest, run)
    return longest / len(rows)


def reach(image: Image.Image) -> float:
    """How far down the page the ink reaches, 0 to 1."""
    rows = inked_rows(image)
    last = max((y for y, inked in enumerate(rows) if inked), default=0)
    return (last + 1) / len(rows)


def panels(image: Image.Image) -> list[Image.Image]:
    """The three panels of a landscape tri-fold page."""
    width, height = image.size
    third = width // 3
    return [image.crop((i * third, 0, (i + 1) * third, height)) for i in range(3)]


PAPERS = ("letter", "a4")
CASES = list(product(SPARSE, LAYOUTS, PAPERS, LANGS))
CASE_IDS = [f"{p.stem}-{layout}-{paper}-{lang}" for p, layout, paper, lang in CASES]
FAST = (SPARSE[IDS.index("sparse-minimal")], "trifold", "letter", "en")


@pytest.mark.parametrize(("path", "layout", "paper", "lang"), slow_but(FAST, CASES, CASE_IDS))
def test_sparse_profiles_fill_every_layout(path: Path, layout: str, paper: str, lang: str) -> None:
    """Set properly, within the page count, nothing dropped, and the pages filled: the
    flyer without a band of blank paper taller than a third of the page, each panel of
    the tri-fold's inside with its content reaching well down, the handout without a
    nearly empty last page (the typography check)."""
    chosen = find_layout(layout)
    profile = load_profile(path, lang)
    rendered = pipeline.render_profile(profile, chosen, paper, options=RenderOptions(lang=lang))
    pdf = rendered.pdf
    assert chosen.allows_pages(pdf.pages), f"{chosen.page_rule}, got {pdf.pages}"
    assert pdf.typography == []
    assert pdf.warnings == []
    assert pdf.fit is None or "≤" not in pdf.fit, "nothing is left out of a sparse profile"
    assert_filled(layout, pages(pdf.data))
    if layout == "handout":
        assert pdf.pages <= 2


def assert_filled(layout: str, images: list[Image.Image], foot: float = 0.9) -> None:
    """The flyer without a band of blank paper and its foot near the paper's (`foot`: a
    sparse flyer is set larger down to the foot; a full one ends where its text does),
    every panel of the tri-fold's inside with its content well down it and none outside
    mostly blank, the handout's last page used."""
    if layout == "flyer":
        assert largest_gap(images[0]) < 1 / 3
        assert reach(images[0]) > foot
    elif layout == "trifold":
        for number, panel in enumerate(panels(images[1]), start=1):
            assert reach(panel) > 0.25, f"inside panel {number} is nearly blank"
        for number, panel in enumerate(panels(images[0]), start=1):
            assert largest_gap(panel) < 0.6, f"outside panel {number} is mostly blank"
    else:
        assert reach(images[-1]) > 0.25, "the last page is nearly empty"


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["flyer", "trifold"])
@pytest.mark.parametrize("path", SPARSE, ids=IDS)
def test_sparse_profiles_with_a_theme(path: Path, layout: str) -> None:
    """The organisation's contact box takes room of its own: still one page or two,
    set properly, and the flyer without a band of blank paper."""
    options = RenderOptions(theme=load_theme(ROOT / "examples" / "school-theme.yaml"))
    rendered = pipeline.render_profile(load_profile(path), layout, "letter", options=options)
    assert find_layout(layout).allows_pages(rendered.pdf.pages)
    assert rendered.pdf.typography == []
    assert rendered.pdf.warnings == []
    if layout == "flyer":
        assert largest_gap(pages(rendered.pdf.data)[0]) < 1 / 3


# Careers as `import-onet` makes them, from a synthetic release with realistic lengths of
# text: three clusters, among them one of O*NET's longest titles.
IMPORTED = ["electricians", "medical-records-specialists", "teaching-assistants-preschool"]
IMPORTED_CASES = list(product(IMPORTED, LAYOUTS, PAPERS, LANGS))
IMPORTED_IDS = ["-".join(case) for case in IMPORTED_CASES]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from brochure import cli

    from .onet_release import write_bls, write_release

    work = tmp_path_factory.mktemp("imported")
    release = write_release(work / "db_30_3_text", 8, version="30.3")
    wages, projections = write_bls(work, 8)
    clusters = work / "clusters.csv"
    clusters.write_text(
        "Career Cluster,Career Pathway,Code,Occupation\n"
        "Health Science,Health Informatics,29-2072.00,Medical Records Specialists\n"
        "Architecture & Construction,Construction,47-2111.00,Electricians\n"
        "Education & Training,Teaching/Training,25-9042.00,Teaching Assistants\n"
    )
    command = ["import-onet", release, "-o", work / "careers", "--wages", wages]
    command += ["--projections", projections, "--clusters", clusters]
    result = CliRunner().invoke(cli.cli, [str(part) for part in command])
    assert result.exit_code == 0, result.output
    return work / "careers"


@pytest.mark.parametrize(
    ("slug", "layout", "paper", "lang"),
    slow_but(("electricians", "handout", "letter", "es"), IMPORTED_CASES, IMPORTED_IDS),
)
def test_imported_careers_fill_every_layout(
    imported: Path, slug: str, layout: str, paper: str, lang: str
) -> None:
    """What the import writes prints in every layout, paper and language: within the
    page count, no typography or other warning, pages filled."""
    path = next(imported.glob(f"{slug}*.yaml"))
    profile = load_profile(path, lang)
    chosen = find_layout(layout)
    rendered = pipeline.render_profile(profile, chosen, paper, options=RenderOptions(lang=lang))
    pdf = rendered.pdf
    assert chosen.allows_pages(pdf.pages), f"{chosen.page_rule}, got {pdf.pages}"
    assert pdf.typography == []
    assert pdf.warnings == []
    assert profile.attribution is not None
    assert_filled(layout, pages(pdf.data), foot=0.8)
