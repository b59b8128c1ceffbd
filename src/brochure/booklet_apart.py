"""A booklet joined from parts: each career laid out on its own (in worker processes,
or taken from the parts cache when nothing it is made from changed), then the cover and
contents, the back cover and the folios once the careers' page counts are known, joined
into one tagged PDF by `combine`.

The page arithmetic is the one-pass booklet's: the cover and contents take an even
number of pages, every career opens on a right-hand page (a blank page before it where
needed), numbers start at 1 with the first career and count the blanks, and the back
cover is on a left-hand page. A career's pages never depend on where it falls: its
folios are laid over it, so an earlier career changing length moves no later one's
layout (docs/DESIGN.md, "Booklets from careers rendered apart").
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from concurrent.futures import Future
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pikepdf
from pikepdf import Dictionary, Name

from ._version import __version__
from .booklet import (
    BookletCareer,
    BookletReport,
    booklet_info,
    booklet_spec,
    booklet_target,
    check_booklet_options,
    deliver,
    load_for_booklet,
)
from .bookletspec import BookletSpec, Group
from .combine import Joiner, lay_over, share_fonts
from .errors import BookletError, BrochureError, Notice, Problem, ProfileError
from .freshness import cache_key, layout_digest, theme_digest
from .inputs import resolve_layout
from .layout import Layout
from .options import DEFAULT_OPTIONS, RenderOptions
from .partcache import LaidPart, PartCache
from .partjob import Failed, Kind, Laying, failed, run, start_workers, timed
from .pdf.info import PdfInfo
from .pipeline import allowed_roots
from .profile import Profile
from .stale import stale_notices
from .typography import sparse_endings

if TYPE_CHECKING:
    from .batch.workers import Caps, Workers

# Blank pages the folios part lays out past the numbered ones: for a blank after the
# contents and one before the back cover.
SPARE_BLANKS = 2

# What the cover, contents, back cover, folios and a cluster's banner are given of each
# career: what a contents page shows. A career's other fields are its own part's alone,
# so editing a duty lays out that career and nothing else.
OUTLINE_FIELDS = ("slug", "title", "summary", "cluster", "lang", "as_of", "attribution")


def outline(profile: Profile) -> Profile:
    """The career as the booklet's other parts see it (`OUTLINE_FIELDS`)."""
    return Profile.model_validate({name: getattr(profile, name) for name in OUTLINE_FIELDS})


@dataclass(frozen=True)
class _Part:
    """One part of the booklet to lay out: picklable, for a worker process, and keyed
    by everything its pages are made from."""

    kind: Kind
    spec: BookletSpec
    layout: Path
    builtin: bool
    digest: str
    paper: str
    options: RenderOptions
    roots: tuple[Path, ...]
    info: PdfInfo
    key: str
    source: Path | None = None  # a career's profile, named by its errors

    def __call__(self) -> LaidPart:
        return self.laying()()

    def laying(self) -> Laying:
        """The part's HTML, made from its layout's templates, ready to lay out."""
        from .batch.job import worker_layout
        from .render import render_booklet_html

        layout = worker_layout(self.layout, self.builtin, self.digest)
        html = render_booklet_html(self.spec, layout, self.paper, self.options)
        options = self.options
        return Laying(
            self.kind,
            html,
            layout.folder,
            layout.name,
            self.digest,
            (*layout.stylesheet_paths, *layout.booklet_stylesheet_paths),
            self.roots,
            self.info,
            options.grayscale,
            options.allow_remote,
            options.bleed,
            options.marks,
            self.source,
        )


def _lost(part: _Part, err: BrochureError) -> tuple[Failed, float]:
    """A part its worker could not finish (time or memory cap), at its career's file."""
    message = err.message if part.source else f"the booklet's {part.kind} pages: {err.message}"
    return Failed((Problem(message, part.source),)), 0.0


@dataclass
class PartOutcome:
    """What happened to one part of a booklet: laid out now (`rendered`) or `reused`."""

    kind: Kind
    status: Literal["rendered", "reused"]
    key: str
    pages: int
    source: Path | None = None
    slug: str | None = None
    seconds: float = 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "part": self.kind,
            "source": str(self.source) if self.source else None,
            "slug": self.slug,
            "status": self.status,
            "pages": self.pages,
            "key": self.key,
            "seconds": round(self.seconds, 3),
        }


