"""Write the pictures the README shows: docs/handout.png (the seed career's handout),
docs/booklet.png (a booklet's first pages) and docs/gallery.png (the flyer and the
tri-fold with the example school theme, the flyer in Spanish and in grayscale).

Run: .venv/bin/python scripts/sample-image.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

import brochure

ROOT = Path(__file__).resolve().parent.parent


def pages_of(pdf: bytes, pages: str, dpi: int) -> list[Image.Image]:
    from brochure.preview import page_images

    first, last = (int(n) for n in pages.split("-"))
    return page_images(pdf, dpi=dpi)[first - 1 : last]


def sheet(pdf: bytes, target: Path, pages: str = "1-2", dpi: int = 70) -> None:
    """Pages of `pdf` side by side on a light gray ground."""
    row(pages_of(pdf, pages, dpi), target)


def row(images: list[Image.Image], target: Path) -> None:
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

    from brochure.render import RenderOptions
    from brochure.theme import load_theme

    theme = load_theme(ROOT / "examples" / "school-theme.yaml")
    nurse = profiles / "registered-nurse.yaml"
    themed = RenderOptions(theme=theme)
    flyer = brochure.render_pdf(nurse, "flyer", "letter", themed)
    spanish = brochure.render_pdf(
        profiles / "dental-hygienist.yaml", "flyer", "letter", RenderOptions(theme=theme, lang="es")
    )
    gray = brochure.render_pdf(
        profiles / "pharmacy-technician.yaml", "flyer", "letter", RenderOptions(grayscale=True)
    )
    trifold = brochure.render_pdf(nurse, "trifold", "letter", themed)
    portrait = [pages_of(pdf, "1-1", 34)[0] for pdf in (flyer, spanish, gray)]
    landscape = pages_of(trifold, "1-2", 34)
    gallery = ROOT / "docs" / "gallery.png"
    row(portrait, gallery)
    top = Image.open(gallery)
    row(landscape, gallery.with_name("gallery-2.png"))
    bottom = Image.open(gallery.with_name("gallery-2.png"))
    canvas = Image.new("RGB", (max(top.width, bottom.width), top.height + bottom.height - 24))
    canvas.paste((226, 230, 234), (0, 0, canvas.width, canvas.height))
    canvas.paste(top, (0, 0))
    canvas.paste(bottom, (0, top.height - 24))
    gallery.with_name("gallery-2.png").unlink()
    canvas.save(gallery, optimize=True)


if __name__ == "__main__":
    main()
