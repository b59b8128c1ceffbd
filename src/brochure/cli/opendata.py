"""`brochure import-onet`: the whole career library from public data, offline."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import click

from .app import cli
from .common import EXIT_FAILED, F, debug_option, error_line, warning_line


def _profiles_folder(help_text: str) -> Callable[[F], F]:
    """-o/--output: the folder profiles are written to, the same on every importer."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path("careers"),
        show_default=True,
        help=help_text,
    )


def _bls_sheets(func: F) -> F:
    """--wages, --projections and --state-wages: the same on import-onet and refresh."""
    sheet = click.Path(path_type=Path, dir_okay=False, exists=True)
    for name, what in reversed(
        (
            ("--wages", "BLS OEWS national wages: national_M2025_dl.xlsx"),
            ("--projections", "BLS Employment Projections occupation.xlsx (sheet Table 1.2)"),
            ("--state-wages", "BLS OEWS state wages, state_M2025_dl.xlsx, for --state"),
        )
    ):
        func = click.option(name, type=sheet, help=f"{what}, or its CSV export.")(func)
    return func


@cli.command("import-onet")
@click.argument("onet", type=click.Path(path_type=Path, exists=True, readable=False))
@_profiles_folder("Folder for the profiles (files already there are never replaced).")
@_bls_sheets
@click.option(
    "--clusters",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="O*NET OnLine's All_Career_Clusters.csv, for each career's cluster.",
)
@click.option(
    "--only",
    multiple=True,
    metavar="CODES",
    help="Only these O*NET-SOC or SOC codes (comma-separated, repeatable).",
)
@click.option(
    "--cluster",
    metavar="NAME",
    help="Only the careers of this career cluster (needs --clusters): 'Health Science'.",
)
@debug_option
def import_onet(
    onet: Path,
    output: Path,
    wages: Path | None,
    projections: Path | None,
    state_wages: Path | None,
    clusters: Path | None,
    only: Sequence[str],
    cluster: str | None,
) -> None:
    """Make a profile for every occupation with data in an O*NET text release.

    ONET is the release's folder or its zip (db_30_3_text.zip from onetcenter.org,
    downloaded by hand). Profiles are built and checked first, then written.
    """
    import sys

    from ..opendata.bls import read_figures
    from ..opendata.build import Context, codes_wanted
    from ..opendata.library import (
        ImportReport,
        build_profiles,
        in_cluster,
        read_clusters,
        write_profiles,
    )
    from ..opendata.onet import read_release

    if cluster and not clusters:
        raise click.UsageError("--cluster needs --clusters (O*NET OnLine's cluster export)")
    # Every input is read and checked before anything is written.
    filed = read_clusters(clusters) if clusters else None
    wanted = codes_wanted(only) if only else None
    if cluster and filed is not None:
        members = in_cluster(filed, cluster)
        wanted = members if wanted is None else _both(wanted, members)
    release = read_release(onet, wanted)
    figures = read_figures(wages, projections, state_wages)
    context = Context(
        release=release.version,
        wages_month=figures.wages_month,
        wages_label=figures.wages_label,
        projection_years=figures.years,
        average_growth=figures.average_growth,
        clusters={code: names[0] for code, names in filed.items()} if filed else None,
        titles={code: o.title for code, o in release.occupations.items()},
        imported=frozenset(release.occupations),
    )
    made, failed = build_profiles(
        release, context, figures.wages, figures.projections, figures.states
    )
    report = ImportReport(skipped=dict(release.skipped), problems=list(failed.values()))
    write_profiles(made, output, report, lambda _: None)
    for path in report.collisions:
        warning_line(f"{path}: already there, kept as it was")
    from ..inputs import builtin_profiles

    builtin = {p.stem: p.name for p in builtin_profiles()}
    for path, slug in report.similar(builtin):
        warning_line(f"{path}: the built-in library has this career too ({slug})")
    for problem in report.problems:
        warning_line(f"{onet}: {problem}")
    click.echo(f"{report.summary()} in {output}", err=True)
    if report.problems:
        sys.exit(EXIT_FAILED)