def parts_folder(target: Path) -> Path:
    """Where the parts of the booklet `target` are kept: `.booklet.pdf.parts` beside it."""
    return target.parent / f".{target.name}.parts"


def manifest_path(target: Path) -> Path:
    """Where the command writes the booklet `target`'s manifest unless told otherwise:
    `booklet.manifest.json` beside it."""
    return target.with_name(f"{target.stem}.manifest.json")


def build_booklet(
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
    jobs: int = 1,
    force: bool = False,
    cache: Path | PartCache | bool = True,
    pool: Workers | None = None,
    caps: Caps | None = None,
    on_plan: Callable[[int], object] | None = None,
    on_part: Callable[[PartOutcome], object] | None = None,
) -> BookletReport:
    """Many careers in one print-ready PDF: cover, contents, careers, back cover.

    Each career is laid out alone (`jobs` worker processes, or `pool`'s; under `caps`
    when given, else a single job runs in this process) and kept in the parts cache
    (`cache`: True for the folder beside `out`, a folder, a `PartCache`, or False);
    a rebuild lays out only the parts whose inputs changed, unless `force`. `on_plan`
    is told how many parts are to be laid out, `on_part` of each part as it is laid
    out or reused. With
    `impose="saddle"` the output is printer sheets; `marks` are then fold marks.
    `out=None` writes nothing (the bytes are in the report).
    """
    started = time.perf_counter()
    check_booklet_options(options, impose, marks)
    chosen = resolve_layout(layout)
    sheet = chosen.paper(paper).name
    stack = ExitStack()
    with stack:
        own = None
        if pool is None and (caps is not None or jobs > 1):
            # One worker starts before the careers are read, so that its imports (a
            # second) overlap the reading and planning; if no part needs it, it is
            # stopped without waiting for them (`Workers.close`).
            own = stack.enter_context(start_workers(jobs, caps))
        workers = pool or own
        loaded = load_for_booklet(paths, fail_fast=fail_fast, lang=options.lang)
        target = booklet_target(out, [source for source, _ in loaded])
        spec = booklet_spec(loaded, title, subtitle, date, group_by)
        if isinstance(cache, PartCache):
            store = cache
        elif cache is True:
            store = PartCache(parts_folder(target) if target is not None else None)
        else:
            store = PartCache(cache or None)
        build = _Build(_Planner(chosen, sheet, options, spec, loaded), store, force, workers)
        build.on_part = on_part
        careers = [build.planner.career(profile) for profile in spec.careers]
        back = build.planner.back()
        waiting = build.start([*careers, back])
        if on_plan is not None:
            on_plan(waiting)
        # With a few parts to lay out (a rebuild after an edit), the careers are joined
        # in order as they are ready, while the workers lay out the rest: the join is
        # most of the time. With many, the join waits until the workers are gone: it is
        # a small part of the time, and the workers' memory and the join's do not add up.
        joiner = Joiner()
        overlap = waiting <= max(1, jobs)
        ordered_parts = [*careers, back]
        results = [
            build.wait(part, joiner, _ahead(build, joiner, ordered_parts[index + 1 :]))
            if overlap
            else build.wait(part)
            for index, part in enumerate(ordered_parts)
        ]
        build.check()
        *laid_careers, laid_back = [laid for laid in results if laid is not None]
        plan = _Plan.of([laid.pages for laid in laid_careers])
        numbers = tuple(zip((p.key for p in spec.careers), plan.first, strict=True))
        folios = plan.folios(spec.careers) + (None,) * SPARE_BLANKS
        matter = [build.planner.front(numbers), build.planner.folios(folios)]
        build.start(matter)
        front, folio_pages = (build.wait(part) for part in matter)
        build.check()
        assert front is not None
        assert folio_pages is not None

        # The workers stop before a big join: their memory and its do not add up. After
        # an edit they stop while the booklet is joined, the most of what is left.
        if own is not None:
            own.close(wait=not overlap)
        if not overlap:
            for laid in (*laid_careers, laid_back):
                joiner.add(laid.data)
        joiner.add(front.data, front=True)

        ordered = spec.careers
        warnings: list[Notice] = []
        for laid in (front, *laid_careers, laid_back):
            warnings += [w for w in laid.warnings if w not in warnings]
        if not chosen.pages_exact:  # a fixed page count is the design, not spill-over
            for profile, laid in zip(ordered, laid_careers, strict=True):
                endings = sparse_endings(list(laid.fills), [(profile.title, 0, laid.pages)])
                warnings += [Notice(f"typography: {problem}", "typography") for problem in endings]
        warnings += stale_notices(ordered, options.stale_after)
        if strict and warnings:
            raise BookletError(f"warnings are errors with --strict: {warnings[0]}")

        data, pages, front_pages = _join(
            joiner, front, folio_pages, plan, ordered, spec.groups, spec.grouped, store.unions
        )
    store.keep(part.key for part in build.outcomes)
    by_key = {profile.key: source for source, profile in loaded}
    careers_in = [
        BookletCareer(by_key[p.key], p.key, p.title, number)
        for p, number in zip(ordered, plan.first, strict=True)
    ]
    report = BookletReport(target, pages, front_pages, careers_in, warnings=warnings, data=data)
    report.parts = build.in_order([matter[0], *careers, back, matter[1]])
    deliver(report, impose, marks)
    report.seconds = time.perf_counter() - started
    return report


