"""The `brochure` command: parse options, call the library, report, pick the exit code."""

from __future__ import annotations

import dataclasses
import functools
import json
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ._version import __version__
from .errors import BrochureError, OptionsError, printable
from .paper import PAPER_NAMES, parse_bleed, parse_marks

if TYPE_CHECKING:
    from .options import RenderOptions  # imported when a command runs: --help stays fast

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

_debug = False


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    global _debug
    _debug = _debug or value
    return value


def _debug_option(func: F) -> F:
    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_debug,
        help="Show a full traceback on unexpected errors.",
    )(func)


def _err(message: str) -> None:
    for line in message.splitlines():
        click.echo(f"error: {printable(line)}", err=True)


def _warn(message: str) -> None:
    click.echo(f"warning: {printable(message)}", err=True)


def _caps_options(func: F) -> F:
    """--timeout and --max-memory: the caps every render runs under (docs/SECURITY.md)."""
    func = click.option(
        "--max-memory",
        type=click.IntRange(min=256),
        default=2048,
        show_default=True,
        metavar="MIB",
        help="Memory one render may use before it is stopped.",
    )(func)
    return click.option(
        "--timeout",
        type=click.FloatRange(min=1),
        default=120,
        show_default=True,
        metavar="SECONDS",
        help="Time one career may take to render before it is stopped.",
    )(func)


def _caps(timeout: float, max_memory: int) -> Any:
    from .jobs import Caps

    return Caps(seconds=timeout, memory_mib=max_memory)


def _layout_options(paper_help: str) -> Callable[[F], F]:
    """-l/--layout and --paper, the same on every command that lays out pages."""

    def add(func: F) -> F:
        func = click.option(
            "--paper",
            type=click.Choice(PAPER_NAMES, case_sensitive=False),
            default=None,
            help=paper_help,
        )(func)
        return click.option(
            "-l", "--layout", default="handout", show_default=True, help="Layout name or folder."
        )(func)

    return add


def _look_options(func: F) -> F:
    """--theme, --lang, --grayscale, --allow-remote, --pdf-variant and --output-intent: the
    same on every command that prints."""
    func = click.option(
        "--output-intent",
        type=click.Path(path_type=Path, dir_okay=False, readable=False),
        metavar="FILE.icc",
        help="The print shop's ICC printer profile, embedded as the PDF/X-4 output intent "
        "(implies --pdf-variant pdf/x-4) [default: sRGB, a display profile].",
    )(func)
    func = click.option(
        "--pdf-variant",
        type=click.Choice(["pdf/ua-1", "pdf/a-3b", "pdf/x-4"], case_sensitive=False),
        default=None,
        show_default="pdf/ua-1",
        help="The standard the PDF declares: accessible (ua-1), archival (a-3b), print shop "
        "(x-4). Imposed booklet sheets declare none.",
    )(func)
    func = click.option(
        "--qr/--no-qr",
        default=True,
        help="QR codes for the career's main source and the school's website (the "
        "addresses are printed either way).",
    )(func)
    func = click.option(
        "--allow-remote",
        is_flag=True,
        help="Let layouts and profiles load http(s) images and stylesheets (10 s, 10 MB each).",
    )(func)
    func = click.option(
        "--grayscale/--color",
        default=False,
        help="Ink-saving print: black text, light rules, no color fills, gray images.",
    )(func)
    func = click.option(
        "--lang",
        metavar="LANG",
        help="Language of the labels (en, es, es-MX …) and of the content, where a "
        "profile has a translation [default: each profile's own].",
    )(func)
    return click.option(
        "--theme",
        type=click.Path(path_type=Path, dir_okay=False, readable=False),
        help="Theme file: organisation name, logo, colors, fonts, contact block.",
    )(func)


def _attach_option(func: F) -> F:
    return click.option(
        "--attach-source",
        is_flag=True,
        help="Carry the profile, its translation and the theme inside the PDF, so it can "
        "be made again (pdfdetach -saveall FILE.pdf gets them out).",
    )(func)


