"""What every command shares: option declarations, the RenderOptions they build, messages."""

from __future__ import annotations

import dataclasses
import functools
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import printable
from ..paper import PAPER_NAMES, PDF_VARIANTS, parse_bleed, parse_marks

if TYPE_CHECKING:
    from ..batch import Caps
    from ..options import RenderOptions  # imported when a command runs: --help stays fast


F = TypeVar("F", bound=Callable[..., Any])


class _Debug:
    """Whether --debug was given: a full traceback instead of a one-line error."""

    on = False


DEBUG = _Debug()


class _Process:
    """Whether this process is the command itself (the console script, `python -m`),
    which ends as soon as its work is done (`app._leave`), rather than a caller of
    `main` or of the Click group (a test, a script) that goes on afterwards."""

    ends = False


PROCESS = _Process()

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    DEBUG.on = DEBUG.on or value
    return value


def debug_option(func: F) -> F:
    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=set_debug,
        help="Show a full traceback on unexpected errors.",
    )(func)


def error_line(message: str) -> None:
    for line in message.splitlines():
        click.echo(f"error: {printable(line)}", err=True)


def warning_line(message: str) -> None:
    click.echo(f"warning: {printable(message)}", err=True)


def watch_rounds(
    watch: Callable[..., None],
    told: Callable[[Any], None],
    *,
    close: Callable[[], None],
    quiet: bool,
) -> None:
    """A watcher (`watch(on_report=…, on_error=…)`) run until Ctrl-C, or just as cleanly
    a TERM from a service manager or a script (a background job may have SIGINT
    ignored). Each round's report is `told` once the progress is `close`d, and an error
    is one line; the first round, whichever it was, is followed by how to stop, since
    the watcher goes on either way (fix the profile and save)."""
    rounds = 0

    def after_round() -> None:
        nonlocal rounds
        rounds += 1
        if rounds == 1 and not quiet:
            click.echo("watching for changes; press Ctrl-C to stop", err=True)

    def on_report(report: Any) -> None:
        close()
        told(report)
        after_round()

    def on_error(err: Exception) -> None:
        close()
        error_line(str(err))
        after_round()

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, interrupt)
    try:
        watch(on_report=on_report, on_error=on_error)
    except KeyboardInterrupt:
        close()
        if not quiet:
            click.echo("stopped watching", err=True)


class Bar:
    """A progress bar on standard error when it is a terminal, else nothing."""

    def __init__(self) -> None:
        self.bar: Any = None

    def start(self, total: int, label: str, *, shown: bool = True) -> None:
        """A bar of `total` steps, unless not `shown`, or one step, or no terminal."""
        if not shown or total < 2 or not sys.stderr.isatty():
            return
        self.bar = click.progressbar(length=total, label=label, file=sys.stderr)
        self.bar.__enter__()

    def step(self) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def clear(self) -> None:
        """The bar's line wiped, for a line of text to take its place."""
        if self.bar is not None:
            click.echo("\r\033[K", nl=False, err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


# Profile files and folders, the same on every command that reads profiles; the library
# checks each path itself and names a bad one in its own one-line error.
paths_argument = click.argument(
    "paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False)
)


def caps_options(func: F) -> F:
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


def caps_from(timeout: float, max_memory: int) -> Caps:
    from ..batch import Caps

    return Caps(seconds=timeout, memory_mib=max_memory)


def layout_options(paper_help: str) -> Callable[[F], F]:
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


def run_options(*, jobs: str, force: str, manifest: str, unit: str) -> Callable[[F], F]:
    """-j/--jobs, --force, --manifest, --json, -v/--verbose and -q/--quiet: how a run of
    many outputs is shared out, redone, recorded and shown, the same on `render` and
    `booklet`. `unit` is what -v prints a line for."""

    def add(func: F) -> F:
        options = [
            click.option(
                "-j",
                "--jobs",
                type=click.IntRange(min=1),
                default=None,
                help=f"{jobs} [default: the CPUs this process may use].",
            ),
            click.option("--force", is_flag=True, help=force),
            click.option(
                "--manifest",
                type=click.Path(path_type=Path),
                help=f"Where to write the manifest [default: {manifest}].",
            ),
            click.option(
                "--json", "as_json", is_flag=True, help="Print the manifest on standard output."
            ),
            click.option(
                "-v",
                "--verbose",
                is_flag=True,
                help=f"One line per {unit} instead of a progress bar.",
            ),
            click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors."),
        ]
        for option in reversed(options):
            func = option(func)
        return func

    return add


def look_options(func: F) -> F:
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
        type=click.Choice(PDF_VARIANTS, case_sensitive=False),
        default=None,
        show_default="pdf/ua-1",
        help="The standard the PDF declares: accessible (ua-1), archival (a-3b), print shop "
        "(x-4). Imposed booklet sheets declare none.",
    )(func)
    func = click.option(
        "--stale-after",
        type=click.FloatRange(0, 100),
        default=2.0,
        show_default=True,
        metavar="YEARS",
        help="Warn when a profile's figures (its as_of) are older than this; 0 never.",
    )(func)
    func = click.option(
        "--state",
        callback=lambda ctx, param, value: value.upper() if value else None,
        metavar="XX",
        help="A US state's postal code: print its median pay beside the national one.",
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


def attach_option(func: F) -> F:
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


def print_options(fold: bool = False) -> Callable[[F], F]:
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
    from ..icc import load_output_intent
    from ..options import RenderOptions
    from ..theme import PLAIN, load_theme

    return RenderOptions(
        theme=load_theme(theme) if theme is not None else PLAIN,
        lang=lang,
        pdf_variant=pdf_variant.lower() if pdf_variant else None,
        marks=parse_marks(marks) if marks else (),
        output_intent=load_output_intent(output_intent) if output_intent is not None else None,
        **plain,
    )


def render_options(*, attach: bool = True, fold: bool = False) -> Callable[[F], F]:
    """Declare the options that make a `RenderOptions` and hand the command `options`.

    Each option is declared once, here and in the decorators it calls; the command
    receives the built object (and, with `fold`, `fold`: the booklet's fold marks,
    which are the imposition's, not the page's).
    """

    def add(func: F) -> F:
        @functools.wraps(func)
        def command(*args: Any, **kwargs: Any) -> Any:
            from ..options import RenderOptions

            fields = {f.name for f in dataclasses.fields(RenderOptions)}
            values = {name: kwargs.pop(name) for name in fields if name in kwargs}
            marks = values.pop("marks", None)
            if fold:
                kwargs["fold"] = marks is not None and marks.lower() == "fold"
                marks = None if kwargs["fold"] else marks
            kwargs["options"] = _look(marks=marks, **values)
            return func(*args, **kwargs)

        wrapped = print_options(fold)(command)
        if attach:
            wrapped = attach_option(wrapped)
        return look_options(wrapped)  # type: ignore[return-value]

    return add