class _Build:
    """The parts of one build: reused from the cache, or laid out now (in the workers,
    or here without any), and what each one's outcome was."""

    def __init__(
        self,
        planner: _Planner,
        store: PartCache,
        force: bool,
        workers: Workers | None,
    ) -> None:
        self.planner, self.store, self.force, self.workers = planner, store, force, workers
        self.outcomes: list[PartOutcome] = []
        self.on_part: Callable[[PartOutcome], object] | None = None
        self.found: dict[str, LaidPart] = {}
        self.futures: dict[str, Future[tuple[LaidPart | Failed, float]]] = {}
        self.failures: list[Problem] = []

    def start(self, parts: Sequence[_Part]) -> int:
        """Take each part from the cache, or set it to be laid out; how many will be."""
        waiting, todo = 0, []
        # The longest careers go first, so that no worker is left with a long one at
        # the end while the other waits (the planner has each career's data at hand).
        for part in sorted(parts, key=self.planner.weight, reverse=True):
            if part.key in self.found or part.key in self.futures:
                continue
            cached = None if self.force else self.store.get(part.key)
            if cached is not None:
                self.found[part.key] = cached
                self._tell(part, "reused", cached, 0.0)
                continue
            waiting += 1
            todo.append(part)
        if self.workers is not None:
            # No more parts than workers (a build after an edit): their HTML is made
            # here, while the workers start, so that a worker need not import Jinja and
            # the profile model and compile the templates first. A layout from elsewhere
            # always fills its templates in a worker, under its caps.
            here = len(todo) <= self.workers.count and all(part.builtin for part in todo)
            for part in todo:
                self.futures[part.key] = self._submit(part, here)
        return waiting

    def _submit(self, part: _Part, here: bool) -> Future[tuple[LaidPart | Failed, float]]:
        assert self.workers is not None
        if not here:
            return self.workers.submit(run, part)
        try:
            laying = part.laying()
        except BrochureError as err:
            done: Future[tuple[LaidPart | Failed, float]] = Future()
            done.set_result((failed(part, err), 0.0))
            return done
        return self.workers.submit(run, laying)

    def wait(
        self, part: _Part, joiner: Joiner | None = None, idle: Callable[[], bool] | None = None
    ) -> LaidPart | None:
        """The part's pages once they are laid out (None if it failed: see `check`),
        added to `joiner` if given. While a worker lays it out, `idle()` is called
        until it says there is nothing more to do."""
        from .batch.workers import WorkerError

        laid = self.found.get(part.key)
        if laid is None:
            future = self.futures.pop(part.key, None)
            if future is None:  # no workers: laid out here
                result, seconds = timed(part)
            else:
                while idle is not None and not future.done() and idle():
                    pass
                try:
                    result, seconds = future.result()
                except WorkerError as err:
                    result, seconds = _lost(part, err)
            if isinstance(result, Failed):
                self.failures.extend(result.problems)
                return None
            laid = self.found[part.key] = result
            self.store.put(part.key, laid)
            self._tell(part, "rendered", laid, seconds)
        if joiner is not None and not self.failures:
            joiner.add(laid.data)
        return laid

    def check(self) -> None:
        """Every part that could not be laid out, as one error naming each file."""
        if self.failures:
            first = self.failures[0]
            raise ProfileError(first.message, path=first.path, problems=self.failures)

    def in_order(self, parts: Sequence[_Part]) -> list[PartOutcome]:
        """The outcomes in booklet order (they arrive in the order workers finish)."""
        by_key = {outcome.key: outcome for outcome in self.outcomes}
        return [by_key[part.key] for part in parts if part.key in by_key]

    def _tell(
        self, part: _Part, status: Literal["rendered", "reused"], laid: LaidPart, seconds: float
    ) -> None:
        slug = part.spec.careers[0].key if part.kind == "career" else None
        outcome = PartOutcome(part.kind, status, part.key, laid.pages, part.source, slug, seconds)
        self.outcomes.append(outcome)
        if self.on_part is not None:
            self.on_part(outcome)


