"""Batch export: plan which outputs are stale, render them in workers, keep a manifest."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, Literal

from ._version import __version__
from .errors import BrochureError, OutputError, Problem, ProfileError, RenderError
from .icc import load_output_intent
from .inputs import expand_paths, plan_outputs, resolve_layout
from .jobs import (
    Caps,
    Workers,
    cache_key,
    folder_digest,
    recorded_key,
    run_all,
    shard_of,
    summarize,
    write_manifest,
)
from .layout import Layout, load_layout
from .options import DEFAULT_OPTIONS, RenderOptions
from .output import output_name, remove_stale_parts, write_atomic
from .pipeline import Rendered, html_for_browser, render_profile
from .profile import load_profile, translation_path
from .sourcemap import read_input
from .theme import Theme, load_theme


def render_file(
    source: Path,
    layout: Layout | str | Path | None = None,
    paper: str | None = None,
    options: RenderOptions = DEFAULT_OPTIONS,
) -> Rendered:
    """Load and render one profile file, its cache key recorded as `render_paths` does."""
    chosen = resolve_layout(layout)
    sheet = chosen.paper(paper)
    key = output_key(source, chosen, sheet.name, html=False, strict=False, options=options)
    profile = load_profile(source, options.lang)
    return render_profile(profile, chosen, sheet.name, key=key, options=options)


Status = Literal["rendered", "skipped", "failed", "cancelled"]


@dataclass
class Outcome:
    """What happened to one input: `rendered`, `skipped` (up to date), `failed`, or
    `cancelled` (not attempted after a failure with `fail_fast`)."""

    source: Path
    status: Status
    output: Path | None = None
    pages: int = 0
    size: int = 0
    sha256: str = ""
    seconds: float = 0.0
    key: str = ""
    mtime_ns: int = 0
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    memory_mib: float = 0.0

    def to_json(self) -> dict[str, object]:
        """The manifest entry."""
        entry: dict[str, object] = {
            "source": str(self.source),
            "output": str(self.output) if self.output else None,
            "status": self.status,
            "pages": self.pages,
            "bytes": self.size,
            "sha256": self.sha256 or None,
            "seconds": round(self.seconds, 3),
        }
        if self.key and self.output:
            entry["key"] = self.key  # what the output was made from, for the next run
            entry["mtime_ns"] = self.mtime_ns
        if self.warnings:
            entry["warnings"] = self.warnings
        if self.problems:
            entry["error"] = str(self.problems[0])
            entry["problems"] = [
                {
                    "message": p.message,
                    "file": str(p.path) if p.path else None,
                    "line": p.line,
                    "field": p.field,
                }
                for p in self.problems
            ]
        return entry


@dataclass
class Report:
    """Every input's outcome, in input order, and where the manifest went."""

    outcomes: list[Outcome] = field(default_factory=list)
    manifest: Path | None = None
    seconds: float = 0.0

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_json(self, **run: object) -> dict[str, object]:
        """The manifest: the run's settings, a summary, and one entry per input."""
        outputs = [o.to_json() for o in self.outcomes]
        return {
            "tool": f"brochure {__version__}",
            **run,
            "summary": summarize(outputs),
            "seconds": round(self.seconds, 3),
            "outputs": outputs,
        }


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


