"""Write docs/handout.png: both pages of the seed career's handout, side by side.

Needs pdftoppm (Debian package poppler-utils). Run: .venv/bin/python scripts/sample-image.py
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from PIL import Image

import brochure

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    pdf = brochure.render_pdf(ROOT / "profiles" / "medical-billing-and-coding-specialist.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "seed.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(source), f"{tmp}/page"], check=True)
        pages = [Image.open(p).convert("RGB") for p in sorted(Path(tmp).glob("page-*.png"))]
        gap = 24
        width = sum(p.width for p in pages) + gap * (len(pages) + 1)
        height = max(p.height for p in pages) + 2 * gap
        sheet = Image.new("RGB", (width, height), (226, 230, 234))
        x = gap
        for page in pages:
            sheet.paste(page, (x, gap))
            x += page.width + gap
        sheet.save(ROOT / "docs" / "handout.png", optimize=True)


if __name__ == "__main__":
    main()
