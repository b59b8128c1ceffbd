"""The `brochure` group and its entry point: library errors become one-line messages."""

from __future__ import annotations

import atexit
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from .._version import __version__
from ..errors import BrochureError, OptionsError
from .common import (
    DEBUG,
    EXIT_FAILED,
    EXIT_OK,
    PROCESS,
    debug_option,
    error_line,
)

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
            if DEBUG.on:
                raise
            raise OptionConflict(str(err)) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="brochure")
@debug_option
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Turn career profiles (YAML) into print-ready PDF brochures.

    A brochure.yaml in the working folder sets defaults (theme, lang, paper, layout,
    grayscale) for render, booklet and preview; options on the command line win.
    """
    from ..config import load_settings

    _, values = load_settings()
    if values:
        ctx.default_map = {name: dict(values) for name in _CONFIGURABLE}


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the command and turn library errors into one-line messages.

    Without `argv` this process is the command: it ends as soon as its work is done
    and said (`_leave`). With `argv` (a test, a script) it raises SystemExit.
    """
    PROCESS.ends = argv is None
    try:
        _run(argv)
    except SystemExit as done:
        if not PROCESS.ends:
            raise
        _leave(done.code)


def _leave(code: object) -> NoReturn:
    """End the process without tearing its heap down object by object.

    A booklet command ends holding a large heap (a hundred opened parts, the joined
    file): Python's own exit took 0.12 to 0.15 s of a 2 s command, freeing it.
    The exit handlers still run (worker processes stopped, temporary folders removed),
    the output streams are flushed, every file the command wrote is already closed.
    """
    status = code if isinstance(code, int) else (0 if code is None else EXIT_FAILED)
    if code is not None and not isinstance(code, int):
        click.echo(code, err=True)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # the reader left early (`| head`), as when writing
            status = status or EXIT_FAILED
        except Exception:  # a stream closed or gone: nothing more can be said
            pass
    os._exit(status)


def _run(argv: Sequence[str] | None) -> None:
    DEBUG.on = False
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
        if DEBUG.on:
            raise
        error_line(str(exc))
        sys.exit(EXIT_FAILED)
    except BrokenPipeError:
        sys.exit(EXIT_FAILED)
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if DEBUG.on:
            raise
        click.echo(
            f"error: unexpected {type(exc).__name__}: {exc} (run again with --debug for details)",
            err=True,
        )
        sys.exit(EXIT_FAILED)
    sys.exit(EXIT_OK)