def _worker_layout(job: Job) -> Layout:
    """The job's layout, loaded once per worker and again only when its files change.

    A watching run keeps its workers while the layout is edited: a new digest drops
    the compiled templates and stylesheet notes made from the old files.
    """
    found = _layouts.get((job.layout, job.builtin, job.layout_digest))
    if found is None:
        from . import i18n, pdf, render

        _layouts.clear()
        render.forget_templates()
        pdf.forget_stylesheets()
        i18n.forget_catalogs()
        found = load_layout(job.layout, builtin=job.builtin)
        _layouts[(job.layout, job.builtin, job.layout_digest)] = found
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
        profile = load_profile(job.source, job.options.lang)
        rendered = render_profile(
            profile, _worker_layout(job), job.paper, key=job.key, options=job.options
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


def _lost(job: Job, err: BrochureError) -> Outcome:
    """A job its worker could not finish (time or memory cap): failed, at its file."""
    return Outcome(job.source, "failed", key=job.key, problems=[Problem(err.message, job.source)])


def pdf_of_file(
    source: Path, layout: str | Path | None, paper: str | None, options: RenderOptions
) -> tuple[bytes, list[str]]:
    """The PDF bytes and warnings of `render_file`: what a worker sends back for `-o -`."""
    rendered = render_file(source, layout, paper, options)
    return rendered.pdf.data, rendered.pdf.warnings


def layout_digest(layout: Layout) -> str:
    """Every file of a layout and of the layouts it extends."""
    return cache_key(*(folder_digest(folder) for folder in layout.folders))


def theme_digest(theme: Theme) -> str:
    """The theme file and every file it names (logo, fonts); empty for the plain theme."""
    if theme.path is None:
        return ""
    files = [theme.path, theme.logo_path, theme.font_path(theme.fonts.heading)]
    files.append(theme.font_path(theme.fonts.body))
    return cache_key(*(f.read_bytes() for f in files if f is not None))


def output_key(
    source: Path,
    layout: Layout,
    paper: str,
    *,
    html: bool,
    strict: bool,
    options: RenderOptions = DEFAULT_OPTIONS,
    digests: tuple[str, str] | None = None,
) -> str:
    """What an output is made from: the profile's bytes (and its translation's), every
    file of the layout and the theme, the options and the tool's version. Recorded in
    the PDF; unchanged means up to date.

    A batch passes `digests` (of the layout and of the theme), computed once, instead
    of hashing the same files for every profile.
    """
    settings = json.dumps(
        {
            "layout": layout.name,
            "paper": paper,
            "html": html,
            "strict": strict,
            "options": options.cache_key(),
        },
        sort_keys=True,
    )
    translated = translation_path(source, options.lang) if options.lang else None
    layout_files, theme_files = digests or (layout_digest(layout), theme_digest(options.theme))
    return cache_key(
        __version__,
        read_input(source),
        read_input(translated) if translated else b"",
        layout_files,
        theme_files,
        settings,
    )


def _previous_outputs(manifest: Path | None) -> dict[str, dict[str, object]]:
    """The last run's manifest entries by output path; nothing if there is none."""
    if manifest is None or not manifest.is_file():
        return {}
    try:
        data = json.loads(manifest.read_text())
        return {str(e["output"]): e for e in data.get("outputs", []) if e.get("output")}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _html_ok(target: Path, html: bool) -> bool:
    return not html or target.with_suffix(".html").is_file()


def _up_to_date(target: Path, key: str, entry: dict[str, object] | None) -> Outcome | None:
    """A `skipped` outcome if `target` was made from exactly these inputs, else None.

    The last manifest answers without opening the file when size and mtime still
    match; otherwise (a run killed before its manifest, a manifest deleted) the key
    recorded inside the PDF decides.
    """
    try:
        stat = target.stat()
    except OSError:
        return None
    if (
        entry is not None
        and entry.get("bytes") == stat.st_size
        and entry.get("mtime_ns") == stat.st_mtime_ns
    ):
        # The file is the one the manifest describes, so its key is known too.
        if entry.get("key") != key:
            return None
        pages, sha = entry.get("pages"), entry.get("sha256")
        return Outcome(
            target,
            "skipped",
            output=target,
            pages=int(str(pages)),
            size=stat.st_size,
            sha256=str(sha),
            key=key,
            mtime_ns=stat.st_mtime_ns,
        )
    found, pages = recorded_key(target)
    if found != key:
        return None
    data = target.read_bytes()
    return Outcome(
        target,
        "skipped",
        output=target,
        pages=pages,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        key=key,
        mtime_ns=stat.st_mtime_ns,
    )


def _load_renderer() -> None:
    """The warm-up of a worker started before its first job: import WeasyPrint."""
    from .pdf import load_weasyprint

    load_weasyprint()


def render_paths(
    paths: Iterable[str | Path],
    out: str | Path = "out",
    *,
    layout: Layout | str | Path | None = None,
    paper: str | None = None,
    html: bool = False,
    strict: bool = False,
    jobs: int = 1,
    force: bool = False,
    fail_fast: bool = False,
    shard: tuple[int, int] | None = None,
    manifest: str | Path | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
    pool: Workers | None = None,
    options: RenderOptions = DEFAULT_OPTIONS,
    caps: Caps | None = None,
) -> Report:
    """Render every profile under `paths` into `out`, in `jobs` worker processes.

    `out` is a folder (`<slug>.pdf` inside it, and `manifest.json` unless `manifest`
    names another file) or, for a single profile, a `.pdf` file. An output whose
    inputs (profile, layout files, options, tool version) are unchanged since it was
    written is `skipped` unless `force`. A bad profile is reported in its `Outcome`
    and the others are still rendered, unless `fail_fast`. `shard=(k, n)` renders
    the k-th of n stable shares of the inputs. `pool` lends warm workers that outlive
    the call (a watching run); otherwise `jobs` workers start and stop with it.
    With `caps` every render runs in a worker under those time and memory caps, even
    a single one; without, one job or one input renders in this process.
    """
    if pool is None and caps is not None:
        # One worker starts importing the renderer now, while this process works out
        # what is stale; the others start only when there is work for them.
        with Workers(jobs, _load_renderer, caps, start=1, wait=False) as early:
            return render_paths(
                paths,
                out,
                layout=layout,
                paper=paper,
                html=html,
                strict=strict,
                jobs=jobs,
                force=force,
                fail_fast=fail_fast,
                shard=shard,
                manifest=manifest,
                on_outcome=on_outcome,
                on_plan=on_plan,
                pool=early,
                options=options,
                caps=caps,
            )
    started = time.perf_counter()
    sources = expand_paths(paths)
    chosen = resolve_layout(layout)
    sheet = chosen.paper(paper)  # fail on an unsupported paper before any work
    out = Path(out)
    single_file = out.suffix.lower() == ".pdf"
    if single_file and len(sources) > 1:
        raise OutputError(
            f"names one file but {len(sources)} profiles were given; use a folder", path=out
        )
    plan_outputs(sources, out, single_file)
    digest = layout_digest(chosen)
    digests = (digest, theme_digest(options.theme))
    manifest_path = None
    if manifest is not None or not single_file:
        manifest_path = Path(manifest) if manifest is not None else out / "manifest.json"
    previous = _previous_outputs(manifest_path)
    by_source = {str(entry.get("source")): entry for entry in previous.values()}
    remove_stale_parts(out.parent if single_file else out)
    report = Report()
    outcomes: dict[Path, Outcome] = {}
    todo: list[Job] = []
    slugs: dict[str, Path] = {}
    inputs = {s.resolve() for s in sources}
    stopped = False

    def record(outcome: Outcome) -> bool:
        outcomes[outcome.source] = outcome
        if on_outcome is not None:
            on_outcome(outcome)
        return not (fail_fast and outcome.status == "failed")

    for source in sources:
        if stopped:
            outcomes[source] = Outcome(source=source, status="cancelled")
            continue
        try:
            key = output_key(
                source,
                chosen,
                sheet.name,
                html=html,
                strict=strict,
                options=options,
                digests=digests,
            )
        except BrochureError as err:  # a FIFO, a device, a file that vanished
            if shard is None or shard_of(source.stem, shard[1]) == shard[0] - 1:
                stopped = not record(Outcome(source, "failed", problems=err.problems))
            continue
        known = by_source.get(str(source))
        if not force and known is not None and known.get("key") == key and known.get("output"):
            # Unchanged since the last run: no need to even parse it.
            target = Path(str(known["output"]))
            slug = target.stem
            expected = out if single_file else out / output_name(slug)
            done = _up_to_date(target, key, known) if _html_ok(target, html) else None
            if done is not None and target == expected and slug not in slugs:
                if shard is not None and shard_of(slug, shard[1]) != shard[0] - 1:
                    continue
                slugs[slug] = source
                done.source = source
                record(done)
                continue
        try:
            profile = load_profile(source)
        except BrochureError as err:
            if shard is None or shard_of(source.stem, shard[1]) == shard[0] - 1:
                stopped = not record(Outcome(source, "failed", problems=err.problems))
            continue
        if shard is not None and shard_of(profile.key, shard[1]) != shard[0] - 1:
            continue
        outcome = Outcome(source=source, status="failed")
        try:
            if profile.key in slugs:
                raise ProfileError(
                    f"slug '{profile.key}' is also used by {slugs[profile.key]}",
                    path=source,
                    field="slug",
                )
            slugs[profile.key] = source
            target = out if single_file else out / output_name(profile.key)
            if target.resolve() in inputs:
                raise OutputError("output would overwrite an input file", path=target)
        except BrochureError as err:
            outcome.problems = err.problems
            stopped = not record(outcome)
            continue
        if not force and _html_ok(target, html):
            done = _up_to_date(target, key, previous.get(str(target)))
            if done is not None:
                done.source = source
                record(done)
                continue
        todo.append(
            Job(
                source,
                target,
                key,
                chosen.folder,
                digest,
                chosen.builtin,
                sheet.name,
                html,
                strict,
                options,
            )
        )

    if on_plan is not None:
        on_plan(len(todo))
    if not stopped:
        run_all(
            render_job,
            todo,
            workers=jobs,
            pool=pool,
            caps=caps,
            lost=_lost,
            on_done=lambda _, done: record(done),
        )
    for job in todo:
        outcomes.setdefault(job.source, Outcome(source=job.source, status="cancelled"))
    report.outcomes = [outcomes[s] for s in sources if s in outcomes]
    report.seconds = time.perf_counter() - started
    if manifest_path is not None:
        run_info: dict[str, object] = {
            "layout": chosen.name,
            "paper": sheet.name,
            "html": html,
            "strict": strict,
            **options.to_manifest(),
        }
        if shard is not None:
            run_info["shard"] = f"{shard[0]}/{shard[1]}"
        write_manifest(manifest_path, report.to_json(**run_info))
        report.manifest = manifest_path
    return report


def warm_up(folder: Path, builtin: bool) -> None:
    """Lay out a throwaway one-line profile: imports, fonts, CSS and templates get ready."""
    from .profile import Profile

    # A broken layout is reported by the real run, at its file and line.
    with suppress(BrochureError):
        chosen = load_layout(folder, builtin=builtin)
        render_profile(Profile.model_validate({"title": "Warm-up"}), chosen)


Snapshot = dict[Path, tuple[int, int]]


def _snapshot(paths: Sequence[str | Path], layout: Layout, theme: Theme | None = None) -> Snapshot:
    """Size and mtime of every input, layout and theme file: what a watcher compares."""
    seen: Snapshot = {}
    files: list[Path] = [p for folder in layout.folders for p in folder.rglob("*")]
    if theme is not None and theme.folder is not None:
        files.extend(theme.folder.rglob("*"))
    for raw in paths:
        path = Path(raw)
        files.extend(path.rglob("*") if path.is_dir() else [path])
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            seen[path] = (-1, -1)  # gone, or not there yet: its arrival is a change too
            continue
        if not path.is_dir():
            seen[path] = (stat.st_size, stat.st_mtime_ns)
    return seen


def _settle(
    paths: Sequence[str | Path], layout: Layout, now: Snapshot, theme: Theme | None = None
) -> None:
    """Wait until files stop changing: an editor or a copy may save in several writes."""
    for _ in range(40):  # at most two seconds, then render what is there
        time.sleep(0.05)
        later = _snapshot(paths, layout, theme)
        if later == now:
            return
        now = later


def watch_paths(
    paths: Sequence[str | Path],
    out: str | Path = "out",
    *,
    layout: Layout | str | Path | None = None,
    jobs: int = 1,
    force: bool = False,
    interval: float = 0.25,
    on_report: Callable[[Report], None] | None = None,
    on_error: Callable[[BrochureError], None] | None = None,
    stop: Callable[[], bool] | None = None,
    **options: Any,
) -> None:
    """Render like `render_paths`, then again whenever an input or the layout changes.

    The workers stay up between rounds, warm, so a changed profile costs one warm
    render instead of a cold start. Files are polled every `interval` seconds (this
    also works on network shares, where change notifications often do not arrive).
    `force` applies to the first round. Other options are those of `render_paths`.
    Runs until `stop()` is true or the process is interrupted.
    """
    chosen = resolve_layout(layout)
    looks: RenderOptions = options.pop("options", DEFAULT_OPTIONS)
    caps: Caps | None = options.pop("caps", None)
    warm = partial(warm_up, chosen.folder, chosen.builtin)
    with Workers(jobs, warm_up=warm, caps=caps) as pool:
        # A print shop's ICC profile is watched like an input: a new one renders again.
        watched = list(paths)
        if looks.output_intent is not None:
            watched.append(looks.output_intent.path)
        while True:
            seen = _snapshot(watched, chosen, looks.theme)
            try:
                # The layout, the theme and the profile may have been edited since the
                # last round.
                chosen = load_layout(chosen.folder, builtin=chosen.builtin)
                if looks.theme.path is not None:
                    looks = replace(looks, theme=load_theme(looks.theme.path))
                if looks.output_intent is not None:
                    intent = load_output_intent(looks.output_intent.path)
                    looks = replace(looks, output_intent=intent)
                report = render_paths(
                    paths, out, layout=chosen, pool=pool, force=force, options=looks, **options
                )
            except BrochureError as err:
                if on_error is None:
                    raise
                on_error(err)
            else:
                if on_report is not None:
                    on_report(report)
            force = False
            while True:
                if stop is not None and stop():
                    return
                time.sleep(interval)
                now = _snapshot(watched, chosen, looks.theme)
                if now != seen:
                    _settle(watched, chosen, now, looks.theme)
                    break