def _both(only: set[str], members: set[str]) -> set[str]:
    """--only codes (O*NET-SOC or SOC) that are also in the --cluster."""
    return {code for code in members if code in only or code[:7] in only}


@cli.command("export-table")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("careers.xlsx"),
    show_default=True,
    help="The sheet to write: .xlsx or .csv.",
)
@debug_option
def export_table(paths: Sequence[Path], output: Path) -> None:
    """Write profiles as a spreadsheet: one row per career, one column per field."""
    from ..inputs import expand_paths
    from ..output import write_atomic
    from ..profile import load_profile
    from ..sheets import export_rows, write_table

    if output.suffix.lower() not in (".xlsx", ".csv"):
        raise click.BadParameter("the sheet must be .xlsx or .csv", param_hint="'-o'")
    profiles = [(path, load_profile(path)) for path in expand_paths(paths)]
    header, rows = export_rows(profiles)
    write_atomic(output, write_table(output, header, rows))
    click.echo(f"{output}  {len(rows)} careers", err=True)


@cli.command("import-table")
@click.argument("sheet", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@_profiles_folder("Folder for the profiles.")
@click.option("--force", is_flag=True, help="Replace profiles that are already there.")
@debug_option
def import_table(sheet: Path, output: Path, force: bool) -> None:
    """Turn a careers sheet (from export-table, edited) back into profiles.

    Every row is checked first; one problem anywhere and nothing is written.
    """
    from ..errors import BrochureError, Problem
    from ..importer import to_yaml
    from ..output import output_name, write_atomic
    from ..sheets import profile_from_row, read_table

    name, header, rows = read_table(sheet)
    profiles, problems = [], []
    for row in rows:
        try:
            profiles.append(profile_from_row(sheet, name, header, row))
        except BrochureError as err:
            problems += err.problems
    targets = [output / output_name(p.key, ".yaml") for p in profiles]
    if not force:
        problems += [
            Problem("already there (--force replaces it)", t) for t in targets if t.exists()
        ]
    if problems:
        raise BrochureError(problems[0].message, problems=problems)
    output.mkdir(parents=True, exist_ok=True)
    for profile, target in zip(profiles, targets, strict=True):
        data = profile.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        made = f"Imported from {sheet.name} by `brochure import-table`"
        text = to_yaml(data, sheet.name, "", made=made)
        write_atomic(target, text.encode())
    click.echo(f"{len(profiles)} profiles written in {output}", err=True)


@cli.command("refresh")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@_bls_sheets
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@debug_option
def refresh(
    paths: Sequence[Path],
    wages: Path | None,
    projections: Path | None,
    state_wages: Path | None,
    dry_run: bool,
) -> None:
    """Update the figures of profiles in place from this year's BLS sheets.

    Pay, growth, their dates and source lines change; every other line of each file,
    comments included, stays as it was. Profiles are found in the sheets by their
    codes (codes.soc or codes.onet). Every profile is checked first; one that cannot
    be read stops the refresh before anything is written.
    """
    import sys

    from ..errors import BrochureError
    from ..inputs import expand_paths
    from ..opendata.bls import read_figures
    from ..opendata.refresh import refresh_profiles, write_refreshed

    if not (wages or projections or state_wages):
        raise click.UsageError("give this year's sheets: --wages, --projections, --state-wages")
    if state_wages and not wages:
        raise click.UsageError("--state-wages goes with --wages (a state is shown beside it)")
    for raw in paths:
        if not Path(raw).exists() and not Path(raw).is_symlink():
            raise BrochureError("no such file or folder (refresh changes files)", path=raw)
    figures = read_figures(wages, projections, state_wages)
    report = refresh_profiles(expand_paths(paths), figures)
    for problem in report.problems:
        error_line(str(problem))
    if report.problems:
        click.echo(f"{report.summary(False)}: nothing written", err=True)
        sys.exit(EXIT_FAILED)
    for outcome in report.outcomes:
        click.echo(outcome.summary())
    if not dry_run:
        write_refreshed(report)
    click.echo(
        report.summary(not dry_run) + (" (dry run: nothing written)" if dry_run else ""), err=True
    )
