"""`brochure render`: many profiles to PDFs, with progress, a summary, --watch and -o -."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import BrochureError
from .app import cli
from .common import (
    EXIT_FAILED,
    Bar,
    caps_from,
    caps_options,
    debug_option,
    error_line,
    layout_options,
    paths_argument,
    render_options,
    run_options,
    warning_line,
    watch_rounds,
)

if TYPE_CHECKING:  # imported when a command runs: --help stays fast
    from ..batch import Caps, Outcome, Report
    from ..options import RenderOptions


@cli.command()
@paths_argument
@click.option(
    "-o",
    "--output",
    default="out",
    show_default=True,
    help="Output folder, a .pdf file (one profile), or - for standard output.",
)
@layout_options("Paper size [default: the layout's first, letter for handout].")
@click.option(
    "--html", "write_html", is_flag=True, help="Also write the merged HTML beside each PDF."
)
@click.option("--strict", is_flag=True, help="Treat rendering warnings as failures.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first profile that fails.")
@click.option(
    "--shard", metavar="K/N", help="Render only the K-th of N stable shares of the inputs."
)
@click.option(
    "-w",
    "--watch",
    is_flag=True,
    help="Keep running; render again whenever a profile or the layout changes (Ctrl-C stops).",
)
@run_options(
    jobs="Worker processes",
    force="Render everything, even outputs that are up to date.",
    manifest="OUT/manifest.json",
    unit="file",
)
@render_options()
@caps_options
@debug_option
def render(
    paths: Sequence[Path],
    output: str,
    layout: str,
    paper: str | None,
    write_html: bool,
    strict: bool,
    jobs: int | None,
    force: bool,
    fail_fast: bool,
    shard: str | None,
    manifest: Path | None,
    as_json: bool,
    watch: bool,
    verbose: bool,
    quiet: bool,
    options: RenderOptions,
    timeout: float,
    max_memory: int,
) -> None:
    """Render career profiles (files or folders) into PDF brochures.

    Outputs whose inputs have not changed since they were written are skipped, so a
    run that was interrupted, or repeated after one profile changed, only does what
    is left. Exit status: 0 all rendered or up to date, 1 some input failed, 2 usage.
    """
    if watch and (output == "-" or as_json):
        raise click.UsageError("--watch writes files; it cannot be used with -o - or --json")
    caps = caps_from(timeout, max_memory)
    if output == "-":
        if write_html:
            raise click.UsageError("--html needs an output folder or file, not -o -")
        _render_to_stdout(paths, layout, paper, strict, options, caps)
        return
    from ..batch import cpu_count, parse_shard, render_paths, watch_paths

    try:
        share = parse_shard(shard) if shard else None
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="'--shard'") from None
    run = functools.partial(
        render_paths,
        layout=layout,
        paper=paper,
        html=write_html,
        strict=strict,
        jobs=jobs or cpu_count(),
        force=force,
        fail_fast=fail_fast,
        shard=share,
        manifest=manifest,
        options=options,
        caps=caps,
    )
    if watch:  # a watcher hands the same options to every round's render_paths
        rounds = functools.partial(watch_paths, **run.keywords)
        _watch(paths, output, rounds, verbose=verbose, quiet=quiet)
    else:
        _render_once(paths, output, run, as_json=as_json, verbose=verbose, quiet=quiet)


def _render_once(
    paths: Sequence[Path],
    output: str,
    run: Callable[..., Report],
    *,
    as_json: bool,
    verbose: bool,
    quiet: bool,
) -> None:
    """One run: progress, the manifest on stdout with --json, a summary, exit 1 on failures."""
    # --json keeps stdout for the manifest; warnings still go to stderr unless -q.
    progress = Progress(quiet=quiet or as_json, verbose=verbose, warn=not quiet)
    try:
        report = run(paths, output, on_outcome=progress.update, on_plan=progress.start)
    finally:
        progress.close()
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    if not quiet:
        _summary(report)
    if not report.ok:
        sys.exit(EXIT_FAILED)


def _summary(report: Report) -> None:
    counts = [(report.count(s), s) for s in ("rendered", "skipped", "failed", "cancelled")]
    summary = ", ".join(f"{n} {s}" for n, s in counts if n or s in ("rendered", "failed"))
    where = f"; manifest {report.manifest}" if report.manifest else ""
    click.echo(f"{summary} in {report.seconds:.1f} s{where}", err=True)


def _watch(
    paths: Sequence[Path], output: str, watch: Callable[..., None], *, verbose: bool, quiet: bool
) -> None:
    """Render, then render what changed, until Ctrl-C; one summary line per round."""
    progress = Progress(quiet=quiet, verbose=verbose)

    def told(report: Report) -> None:
        progress.said.clear()  # a layout's warning is said again in the next round
        if not quiet:
            _summary(report)

    rounds = functools.partial(
        watch, paths, output, on_outcome=progress.update, on_plan=progress.start
    )
    watch_rounds(rounds, told, close=progress.close, quiet=quiet)


class Progress:
    """What a batch shows: a bar on a terminal, a line per file with -v, else errors only."""

    def __init__(self, *, quiet: bool, verbose: bool, warn: bool | None = None) -> None:
        self.quiet, self.verbose = quiet, verbose
        self.warn = not quiet if warn is None else warn
        self.bar = Bar()
        self.said: set[str] = set()  # the layout's own warnings, printed once per run
        # Old figures are usually a whole library's: one line per date, at the end.
        self.stale: dict[str, list[Path]] = {}

    def start(self, total: int) -> None:
        self.bar.start(total, "rendering", shown=not (self.quiet or self.verbose))

    def update(self, outcome: Outcome) -> None:
        if outcome.status == "failed":
            self._clear()
            error_line("\n".join(str(p) for p in outcome.problems))
        elif self.verbose and not self.quiet:
            where = outcome.output or outcome.source
            pages = f"  {outcome.pages} pages" if outcome.pages else ""
            click.echo(f"{outcome.status:<9} {where}{pages}", err=True)
        if self.warn:
            for warning in outcome.warnings:
                if warning.kind == "stale":
                    self.stale.setdefault(warning, []).append(outcome.source)
                    continue
                if warning.layout and warning in self.said:
                    continue
                self._clear()
                if warning.layout:
                    self.said.add(warning)
                    warning_line(str(warning))
                else:
                    warning_line(f"{outcome.source}: {warning}")
        if outcome.status != "skipped":
            self.bar.step()

    def _clear(self) -> None:
        self.bar.clear()

    def close(self) -> None:
        self.bar.close()
        from ..stale import stale_line

        for warning, found in self.stale.items():
            # Sorted: not in the order the workers finished.
            names = [str(found[0])] if len(found) == 1 else sorted(p.stem for p in found)
            warning_line(stale_line(warning, names))
        self.stale.clear()


def _render_to_stdout(
    paths: Sequence[Path],
    layout: str,
    paper: str | None,
    strict: bool,
    options: RenderOptions,
    caps: Caps,
) -> None:
    """One PDF to stdout: rendered like any other (in a capped worker) into a private
    folder, then copied out, so `-o -` and `-o FILE` give the same bytes."""
    import tempfile

    from ..batch import render_paths
    from ..inputs import expand_paths

    sources = expand_paths(paths)
    if len(sources) != 1:
        raise click.UsageError(f"-o - writes one PDF, but {len(sources)} profiles were given")
    with tempfile.TemporaryDirectory(prefix="brochure-") as folder:
        target = Path(folder) / "stdout.pdf"
        report = render_paths(
            sources, target, layout=layout, paper=paper, options=options, caps=caps
        )
        (outcome,) = report.outcomes
        for warning in outcome.warnings:
            warning_line(f"{sources[0]}: {warning}")
        if outcome.problems:
            raise BrochureError(outcome.problems[0].message, problems=outcome.problems)
        if strict and outcome.warnings:
            raise BrochureError("warnings are errors with --strict", path=sources[0])
        data = target.read_bytes()
    with click.open_file("-", "wb") as stream:
        stream.write(data)
        stream.flush()
