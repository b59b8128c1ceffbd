"""Booklets: what every way of making one shares (the careers read and ordered, the
template's data, the metadata, the report and the options refused), and the one-pass
booklet, every career in one layout pass.

`brochure booklet` and `brochure.build_booklet` join careers laid out apart
(`booklet_apart`); the one pass stays as the measure it is compared against
(`bench/booklet.py`, and the tests that find both the same).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ._version import __version__
from .bookletspec import BookletSpec, Group
from .errors import (
    BookletError,
    BookletOptionsError,
    BrochureError,
    Notice,
    Problem,
    ProfileError,
)
from .inputs import expand_paths, plan_outputs, resolve_layout
from .layout import Layout
from .options import DEFAULT_OPTIONS, RenderOptions
from .output import write_atomic
from .pdf.info import PdfInfo
from .pipeline import allowed_roots, source_files
from .profile import Profile, load_profile, translation_path
from .sourcemap import read_input
from .stale import stale_notices
from .typography import sparse_endings

if TYPE_CHECKING:
    from .booklet_apart import PartOutcome
    from .pdf import PdfResult


@dataclass
class BookletCareer:
    """One career in a booklet and the printed number of its first page."""

    source: Path
    slug: str
    title: str
    first_page: int


@dataclass
class BookletReport:
    """What `build_booklet` wrote."""

    output: Path | None
    pages: int
    front_pages: int
    careers: list[BookletCareer]
    sheets: int = 0
    padded: int = 0
    warnings: list[Notice] = field(default_factory=list)
    data: bytes = b""
    # A booklet joined from parts: each part's outcome (laid out now or reused), in
    # booklet order, and the whole build's wall time.
    parts: list[PartOutcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for part in self.parts if part.status == status)

    def to_json(self) -> dict[str, object]:
        """The booklet's manifest: what was written, and which parts were reused."""
        import hashlib

        from ._version import __version__

        sources = {career.slug: career for career in self.careers}
        return {
            "tool": f"brochure {__version__}",
            "output": str(self.output) if self.output else None,
            "pages": self.pages,
            "front_pages": self.front_pages,
            "sheets": self.sheets,
            "bytes": len(self.data),
            "sha256": hashlib.sha256(self.data).hexdigest(),
            "seconds": round(self.seconds, 3),
            "summary": {
                "rendered": self.count("rendered"),
                "reused": self.count("reused"),
                "total": len(self.parts),
            },
            "careers": [
                {
                    "source": str(career.source),
                    "slug": career.slug,
                    "title": career.title,
                    "first_page": career.first_page,
                }
                for career in self.careers
            ],
            "parts": [
                {
                    **part.to_json(),
                    **(
                        {"first_page": sources[part.slug].first_page}
                        if part.slug in sources
                        else {}
                    ),
                }
                for part in self.parts
            ],
            "warnings": [w.to_json() for w in self.warnings],
        }


def load_for_booklet(
    paths: Iterable[str | Path], *, fail_fast: bool = False, lang: str | None = None
) -> list[tuple[Path, Profile]]:
    """Every profile in booklet order, or one `ProfileError` listing every problem.

    Files keep the order given; the profiles of a folder come sorted by title. A
    booklet silently missing a career is worse than none, so any bad input fails all.
    """
    loaded: list[tuple[Path, Profile]] = []
    problems: list[Problem] = []
    seen: dict[str, Path] = {}
    for raw in paths:
        batch: list[tuple[Path, Profile]] = []
        for source in expand_paths([raw]):
            try:
                profile = _load(source, lang)
            except BrochureError as err:
                if fail_fast:
                    raise
                problems += err.problems
                continue
            if profile.key in seen:
                if seen[profile.key].resolve() == source.resolve():
                    continue  # the same file named twice
                problem = Problem(
                    f"slug '{profile.key}' is also used by {seen[profile.key]}",
                    source,
                    None,
                    "slug",
                )
                if fail_fast:
                    raise ProfileError(problem.message, path=source, field="slug")
                problems.append(problem)
                continue
            seen[profile.key] = source
            batch.append((source, profile))
        if Path(raw).is_dir():
            batch.sort(key=lambda item: (item[1].title.casefold(), item[1].key))
        loaded += batch
    if problems:
        raise ProfileError(problems[0].message, path=problems[0].path, problems=problems)
    if not loaded:
        raise BookletError("no profiles to put in the booklet")
    return loaded


_LOADED: OrderedDict[tuple[str, str | None, bytes], Profile] = OrderedDict()
_LOADED_MOST = 4096


