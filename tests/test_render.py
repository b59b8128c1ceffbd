"""Merged HTML: escaping, print filters, and golden snapshots of the built-in layouts."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from brochure import find_layout, load_profile, render_html
from brochure.booklet import group_careers, load_for_booklet
from brochure.layout import builtin_layouts
from brochure.profile import Growth, Money, Profile
from brochure.render import (
    BookletSpec,
    RenderOptions,
    as_of_date,
    break_url,
    css_string,
    cut_lists,
    display_url,
    money,
    paragraphs,
    percent,
    render_booklet_html,
    shares,
)
from brochure.theme import load_theme

from .conftest import BUILTIN_PROFILES, TESTS

ROOT = TESTS.parent
GOLDEN = TESTS / "golden"
GOLDEN_SLUGS = ["medical-billing-and-coding-specialist", "registered-nurse"]
THEME = ROOT / "examples" / "school-theme.yaml"


def test_profile_text_is_data_never_markup_or_template_code(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text('title: "<b>Bold</b> {{ 7*7 }}"\nduties: ["<script>x</script>", "{% raw %}"]\n')
    html = render_html(load_profile(path), find_layout("handout"))
    assert "&lt;b&gt;Bold&lt;/b&gt; {{ 7*7 }}" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "{% raw %}" in html
    assert "<b>Bold" not in html
    assert "49" not in html


def test_footer_strings_cannot_break_out_of_markup(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("title: 'A \"quoted\" </style><h1>x'\nas_of: 2024-05\n")
    html = render_html(load_profile(path), find_layout("handout"))
    assert "</style><h1>x" not in html
    assert "A &#34;quoted&#34; &lt;/style&gt;&lt;h1&gt;x" in html


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Money(amount=50250), "$50,250"),
        (Money(amount=23.5, period="hour"), "$23.50"),
        (Money(amount=1234567, currency="EUR"), "€1,234,567"),
    ],
)
def test_money(value: Money, expected: str) -> None:
    assert money(value) == expected


@pytest.mark.parametrize(
    ("number", "expected"), [(7, "+7%"), (-3, "\u22123%"), (0, "0%"), (2.5, "+2.5%")]
)
def test_percent(number: float, expected: str) -> None:
    assert percent(Growth(percent=number)) == expected


def test_small_filters() -> None:
    assert as_of_date("2024-05") == "May 2024"
    assert as_of_date("2024-05-17") == "May 17, 2024"
    assert as_of_date("2024") == "2024"
    assert paragraphs("One\nline.\n\n  Two.  ") == ["One line.", "Two."]
    assert display_url("https://www.bls.gov/ooh/") == "bls.gov/ooh"
    assert "\u200b" in break_url("https://www.bls.gov/ooh/healthcare/registered-nurses.htm")
    assert css_string('a"b') == '"a\\22 b"'


def test_template_sees_only_profile_paper_and_layout() -> None:
    profile = load_profile(BUILTIN_PROFILES[0])
    html = render_html(profile, find_layout("handout"), "a4")
    assert "size: A4;" in html
    assert 'lang="en"' in html


def _profile_path(slug: str) -> Path:
    return ROOT / "profiles" / f"{slug}.yaml"


def _merged(
    slug: str, layout: str, *, theme: bool = False, lang: str | None = None, cut: bool = False
) -> Callable[[], str]:
    """`cut`: with the limits of the layout's last fit step, as its tightest try merges it."""

    def merge() -> str:
        profile = load_profile(_profile_path(slug))
        options = RenderOptions(lang=lang)
        if theme:
            options = RenderOptions(theme=load_theme(THEME), lang=lang)
        chosen = find_layout(layout)
        limits = dict(chosen.fit_steps[-1].limits) if cut else None
        return render_html(profile, chosen, "letter", options, limits=limits)

    return merge


def _sparse(name: str, layout: str) -> Callable[[], str]:
    """A sparse fixture (tests/data/profiles/valid/sparse-*.yaml), as an import from
    public occupation data leaves a profile: the layout's sparse setting."""

    def merge() -> str:
        profile = load_profile(TESTS / "data" / "profiles" / "valid" / f"{name}.yaml")
        return render_html(profile, find_layout(layout), "letter")

    return merge


def _booklet() -> str:
    """The booklet template's HTML for the golden careers, put together as
    `build_booklet` does (before WeasyPrint lays it out)."""
    loaded = load_for_booklet([_profile_path(slug) for slug in GOLDEN_SLUGS])
    groups = group_careers([profile for _, profile in loaded], "cluster")
    spec = BookletSpec(
        title="Health Science Careers",
        subtitle="Spring Career Fair",
        date="April 2027",
        careers=tuple(profile for group in groups for profile in group.careers),
        groups=groups,
        grouped=True,
    )
    return render_booklet_html(spec, find_layout("handout"), "letter")


