"""A booklet joined from parts: each career laid out on its own (in worker processes),
then the cover and contents, the back cover and the folios once the careers' page
counts are known, joined into one tagged PDF by `combine`.

Being built beside the one-pass `booklet.build_booklet`, which stays the command's path
until this one meets every row of the booklet benchmark (docs/DESIGN.md, "Booklets from
careers rendered apart"). The page arithmetic is the one-pass booklet's: the cover and
contents take an even number of pages, every career opens on a right-hand page (a blank
page before it where needed), numbers start at 1 with the first career and count the
blanks, and the back cover is on a left-hand page.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path

import pikepdf
from pikepdf import Dictionary, Name

from .booklet import (
    BookletCareer,
    BookletReport,
    booklet_info,
    booklet_spec,
    booklet_target,
    load_for_booklet,
)
from .combine import combine, lay_over, share_fonts
from .errors import Notice
from .inputs import resolve_layout
from .layout import Layout
from .options import DEFAULT_OPTIONS, RenderOptions
from .output import write_atomic
from .pdf import PdfResult, Trim, html_to_pdf
from .pipeline import allowed_roots
from .profile import Profile
from .render import BookletSpec, Group, render_booklet_html
from .stale import stale_notices
from .typography import sparse_endings


@dataclass(frozen=True)
class _Part:
    """One part of the booklet to lay out: picklable, for a worker process."""

    spec: BookletSpec
    layout: Layout
    paper: str
    options: RenderOptions
    sources: tuple[Path, ...]

    def __call__(self) -> PdfResult:
        html = render_booklet_html(self.spec, self.layout, self.paper, self.options)
        layout, options = self.layout, self.options
        return html_to_pdf(
            html,
            base=layout.folder,
            roots=allowed_roots(layout, list(self.sources), options),
            info=booklet_info(self.spec, options),
            stylesheets=[*layout.stylesheet_paths, *layout.booklet_stylesheet_paths],
            grayscale=options.grayscale,
            remote=options.allow_remote,
            trim=Trim(options.bleed, options.marks),
        )


def _run(part: _Part) -> PdfResult:
    return part()


def build_booklet_apart(
    paths: Iterable[str | Path],
    out: str | Path | None = None,
    *,
    layout: Layout | str | Path | None = None,
    paper: str | None = None,
    title: str = "Career Booklet",
    subtitle: str | None = None,
    date: str | None = None,
    group_by: str | None = None,
    options: RenderOptions = DEFAULT_OPTIONS,
    jobs: int = 1,
) -> BookletReport:
    """The booklet `build_booklet` makes, from careers laid out apart (`jobs` worker
    processes) and joined. `out=None` writes nothing (the bytes are in the report)."""
    from .batch.workers import Workers, run_all

    chosen = resolve_layout(layout)
    sheet = chosen.paper(paper).name
    loaded = load_for_booklet(paths, lang=options.lang)
    target = booklet_target(out, [source for source, _ in loaded])
    spec = booklet_spec(loaded, title, subtitle, date, group_by)
    groups, ordered, grouped = spec.groups, spec.careers, spec.grouped
    sources = tuple(sorted({source for source, _ in loaded}))

    # Files are attached to the front matter alone: the joined file is described by it.
    plain = replace(options, attach_source=False)

    def part(**changes: object) -> _Part:
        own = options if changes.get("part") == "front" else plain
        return _Part(replace(spec, **changes), chosen, sheet, own, sources)  # type: ignore[arg-type]

    def lay_out(parts: list[_Part], pool: Workers | None) -> list[PdfResult]:
        laid = {id(job): result for job, result in run_all(_run, parts, workers=jobs, pool=pool)}
        return [laid[id(job)] for job in parts]

    # One pool for both rounds: the careers, then what their page counts decide.
    with Workers(jobs) if jobs > 1 else nullcontext() as pool:
        careers = [part(part="career", **_alone(p, groups, grouped)) for p in ordered]
        results = lay_out(careers, pool)
        plan = _Plan.of([result.pages for result in results])
        numbers = tuple(zip((p.key for p in ordered), plan.first, strict=True))
        matter = [
            part(part="front", numbers=numbers),
            part(part="back"),
            part(part="folios", folios=plan.folios(ordered)),
        ]
        front, back, folios = lay_out(matter, pool)

    pdf = combine([front.data, *(result.data for result in results), back.data])
    front_pages = front.pages + front.pages % 2
    blanks = plan.blanks(front.pages, front_pages)
    _insert_blanks(pdf, blanks)
    numbered = range(front_pages, front_pages + plan.numbered)
    lay_over(pdf, folios.data, list(numbered))
    share_fonts(pdf)
    _finish(pdf, front_pages, ordered, groups, grouped, plan)
    data = io.BytesIO()
    pdf.save(
        data,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        deterministic_id=True,
        compress_streams=True,
    )
    warnings: list[Notice] = [*front.warnings]
    for profile, result in zip(ordered, results, strict=True):
        warnings += [w for w in result.warnings if w not in warnings]
        endings = sparse_endings(result.page_fills, [(profile.title, 0, result.pages)])
        warnings += [Notice(f"typography: {problem}", "typography") for problem in endings]
    warnings += stale_notices(ordered, options.stale_after)
    by_key = {profile.key: source for source, profile in loaded}
    report = BookletReport(
        target,
        len(pdf.pages),
        front_pages,
        [
            BookletCareer(by_key[p.key], p.key, p.title, number)
            for p, number in zip(ordered, plan.first, strict=True)
        ],
        warnings=warnings,
    )
    report.data = data.getvalue()
    if target is not None:
        write_atomic(target, report.data)
    return report


def _alone(profile: Profile, groups: Sequence[Group], grouped: bool) -> dict[str, object]:
    """One career's part: in its group (whose banner it carries when it opens it)."""
    group = next(g for g in groups if profile in g.careers)
    opens = grouped and group.careers[0] is profile
    return {"careers": (profile,), "groups": (group,), "grouped": opens}