def _load(source: Path, lang: str | None) -> Profile:
    """`load_profile`, remembered by the file's bytes (and its translation's): a watcher
    or the web page builds the same careers into booklets again and again."""
    translated = translation_path(source, lang) if lang else None
    files = [source, translated] if translated else [source]
    key = (str(source), lang, hashlib.sha256(b"\0".join(read_input(f) for f in files)).digest())
    found = _LOADED.get(key)
    if found is None:
        found = _LOADED[key] = load_profile(source, lang)
        if len(_LOADED) > _LOADED_MOST:
            _LOADED.popitem(last=False)
    return found


def group_careers(profiles: Sequence[Profile], group_by: str | None) -> tuple[Group, ...]:
    """Careers under their cluster (groups in order of first appearance), or one group."""
    if group_by is None:
        return (Group(1, "", tuple(profiles)),)
    if group_by != "cluster":
        raise BookletError(f"cannot group by '{group_by}' (only: cluster)")
    groups: dict[str, list[Profile]] = {}
    for profile in profiles:
        groups.setdefault(profile.cluster or "Other Careers", []).append(profile)
    return tuple(
        Group(index, name, tuple(members))
        for index, (name, members) in enumerate(groups.items(), start=1)
    )


def booklet_spec(
    loaded: Sequence[tuple[Path, Profile]],
    title: str,
    subtitle: str | None,
    date: str | None,
    group_by: str | None,
) -> BookletSpec:
    """What the booklet template is given: the careers in booklet order, grouped."""
    groups = group_careers([profile for _, profile in loaded], group_by)
    return BookletSpec(
        title=title,
        subtitle=subtitle,
        date=date,
        careers=tuple(profile for group in groups for profile in group.careers),
        groups=groups,
        grouped=group_by is not None,
    )


def build_booklet_one_pass(
    paths: Iterable[str | Path],
    out: str | Path | None = "out/booklet.pdf",
    *,
    layout: Layout | str | Path | None = None,
    paper: str | None = None,
    title: str = "Career Booklet",
    subtitle: str | None = None,
    date: str | None = None,
    group_by: str | None = None,
    impose: str | None = None,
    marks: bool = False,
    fail_fast: bool = False,
    strict: bool = False,
    options: RenderOptions = DEFAULT_OPTIONS,
) -> BookletReport:
    """The booklet `build_booklet` makes, in one WeasyPrint pass over every career.

    All careers are laid out in one WeasyPrint pass, so page numbers run on, the
    contents links and outline work and the PDF stays tagged (see docs/DESIGN.md).
    With `impose="saddle"` the output is printer sheets instead; `marks` are then
    fold marks. `out=None` writes nothing (the bytes are in the report).
    """
    check_booklet_options(options, impose, marks)
    chosen = resolve_layout(layout)
    sheet = chosen.paper(paper)
    loaded = load_for_booklet(paths, fail_fast=fail_fast, lang=options.lang)
    target = booklet_target(out, [source for source, _ in loaded])
    spec = booklet_spec(loaded, title, subtitle, date, group_by)
    ordered = spec.careers
    sources = sorted({source for source, _ in loaded})
    result = _lay_out(spec, chosen, sheet.name, options, sources)
    first = ordered[0].key
    if strict and result.warnings:
        raise BookletError(f"warnings are errors with --strict: {result.warnings[0]}")
    front = result.anchors[first]
    by_key = {profile.key: source for source, profile in loaded}
    careers = [
        BookletCareer(by_key[p.key], p.key, p.title, result.anchors[p.key] - front + 1)
        for p in ordered
    ]
    report = BookletReport(target, result.pages, front, careers, warnings=result.warnings)
    report.data = result.data
    deliver(report, impose, marks)
    return report


def deliver(report: BookletReport, impose: str | None, marks: bool) -> None:
    """The booklet as printer sheets with `impose="saddle"` (`marks`: fold marks), then
    written to `report.output`, if it has one."""
    if impose == "saddle":
        from .impose import impose_saddle  # pypdf is only needed here

        imposed = impose_saddle(report.data, marks=marks)
        report.data, report.sheets, report.padded = imposed.data, imposed.sheets, imposed.padded
        report.pages += imposed.padded
    if report.output is not None:
        write_atomic(report.output, report.data)


