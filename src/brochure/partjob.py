"""A booklet part in a worker process: the job, the worker's side of it, its outcome.

A part is handed over either whole (`booklet_apart._Part`: the worker fills the layout's
templates, then lays the HTML out) or as HTML already made by the parent (`Laying`:
a built-in layout, and only a few parts to lay out, as after one edit). This module is
the worker's side of both and imports neither the profile model nor Jinja, so a
worker that is handed HTML starts on it sooner: those imports and the templates'
compiling were a fifth of a second of a one-edit booklet's two.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from .errors import BrochureError, Problem
from .partcache import LaidPart
from .pdf.info import PdfInfo

if TYPE_CHECKING:
    from .batch.workers import Caps, Workers

Kind = Literal["career", "front", "back", "folios"]


class Job(Protocol):
    """What a worker lays out: a part of one booklet, named by its career's file."""

    @property
    def source(self) -> Path | None: ...

    def __call__(self) -> LaidPart: ...


@dataclass(frozen=True)
class Failed:
    """A part that could not be laid out, sent back from the worker as a value."""

    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Laying:
    """A part's HTML, made from a built-in layout, to lay out and check."""

    kind: Kind
    html: str
    folder: Path  # the layout's: relative addresses resolve against it
    layout_name: str
    digest: str  # the layout's files: a long-lived worker forgets notes on old ones
    stylesheets: tuple[Path, ...]
    roots: tuple[Path, ...]
    info: PdfInfo
    grayscale: bool
    remote: bool
    bleed: float
    marks: tuple[str, ...]
    source: Path | None = None

    def __call__(self) -> LaidPart:
        from .pdf import Trim, html_to_pdf
        from .preflight import accessibility_problems

        _layout_seen(self.digest)
        result = html_to_pdf(
            self.html,
            base=self.folder,
            roots=list(self.roots),
            info=self.info,
            stylesheets=self.stylesheets,
            grayscale=self.grayscale,
            remote=self.remote,
            trim=Trim(self.bleed, self.marks),
            # The booklet judges each career's ending itself, naming the career; the
            # cover, contents, back cover and folios are not text that runs on.
            min_last_page=0.0,
        )
        # Every part but the cover follows the cover's title (an <h1>).
        after = 0 if self.kind == "front" else 1
        problems = accessibility_problems(self.html, self.layout_name, after=after)
        return LaidPart(
            result.data, result.pages, tuple(result.page_fills), (*result.warnings, *problems)
        )


_seen: list[str] = []


def _layout_seen(digest: str) -> None:
    """Notes on a layout's stylesheets are dropped when its files change (a watcher's
    worker, while the layout is edited)."""
    if _seen and _seen[0] != digest:
        from .pdf import forget_stylesheets

        forget_stylesheets()
    _seen[:] = [digest]


def start_workers(jobs: int, caps: Caps | None) -> Workers:
    """Workers for booklet parts, one started now (the rest when there is work for
    them), warming up (`warm_up`) while the caller reads and plans: the booklet
    command calls this before it reads its options, `build_booklet` when it is not
    handed workers."""
    from .batch.workers import Workers, call_named

    warm = functools.partial(call_named, __name__, "warm_up")
    return Workers(jobs, warm, caps, start=1, wait=False)


def warm_up() -> None:
    """A worker's start for booklet parts: WeasyPrint and the code that lays HTML out,
    imported before its first part (a part handed over whole imports the rest)."""
    from .pdf import load_weasyprint, write  # noqa: F401
    from .preflight import accessibility_problems  # noqa: F401

    load_weasyprint()


def run(job: Job) -> tuple[LaidPart | Failed, float]:
    """A part laid out in a worker, and how long it took; then the memory it freed given
    back, before the worker's next part."""
    try:
        return timed(job)
    finally:
        _give_back()


def timed(job: Job) -> tuple[LaidPart | Failed, float]:
    """A part laid out, and how long it took; its errors come back as values."""
    started = time.perf_counter()
    try:
        laid: LaidPart | Failed = job()
    except BrochureError as err:
        laid = failed(job, err)
    return laid, time.perf_counter() - started


def failed(job: Job, err: BrochureError) -> Failed:
    """The error's problems, at the career's file when they name none."""
    where = job.source
    return Failed(tuple(Problem(p.message, p.path or where, p.line, p.field) for p in err.problems))


def _give_back() -> None:
    """Memory a layout freed, given back to the system: a worker lays out career after
    career, and each one's peak starts from where the last left the heap (about 13 MiB
    less per worker, measured over 24 careers)."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, or None elsewhere (looked up once: finding libc runs ldconfig)."""
    try:
        function: Callable[[int], int] = ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None
    return function