def _bleed(ctx: click.Context, param: click.Parameter, value: str | None) -> float:
    """`--bleed 3mm`: a CSS length, converted to PDF points and kept within reason."""
    if value is None:
        return 0.0
    try:
        return parse_bleed(value)
    except ValueError as err:
        raise click.BadParameter(str(err), ctx, param) from None


PRINT_MARKS = ("crop", "cross", "crop+cross")


def _print_options(fold: bool = False) -> Callable[[F], F]:
    """--bleed and --marks: what a print shop wants around the page.

    The booklet's `--marks` also takes `fold` (fold marks on imposed sheets), and
    alone it still means fold, as it did when that was all it did.
    """

    def add(func: F) -> F:
        what = "Printer's marks outside the bleed: crop marks, registration crosses, or both"
        if fold:
            func = click.option(
                "--marks",
                type=click.Choice([*PRINT_MARKS, "fold"], case_sensitive=False),
                is_flag=False,
                flag_value="fold",
                default=None,
                help=f"{what}; fold: fold marks on --impose saddle sheets (--marks alone).",
            )(func)
        else:
            func = click.option(
                "--marks",
                type=click.Choice(PRINT_MARKS, case_sensitive=False),
                default=None,
                help=f"{what}.",
            )(func)
        return click.option(
            "--bleed",
            callback=_bleed,
            metavar="LENGTH",
            help="Run bands and backgrounds this far past the page edge, e.g. 3mm or "
            "0.125in (at most 20mm) [default: none].",
        )(func)

    return add


def _look(
    theme: Path | None = None,
    lang: str | None = None,
    pdf_variant: str | None = None,
    marks: str | None = None,
    output_intent: Path | None = None,
    **plain: Any,
) -> RenderOptions:
    """The RenderOptions for these command-line values: files read (so that a bad theme
    or ICC profile stops the command before anything is rendered) and text parsed; the
    options that are plain values (`plain`) go in as they are."""
    from .i18n import valid_lang
    from .icc import load_output_intent
    from .options import RenderOptions
    from .theme import PLAIN, load_theme

    if lang is not None and not valid_lang(lang):
        raise click.BadParameter(f"expected a language tag such as es or es-MX, got {lang!r}")
    return RenderOptions(
        theme=load_theme(theme) if theme is not None else PLAIN,
        lang=lang,
        pdf_variant=pdf_variant.lower() if pdf_variant else None,
        marks=parse_marks(marks) if marks else (),
        output_intent=load_output_intent(output_intent) if output_intent is not None else None,
        **plain,
    )


def _render_options(*, attach: bool = True, fold: bool = False) -> Callable[[F], F]:
    """Declare the options that make a `RenderOptions` and hand the command `options`.

    Each option is declared once, here and in the decorators it calls; the command
    receives the built object (and, with `fold`, `fold`: the booklet's fold marks,
    which are the imposition's, not the page's).
    """

    def add(func: F) -> F:
        @functools.wraps(func)
        def command(*args: Any, **kwargs: Any) -> Any:
            from .options import RenderOptions

            fields = {f.name for f in dataclasses.fields(RenderOptions)}
            values = {name: kwargs.pop(name) for name in fields if name in kwargs}
            marks = values.pop("marks", None)
            if fold:
                kwargs["fold"] = marks is not None and marks.lower() == "fold"
                marks = None if kwargs["fold"] else marks
            kwargs["options"] = _look(marks=marks, **values)
            return func(*args, **kwargs)

        wrapped = _print_options(fold)(command)
        if attach:
            wrapped = _attach_option(wrapped)
        return _look_options(wrapped)  # type: ignore[return-value]

    return add


_CONFIGURABLE = {"render", "booklet", "preview"}


