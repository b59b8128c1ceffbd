"""`brochure serve` in a real browser (Debian's chromium through Playwright).

What a counselor does, click by click: search and filter the library, open a career,
switch language and grayscale and see the preview change, download the PDF, edit a
profile into an invalid state and back, undo, build a booklet, put the school's logo on
the page. Every page is checked with axe-core (no serious or critical violation) and
saved as a screenshot in tests/artifacts/.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from brochure.inputs import builtin_profiles
from brochure.web.app import ServeConfig, create_app

from .browser import axe_summary, axe_violations, screenshot, serve_app

# Real worker processes, as `brochure serve` has: the server outlives any one test.
pytestmark = [pytest.mark.slow, pytest.mark.real_workers]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("careers")
    for path in builtin_profiles():
        shutil.copy(path, folder / path.name)
    app = create_app(ServeConfig(paths=(folder,), jobs=2))
    with serve_app(app) as base:
        yield base, folder


def accessible(page: Page, name: str) -> None:
    """No serious or critical axe violation, and a screenshot to look at."""
    found = axe_violations(page)
    assert found == [], axe_summary(found)
    screenshot(page, name)


def test_search_and_filter_the_library(page: Page, site: tuple[str, Path]) -> None:
    base, _ = site
    page.goto(base + "/")
    expect(page.locator(".card")).to_have_count(len(builtin_profiles()))
    accessible(page, "library")
    page.get_by_label("Search careers").fill("nurse")
    expect(page.locator(".count")).to_contain_text("4 of 12")
    expect(page.locator(".card h2")).to_contain_text(["Licensed Practical Nurse"])
    page.get_by_label("Search careers").fill("")
    page.get_by_label("Education").select_option("Associate's Degree")
    expect(page.locator(".card").first).to_be_visible()
    assert "education=" in page.url  # the address holds the search: a reload keeps it
    for fact in page.locator(".card .facts").all():
        expect(fact).to_contain_text("Associate's Degree")


def test_a_career_previews_as_it_prints_and_downloads(page: Page, site: tuple[str, Path]) -> None:
    base, _ = site
    page.goto(base + "/?q=registered")
    page.get_by_role("link", name="Registered Nurse").click()
    preview = page.locator(".pages img").first
    expect(preview).to_be_visible()
    accessible(page, "career")
    first = preview.get_attribute("src")
    page.get_by_label("Language").select_option("es")
    expect(page.locator(".pages img").first).to_have_attribute("src", re.compile("lang=es"))
    page.get_by_label("Grayscale, for a black-and-white printer").check()
    gray = page.locator(".pages img").first
    expect(gray).to_have_attribute("src", re.compile("grayscale=1"))
    assert gray.get_attribute("src") != first
    image = Image.open(io.BytesIO(page.request.get(base + str(gray.get_attribute("src"))).body()))
    colors = image.convert("RGB").getcolors(1 << 20) or []
    assert all(r == g == b for _, (r, g, b) in colors), "a grayscale preview has no colour"
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    reader = PdfReader(download.value.path())
    assert reader.metadata.title == "Registered Nurse"
    assert len(reader.pages) == 2
    assert "SALARIO" in reader.pages[0].extract_text().upper()


def test_edit_validate_save_and_undo(page: Page, site: tuple[str, Path]) -> None:
    base, folder = site
    path = folder / "dental-hygienist.yaml"
    before = path.read_text()
    page.goto(base + "/careers/dental-hygienist/edit")
    editor = page.get_by_label("Profile (YAML)")
    broken = before.replace("title: Dental Hygienist", "title: [Dental Hygienist")
    editor.fill(broken)
    problems = page.locator("#problems")
    expect(problems).to_contain_text("invalid YAML")
    expect(problems).to_contain_text("line")
    accessible(page, "edit-invalid")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".problems").first).to_contain_text("problem")
    assert path.read_text() == before  # nothing written
    expect(page.get_by_label("Profile (YAML)")).to_have_value(broken)  # nothing lost
    fixed = before.replace("title: Dental Hygienist", "title: Dental Hygienist (RDH)")
    page.get_by_label("Profile (YAML)").fill(fixed)
    expect(page.locator("#problems")).to_contain_text("No problems")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".note")).to_contain_text("Saved")
    expect(page.locator("h1")).to_have_text("Dental Hygienist (RDH)")
    assert path.read_text() == fixed
    src = page.locator(".pages img").first.get_attribute("src")
    pdf = page.request.get(base + "/careers/dental-hygienist.pdf").body()
    assert PdfReader(io.BytesIO(pdf)).metadata.title == "Dental Hygienist (RDH)"
    page.goto(base + "/careers/dental-hygienist/edit")
    page.get_by_role("button", name="Undo the last save").click()
    expect(page.locator(".note")).to_contain_text("earlier version")
    assert path.read_text() == before
    assert src is not None


def test_build_a_booklet_of_three(page: Page, site: tuple[str, Path]) -> None:
    base, _ = site
    page.goto(base + "/")
    for title in ("Registered Nurse", "Dental Hygienist", "Pharmacy Technician"):
        card = page.locator(".card", has=page.get_by_role("link", name=title, exact=True))
        card.get_by_role("button", name=f"Add to booklet: {title}").click()
        expect(card.locator(".in-booklet")).to_be_visible()
    page.goto(base + "/booklet")
    expect(page.locator(".picked li")).to_have_count(3)
    page.reload()  # the picks survive a reload
    expect(page.locator(".picked li")).to_have_count(3)
    page.get_by_role("button", name="Move Dental Hygienist up").click()
    expect(page.locator(".picked li").first).to_contain_text("Dental Hygienist")
    page.get_by_label("Title", exact=True).fill("Health Careers Night")
    accessible(page, "booklet")
    page.get_by_role("button", name="Build the booklet").click()
    expect(page.locator(".built")).to_contain_text("Ready", timeout=120_000)
    screenshot(page, "booklet-built")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the booklet").click()
    reader = PdfReader(download.value.path())
    assert reader.metadata.title == "Health Careers Night"
    outline = [i.title for i in reader.outline if not isinstance(i, list)]
    careers = [
        t for t in outline if t in ("Registered Nurse", "Dental Hygienist", "Pharmacy Technician")
    ]
    assert careers == ["Dental Hygienist", "Registered Nurse", "Pharmacy Technician"]


def test_the_schools_logo_reaches_the_pdf(
    page: Page, site: tuple[str, Path], tmp_path: Path
) -> None:
    base, folder = site
    logo = tmp_path / "crest.png"
    Image.new("RGB", (160, 160), "#7a1f2b").save(logo)
    page.goto(base + "/theme")
    accessible(page, "theme")
    page.get_by_label("Organisation").fill("Lincoln High School")
    page.get_by_label("Organisation").press("Tab")  # a change: the sample follows, unsaved
    expect(page.locator("#sample-image img")).to_have_attribute(
        "src", re.compile("^data:image/png"), timeout=30_000
    )
    assert not (folder / ".theme").exists()
    page.get_by_label("Logo (PNG, JPEG or SVG, at most 2 MB)").set_input_files(logo)
    page.get_by_label("Logo description, for screen readers").fill("Lincoln High crest")
    page.get_by_role("button", name="Save the theme").click()
    expect(page.locator(".note")).to_contain_text("Saved")
    expect(page.locator(".sample img")).to_be_visible()
    screenshot(page, "theme-saved")
    assert (folder / ".theme" / "theme.yaml").is_file()
    pdf = page.request.get(base + "/careers/registered-nurse.pdf?theme=1").body()
    reader = PdfReader(io.BytesIO(pdf))
    assert any(page_.images for page_ in reader.pages), "the logo is drawn in the PDF"
    assert "Lincoln High School" in "".join(p.extract_text() for p in reader.pages)
