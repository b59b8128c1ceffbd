"""Write docs/handout.png (the seed career's handout) and docs/booklet.png (a booklet's
first pages), the pictures the README shows.

Run: .venv/bin/python scripts/sample-image.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PIL import Image

import brochure

ROOT = Path(__file__).resolve().parent.parent


def sheet(pdf: bytes, target: Path, pages: str = "1-2", dpi: int = 70) -> None:
    """Pages of `pdf` side by side on a light gray ground."""
    from brochure.preview import pdf_to_pngs

    first, last = (int(n) for n in pages.split("-"))
    with tempfile.TemporaryDirectory() as tmp:
        written = pdf_to_pngs(pdf, Path(tmp), "p", dpi=dpi)[first - 1 : last]
        images = [Image.open(p.path).convert("RGB") for p in written]
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
