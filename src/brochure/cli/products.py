"""`brochure booklet` and `brochure preview`: products made of several careers."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .app import cli
from .common import (
    PROCESS,
    Bar,
    caps_from,
    caps_options,
    debug_option,
    layout_options,
    paths_argument,
    render_options,
    run_options,
    warning_line,
    watch_rounds,
)

if TYPE_CHECKING:  # imported when a command runs: --help stays fast
    from ..batch.workers import Workers
    from ..booklet import BookletReport
    from ..booklet_apart import PartOutcome
    from ..options import RenderOptions


def _first_worker(func: Callable[..., None]) -> Callable[..., None]:
    """The booklet's first worker started before anything else is read or imported.

    Its own start (Python, WeasyPrint: most of a second) is what a build after one edit
    waits for, so it begins before the options are read (the theme and its model, a
    tenth of a second); it is stopped at once if every part is kept. A watcher starts
    its own workers, all of them.
    """

    @functools.wraps(func)
    def command(**kwargs: Any) -> None:
        from ..batch import cpu_count
        from ..partjob import start_workers

        if kwargs["watch"]:
            return func(early=None, **kwargs)
        if PROCESS.ends:  # one booklet, then the process ends: nothing need be freed
            from ..combine import keep_until_exit

            keep_until_exit()
        caps = caps_from(kwargs["timeout"], kwargs["max_memory"])
        with start_workers(kwargs["jobs"] or cpu_count(), caps) as early:
            return func(early=early, **kwargs)

    return command


@cli.command()
@_first_worker
@paths_argument
@click.option(
    "-o", "--output", default="out/booklet.pdf", show_default=True, help="The booklet PDF to write."
)
@click.option("--title", default="Career Booklet", show_default=True, help="Cover title.")
@click.option("--subtitle", help="Cover subtitle, e.g. the event.")
@click.option("--date", "date_text", help="Date line on the cover, as printed (e.g. 'April 2027').")
@layout_options("Page size; half-letter or a5 for a folded booklet [default: the layout's first].")
@click.option("--group-by", type=click.Choice(["cluster"]), help="Group careers under headings.")
@click.option(
    "--impose",
    type=click.Choice(["saddle"]),
    help="Write printer sheets for a folded, stapled booklet (two pages per sheet side).",
)
@click.option("--fail-fast", is_flag=True, help="Stop at the first bad profile.")
@click.option("--strict", is_flag=True, help="Treat rendering warnings as failures.")
@click.option(
    "-w",
    "--watch",
    is_flag=True,
    help="Keep running; build again whenever a career or the layout changes (Ctrl-C stops).",
)
@run_options(
    jobs="Worker processes laying out careers",
    force="Lay out every career again, even those that have not changed.",
    manifest="beside the booklet, BOOKLET.manifest.json",
    unit="part",
)
@render_options(fold=True)
@caps_options
@debug_option
def booklet(
    paths: Sequence[Path],
    output: str,
    title: str,
    subtitle: str | None,
    date_text: str | None,
    layout: str,
    paper: str | None,
    group_by: str | None,
    impose: str | None,
    fail_fast: bool,
    strict: bool,
    watch: bool,
    jobs: int | None,
    force: bool,
    manifest: Path | None,
    as_json: bool,
    verbose: bool,
    quiet: bool,
    options: RenderOptions,
    fold: bool,
    timeout: float,
    max_memory: int,
    early: Workers | None,
) -> None:
    """Combine careers into one booklet: cover, contents, bookmarks, duplex-ready pages.

    Each career is laid out on its own in a worker process, under --timeout and
    --max-memory, and kept beside the booklet (in .BOOKLET.parts/): building the
    booklet again lays out only the careers that changed, then joins them. With
    --watch the workers stay up and the booklet is built again on every save.
    """
    from ..batch import cpu_count
    from ..booklet import check_booklet_options
    from ..booklet_apart import build_booklet

    if watch and as_json:
        raise click.UsageError("--watch writes files; it cannot be used with --json")
    check_booklet_options(options, impose, fold)
    progress = PartProgress(quiet=quiet or as_json, verbose=verbose)
    run = functools.partial(
        build_booklet,
        layout=layout,
        paper=paper,
        title=title,
        subtitle=subtitle,
        date=date_text,
        group_by=group_by,
        impose=impose,
        marks=fold,
        fail_fast=fail_fast,
        strict=strict,
        options=options,
        jobs=jobs or cpu_count(),
        force=force,
        caps=caps_from(timeout, max_memory),
        on_plan=progress.start,
        on_part=progress.update,
    )
    if watch:  # a watcher hands the same options to every round's build_booklet
        from ..batch import watch_booklet

        rounds = functools.partial(watch_booklet, **run.keywords)
        _watch_booklet(paths, output, rounds, progress, manifest, quiet=quiet)
        return
    try:
        report = run(paths, output, pool=early)
    finally:
        progress.close()
    _told(report, manifest, as_json=as_json, quiet=quiet)


def _told(report: BookletReport, manifest: Path | None, *, as_json: bool, quiet: bool) -> None:
    """The manifest written, printed with --json; the warnings and a summary unless -q."""
    from ..batch.manifest import write_manifest
    from ..booklet_apart import manifest_path

    record = report.to_json()
    assert report.output is not None
    where = manifest or manifest_path(report.output)
    write_manifest(where, record)
    if as_json:
        click.echo(json.dumps(record, indent=2, ensure_ascii=False))
    if quiet:
        return
    for warning in report.warnings:
        warning_line(warning)
    pages = f"{report.pages} pages"
    if report.sheets:
        pages += f" on {report.sheets} sheets ({report.sheets * 2} sides)"
    if report.padded:
        pages += f", {report.padded} blank added before the back cover"
    count = len(report.careers)
    click.echo(f"{report.output}  {count} career{'s' * (count != 1)}, {pages}", err=as_json)
    laid, reused = report.count("rendered"), report.count("reused")
    click.echo(
        f"{laid} part{'s' * (laid != 1)} laid out, {reused} reused in {report.seconds:.1f} s; "
        f"manifest {where}",
        err=True,
    )


def _watch_booklet(
    paths: Sequence[Path],
    output: str,
    watch: Callable[..., None],
    progress: PartProgress,
    manifest: Path | None,
    *,
    quiet: bool,
) -> None:
    """Build, then build again on every change, until Ctrl-C; a summary per round."""
    writes = [manifest] if manifest is not None else []
    rounds = functools.partial(watch, paths, output, writes=writes)

    def told(report: BookletReport) -> None:
        _told(report, manifest, as_json=False, quiet=quiet)

    watch_rounds(rounds, told, close=progress.close, quiet=quiet)


class PartProgress:
    """What a booklet shows while its parts are laid out: a bar on a terminal, a line
    per part with -v, else nothing."""

    def __init__(self, *, quiet: bool, verbose: bool) -> None:
        self.quiet, self.verbose = quiet, verbose
        self.bar = Bar()

    def start(self, total: int) -> None:
        self.bar.start(total, "laying out", shown=not (self.quiet or self.verbose))

    def update(self, part: PartOutcome) -> None:
        if self.verbose and not self.quiet:
            what = part.source or f"({part.kind})"
            click.echo(f"{part.status:<9} {what}  {part.pages} pages", err=True)
        if part.status == "rendered":
            self.bar.step()

    def close(self) -> None:
        self.bar.close()


@cli.command()
@paths_argument
@click.option("-o", "--output", default="out/preview", show_default=True, help="Folder for PNGs.")
@layout_options("Paper size [default: the layout's first].")
@click.option("--dpi", type=click.IntRange(10, 600), default=72, show_default=True)
@render_options(attach=False)
@caps_options
@debug_option
def preview(
    paths: Sequence[Path],
    output: str,
    layout: str,
    paper: str | None,
    dpi: int,
    options: RenderOptions,
    timeout: float,
    max_memory: int,
) -> None:
    """Write PNG images of the pages of profiles (or of PDFs) for a quick look."""
    from functools import partial

    from ..batch import call_capped
    from ..preview import preview_paths, preview_seconds

    work = partial(
        preview_paths,
        paths,
        output,
        layout=layout,
        paper=paper,
        dpi=dpi,
        options=options,
    )
    results = call_capped(work, caps_from(timeout, max_memory), preview_seconds(timeout, paths))
    for source, images in results:
        click.echo(f"{source}: {len(images)} page{'s' * (len(images) != 1)} -> {images[0].parent}")
