"""`brochure booklet` and `brochure preview`: products made of several careers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .app import cli
from .common import (
    caps_from,
    caps_options,
    debug_option,
    layout_options,
    paths_argument,
    render_options,
    warning_line,
)

if TYPE_CHECKING:  # imported when a command runs: --help stays fast
    from ..options import RenderOptions


@cli.command()
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
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
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
    quiet: bool,
    options: RenderOptions,
    fold: bool,
    timeout: float,
    max_memory: int,
) -> None:
    """Combine careers into one booklet: cover, contents, bookmarks, duplex-ready pages.

    The booklet is one layout pass in a worker process; it may take --timeout for the
    cover and contents plus --timeout for every ten careers.
    """
    from functools import partial

    from ..batch import call_capped
    from ..booklet import booklet_seconds, build_booklet, check_booklet_options
    from ..inputs import expand_paths

    check_booklet_options(options, impose, fold)
    seconds = booklet_seconds(timeout, len(expand_paths(paths)))
    work = partial(
        build_booklet,
        paths,
        output,
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
    )
    report = call_capped(work, caps_from(timeout, max_memory), seconds)
    for warning in report.warnings:
        warning_line(warning)
    if quiet:
        return
    pages = f"{report.pages} pages"
    if report.sheets:
        pages += f" on {report.sheets} sheets ({report.sheets * 2} sides)"
    if report.padded:
        pages += f", {report.padded} blank added before the back cover"
    count = len(report.careers)
    click.echo(f"{report.output}  {count} career{'s' * (count != 1)}, {pages}")


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