# name (the file tests/golden/<name>.html) → how its HTML is made. Every built-in layout
# with two profiles (the long one takes the fit steps when laid out), on the handout a
# booklet, the school theme and Spanish labels, and on the flyer and the trifold the
# lists cut as their tightest fit step cuts them. No WeasyPrint: milliseconds each.
GOLDEN_CASES: dict[str, Callable[[], str]] = {
    **{
        f"{layout.name}/{slug}": _merged(slug, layout.name)
        for layout in builtin_layouts()
        for slug in GOLDEN_SLUGS
    },
    "handout/booklet": _booklet,
    "handout/registered-nurse-school-theme": _merged("registered-nurse", "handout", theme=True),
    "handout/registered-nurse-es": _merged("registered-nurse", "handout", lang="es"),
    "flyer/registered-nurse-cut": _merged("registered-nurse", "flyer", cut=True),
    "trifold/registered-nurse-cut": _merged("registered-nurse", "trifold", cut=True),
    # Sparse profiles: each layout's setting for missing sections (docs/DESIGN.md).
    "flyer/sparse-hourly": _sparse("sparse-hourly", "flyer"),
    "trifold/sparse-minimal": _sparse("sparse-minimal", "trifold"),
    "trifold/sparse-figures": _sparse("sparse-figures", "trifold"),
    "handout/sparse-minimal": _sparse("sparse-minimal", "handout"),
}


def portable(html: str) -> str:
    """The HTML with this checkout's location (in the theme logo's file URL) written as
    CHECKOUT, so that a golden file is the same wherever the project is cloned."""
    return html.replace(ROOT.resolve().as_uri(), "file:///CHECKOUT")


@pytest.mark.parametrize("name", GOLDEN_CASES)
def test_golden_html(name: str, update_golden: bool) -> None:
    """Merged HTML is compared with a reviewed snapshot; `make golden` rewrites it."""
    html = portable(GOLDEN_CASES[name]())
    golden = GOLDEN / f"{name}.html"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(html)
    assert golden.is_file(), "no golden file: run `make golden` and review the result"
    assert html == golden.read_text(), f"{name}.html differs: run `make golden` and review"


def test_no_golden_file_is_left_over(update_golden: bool) -> None:
    """Every golden file belongs to a case above, so none goes stale unseen."""
    stale = [
        path
        for path in sorted(GOLDEN.rglob("*.html"))
        if path.relative_to(GOLDEN).with_suffix("").as_posix() not in GOLDEN_CASES
    ]
    if update_golden:
        for path in stale:
            path.unlink()
        stale = []
    assert stale == [], f"golden files of no case: {stale}; `make golden` removes them"


def _long_profile(tmp_path: Path) -> Path:
    """A profile whose lists are long and wordy: within the limits, past the sizes the
    built-in layouts set in boxes sized to their text (docs/SECURITY.md, Bounded work)."""
    import yaml

    words = "assess patients record vital signs and teach families at home " * 4
    data = {
        "title": "Welder",
        "work_settings": [f"{words[:150]} {i}" for i in range(14)],
        "sources": [
            {"title": f"Source {i}", "url": f"https://x.org/{'a' * 90}/{i}"} for i in range(12)
        ],
        "certifications": [{"name": words[:190], "issuer": words[:190], "note": words[:190]}] * 3,
    }
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize(
    ("layout", "short", "long"),
    [
        ("flyer", '<ul class="chips">', '<ul class="checks"><li>assess'),
        ("trifold", '&nbsp;· <span class="url">', '&nbsp;· <span class="url long">'),
        ("handout", "<ol>", '<ol class="wide">'),
    ],
)
def test_long_content_leaves_the_boxes_sized_to_their_text(
    tmp_path: Path, layout: str, short: str, long: str
) -> None:
    """Chips, inline-block addresses and numbers are kept for the content real careers
    have; long content gets the fixed form, fast to lay out."""
    nurse = next(p for p in BUILTIN_PROFILES if p.stem == "registered-nurse")
    assert short in render_html(load_profile(nurse), find_layout(layout))
    html = render_html(load_profile(_long_profile(tmp_path)), find_layout(layout))
    assert long in html
    assert short not in html


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        # In proportion to each column's longest cell, as a browser sizes them.
        ([["Issued by", "NCSBN"], ["Level and focus", "licensure exam, required"]], [27.3, 72.7]),
        ([["By", "American Nurses Credentialing Center"], ["Level and focus"]], [70.6, 29.4]),
        # Never narrower than the longest word and some room: "Issued" at 40 characters.
        ([["Issued by", "A"], ["Level and focus", "a " * 200]], [22.5, 77.5]),
        # A code that would otherwise break at its hyphens on half-letter paper.
        ([["Issued by", "CDCA-WREB-CITA"], ["Level and focus", "a " * 30]], [42.5, 57.5]),
        # Floors that leave no room are the shares themselves.
        ([["w" * 40], ["v" * 30]], [56.8, 43.2]),
        ([[None], [None]], [50.0, 50.0]),
    ],
)
def test_table_columns_are_sized_to_their_text_before_layout(
    columns: list[list[str | None]], expected: list[float]
) -> None:
    assert shares(columns) == expected
    assert sum(expected) == pytest.approx(100, abs=0.2)


