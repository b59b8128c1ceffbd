"""The typography checks: each can fail on a page made to break its rule, and stays quiet
on the same page set properly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from brochure import Profile, find_layout, load_profile, pdf, pipeline
from brochure.booklet_apart import build_booklet
from brochure.typography import (
    Line,
    Piece,
    lone_lines,
    quoted,
    sparse_endings,
    stranded_headings,
)

from .conftest import TINY_LAYOUT

ROOT = Path(__file__).resolve().parent.parent

# A 3 by 2 in content box and 12 pt lines: exactly twelve lines to a page, whatever the font.
PAGE = """
@page { size: 4in 3in; margin: 0.5in; }
html { font: 10pt/12pt sans-serif; }
body { margin: 0; }
p, h2, ul, li, table, td { margin: 0; padding: 0; }
h2 { font-size: 10pt; line-height: 12pt; }
ul { list-style: none; }
table { border-spacing: 0; }
"""
LINES_PER_PAGE = 12


def lines(count: int, word: str = "Filler") -> str:
    """`count` paragraphs of one line each."""
    return "".join(f"<p>{word} {i}</p>" for i in range(count))


def paragraph(*words: str) -> str:
    """One paragraph with a line for each word, however wide the font."""
    return f"<p>{'<br>'.join(words)}</p>"


def check(tmp_path: Path, body: str, css: str = "", least: float = 1 / 6) -> list[str]:
    html = f"<html><head><style>{PAGE}{css}</style></head><body>{body}</body></html>"
    return pdf.lay_out(html, base=tmp_path, roots=[tmp_path]).typography(least)


# Stranded headings


def test_a_heading_at_the_foot_of_a_page_is_reported(tmp_path: Path) -> None:
    body = lines(LINES_PER_PAGE - 1) + "<h2>Requirements</h2>" + lines(3, "After")
    stranded = check(tmp_path, body, "h2 { break-after: auto; }")
    assert stranded == ['heading "Requirements" is the last line of page 1']
    assert check(tmp_path, body, "h2 { break-after: avoid; }") == []


def test_a_heading_at_the_foot_of_a_column_is_reported(tmp_path: Path) -> None:
    body = (
        '<div style="columns: 2; column-gap: 0.2in; column-fill: auto; height: 2in">'
        + lines(LINES_PER_PAGE - 1)
        + "<h2>Requirements</h2>"
        + lines(3, "After")
        + "</div>"
    )
    stranded = check(tmp_path, body, "h2 { break-after: auto; }")
    assert stranded == ['heading "Requirements" is the last line of a column on page 1']
    assert check(tmp_path, body, "h2 { break-after: avoid; }") == []


def test_a_heading_stranded_in_one_flex_column_is_reported(tmp_path: Path) -> None:
    body = (
        '<div style="display: flex; gap: 0.2in"><div style="flex: 1">'
        + lines(LINES_PER_PAGE - 1)
        + "<h2>Requirements</h2>"
        + lines(3, "After")
        + '</div><div style="flex: 1">'
        + lines(2, "Beside")
        + "</div></div>"
    )
    stranded = check(tmp_path, body, "h2 { break-after: auto; }")
    assert stranded == ['heading "Requirements" is the last line of page 1']


def test_a_label_beside_a_heading_is_passed_over(tmp_path: Path) -> None:
    """A heading that wraps, with a duration beside its first line (the handout's steps):
    the label is level with the heading, the text below it is what must follow."""
    row = (
        '<div class="row" style="display: flex; align-items: baseline; gap: 0.1in">'
        '<h2 style="flex: 1">Complete<br>training</h2><span>2 years</span></div>'
    )
    assert check(tmp_path, row + paragraph("Body", "text")) == []
    at_foot = lines(LINES_PER_PAGE - 2) + row + paragraph("Body", "text") + lines(2)
    stranded = check(tmp_path, at_foot, ".row { break-after: auto; }")
    assert stranded == ['heading "Complete training" is the last line of page 1']
    kept = check(tmp_path, at_foot, ".row { break-after: avoid; }")
    assert kept == []


def test_a_heading_that_ends_the_document_is_fine(tmp_path: Path) -> None:
    assert check(tmp_path, lines(3) + "<h2>The end</h2>") == []


def test_role_heading_counts_as_a_heading(tmp_path: Path) -> None:
    body = lines(LINES_PER_PAGE - 1) + '<p role="heading">Steps</p>' + lines(3, "After")
    assert check(tmp_path, body) == ['heading "Steps" is the last line of page 1']


# Orphans and widows


def test_one_line_left_at_the_foot_of_a_page_is_reported(tmp_path: Path) -> None:
    body = lines(LINES_PER_PAGE - 1) + paragraph("Alpha", "Beta", "Gamma")
    orphan = check(tmp_path, body, "p { orphans: 1; widows: 1; }")
    assert orphan == ['paragraph "Alpha" leaves 1 line at the foot of page 1']
    assert check(tmp_path, body, "p { orphans: 2; widows: 2; }") == []


def test_one_line_carried_onto_the_next_page_is_reported(tmp_path: Path) -> None:
    body = lines(LINES_PER_PAGE - 3) + paragraph("Alpha", "Beta", "Gamma", "Delta") + lines(3)
    widow = check(tmp_path, body, "p { orphans: 1; widows: 1; }")
    assert widow == ['paragraph "Alpha Beta Gamma" carries 1 line onto page 2']
    assert check(tmp_path, body, "p { orphans: 2; widows: 2; }") == []


def test_lone_lines_at_a_column_break_are_reported(tmp_path: Path) -> None:
    def in_columns(before: int, *words: str) -> str:
        return (
            '<div style="columns: 2; column-fill: auto; height: 2in">'
            + lines(before)
            + paragraph(*words)
            + "</div>"
        )

    lone = "p { orphans: 1; widows: 1; }"
    orphan = check(tmp_path, in_columns(LINES_PER_PAGE - 1, "Alpha", "Beta", "Gamma"), lone)
    assert orphan == ['paragraph "Alpha" leaves 1 line at the foot of a column on page 1']
    widow = check(tmp_path, in_columns(LINES_PER_PAGE - 2, "Alpha", "Beta", "Gamma"), lone)
    assert widow == ['paragraph "Alpha Beta" carries 1 line into the next column on page 1']
    assert check(tmp_path, in_columns(LINES_PER_PAGE - 1, "Alpha", "Beta", "Gamma")) == []


def test_a_table_cell_broken_across_pages_is_checked(tmp_path: Path) -> None:
    rows = "".join(f"<tr><td>Row {i}</td></tr>" for i in range(LINES_PER_PAGE - 1))
    body = f"<table>{rows}<tr><td>{'<br>'.join(['One', 'Two', 'Three'])}</td></tr></table>"
    orphan = check(tmp_path, body, "td { orphans: 1; widows: 1; }")
    assert orphan == ['table cell "One" leaves 1 line at the foot of page 1']
    assert check(tmp_path, body, "tr { break-inside: avoid; }") == []


def test_a_list_item_is_named_as_one(tmp_path: Path) -> None:
    body = lines(LINES_PER_PAGE - 1) + "<ul><li>Alpha<br>Beta<br>Gamma</li></ul>"
    orphan = check(tmp_path, body, "li { orphans: 1; widows: 1; }")
    assert orphan == ['list item "Alpha" leaves 1 line at the foot of page 1']


def test_repeated_table_headers_are_not_broken_blocks(tmp_path: Path) -> None:
    rows = "".join(f"<tr><td>Row {i}</td></tr>" for i in range(3 * LINES_PER_PAGE))
    body = f"<table><thead><tr><th>Head</th></tr></thead><tbody>{rows}</tbody></table>"
    assert check(tmp_path, body, least=0) == []


# Text outside the content box


def test_text_outside_the_content_box_is_reported(tmp_path: Path) -> None:
    wide = '<p style="margin-left: 90%; white-space: nowrap">Off the edge</p>'
    assert check(tmp_path, wide) == ["text runs off page 1: 'Off the edge'"]
    assert check(tmp_path, wide.replace("90%", "0")) == []


# The last page


def test_a_nearly_empty_last_page_is_reported(tmp_path: Path) -> None:
    sparse = check(tmp_path, lines(LINES_PER_PAGE + 1))
    assert sparse == [f"last page is only {1 / LINES_PER_PAGE:.0%} full"]
    assert check(tmp_path, lines(LINES_PER_PAGE + 3)) == []
    assert check(tmp_path, lines(1)) == [], "a short one-page document is fine"
    assert check(tmp_path, lines(LINES_PER_PAGE + 1), least=0) == []


# Odd layouts: the checks walk any box tree without failing


ODD = {
    "empty": "",
    "absolute": '<div style="position: absolute; top: 1in; left: 1in">Placed</div>' + lines(30),
    "float": '<div style="float: right; width: 1in">Floated text that wraps</div>' + lines(30),
    "flex": '<div style="display: flex"><p>One</p><p>Two</p></div>' + lines(30),
    "grid": '<div style="display: grid; grid-template-columns: 1fr 1fr">' + lines(30) + "</div>",
    "inline-block": '<p>Before <span style="display: inline-block"><h2>In</h2>x</span></p>'
    + lines(30),
    "inline heading": '<p>Text <h2 style="display: inline">Inline</h2> more</p>' + lines(30),
    "table": "<table><caption>Caption</caption>"
    + "".join(f"<tr><td>Cell {i}</td><td>{i}</td></tr>" for i in range(30))
    + "</table>",
    "nested": "<div>" * 80 + lines(30) + "</div>" * 80,
    "image": '<img alt="" style="display: block; width: 1in; height: 1in" '
    'src="data:image/svg+xml,<svg xmlns=%22http://www.w3.org/2000/svg%22/>">' + lines(30),
    "footnote": '<p>Text<span style="float: footnote">A note</span></p>' + lines(30),
    "decoration clone": '<div style="box-decoration-break: clone; border: 1pt solid">'
    + lines(30)
    + "</div>",
}


@pytest.mark.parametrize("body", ODD.values(), ids=ODD.keys())
def test_odd_layouts_are_walked_without_false_alarms(tmp_path: Path, body: str) -> None:
    assert check(tmp_path, body, least=0) == []


# The rules on their own records


def test_rules_on_plain_records() -> None:
    heading = Line(page=0, top=700, bottom=720, heading=1, text="Sources")
    assert stranded_headings([heading, Line(page=1, top=40, bottom=60, text="x")]) == [
        'heading "Sources" is the last line of page 1'
    ]
    beside = Line(page=0, top=705, bottom=715, text="2 years")
    assert stranded_headings([heading, beside]) == []
    start = Piece(block=7, page=0, column=None, lines=1, continues=True, continued=False)
    rest = Piece(block=7, page=1, column=None, lines=0, continues=False, continued=True)
    assert lone_lines([start, rest]) == [], "only padding went on: no text was broken"
    assert quoted("Pharmacy technicians prepare medications") == '"Pharmacy technicians prepare …"'


# Through the pipeline: warnings a layout author sees


def tiny_copy(tmp_path: Path, css: str, manifest: str = "") -> Path:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY_LAYOUT, folder)
    (folder / "style.css").write_text((folder / "style.css").read_text() + css)
    (folder / "layout.yaml").write_text((folder / "layout.yaml").read_text() + manifest)
    return folder


def short_profile(tmp_path: Path) -> Profile:
    path = tmp_path / "welder.yaml"
    path.write_text("title: Welder\nsummary: Joins metal parts.\nduties: [Read blueprints]\n")
    return load_profile(path)


def test_renders_warn_about_typography(tmp_path: Path) -> None:
    profile = short_profile(tmp_path)
    spacer = "body::before { content: ''; display: block; height: 8in; }"
    stranded = tiny_copy(tmp_path, spacer + "h1 { break-after: auto; }")
    rendered = pipeline.render_profile(profile, find_layout(stranded), "letter").pdf
    problem = f"heading {quoted(profile.title)} is the last line of page 1"
    assert problem in rendered.typography
    assert f"typography: {problem}" in rendered.warnings
    kept = tiny_copy(tmp_path / "kept", spacer + "h1 { break-after: avoid; }")
    moved = pipeline.render_profile(profile, find_layout(kept), "letter").pdf
    assert not [p for p in moved.typography if p.startswith("heading")]


def test_a_designed_last_page_is_not_a_trailing_page(tmp_path: Path) -> None:
    """With an exact page count the last page is part of the design, however short."""
    profile = short_profile(tmp_path)
    css = "body::before { content: ''; display: block; height: 8.99in; }"
    flowing = pipeline.render_profile(profile, find_layout(tiny_copy(tmp_path, css)), "letter")
    assert flowing.pdf.pages == 2
    assert [p for p in flowing.pdf.typography if p.startswith("last page")]
    exact = tiny_copy(tmp_path / "exact", css, "pages: {exact: 2}\n")
    designed = pipeline.render_profile(profile, find_layout(exact), "letter")
    assert designed.pdf.pages == 2
    assert not [p for p in designed.pdf.typography if p.startswith("last page")]


def test_a_booklet_career_ending_on_a_nearly_empty_page_is_named() -> None:
    fills = [0.9, 0.8, 0.07, 0.0, 0.9, 0.5, 0.9, 0.3, 0.0, 0.0]
    sections = [("Medical Billing and Coding Specialist", 0, 4), ("Nurse", 4, 6), ("EMT", 6, 10)]
    assert sparse_endings(fills, sections) == [
        '"Medical Billing and Coding …" ends on a page only 7% full (page 3 of the file)'
    ]
    assert sparse_endings([0.9, 0.0], [("One page and a blank", 0, 2)]) == []


@pytest.mark.slow
def test_builtin_half_letter_booklet_ends_no_career_on_a_nearly_empty_page() -> None:
    """Three pages a career on half-letter: the endings most likely to be sparse."""
    report = build_booklet([ROOT / "profiles"], None, paper="half-letter")
    assert [w for w in report.warnings if w.startswith("typography:")] == []
    assert report.pages >= 3 * len(report.careers)
