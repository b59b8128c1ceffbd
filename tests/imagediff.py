"""Page images against committed references: the comparison, the diff picture, the files.

The numbers, and why:

- Pages are rasterized at `DPI` = 45 (one pixel is 0.56 mm). A 1 mm move of a panel
  moves its edges and every glyph in it by almost two pixels, which changes thousands of
  pixels; a clipped line of body text is a few hundred. Letter is 383 x 495 pixels.
- A pixel counts as changed when any channel differs by more than `THRESHOLD` = 48 of 255
  (about 19 %). Anti-aliasing differences between PDFium/FreeType builds move edge
  pixels by a few levels, rarely past 30; a color change worth seeing (the accent
  `#0d7a84` to `#b8860b`, black text to gray) moves a channel by 100 or more.
- A page fails when more than `TOLERANCE` = 0.1 % of its pixels changed (190 on a letter
  page): room for a re-hinted glyph here and there, not for a missing line or a moved
  box. A different page count or page size always fails.
- References are stored as 256-color palette PNGs (quantized with Pillow's fast octree,
  deterministic) to keep them small: 3 to 4 times smaller than RGB, with every channel
  within 14 levels of the page as rendered, far below `THRESHOLD`. The comparison is
  made in RGB, so a changed color still shows as a changed color.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageChops

DPI = 45
THRESHOLD = 48
TOLERANCE = 0.001
REGENERATE = "make visual  (or: pytest tests/test_visual.py --update-visual)"


@dataclass(frozen=True)
class Comparison:
    """One page against its reference: how many pixels changed, and which."""

    changed: int
    total: int
    mask: Image.Image | None = None  # "1"-mode, white where a pixel changed
    problem: str | None = None  # a size mismatch: nothing to count

    @property
    def fraction(self) -> float:
        return self.changed / self.total if self.total else 1.0

    @property
    def ok(self) -> bool:
        return self.problem is None and self.fraction <= TOLERANCE

    def describe(self) -> str:
        if self.problem:
            return self.problem
        return (
            f"{self.changed} of {self.total} pixels changed ({self.fraction:.3%}, "
            f"allowed {TOLERANCE:.1%})"
        )


def compare(expected: Image.Image, actual: Image.Image) -> Comparison:
    """Count the pixels of `actual` with a channel more than `THRESHOLD` off `expected`."""
    expected, actual = expected.convert("RGB"), actual.convert("RGB")
    if expected.size != actual.size:
        return Comparison(
            0, 0, problem=f"page size {actual.size} differs from the reference {expected.size}"
        )
    red, green, blue = ImageChops.difference(expected, actual).split()
    largest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    mask = largest.point(lambda level: 255 if level > THRESHOLD else 0).convert("1")
    changed = mask.histogram()[-1]
    return Comparison(changed, actual.width * actual.height, mask)


def diff_image(actual: Image.Image, mask: Image.Image) -> Image.Image:
    """Changed pixels in red over a faded copy of `actual`, so the eye finds them."""
    faded = Image.blend(actual.convert("RGB"), Image.new("RGB", actual.size, "white"), 0.7)
    return Image.composite(Image.new("RGB", actual.size, (230, 0, 0)), faded, mask)


def png(image: Image.Image) -> bytes:
    """A small PNG of `image`, the same bytes for the same pixels."""
    buffer = io.BytesIO()
    image.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE).save(
        buffer, format="PNG", optimize=True
    )
    return buffer.getvalue()


@dataclass
class Report:
    """What checking one case found: a line per problem, the files written for a look."""

    name: str
    problems: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    def message(self, failures: Path) -> str:
        lines = [f"{self.name}: the pages no longer look like the references"]
        lines += [f"  {problem}" for problem in self.problems]
        lines.append(f"  actual and diff images (changes in red): {failures}")
        lines.append(f"  if the change is intended, regenerate the references: {REGENERATE}")
        return "\n".join(lines)


def reference_paths(folder: Path, stem: str) -> list[Path]:
    """The committed pages of one case, in page order."""
    return sorted(folder.glob(f"{stem}-p*.png"), key=lambda p: int(p.stem.rsplit("-p", 1)[1]))


def page_path(folder: Path, stem: str, number: int) -> Path:
    return folder / f"{stem}-p{number}.png"


def update(folder: Path, stem: str, pages: Sequence[Image.Image]) -> None:
    """Replace the references of one case with `pages`; pages no longer made go."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in reference_paths(folder, stem):
        old.unlink()
    for number, page in enumerate(pages, start=1):
        page_path(folder, stem, number).write_bytes(png(page))


def check(
    folder: Path, stem: str, pages: Sequence[Image.Image], failures: Path, name: str
) -> Report:
    """Compare `pages` with the references `folder/stem-p<N>.png`.

    Each failing page leaves `<name>-p<N>.actual.png` and `.diff.png` in `failures`;
    a passing one removes what an earlier failure left there.
    """
    report = Report(name)
    references = reference_paths(folder, stem)
    if not references:
        report.problems.append(f"no reference images {folder / stem}-p*.png")
    elif len(references) != len(pages):
        report.problems.append(f"{len(pages)} pages, the references have {len(references)}")
    for number, page in enumerate(pages, start=1):
        actual_path = failures / f"{name}-p{number}.actual.png"
        diff_path = failures / f"{name}-p{number}.diff.png"
        reference = page_path(folder, stem, number)
        if reference.is_file():
            with Image.open(reference) as stored:
                result = compare(stored, page)
        else:
            result = Comparison(0, 0, problem="no reference for this page")
        if result.ok:
            actual_path.unlink(missing_ok=True)
            diff_path.unlink(missing_ok=True)
            continue
        report.problems.append(f"page {number}: {result.describe()}")
        failures.mkdir(parents=True, exist_ok=True)
        page.save(actual_path, format="PNG", optimize=True)
        report.written.append(actual_path)
        if result.mask is not None:
            diff_image(page, result.mask).save(diff_path, format="PNG", optimize=True)
            report.written.append(diff_path)
    return report
