"""One input's job: what a worker needs to render it, and the worker's side of the work."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import BrochureError, Problem, RenderError
from ..layout import Layout, load_layout
from ..options import DEFAULT_OPTIONS, RenderOptions
from ..output import write_atomic
from ..pipeline import html_for_browser, render_profile
from .manifest import Outcome


@dataclass(frozen=True)
class Job:
    """One profile to render in a worker: everything it needs, nothing it must look up."""

    source: Path
    target: Path
    key: str
    layout: Path
    layout_digest: str
    builtin: bool
    paper: str
    html: bool
    strict: bool
    options: RenderOptions = DEFAULT_OPTIONS


_layouts: dict[tuple[Path, bool, str], Layout] = {}


def worker_layout(folder: Path, builtin: bool, digest: str) -> Layout:
    """A layout, loaded once per worker and again only when its files change.

    A watching run (or a web server) keeps its workers while the layout is edited: a
    new digest drops the compiled templates and stylesheet notes made from the old files.
    """
    found = _layouts.get((folder, builtin, digest))
    if found is None:
        from ..i18n import forget_catalogs
        from ..pdf import forget_stylesheets
        from ..render import forget_templates

        _layouts.clear()
        forget_templates()
        forget_stylesheets()
        forget_catalogs()
        found = load_layout(folder, builtin=builtin)
        _layouts[(folder, builtin, digest)] = found
    return found


def _memory_mib() -> float:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def render_job(job: Job) -> Outcome:
    """Render one profile and write its files; runs in a worker process, never raises."""
    start = time.perf_counter()
    outcome = Outcome(source=job.source, status="failed", key=job.key)
    try:
        rendered = render_profile(
            job.source,
            worker_layout(job.layout, job.builtin, job.layout_digest),
            job.paper,
            key=job.key,
            options=job.options,
        )
        outcome.warnings = rendered.pdf.warnings
        if job.strict and outcome.warnings:
            raise RenderError(
                f"warnings are errors with --strict: {outcome.warnings[0]}", path=job.source
            )
        if job.html:
            write_atomic(job.target.with_suffix(".html"), html_for_browser(rendered).encode())
        write_atomic(job.target, rendered.pdf.data)
    except BrochureError as err:
        outcome.problems = err.problems
    except MemoryError:
        raise  # the worker reports its memory cap, and starts afresh
    except Exception as err:  # a bug or a renderer crash: report it, keep the batch going
        outcome.problems = [Problem(f"unexpected {type(err).__name__}: {err}", job.source)]
    else:
        outcome.status = "rendered"
        outcome.output = job.target
        outcome.pages = rendered.pdf.pages
        outcome.size = len(rendered.pdf.data)
        outcome.sha256 = hashlib.sha256(rendered.pdf.data).hexdigest()
        outcome.mtime_ns = job.target.stat().st_mtime_ns
    outcome.seconds = time.perf_counter() - start
    outcome.memory_mib = _memory_mib()
    return outcome


def lost_job(job: Job, err: BrochureError) -> Outcome:
    """A job its worker could not finish (time or memory cap): failed, at its file."""
    return Outcome(job.source, "failed", key=job.key, problems=[Problem(err.message, job.source)])


def load_renderer() -> None:
    """The warm-up of a worker started before its first job: import WeasyPrint."""
    from ..pdf import load_weasyprint

    load_weasyprint()
