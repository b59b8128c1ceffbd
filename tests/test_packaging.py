"""The wheel carries layouts, fonts and profiles, and works without a checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("brochure-*.whl")
    return found


def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    data = "brochure/_data/"
    assert f"{data}layouts/handout/layout.yaml" in names
    assert f"{data}layouts/handout/template.html.j2" in names
    assert f"{data}layouts/handout/style.css" in names
    assert any(n.startswith(f"{data}layouts/handout/partials/") for n in names)
    shared = f"{data}layouts/_shared/"
    for part in ("base.html.j2", "macros.html.j2", "base.css"):
        assert f"{shared}{part}" in names, "the parts every built-in layout uses ship too"
    assert f"{shared}layout.yaml" not in names, "the shared parts are not a layout"
    fonts = {n for n in names if n.startswith(f"{shared}fonts/")}
    assert any(n.endswith((".otf", ".ttf")) for n in fonts)
    assert any(n.endswith("OFL.txt") for n in fonts), "font licences ship with the fonts"
    profiles = [n for n in names if n.startswith(f"{data}profiles/") and n.endswith(".yaml")]
    assert len(profiles) >= 12
    assert "brochure/py.typed" in names
    for part in ("templates/base.html.j2", "templates/career.html.j2", "static/htmx.min.js"):
        assert f"brochure/web/{part}" in names, "the web page's templates and scripts ship"
    assert "brochure/web/static/htmx-LICENSE.txt" in names
    assert not any("__pycache__" in n or n.startswith("tests/") for n in names)


def test_installed_wheel_renders_builtins_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}

    def brochure(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "brochure", *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import brochure, brochure.resources as r;"
            "print(brochure.__file__); print(r.layouts_dir())",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(site)), "the installed copy is the one imported"
    assert "_data/layouts" in where
    listed = brochure("layouts").stdout
    assert "handout" in listed
    assert "_shared" not in listed
    paths = brochure("profiles", "--paths").stdout.split()
    assert len(paths) >= 12
    assert all(p.startswith(str(site)) for p in paths)
    result = brochure(
        "render",
        "medical-billing-and-coding-specialist",
        "registered-nurse",
        "-o",
        "pdfs",
        "--paper",
        "a4",
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("2 rendered, 0 failed in "), result.stderr
    for slug in ("medical-billing-and-coding-specialist", "registered-nurse"):
        reader = PdfReader(work / "pdfs" / f"{slug}.pdf")
        assert round(float(reader.pages[0].mediabox.width)) == 595
        assert "Career Profile" in (reader.pages[0].extract_text() or "")
    # The flyer and the trifold take their stylesheet and fonts from the shared parts.
    for layout in ("flyer", "trifold"):
        result = brochure("render", "registered-nurse", "-l", layout, "-o", f"{layout}.pdf")
        assert result.returncode == 0, result.stderr
        assert "warning" not in result.stderr, result.stderr
        fonts = {
            str(font.get_object()["/BaseFont"])
            for page in PdfReader(work / f"{layout}.pdf").pages
            for font in page["/Resources"]["/Font"].values()
        }
        assert any("Inter" in name for name in fonts), fonts
        assert any("Noto-Serif-Display" in name for name in fonts), fonts