@dataclass(frozen=True)
class _Plan:
    """Where each career falls: its first printed number (odd: a right-hand page) and
    the blank pages that put it there."""

    pages: tuple[int, ...]
    first: tuple[int, ...]

    @classmethod
    def of(cls, pages: Sequence[int]) -> _Plan:
        first, number = [], 1
        for count in pages:
            number += (number + 1) % 2  # an even number is a left-hand page
            first.append(number)
            number += count
        return cls(tuple(pages), tuple(first))

    @property
    def numbered(self) -> int:
        """Pages from the first career's first to the last career's last."""
        return self.first[-1] + self.pages[-1] - 1

    def folios(self, careers: Sequence[Profile]) -> tuple[str | None, ...]:
        """Each numbered page's career (its key), None for a blank."""
        found: list[str | None] = [None] * self.numbered
        for profile, first, count in zip(careers, self.first, self.pages, strict=True):
            found[first - 1 : first - 1 + count] = [profile.key] * count
        return tuple(found)

    def blanks(self, front: int, front_pages: int) -> list[int]:
        """The file's 0-based indexes where blank pages go, in the joined order."""
        found = list(range(front, front_pages))
        for first, previous_end in zip(self.first, (1, *self._ends()), strict=False):
            found += [front_pages + n - 1 for n in range(previous_end, first)]
        last = front_pages + self.numbered
        if last % 2 == 0:  # the back cover goes on a left-hand page
            found.append(last)
        return found

    def _ends(self) -> list[int]:
        return [first + count for first, count in zip(self.first, self.pages, strict=True)]


def _insert_blanks(pdf: pikepdf.Pdf, indexes: Sequence[int]) -> None:
    """Blank pages, the size of the page they stand beside, at `indexes` (of the
    finished file, in increasing order)."""
    for index in sorted(indexes):
        model = pdf.pages[min(index, len(pdf.pages) - 1)].obj
        blank = Dictionary(Type=Name.Page, Resources=Dictionary(), Contents=pdf.make_stream(b""))
        for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
            if box in model:
                blank[box] = model[box]
        pdf.pages.insert(index, pikepdf.Page(pdf.make_indirect(blank)))


def _finish(
    pdf: pikepdf.Pdf,
    front: int,
    careers: Sequence[Profile],
    groups: Sequence[Group],
    grouped: bool,
    plan: _Plan,
) -> None:
    """Page labels (i, ii … for the cover and contents, then the printed numbers) and
    the outline: the careers, under their clusters when grouped."""
    pdf.Root.PageLabels = Dictionary(
        Nums=pikepdf.Array(
            [0, Dictionary(S=Name.r), front, Dictionary(S=Name.D, St=1)]
            if front
            else [0, Dictionary(S=Name.D, St=1)]
        )
    )
    index = {p.key: front + number - 1 for p, number in zip(careers, plan.first, strict=True)}
    with pdf.open_outline() as outline:
        outline.root.clear()
        for group in groups:
            items = [pikepdf.OutlineItem(p.title, index[p.key]) for p in group.careers]
            if grouped:
                heading = pikepdf.OutlineItem(group.name, index[group.careers[0].key])
                heading.children.extend(items)
                outline.root.append(heading)
            else:
                outline.root.extend(items)


__all__ = ["build_booklet_apart"]