def test_the_certifications_table_has_fixed_columns_and_no_empty_notes(tmp_path: Path) -> None:
    """Column widths are set in the page, so WeasyPrint need not measure every cell; a
    table whose credentials have no notes has no notes column."""
    import yaml

    nurse = next(p for p in BUILTIN_PROFILES if p.stem == "registered-nurse")
    html = render_html(load_profile(nurse), find_layout("handout"))
    assert re.search(r'<th scope="col" style="width: \d+(\.\d)?%">Issued by</th>', html)
    assert "Level and focus" in html
    data = yaml.safe_load(nurse.read_text())
    for cert in data["certifications"]:
        cert.pop("note", None)
    bare = tmp_path / "bare.yaml"
    bare.write_text(yaml.safe_dump(data))
    html = render_html(load_profile(bare), find_layout("handout"))
    assert '<th scope="col" style="width: 52.0%">Issued by</th></tr>' in html
    assert "Level and focus" not in html
    assert 'class="note"' not in html


def _sourced(tmp_path: Path) -> Profile:
    """Five sources, the first two without an address: the main source is the third."""
    import yaml

    sources = [{"title": "Alpha"}, {"title": "Beta"}]
    sources += [{"title": name, "url": f"https://{name.lower()}.org"} for name in "CDE"]
    path = tmp_path / "sourced.yaml"
    data = {"title": "Welder", "duties": list("uvwxyz"), "sources": sources}
    path.write_text(yaml.safe_dump(data))
    return load_profile(path)


def test_limits_are_applied_in_python_and_the_main_source_is_kept(tmp_path: Path) -> None:
    profile = _sourced(tmp_path)
    shown, hidden = cut_lists(profile, {})
    assert shown["duties"] == tuple(profile.duties)
    assert set(hidden.values()) == {0}
    shown, hidden = cut_lists(profile, {"duties": 4, "sources": 2, "related": 3})
    assert shown["duties"] == tuple("uvwx")
    assert hidden["duties"] == 2
    assert [s.title for s in shown["sources"]] == ["Alpha", "C"], "the main source is kept"
    assert hidden["sources"] == 3
    assert (shown["related"], hidden["related"]) == ((), 0)
    assert shown["sources"][1] is profile.main_source


def test_templates_print_what_the_limits_leave_and_say_what_they_left_out(
    tmp_path: Path,
) -> None:
    profile = _sourced(tmp_path)
    limits = {"duties": 4, "sources": 2}
    flyer = render_html(profile, find_layout("flyer"), limits=limits)
    assert "<li>x</li>" in flyer
    assert "<li>y</li>" not in flyer
    assert '<p class="more">2 more duties are listed in the full career profile.</p>' in flyer
    trifold = render_html(profile, find_layout("trifold"), limits=limits)
    assert "<li>x</li>" in trifold
    assert "<li>y</li>" not in trifold
    sources = trifold[trifold.index('<section class="learn') :]
    assert '<span class="source-title">C</span>' in sources  # Learn More: the main source
    assert '<span class="source-title">Alpha</span>' in sources  # the one other kept
    assert "Beta" not in sources
    assert "3 more items are listed in the full career profile." in sources


def _facts_text(html: str) -> str:
    """The words of the key facts list, whatever markup the layout gives it."""
    start = html.index('<section class="facts"')
    block = html[html.index("<dl", start) : html.index("</dl>", start)]
    return " ".join(re.sub(r"<[^>]+>", " ", block).split())


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (
            "median_pay: {amount: 23.5, period: hour}\n  job_growth: {percent: 4}",
            "Median Pay $23.50 per hour Job Growth (10 yr) +4% projected change",
        ),
        (
            "median_pay: 50250\n  job_growth: {percent: -2, years: 2024-2034}",
            "Median Salary $50,250 per year Job Growth (10 yr) \u22122% 2024-2034",
        ),
        (
            "job_growth: {percent: 7, rating: Very Good, years: 2024-2034}\n"
            "  education: Associate's Degree\n  time_to_start: 4-24 months",
            "Job Growth (10 yr) +7% Very Good · 2024-2034 Education Associate's Degree "
            "Time to Start 4-24 months",
        ),
    ],
)
def test_every_layout_words_the_key_facts_alike(tmp_path: Path, facts: str, expected: str) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(f"title: Welder\nfacts:\n  {facts}\n")
    profile = load_profile(path)
    for layout in builtin_layouts():
        html = render_html(profile, layout).replace("&#39;", "'")
        assert _facts_text(html) == expected, layout.name