def _ahead(build: _Build, joiner: Joiner, later: Sequence[_Part]) -> Callable[[], bool]:
    """What to do while waiting on a part: open the next of the `later` parts that are
    ready, one each call (False when none is left)."""
    todo = iter(later)

    def step() -> bool:
        for part in todo:
            laid = build.found.get(part.key)
            if laid is not None:
                joiner.prepare(laid.data)
                return True
        return False

    return step


class _Planner:
    """Each part of one booklet, with the key of everything its pages are made from:
    the tool's version, the layout's and theme's files, the options, the paper, the
    document metadata, and the data the part's template is given (canonical JSON)."""

    def __init__(
        self,
        layout: Layout,
        paper: str,
        options: RenderOptions,
        spec: BookletSpec,
        loaded: Sequence[tuple[Path, Profile]],
    ) -> None:
        self.layout, self.paper, self.spec = layout, paper, spec
        # Files are attached to the front matter alone: the joined file is described by it.
        self.options = options
        self.plain = replace(options, attach_source=False)
        self.sources = {profile.key: source for source, profile in loaded}
        self.digest = layout_digest(layout)
        self.settings = cache_key(
            __version__,
            self.digest,
            theme_digest(options.theme),
            paper,
            self.plain.cache_key(),
        )
        self.roots = tuple(allowed_roots(layout, sorted(set(self.sources.values())), options))
        self.outlines = {profile.key: outline(profile) for profile in spec.careers}
        self.groups = tuple(
            replace(group, careers=tuple(self.outlines[p.key] for p in group.careers))
            for group in spec.groups
        )
        self.info = booklet_info(spec, self.plain)
        self.dumped: dict[int, str] = {}

    def career(self, profile: Profile) -> _Part:
        """One career, in its group (whose banner it carries when it opens the group)."""
        index = next(i for i, g in enumerate(self.spec.groups) if profile in g.careers)
        group = self.groups[index]
        opens = self.spec.grouped and self.spec.groups[index].careers[0] is profile
        spec = replace(
            self.spec,
            part="career",
            careers=(profile,),
            groups=(group,),
            grouped=opens,
            language=self.spec.lang,
        )
        return self._part("career", spec, self.plain, self.info, self.sources[profile.key])

    def front(self, numbers: tuple[tuple[str, int], ...]) -> _Part:
        """The cover and contents, each career's first printed page given as data."""
        spec = self._matter("front", numbers=numbers)
        return self._part("front", spec, self.options, booklet_info(self.spec, self.options))

    def back(self) -> _Part:
        return self._part("back", self._matter("back"), self.plain, self.info)

    def folios(self, folios: tuple[str | None, ...]) -> _Part:
        """One page per numbered page of the booklet, blank or with its folio."""
        return self._part("folios", self._matter("folios", folios=folios), self.plain, self.info)

    def _matter(self, kind: Kind, **changes: object) -> BookletSpec:
        careers = tuple(self.outlines[p.key] for p in self.spec.careers)
        return replace(
            self.spec,
            part=kind,
            careers=careers,
            groups=self.groups,
            language=self.spec.lang,
            **changes,  # type: ignore[arg-type]
        )

    def weight(self, part: _Part) -> int:
        """How much a part has to lay out, roughly: a career's data, in characters."""
        if part.kind != "career":
            return 0
        return len(part.spec.careers[0].model_dump_json())

    def _data(self, profile: Profile) -> str:
        """The digest of a career's data (whole, or its outline), made once a build:
        every career part names its whole group."""
        found = self.dumped.get(id(profile))
        if found is None:
            found = self.dumped[id(profile)] = _digest(profile.model_dump_json())
        return found

    def _part(
        self,
        kind: Kind,
        spec: BookletSpec,
        options: RenderOptions,
        info: PdfInfo,
        source: Path | None = None,
    ) -> _Part:
        key = cache_key(
            self.settings,
            options.cache_key(),
            _digest(repr(info)),
            _spec_json(spec, self._data),
        )
        layout = self.layout
        return _Part(
            kind,
            spec,
            layout.folder,
            layout.builtin,
            self.digest,
            self.paper,
            options,
            self.roots,
            info,
            key,
            source,
        )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _spec_json(spec: BookletSpec, data: Callable[[Profile], str]) -> str:
    """Everything a part's template is given of the booklet, as canonical JSON (each
    career as the digest `data` gives of its own)."""
    return json.dumps(
        {
            "title": spec.title,
            "subtitle": spec.subtitle,
            "date": spec.date,
            "grouped": spec.grouped,
            "part": spec.part,
            "numbers": spec.numbers,
            "folios": spec.folios,
            "language": spec.language,
            "careers": [data(p) for p in spec.careers],
            "groups": [[g.index, g.name, [data(p) for p in g.careers]] for g in spec.groups],
        },
        sort_keys=True,
        ensure_ascii=False,
    )