class OptionConflict(click.UsageError):
    """Options that cannot go together: one `error:` line and exit 2, rather than
    Click's usage block."""

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class _Commands(click.Group):
    """The library's `OptionsError` (options that cannot go together) is a usage error."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OptionsError as err:
            if _debug:
                raise
            raise OptionConflict(str(err)) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="brochure")
@_debug_option
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Turn career profiles (YAML) into print-ready PDF brochures.

    A brochure.yaml in the working folder sets defaults (theme, lang, paper, layout,
    grayscale) for render, booklet and preview; options on the command line win.
    """
    from .config import load_settings

    _, values = load_settings()
    if values:
        ctx.default_map = {name: dict(values) for name in _CONFIGURABLE}


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option(
    "-o",
    "--output",
    default="out",
    show_default=True,
    help="Output folder, a .pdf file (one profile), or - for standard output.",
)
@_layout_options("Paper size [default: the layout's first, letter for handout].")
@click.option(
    "--html", "write_html", is_flag=True, help="Also write the merged HTML beside each PDF."
)
@click.option("--strict", is_flag=True, help="Treat rendering warnings as failures.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes [default: the CPUs this process may use].",
)
@click.option("--force", is_flag=True, help="Render everything, even outputs that are up to date.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first profile that fails.")
@click.option(
    "--shard", metavar="K/N", help="Render only the K-th of N stable shares of the inputs."
)
@click.option(
    "--manifest",
    type=click.Path(path_type=Path),
    help="Where to write the manifest [default: OUT/manifest.json].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the manifest on standard output.")
@click.option(
    "-w",
    "--watch",
    is_flag=True,
    help="Keep running; render again whenever a profile or the layout changes (Ctrl-C stops).",
)
@click.option("-v", "--verbose", is_flag=True, help="One line per file instead of a progress bar.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@_render_options()
@_caps_options
@_debug_option
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
    if output == "-":
        if write_html:
            raise click.UsageError("--html needs an output folder or file, not -o -")
        _render_to_stdout(paths, layout, paper, strict, options, _caps(timeout, max_memory))
        return
    from .jobs import cpu_count, parse_shard

    try:
        share = parse_shard(shard) if shard else None
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="'--shard'") from None
    settings: dict[str, Any] = {
        "layout": layout,
        "paper": paper,
        "html": write_html,
        "strict": strict,
        "jobs": jobs or cpu_count(),
        "force": force,
        "fail_fast": fail_fast,
        "shard": share,
        "manifest": manifest,
        "options": options,
        "caps": _caps(timeout, max_memory),
    }
    if watch:
        _watch(paths, output, settings, verbose=verbose, quiet=quiet)
        return
    # --json keeps stdout for the manifest; warnings still go to stderr unless -q.
    progress = _Progress(quiet=quiet or as_json, verbose=verbose, warn=not quiet)
    try:
        from .batch import render_paths

        report = render_paths(
            paths, output, on_outcome=progress.update, on_plan=progress.start, **settings
        )
    finally:
        progress.close()
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    if not quiet:
        _summary(report)
    if not report.ok:
        sys.exit(EXIT_FAILED)


def _summary(report: Any) -> None:
    counts = [(report.count(s), s) for s in ("rendered", "skipped", "failed", "cancelled")]
    summary = ", ".join(f"{n} {s}" for n, s in counts if n or s in ("rendered", "failed"))
    where = f"; manifest {report.manifest}" if report.manifest else ""
    click.echo(f"{summary} in {report.seconds:.1f} s{where}", err=True)


def _watch(
    paths: Sequence[Path], output: str, options: dict[str, Any], *, verbose: bool, quiet: bool
) -> None:
    """Render, then render what changed, until Ctrl-C; one summary line per round."""
    progress = _Progress(quiet=quiet, verbose=verbose)
    rounds = 0

    def on_report(report: Any) -> None:
        nonlocal rounds
        progress.close()
        rounds += 1
        if not quiet:
            _summary(report)
            if rounds == 1:
                click.echo("watching for changes; press Ctrl-C to stop", err=True)

    def on_error(err: BrochureError) -> None:
        progress.close()
        _err(str(err))

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # A watcher runs until it is stopped: by Ctrl-C, and just as cleanly by a TERM from
    # a service manager or a script (a background job may have SIGINT ignored).
    signal.signal(signal.SIGTERM, interrupt)
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, interrupt)
    try:
        from .batch import watch_paths

        watch_paths(
            paths,
            output,
            on_report=on_report,
            on_error=on_error,
            on_outcome=progress.update,
            on_plan=progress.start,
            **options,
        )
    except KeyboardInterrupt:
        progress.close()
        if not quiet:
            click.echo("stopped watching", err=True)


