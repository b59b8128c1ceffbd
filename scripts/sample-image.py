"""Write docs/handout.png (the seed career's handout) and docs/booklet.png (a booklet's
first pages), the pictures the README shows.

Needs pdftoppm (Debian package poppler-utils). Run: .venv/bin/python scripts/sample-image.py
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from PIL import Image

import brochure

ROOT = Path(__file__).resolve().parent.parent


def sheet(pdf: bytes, target: Path, pages: str = "1-2", dpi: int = 70) -> None:
    """Pages of `pdf` side by side on a light gray ground."""
    first, last = pages.split("-")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "doc.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-f", first, "-l", last, "-png", str(source), f"{tmp}/p"],
            check=True,
        )
        images = [Image.open(p).convert("RGB") for p in sorted(Path(tmp).glob("p-*.png"))]
    gap = 24
    width = sum(i.width for i in images) + gap * (len(images) + 1)
    height = max(i.height for i in images) + 2 * gap
    canvas = Image.new("RGB", (width, height), (226, 230, 234))
    x = gap
    for image in images:
        canvas.paste(image, (x, gap))
        x += image.width + gap
    canvas.save(target, optimize=True)


def main() -> None:
    profiles = ROOT / "profiles"
    sheet(
        brochure.render_pdf(profiles / "medical-billing-and-coding-specialist.yaml"),
        ROOT / "docs" / "handout.png",
    )
    booklet = brochure.build_booklet(
        [profiles],
        None,
        title="Health Science Careers",
        subtitle="Spring Career Fair",
        date="April 2027",
        paper="half-letter",
    )
    sheet(booklet.data, ROOT / "docs" / "booklet.png", pages="1-4", dpi=45)


if __name__ == "__main__":
    main()