def _lay_out(
    spec: BookletSpec, layout: Layout, paper: str, options: RenderOptions, sources: list[Path]
) -> PdfResult:
    """The whole booklet in one layout pass, with its warnings: the template's
    accessibility, and careers whose last page is nearly empty."""
    from .pdf import Trim, html_to_pdf
    from .preflight import accessibility_problems
    from .render import render_booklet_html

    ordered = spec.careers
    html = render_booklet_html(spec, layout, paper, options)
    result = html_to_pdf(
        html,
        base=layout.folder,
        roots=allowed_roots(layout, sources, options),
        info=booklet_info(spec, options),
        number_from=ordered[0].key,
        stylesheets=[*layout.stylesheet_paths, *layout.booklet_stylesheet_paths],
        grayscale=options.grayscale,
        remote=options.allow_remote,
        trim=Trim(options.bleed, options.marks),
    )
    result.warnings += accessibility_problems(html, layout.name)
    result.warnings += stale_notices(ordered, options.stale_after)
    endings = _sparse_careers(result, ordered, layout)
    result.typography += endings
    result.warnings += [Notice(f"typography: {problem}", "typography") for problem in endings]
    return result


def booklet_target(out: str | Path | None, sources: list[Path]) -> Path | None:
    """The booklet's file (`booklet.pdf` inside a folder), checked before any work."""
    target = Path(out) if out is not None else None
    if target is not None and target.is_dir():
        target = target / "booklet.pdf"
    if target is not None:
        plan_outputs(sources, target, single_file=True)
    return target


def booklet_info(spec: BookletSpec, options: RenderOptions) -> PdfInfo:
    """The booklet's PDF metadata: its cover title, its careers' clusters as keywords."""
    careers = spec.careers
    return PdfInfo(
        title=spec.title,
        subject=spec.subtitle or f"{len(careers)} career profiles",
        keywords=tuple(dict.fromkeys([*(p.cluster for p in careers if p.cluster), "careers"])),
        lang=options.lang or spec.lang,
        creator=f"brochure {__version__}",
        variant=options.variant,
        attachments=source_files(careers, options) if options.attach_source else (),
        output_intent=options.output_intent,
    )


def _sparse_careers(result: PdfResult, careers: Sequence[Profile], layout: Layout) -> list[str]:
    """Careers whose last page in the booklet is nearly empty.

    A booklet is one layout pass, without the fit steps a single handout gets, so
    each career's ending is checked here as a handout's last page is. A career ends
    where the next begins, the last one at the back cover (`id="back-cover"`).
    """
    if layout.pages_exact:  # a fixed page count is the design, not spill-over
        return []
    starts = [result.anchors[career.key] for career in careers]
    ends = [*starts[1:], result.anchors.get("back-cover", result.pages)]
    sections = [(c.title, first, end) for c, first, end in zip(careers, starts, ends, strict=True)]
    return sparse_endings(result.page_fills, sections)


def check_booklet_options(options: RenderOptions, impose: str | None, fold: bool) -> None:
    """Refuse what imposed sheets cannot carry, rather than drop it silently.

    Sheets are for an office printer: two pages side by side on exactly the paper,
    with no room for a bleed or crop marks, and rewritten by pypdf, which keeps
    neither tags nor the output intent and metadata a PDF standard needs. A print
    shop takes single pages with bleed and marks, and imposes them itself.

    Raises:
        BookletOptionsError: the command line's usage error (exit 2).
    """
    if impose not in (None, "saddle"):
        raise BookletOptionsError(f"unknown imposition '{impose}' (available: saddle)")
    if fold and impose is None:
        raise BookletOptionsError("--marks fold goes with --impose saddle")
    if impose is None:
        return
    if options.bleed or options.marks:
        raise BookletOptionsError(
            "--bleed and crop or cross marks are for a print shop's single pages; "
            "imposed sheets have no room for them: leave out --impose"
        )
    if options.output_intent is not None:
        raise BookletOptionsError(
            "imposed sheets are printer sheets and carry no output intent: pypdf rewrites "
            "them without it; leave out --output-intent, or leave out --impose for a "
            "PDF/X-4 booklet of single pages"
        )
    if options.pdf_variant is not None:
        raise BookletOptionsError(
            f"imposed sheets are printer sheets and cannot declare {options.pdf_variant}: "
            "pypdf rewrites them without the tags and metadata it needs; leave out "
            "--pdf-variant, or leave out --impose for a booklet that declares it"
        )
    if options.attach_source:
        raise BookletOptionsError(
            "imposed sheets do not carry --attach-source files (pypdf rewrites the "
            "document); attach them to the booklet without --impose"
        )