class _Progress:
    """What a batch shows: a bar on a terminal, a line per file with -v, else errors only."""

    def __init__(self, *, quiet: bool, verbose: bool, warn: bool | None = None) -> None:
        self.quiet, self.verbose = quiet, verbose
        self.warn = not quiet if warn is None else warn
        self.bar: Any = None

    def start(self, total: int) -> None:
        if self.quiet or self.verbose or total < 2 or not sys.stderr.isatty():
            return
        self.bar = click.progressbar(length=total, label="rendering", file=sys.stderr)
        self.bar.__enter__()

    def update(self, outcome: Any) -> None:
        if outcome.status == "failed":
            self._clear()
            _err("\n".join(str(p) for p in outcome.problems))
        elif self.verbose and not self.quiet:
            where = outcome.output or outcome.source
            pages = f"  {outcome.pages} pages" if outcome.pages else ""
            click.echo(f"{outcome.status:<9} {where}{pages}", err=True)
        if self.warn:
            for warning in outcome.warnings:
                self._clear()
                _warn(f"{outcome.source}: {warning}")
        if self.bar is not None and outcome.status != "skipped":
            self.bar.update(1)

    def _clear(self) -> None:
        if self.bar is not None:
            click.echo("\r\033[K", nl=False, err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _render_to_stdout(
    paths: Sequence[Path], layout: str, paper: str | None, strict: bool, options: Any, caps: Any
) -> None:
    from functools import partial

    from .batch import pdf_of_file
    from .inputs import expand_paths
    from .jobs import call_capped

    sources = expand_paths(paths)
    if len(sources) != 1:
        raise click.UsageError(f"-o - writes one PDF, but {len(sources)} profiles were given")
    work = partial(pdf_of_file, sources[0], layout, paper, options)
    try:
        data, warnings = call_capped(work, caps)
    except BrochureError as err:
        if err.path is None:  # a cap was hit: say for which profile
            raise BrochureError(err.message, path=sources[0]) from None
        raise
    for warning in warnings:
        _warn(f"{sources[0]}: {warning}")
    if strict and warnings:
        raise BrochureError("warnings are errors with --strict", path=sources[0])
    with click.open_file("-", "wb") as stream:
        stream.write(data)
        stream.flush()


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option(
    "-o", "--output", default="out/booklet.pdf", show_default=True, help="The booklet PDF to write."
)
@click.option("--title", default="Career Booklet", show_default=True, help="Cover title.")
@click.option("--subtitle", help="Cover subtitle, e.g. the event.")
@click.option("--date", "date_text", help="Date line on the cover, as printed (e.g. 'April 2027').")
@_layout_options("Page size; half-letter or a5 for a folded booklet [default: the layout's first].")
@click.option("--group-by", type=click.Choice(["cluster"]), help="Group careers under headings.")
@click.option(
    "--impose",
    type=click.Choice(["saddle"]),
    help="Write printer sheets for a folded, stapled booklet (two pages per sheet side).",
)
@click.option("--fail-fast", is_flag=True, help="Stop at the first bad profile.")
@click.option("--strict", is_flag=True, help="Treat rendering warnings as failures.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@_render_options(fold=True)
@_caps_options
@_debug_option
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

    from .booklet import build_booklet, check_booklet_options
    from .inputs import expand_paths
    from .jobs import call_capped

    check_booklet_options(options, impose, fold)
    careers = len(expand_paths(paths))
    seconds = timeout * (1 + -(-careers // 10))
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
    report = call_capped(work, _caps(timeout, max_memory), seconds)
    for warning in report.warnings:
        _warn(warning)
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
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option("-q", "--quiet", is_flag=True, help="Print only the problems.")
@_debug_option
def validate(paths: Sequence[Path], quiet: bool) -> None:
    """Check profiles; print every problem as FILE:LINE: field: message."""
    from .inputs import validate_paths

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
@_debug_option
def schema(output: Path | None) -> None:
    """Print the profile format as JSON Schema (for editor completion)."""
    from .profile import profile_schema

    text = json.dumps(profile_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    from .output import write_atomic

    write_atomic(output, text.encode())


@cli.command("import")
@click.argument("pages", nargs=-1, required=True)
@click.option(
    "-o", "--output", default="profiles", show_default=True, help="Folder for the profiles."
)
@click.option("--force", is_flag=True, help="Replace profiles that already exist.")
@click.option("--strict", is_flag=True, help="Write nothing for a page with warnings.")
@_debug_option
def import_command(pages: Sequence[str], output: str, force: bool, strict: bool) -> None:
    """Turn career pages (plain text; - for standard input) into profiles."""
    from .importer import import_pages

    outcomes = import_pages(pages, output, force=force, strict=strict)
    for outcome in outcomes:
        for warning in outcome.warnings:
            _warn(warning)
        if not outcome.ok:
            _err("\n".join(str(p) for p in outcome.problems))
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


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option("-o", "--output", default="out/preview", show_default=True, help="Folder for PNGs.")
@_layout_options("Paper size [default: the layout's first].")
@click.option("--dpi", type=click.IntRange(10, 600), default=72, show_default=True)
@_render_options(attach=False)
@_caps_options
@_debug_option
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

    from .inputs import expand_paths
    from .jobs import call_capped
    from .preview import preview_paths

    work = partial(
        preview_paths,
        paths,
        output,
        layout=layout,
        paper=paper,
        dpi=dpi,
        options=options,
    )
    pdfs = [p for p in paths if p.suffix.lower() == ".pdf" and p.is_file()]
    others = [p for p in paths if p not in pdfs]
    seconds = timeout * (len(pdfs) + len(expand_paths(others) if others else []))
    results = call_capped(work, _caps(timeout, max_memory), seconds)
    for source, images in results:
        click.echo(f"{source}: {len(images)} page{'s' * (len(images) != 1)} -> {images[0].parent}")


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
@_debug_option
def new_layout(name: str, base: str, output: Path) -> None:
    """Create a layout folder NAME that extends a built-in layout, ready to edit."""
    from .layout import scaffold_layout

    folder = scaffold_layout(name, output, base)
    click.echo(f"{folder}/  (render with: brochure render PROFILE -l {folder})")


@cli.command("merge-manifests")
@click.argument(
    "manifests", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False)
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write here instead of stdout."
)
@_debug_option
def merge_manifests_command(manifests: Sequence[Path], output: Path | None) -> None:
    """Join the manifests of a sharded run (--shard K/N) into one."""
    from .jobs import merge_manifests
    from .output import write_atomic

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
@_debug_option
def profiles(show_paths: bool) -> None:
    """List the built-in career library (use a slug as PATH in render)."""
    from .inputs import builtin_profiles
    from .profile import load_profile

    for path in builtin_profiles():
        if show_paths:
            click.echo(str(path))
            continue
        profile = load_profile(path)
        click.echo(f"{profile.key:<40}  {profile.title}")


@cli.command()
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path, readable=False))
@_debug_option
def layouts(folders: Sequence[Path]) -> None:
    """List built-in layouts, and any layout FOLDERS given, with their papers."""
    from .layout import builtin_layouts, find_layout

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


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the command and turn library errors into one-line messages."""
    global _debug
    _debug = False
    try:
        cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="brochure",
            standalone_mode=False,
        )
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("error: aborted", err=True)
        sys.exit(EXIT_FAILED)
    except BrochureError as exc:
        if _debug:
            raise
        _err(str(exc))
        sys.exit(EXIT_FAILED)
    except BrokenPipeError:
        sys.exit(EXIT_FAILED)
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if _debug:
            raise
        click.echo(
            f"error: unexpected {type(exc).__name__}: {exc} (run again with --debug for details)",
            err=True,
        )
        sys.exit(EXIT_FAILED)
    sys.exit(EXIT_OK)
