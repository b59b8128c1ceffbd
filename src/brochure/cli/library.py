"""Commands about the inputs themselves: validate, schema, import, profiles, layouts."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from ..errors import BrochureError
from .app import cli
from .common import (
    EXIT_FAILED,
    debug_option,
    error_line,
    paths_argument,
    warning_line,
)


@cli.command()
@paths_argument
@click.option("-q", "--quiet", is_flag=True, help="Print only the problems.")
@debug_option
def validate(paths: Sequence[Path], quiet: bool) -> None:
    """Check profiles; print every problem as FILE:LINE: field: message."""
    from ..inputs import validate_paths

    results = validate_paths(paths)
    bad = {path: problems for path, problems in results.items() if problems}
    for problems in bad.values():
        for problem in problems:
            click.echo(str(problem))
    count = sum(len(p) for p in bad.values())
    if bad:
        total = f"{len(results)} profile{'s' * (len(results) != 1)}"
        click.echo(f"{count} problem{'s' * (count != 1)} in {len(bad)} of {total}", err=True)
        sys.exit(EXIT_FAILED)
    if not quiet:
        click.echo(f"{len(results)} profile{'s' * (len(results) != 1)} valid", err=True)


@cli.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to a file.")
@debug_option
def schema(output: Path | None) -> None:
    """Print the profile format as JSON Schema (for editor completion)."""
    from ..profile import profile_schema

    text = json.dumps(profile_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    from ..output import write_atomic

    write_atomic(output, text.encode())


@cli.command("import")
@click.argument("pages", nargs=-1, required=True)
@click.option(
    "-o", "--output", default="profiles", show_default=True, help="Folder for the profiles."
)
@click.option("--force", is_flag=True, help="Replace profiles that already exist.")
@click.option("--strict", is_flag=True, help="Write nothing for a page with warnings.")
@debug_option
def import_command(pages: Sequence[str], output: str, force: bool, strict: bool) -> None:
    """Turn career pages (plain text; - for standard input) into profiles."""
    from ..importer import import_pages

    outcomes = import_pages(pages, output, force=force, strict=strict)
    for outcome in outcomes:
        for warning in outcome.warnings:
            warning_line(warning)
        if not outcome.ok:
            error_line("\n".join(str(p) for p in outcome.problems))
            continue
        missing = f"; missing: {', '.join(outcome.missing)}" if outcome.missing else ""
        count = len(outcome.warnings)
        click.echo(
            f"{outcome.page} -> {outcome.output}: {outcome.mapped} lines mapped, "
            f"{count} warning{'s' * (count != 1)}{missing}",
            err=True,
        )
    if not all(outcome.ok for outcome in outcomes):
        sys.exit(EXIT_FAILED)


@cli.command("new-layout")
@click.argument("name")
@click.option(
    "--from", "base", default="handout", show_default=True, help="The built-in layout to extend."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    help="Folder to create the layout in [default: here].",
)
@debug_option
def new_layout(name: str, base: str, output: Path) -> None:
    """Create a layout folder NAME that extends a built-in layout, ready to edit."""
    from ..layout import scaffold_layout

    folder = scaffold_layout(name, output, base)
    click.echo(f"{folder}/  (render with: brochure render PROFILE -l {folder})")


@cli.command("merge-manifests")
@click.argument(
    "manifests", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False)
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write here instead of stdout."
)
@debug_option
def merge_manifests_command(manifests: Sequence[Path], output: Path | None) -> None:
    """Join the manifests of a sharded run (--shard K/N) into one."""
    from ..batch import merge_manifests
    from ..output import write_atomic

    loaded = []
    for path in manifests:
        try:
            loaded.append(json.loads(path.read_text()))
        except (OSError, ValueError) as err:
            raise BrochureError(f"not a readable manifest: {err}", path=path) from None
    text = json.dumps(merge_manifests(loaded), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text.encode())


@cli.command()
@click.option("--paths", "show_paths", is_flag=True, help="Print file paths only, one per line.")
@debug_option
def profiles(show_paths: bool) -> None:
    """List the built-in career library (use a slug as PATH in render)."""
    from ..inputs import builtin_profiles
    from ..profile import load_profile

    for path in builtin_profiles():
        if show_paths:
            click.echo(str(path))
            continue
        profile = load_profile(path)
        click.echo(f"{profile.key:<40}  {profile.title}")


@cli.command()
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path, readable=False))
@debug_option
def layouts(folders: Sequence[Path]) -> None:
    """List built-in layouts, and any layout FOLDERS given, with their papers."""
    from ..layout import builtin_layouts, find_layout

    found = builtin_layouts() + [find_layout(folder) for folder in folders]
    width = max(len(layout.name) for layout in found)
    for layout in found:
        where = "built-in" if layout.builtin else str(layout.folder)
        click.echo(f"{layout.name:<{width}}  {layout.description}")
        details = [f"papers: {', '.join(layout.papers)}"]
        if layout.orientation != "portrait":
            details.append(layout.orientation)
        if layout.page_rule:
            details.append(layout.page_rule)
        if layout.booklet_template:
            details.append("booklets")
        if layout.parents:
            details.append(f"extends {layout.parents[0].name}")
        details.append(where)
        click.echo(f"{'':<{width}}  {'; '.join(details)}")