def _join(
    joiner: Joiner,
    front: LaidPart,
    folios: LaidPart,
    plan: _Plan,
    ordered: Sequence[Profile],
    groups: Sequence[Group],
    grouped: bool,
    unions: MutableMapping[str, bytes] | None = None,
) -> tuple[bytes, int, int]:
    """The joined parts as one PDF, with blank pages, folios, shared fonts, page labels
    and outline; its page count, and how many pages the cover and contents take."""
    pdf = joiner.finish(share=False)
    front_pages = front.pages + front.pages % 2
    blanks = plan.blanks(front.pages, front_pages)
    numbered = range(front_pages, front_pages + plan.numbered)
    # A blank page is the folios' own page for its place: laid out like every other
    # (size, bleed, printer's marks), with nothing on it. Blanks outside the numbered
    # pages, after the contents and before the back cover, are the folios' spares.
    spares = iter(range(plan.numbered, plan.numbered + SPARE_BLANKS))
    sources = [index - front_pages if index in numbered else next(spares) for index in blanks]
    _insert_blanks(pdf, blanks, pikepdf.open(io.BytesIO(folios.data)), sources)
    empty = set(blanks)
    lay_over(pdf, folios.data, [None if index in empty else index for index in numbered])
    share_fonts(pdf, unions)
    _finish(pdf, front_pages, ordered, groups, grouped, plan)
    data = io.BytesIO()
    pdf.save(
        data,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        deterministic_id=True,
        compress_streams=True,
    )
    return data.getvalue(), len(pdf.pages), front_pages


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


def _insert_blanks(
    pdf: pikepdf.Pdf, indexes: Sequence[int], blanks: pikepdf.Pdf, sources: Sequence[int]
) -> None:
    """Page `sources[i]` of `blanks` put in at `indexes[i]` (of the finished file, in
    increasing order)."""
    for index, source in zip(indexes, sources, strict=True):
        page = blanks.pages[source]
        if "/StructParents" in page.obj:  # nothing on it is content
            del page.obj["/StructParents"]
        pdf.pages.insert(index, page)


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


__all__ = ["PartOutcome", "build_booklet", "manifest_path", "outline", "parts_folder"]
